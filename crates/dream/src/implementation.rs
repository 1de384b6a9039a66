//! A project's implementation in a DREAM document. DREAM keeps plan and fact
//! under a contracting process's `contract.implementation.metrics`
//! (`contractPlan`, `contractFact`); Portfel writes one such process per
//! project with facts: per accepted report's period, the money received and
//! spent per funding source and the physical progress (`contractFact`). The
//! plan stays where DREAM keeps a project's financing (`approaches[].budget`).
//! Its observations are told apart by `dimensions.workCategory` (one of
//! [`CATEGORIES`]) and carry the funding source in `dimensions.workItem`;
//! amounts are exact decimal strings in `measure`.

use portfel_domain::money::MAX_LINE_AMOUNT;
use portfel_domain::{Status, Uah};
use portfel_monitoring::period::Period;
use portfel_monitoring::report::{ReportContent, SourceFact};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::shapes::{date, langs, period_value, sub_id};

/// Work categories of the observations Portfel manages.
pub const CATEGORIES: [&str; 3] = ["received", "spent", "progress"];

fn uah_unit() -> Value {
    json!({"id": "UAH", "scheme": "ISO4217", "name": "гривня"})
}

fn percent_unit() -> Value {
    json!({"id": "P1", "scheme": "UNCEFACT", "name": "відсоток"})
}

fn period_key(period: Period) -> String {
    match period.quarter {
        Some(q) => format!("{}-Q{q}", period.year),
        None => period.year.to_string(),
    }
}

fn observation(id: String, category: &str, source: Option<&str>, measure: Decimal, period: Period) -> Value {
    let unit = if category == "progress" { percent_unit() } else { uah_unit() };
    let mut dimensions = json!({"workCategory": category});
    if let Some(source) = source {
        dimensions["workItem"] = json!(source);
    }
    json!({
        "id": id,
        "measure": measure.normalize().to_string(),
        "dimensions": dimensions,
        "period": period_value(period),
        "unit": unit,
    })
}

/// DREAM's contracting process status for a project's state.
fn process_status(status: Status) -> &'static str {
    match status {
        Status::Implementation => "implementation",
        Status::Completed => "complete",
        Status::Cancelled => "cancelled",
        Status::Unsuccessful => "unsuccessful",
        _ => "preparation",
    }
}

/// Whether a contracting process is the one Portfel manages.
pub(crate) fn is_managed(process: &Value) -> bool {
    observations(process)
        .any(|(_, o)| o["dimensions"]["workCategory"].as_str().is_some_and(|c| CATEGORIES.contains(&c)))
}

fn observations(process: &Value) -> impl Iterator<Item = (&Value, &Value)> {
    let metrics = process["summary"]["contract"]["implementation"]["metrics"].as_array().into_iter().flatten();
    metrics.flat_map(|m| m["observations"].as_array().into_iter().flatten().map(move |o| (&m["id"], o)))
}

/// The contracting process holding the accepted reports' facts, if there are reports.
pub(crate) fn process(id: Uuid, status: Status, title: &str, reports: &[ReportContent]) -> Option<Value> {
    if reports.is_empty() {
        return None;
    }
    let mut facts = Vec::new();
    for r in reports {
        let key = period_key(r.period);
        for f in &r.financing {
            for (category, amount) in [("received", f.received), ("spent", f.spent)] {
                let oid = sub_id(id, &format!("fact/{key}/{category}/{}", f.source));
                facts.push(observation(oid, category, Some(&f.source), amount.value(), r.period));
            }
        }
        let oid = sub_id(id, &format!("fact/{key}/progress"));
        facts.push(observation(oid, "progress", None, r.progress_percent, r.period));
    }
    let metrics = [json!({"id": "contractFact", "observations": facts})];
    Some(json!({
        "id": sub_id(id, "implementation"),
        "platform": "national",
        "summary": {
            "title": langs(&format!("Реалізація: {title}"), None),
            "status": process_status(status),
            "contract": {"implementation": {"metrics": metrics}},
        }
    }))
}

fn measure(o: &Value) -> Option<Decimal> {
    let text = o["measure"].as_str()?;
    text.trim().parse::<Decimal>().ok()
}

/// The reports' financing and progress read back from the managed processes,
/// by period; observations Portfel cannot use (other units, foreign periods,
/// unknown sources, out-of-range figures) are left in the document only.
pub(crate) fn reports(doc: &Value, known_source: impl Fn(&str) -> bool) -> Vec<ReportContent> {
    let mut out: Vec<ReportContent> = Vec::new();
    let processes = doc["contractingProcesses"].as_array().into_iter().flatten().filter(|p| is_managed(p));
    for (metric, o) in processes.flat_map(observations) {
        if metric != "contractFact" {
            continue;
        }
        let bounds = date(&o["period"]["startDate"]).zip(date(&o["period"]["endDate"]));
        let Some(period) = bounds.and_then(|(start, end)| Period::spanning(start, end)) else { continue };
        let Some(value) = measure(o) else { continue };
        let report = match out.iter_mut().position(|r| r.period == period) {
            Some(i) => &mut out[i],
            None => {
                out.push(ReportContent {
                    period,
                    financing: Vec::new(),
                    progress_percent: Decimal::ZERO,
                    milestones: Vec::new(),
                    indicators: Vec::new(),
                    narrative: String::new(),
                    estimated_cost: None,
                    documents: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        let category = o["dimensions"]["workCategory"].as_str().unwrap_or_default();
        if category == "progress" {
            if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&value) && o["unit"]["id"] == "P1" {
                report.progress_percent = value;
            }
            continue;
        }
        let source = o["dimensions"]["workItem"].as_str().filter(|s| known_source(s));
        let amount = (o["unit"]["id"] == "UAH" && value <= MAX_LINE_AMOUNT)
            .then(|| Uah::new(value).ok())
            .flatten()
            .filter(|a| !a.is_negative());
        let (Some(source), Some(amount)) = (source, amount) else { continue };
        let line = match report.financing.iter().position(|f| f.source == source) {
            Some(i) => &mut report.financing[i],
            None => {
                report.financing.push(SourceFact { source: source.to_owned(), received: Uah::ZERO, spent: Uah::ZERO });
                report.financing.last_mut().expect("just pushed")
            }
        };
        match category {
            "received" => line.received = amount,
            "spent" => line.spent = amount,
            _ => {}
        }
    }
    out.sort_by_key(|r| r.period);
    out
}
