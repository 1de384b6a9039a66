//! A programme's history: the approved programme and each amendment the
//! council decided is a version with that decision's number and date. A
//! year's report reads the version in force then — the last one decided by
//! the year's end — and two versions compare measure by measure.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use portfel_domain::FieldError;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::programme::{Measure, Programme};

/// One version of a programme.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProgrammeVersion {
    /// 1 for the programme as approved, then one more per amendment.
    pub number: i32,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
    /// The programme as this version states it (its decision among it).
    #[serde(flatten)]
    pub programme: Programme,
}

/// The version in force in `year`: of `versions` (oldest first), the last one
/// decided by the year's end; the first one when none was decided by then.
pub fn in_force(versions: &[ProgrammeVersion], year: i32) -> Option<&ProgrammeVersion> {
    versions.iter().rev().find(|v| v.programme.decision_date.year() <= year).or_else(|| versions.first())
}

/// Why `next` cannot follow `previous`, if it cannot: an amendment is not
/// decided before the version it amends.
pub fn amendment_order_refusal(previous: &Programme, next: &Programme) -> Option<FieldError> {
    (next.decision_date < previous.decision_date).then(|| {
        FieldError::of(
            "decision_date",
            "decision_before_previous",
            &[("date", previous.decision_date.format("%d.%m.%Y").to_string())],
        )
    })
}

/// What an amendment did to a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasureChangeKind {
    /// The measure is new.
    Added,
    /// The measure is gone (only a measure without facts can go).
    Removed,
    /// The measure was closed: no plan or fact after its last year.
    Closed,
    /// Its text, executors or plan changed.
    Changed,
}

/// A year's planned financing of a measure before and after, in UAH.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlannedChange {
    /// Budget year.
    pub year: i32,
    /// Planned before, all sources.
    #[schema(value_type = String)]
    pub before: Decimal,
    /// Planned after, all sources.
    #[schema(value_type = String)]
    pub after: Decimal,
}

/// One measure's change between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MeasureChange {
    /// The measure's number.
    pub number: String,
    /// What happened to it.
    pub kind: MeasureChangeKind,
    /// Its text before, when it was there.
    pub text_before: Option<String>,
    /// Its text after, when it is there.
    pub text_after: Option<String>,
    /// The years whose planned financing changed.
    pub planned: Vec<PlannedChange>,
}

/// What changed from one version to another.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProgrammeDiff {
    /// The earlier version's number.
    pub from: i32,
    /// The later version's number.
    pub to: i32,
    /// Fields of the programme itself that changed (title, decision, period, responsible).
    pub fields: Vec<String>,
    /// Measures added, removed, closed or changed, in the later version's order (removed ones last).
    pub measures: Vec<MeasureChange>,
}

fn planned_by_year(m: Option<&Measure>) -> BTreeMap<i32, Decimal> {
    let mut out = BTreeMap::new();
    for a in m.into_iter().flat_map(|m| &m.planned) {
        *out.entry(a.year).or_insert(Decimal::ZERO) += a.amount.value();
    }
    out
}

fn measure_change(before: Option<&Measure>, after: Option<&Measure>) -> Option<MeasureChange> {
    let (old, new) = (planned_by_year(before), planned_by_year(after));
    let years: std::collections::BTreeSet<i32> = old.keys().chain(new.keys()).copied().collect();
    let planned: Vec<PlannedChange> = years
        .into_iter()
        .map(|year| PlannedChange {
            year,
            before: old.get(&year).copied().unwrap_or_default(),
            after: new.get(&year).copied().unwrap_or_default(),
        })
        .filter(|c| c.before != c.after)
        .collect();
    let kind = match (before, after) {
        (None, Some(_)) => MeasureChangeKind::Added,
        (Some(_), None) => MeasureChangeKind::Removed,
        (Some(b), Some(a)) if a.closed_after.is_some() && b.closed_after != a.closed_after => MeasureChangeKind::Closed,
        (Some(b), Some(a)) if b != a => MeasureChangeKind::Changed,
        _ => return None,
    };
    let number = after.or(before).map(|m| m.number.clone()).unwrap_or_default();
    Some(MeasureChange {
        number,
        kind,
        text_before: before.map(|m| m.text.clone()),
        text_after: after.map(|m| m.text.clone()),
        planned,
    })
}

