//! What DREAM documents share, read and written alike: the metrics Portfel
//! manages, ids of a passport's parts, periods, language maps and dates.

use chrono::NaiveDate;
use portfel_monitoring::period::Period;
use serde_json::{Value, json};
use uuid::Uuid;

/// Metric characteristics Portfel manages.
pub(crate) const MANAGED_METRICS: [&str; 2] = ["numberOfConsumers", "numberOfIDP"];
/// The metric entry holding beneficiaries.
pub(crate) const SOCIAL_METRICS: &str = "initiationMetricsSocialAndEconomic";

/// The id of a passport's part `name` inside its DREAM document: stable across exports.
pub(crate) fn sub_id(passport: Uuid, name: &str) -> String {
    Uuid::new_v5(&passport, name.as_bytes()).to_string()
}

/// A DREAM period (`startDate`, `endDate`) covering `period`'s days.
pub(crate) fn period_value(period: Period) -> Value {
    json!({"startDate": format!("{}T00:00:00Z", period.start()), "endDate": format!("{}T23:59:59Z", period.end())})
}

/// A DREAM language map: Ukrainian, and English when given and different.
pub(crate) fn langs(uk: &str, en: Option<&str>) -> Value {
    let uk = uk.trim();
    let mut out = vec![json!({"lang": "uk", "translation": uk})];
    if let Some(en) = en.map(str::trim).filter(|e| !e.is_empty() && *e != uk) {
        out.push(json!({"lang": "en", "translation": en}));
    }
    Value::Array(out)
}

/// The day a DREAM date-time falls on (its first ten characters).
pub(crate) fn date(v: &Value) -> Option<NaiveDate> {
    v.as_str().and_then(|s| s.get(..10)).and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}