/// The changes from version `from` to version `to`.
pub fn diff(from: &ProgrammeVersion, to: &ProgrammeVersion) -> ProgrammeDiff {
    let (a, b) = (&from.programme, &to.programme);
    let mut fields = Vec::new();
    let mut differs = |name: &str, changed: bool| {
        if changed {
            fields.push(name.to_owned());
        }
    };
    differs("title", a.title != b.title);
    differs("decision_number", a.decision_number != b.decision_number);
    differs("decision_date", a.decision_date != b.decision_date);
    differs("period_start", a.period_start != b.period_start);
    differs("period_end", a.period_end != b.period_end);
    differs("responsible", a.responsible != b.responsible);
    let mut measures: Vec<MeasureChange> =
        b.measures().filter_map(|(_, m)| measure_change(a.measure(&m.number), Some(m))).collect();
    measures.extend(
        a.measures().filter(|(_, m)| b.measure(&m.number).is_none()).filter_map(|(_, m)| measure_change(Some(m), None)),
    );
    ProgrammeDiff { from: from.number, to: to.number, fields, measures }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn version(number: i32, decided: (i32, u32, u32), measures: serde_json::Value) -> ProgrammeVersion {
        let programme = serde_json::from_value(serde_json::json!({
            "title": "Програма", "decision_number": format!("{number}-р"),
            "decision_date": NaiveDate::from_ymd_opt(decided.0, decided.1, decided.2).unwrap(),
            "period_start": 2026, "period_end": 2028, "responsible": "Управління",
            "sections": [{"number": "1", "title": "Розділ", "measures": measures}]
        }))
        .unwrap();
        ProgrammeVersion { number, recorded_at: Utc::now(), recorded_by: "pim".into(), programme }
    }

    fn measure(number: &str, amount: &str) -> serde_json::Value {
        serde_json::json!({"number": number, "text": format!("Захід {number}"),
            "planned": [{"year": 2027, "source": "localBudget", "amount": amount}]})
    }

    #[test]
    fn the_version_in_force_is_the_last_decided_by_the_years_end() {
        let versions = [
            version(1, (2025, 12, 20), serde_json::json!([])),
            version(2, (2027, 3, 1), serde_json::json!([])),
            version(3, (2027, 11, 30), serde_json::json!([])),
            version(4, (2028, 2, 1), serde_json::json!([])),
        ];
        assert_eq!(in_force(&versions, 2026).map(|v| v.number), Some(1));
        assert_eq!(in_force(&versions, 2027).map(|v| v.number), Some(3));
        assert_eq!(in_force(&versions, 2028).map(|v| v.number), Some(4));
        assert_eq!(in_force(&versions, 2024).map(|v| v.number), Some(1), "before any decision: the first");
        assert_eq!(in_force(&[], 2027), None);
    }

    #[test]
    fn an_amendment_is_not_decided_before_what_it_amends() {
        let (a, b) =
            (version(1, (2026, 5, 1), serde_json::json!([])), version(2, (2026, 4, 30), serde_json::json!([])));
        let refusal = amendment_order_refusal(&a.programme, &b.programme).expect("refused");
        assert_eq!((refusal.field.as_str(), refusal.code.as_str()), ("decision_date", "decision_before_previous"));
        assert_eq!(amendment_order_refusal(&a.programme, &a.programme), None, "the same day is allowed");
    }

    #[test]
    fn the_diff_names_each_measure_added_removed_closed_or_changed() {
        let a = version(
            1,
            (2026, 1, 10),
            serde_json::json!([measure("1.1", "100.00"), measure("1.2", "50.00"), measure("1.3", "7.00")]),
        );
        let mut closed = measure("1.2", "50.00");
        closed["closed_after"] = serde_json::json!(2027);
        let b = version(2, (2026, 6, 1), serde_json::json!([measure("1.1", "120.00"), closed, measure("1.4", "9.00")]));
        let d = diff(&a, &b);
        assert_eq!(d.fields, ["decision_number", "decision_date"]);
        let kinds: Vec<(&str, MeasureChangeKind)> = d.measures.iter().map(|m| (m.number.as_str(), m.kind)).collect();
        use MeasureChangeKind::*;
        assert_eq!(kinds, [("1.1", Changed), ("1.2", Closed), ("1.4", Added), ("1.3", Removed)]);
        assert_eq!(
            d.measures[0].planned,
            [PlannedChange { year: 2027, before: Decimal::new(100, 0), after: Decimal::new(120, 0) }]
        );
        assert_eq!(d.measures[3].planned[0].after, Decimal::ZERO);
        assert!(diff(&a, &a).measures.is_empty());
    }
}
