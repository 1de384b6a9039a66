//! Quarterly programme reporting by the executive bodies: the organisations
//! that carry out a measure report each quarter what it spent and what was
//! done; the PIM unit accepts or returns the report; the year's fact of a
//! measure is the sum of its accepted quarters.
//!
//! A measure's year is reported either by quarters or by one annual fact the
//! PIM unit records, never both, so nothing is counted twice.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use portfel_domain::{FieldError, Uah};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::programme::{MeasureFact, Programme};

/// What an executive body reports for a measure's quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuarterFact {
    /// The measure's number.
    pub measure: String,
    /// Budget year.
    #[schema(minimum = 2000, maximum = 2100, example = 2027)]
    pub year: i32,
    /// Quarter, 1 to 4.
    #[schema(minimum = 1, maximum = 4, example = 1)]
    pub quarter: u8,
    /// Spent in the quarter.
    pub amount: Uah,
    /// What was done.
    #[serde(default)]
    pub narrative: String,
}

/// Where a quarterly report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuarterStatus {
    /// Waiting for the PIM unit.
    Submitted,
    /// Counted in the year's fact.
    Accepted,
    /// Sent back with a reason, to correct and submit again.
    Returned,
}

impl QuarterStatus {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            QuarterStatus::Submitted => "submitted",
            QuarterStatus::Accepted => "accepted",
            QuarterStatus::Returned => "returned",
        }
    }

    /// From the stored word.
    pub fn parse(word: &str) -> Option<QuarterStatus> {
        [QuarterStatus::Submitted, QuarterStatus::Accepted, QuarterStatus::Returned]
            .into_iter()
            .find(|s| s.as_str() == word)
    }
}

/// A stored quarterly report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct QuarterReport {
    /// Id.
    pub id: Uuid,
    /// The programme.
    pub programme_id: Uuid,
    /// The reporting organisation.
    pub organisation_id: Uuid,
    /// What it reports.
    #[serde(flatten)]
    pub fact: QuarterFact,
    /// Where it stands.
    pub status: QuarterStatus,
    /// Why the PIM unit returned it.
    pub return_reason: Option<String>,
    /// The day to submit it again by, when the PIM unit set one on its return.
    pub resubmit_by: Option<NaiveDate>,
    /// Who submitted it last.
    pub submitted_by: String,
    /// When it was submitted last.
    pub submitted_at: DateTime<Utc>,
    /// Who accepted or returned it.
    pub reviewed_by: Option<String>,
    /// Concurrency version (`ETag`).
    pub version: i32,
}

/// Why a quarterly report is refused: input that breaks a rule of the
/// programme, or a write that conflicts with what is recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The report itself is wrong (422).
    Invalid(FieldError),
    /// The recorded state refuses it (409).
    Conflict(FieldError),
}

impl Refusal {
    /// The field error either way.
    pub fn error(&self) -> &FieldError {
        match self {
            Refusal::Invalid(e) | Refusal::Conflict(e) => e,
        }
    }
}

impl QuarterReport {
    /// The report as a fact of its measure and year, its narrative headed by the quarter.
    pub fn as_fact(&self) -> MeasureFact {
        let text = self.fact.narrative.trim();
        MeasureFact {
            measure: self.fact.measure.clone(),
            year: self.fact.year,
            amount: self.fact.amount,
            narrative: if text.is_empty() {
                String::new()
            } else {
                format!("{}: {text}", quarter_name(self.fact.quarter))
            },
        }
    }
}

/// The first day of a quarter.
pub fn quarter_start(year: i32, quarter: u8) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, u32::from(quarter.clamp(1, 4)) * 3 - 2, 1)
}

/// Why `organisation` cannot report `fact` for `programme` on `today`, if it
/// cannot: the measure must exist and run that year, within the programme's
/// period, carried out by the organisation; the quarter must have begun; and
/// a year the PIM unit reported with one annual fact (`annual`) takes no
/// quarters. `existing` is the report already filed for this quarter, if any:
/// an accepted one is final.
pub fn submission_refusal(
    programme: &Programme,
    fact: &QuarterFact,
    organisation: Uuid,
    today: NaiveDate,
    annual: &[MeasureFact],
    existing: Option<&QuarterReport>,
) -> Option<Refusal> {
    invalid_submission(programme, fact, organisation, today).map(Refusal::Invalid).or_else(|| {
        if annual.iter().any(|f| f.measure == fact.measure && f.year == fact.year) {
            return Some(Refusal::Conflict(FieldError::of("year", "year_annual", &[("year", fact.year.to_string())])));
        }
        existing.filter(|r| r.status == QuarterStatus::Accepted).map(|_| {
            Refusal::Conflict(FieldError::of("quarter", "quarter_accepted", &[("quarter", fact.quarter.to_string())]))
        })
    })
}

fn invalid_submission(
    programme: &Programme,
    fact: &QuarterFact,
    organisation: Uuid,
    today: NaiveDate,
) -> Option<FieldError> {
    let Some(measure) = programme.measure(&fact.measure) else {
        return Some(FieldError::of("measure", "unknown_measure", &[("measure", fact.measure.clone())]));
    };
    let year = [("year", fact.year.to_string())];
    if !(programme.period_start..=programme.period_end).contains(&fact.year) {
        return Some(FieldError::of("year", "outside_programme", &year));
    }
    if !measure.runs_in(fact.year) {
        return Some(FieldError::of("year", "measure_closed", &[("year", fact.year.to_string())]));
    }
    if !(1..=4).contains(&fact.quarter) {
        return Some(FieldError::of("quarter", "out_of_range", &[]));
    }
    if quarter_start(fact.year, fact.quarter).is_none_or(|start| today < start) {
        return Some(FieldError::of("quarter", "quarter_not_started", &[("quarter", fact.quarter.to_string())]));
    }
    if fact.amount.is_negative() {
        return Some(FieldError::of("amount", "negative_amount", &[]));
    }
    (!measure.organisation_ids.contains(&organisation))
        .then(|| FieldError::of("measure", "not_executor", &[("measure", fact.measure.clone())]))
}

/// Why the PIM unit cannot record an annual fact for `fact`'s measure and
/// year: quarters were reported for it.
pub fn annual_refusal(fact: &MeasureFact, quarters: &[QuarterReport]) -> Option<FieldError> {
    quarters
        .iter()
        .any(|q| q.fact.measure == fact.measure && q.fact.year == fact.year)
        .then(|| FieldError::of("year", "year_by_quarters", &[("year", fact.year.to_string())]))
}

/// Why a report in `status` cannot be accepted or returned: only a submitted one can.
pub fn review_refusal(status: QuarterStatus) -> Option<FieldError> {
    (status != QuarterStatus::Submitted).then(|| FieldError::of("status", "quarter_not_submitted", &[]))
}

/// The quarter's name as the report prints it.
pub fn quarter_name(quarter: u8) -> &'static str {
    match quarter {
        1 => "I квартал",
        2 => "II квартал",
        3 => "III квартал",
        _ => "IV квартал",
    }
}

/// The accepted quarters as the measures' facts of their years, each
/// narrative headed by its quarter, in quarter order.
pub fn accepted_facts(quarters: &[QuarterReport]) -> Vec<MeasureFact> {
    let mut accepted: Vec<&QuarterReport> = quarters.iter().filter(|q| q.status == QuarterStatus::Accepted).collect();
    accepted.sort_by_key(|q| (q.fact.year, q.fact.quarter));
    accepted.into_iter().map(QuarterReport::as_fact).collect()
}

/// The day a quarter's programme report is due: as a project's quarterly
/// report, the default `report_days` after the quarter ends.
pub fn quarter_due(year: i32, quarter: u8) -> NaiveDate {
    crate::deviation::due(
        crate::period::Period::quarter(year, quarter.clamp(1, 4)),
        &crate::deviation::Thresholds::default(),
    )
}

/// The quarters of `year` that have ended by `today`.
pub fn ended_quarters(year: i32, today: NaiveDate) -> impl Iterator<Item = u8> {
    (1..=4u8).filter(move |q| {
        let next = if *q == 4 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { quarter_start(year, q + 1) };
        next.is_some_and(|n| n <= today)
    })
}

/// The quarters `organisation` still owes on `today`, as (measure, year,
/// quarter): of the measures it carries out, running that year, each quarter
/// ended this year and the last quarter of the year before, with no report
/// but a returned one, unless the PIM unit reported the year with one annual
/// fact (`annual`).
pub fn due_quarters(
    programme: &Programme,
    organisation: Uuid,
    reports: &[QuarterReport],
    annual: &[MeasureFact],
    today: NaiveDate,
) -> Vec<(String, i32, u8)> {
    let periods =
        std::iter::once((today.year() - 1, 4)).chain(ended_quarters(today.year(), today).map(|q| (today.year(), q)));
    let periods: Vec<(i32, u8)> =
        periods.filter(|(y, _)| (programme.period_start..=programme.period_end).contains(y)).collect();
    let mut out = Vec::new();
    for (_, m) in programme.measures().filter(|(_, m)| m.organisation_ids.contains(&organisation)) {
        for &(year, quarter) in periods.iter().filter(|(y, _)| m.runs_in(*y)) {
            let filed = reports.iter().any(|r| {
                r.fact.measure == m.number
                    && (r.fact.year, r.fact.quarter) == (year, quarter)
                    && r.status != QuarterStatus::Returned
            });
            let annually = annual.iter().any(|f| f.measure == m.number && f.year == year);
            if !filed && !annually {
                out.push((m.number.clone(), year, quarter));
            }
        }
    }
    out
}

/// True when a programme ends within `days` of `today` (and has not ended):
/// time to prepare the next one.
pub fn expires_within(programme: &Programme, today: NaiveDate, days: i64) -> bool {
    NaiveDate::from_ymd_opt(programme.period_end, 12, 31)
        .is_some_and(|end| today <= end && (end - today).num_days() <= days && today.year() >= programme.period_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme(executor: Uuid) -> Programme {
        serde_json::from_value(serde_json::json!({
            "title": "Програма", "decision_number": "1", "decision_date": "2026-01-15",
            "period_start": 2026, "period_end": 2027, "responsible": "Управління",
            "sections": [{"number": "1", "title": "Розділ", "measures": [
                {"number": "1.1", "text": "Ремонт", "organisation_ids": [executor],
                 "planned": [{"year": 2026, "source": "localBudget", "amount": "400.00"}]},
                {"number": "1.2", "text": "Закрито", "organisation_ids": [executor], "closed_after": 2026}
            ]}]
        }))
        .unwrap()
    }

    fn fact(measure: &str, year: i32, quarter: u8) -> QuarterFact {
        QuarterFact {
            measure: measure.into(),
            year,
            quarter,
            amount: "100.00".parse().unwrap(),
            narrative: "Зроблено".into(),
        }
    }

    fn report(fact: QuarterFact, status: QuarterStatus) -> QuarterReport {
        QuarterReport {
            id: Uuid::nil(),
            programme_id: Uuid::nil(),
            organisation_id: Uuid::nil(),
            fact,
            status,
            return_reason: None,
            resubmit_by: None,
            submitted_by: "x".into(),
            submitted_at: Utc::now(),
            reviewed_by: None,
            version: 1,
        }
    }

    fn code(e: Option<Refusal>) -> Option<String> {
        e.map(|e| e.error().code.clone())
    }

    #[test]
    fn only_the_executor_reports_a_begun_quarter_of_a_running_measure() {
        let org = Uuid::now_v7();
        let p = programme(org);
        let day = NaiveDate::from_ymd_opt(2027, 4, 2).unwrap();
        let refusal = |f: &QuarterFact, who: Uuid| code(submission_refusal(&p, f, who, day, &[], None));
        assert_eq!(refusal(&fact("1.1", 2027, 2), org), None);
        assert_eq!(refusal(&fact("1.1", 2027, 3), org).as_deref(), Some("quarter_not_started"));
        assert_eq!(refusal(&fact("1.1", 2027, 1), Uuid::now_v7()).as_deref(), Some("not_executor"));
        assert_eq!(refusal(&fact("1.2", 2027, 1), org).as_deref(), Some("measure_closed"));
        assert_eq!(refusal(&fact("1.2", 2026, 4), org), None, "its last year still reports");
        assert_eq!(refusal(&fact("9.9", 2027, 1), org).as_deref(), Some("unknown_measure"));
        assert_eq!(refusal(&fact("1.1", 2028, 1), org).as_deref(), Some("outside_programme"));
    }

    #[test]
    fn a_year_is_reported_by_quarters_or_by_one_annual_fact() {
        let org = Uuid::now_v7();
        let p = programme(org);
        let day = NaiveDate::from_ymd_opt(2027, 12, 1).unwrap();
        let annual = MeasureFact {
            measure: "1.1".into(),
            year: 2026,
            amount: "300.00".parse().unwrap(),
            narrative: String::new(),
        };
        let refused = submission_refusal(&p, &fact("1.1", 2026, 1), org, day, std::slice::from_ref(&annual), None);
        assert_eq!(code(refused).as_deref(), Some("year_annual"));
        let quarter = report(fact("1.1", 2026, 1), QuarterStatus::Returned);
        let by_quarters = annual_refusal(&annual, std::slice::from_ref(&quarter)).map(|e| e.code);
        assert_eq!(by_quarters.as_deref(), Some("year_by_quarters"));
        let accepted = report(fact("1.1", 2027, 1), QuarterStatus::Accepted);
        let again = submission_refusal(&p, &fact("1.1", 2027, 1), org, day, &[], Some(&accepted));
        assert_eq!(code(again).as_deref(), Some("quarter_accepted"));
        let returned = report(fact("1.1", 2027, 1), QuarterStatus::Returned);
        assert_eq!(submission_refusal(&p, &fact("1.1", 2027, 1), org, day, &[], Some(&returned)), None);
    }

    #[test]
    fn only_accepted_quarters_count_each_once_in_quarter_order() {
        let reports = [
            report(fact("1.1", 2027, 2), QuarterStatus::Accepted),
            report(fact("1.1", 2027, 1), QuarterStatus::Accepted),
            report(fact("1.1", 2027, 3), QuarterStatus::Submitted),
            report(fact("1.1", 2027, 4), QuarterStatus::Returned),
        ];
        let facts = accepted_facts(&reports);
        let names: Vec<&str> = facts.iter().map(|f| f.narrative.as_str()).collect();
        assert_eq!(names, ["I квартал: Зроблено", "II квартал: Зроблено"]);
        assert_eq!(review_refusal(QuarterStatus::Submitted), None);
        assert!(review_refusal(QuarterStatus::Accepted).is_some());
    }

    #[test]
    fn an_executor_owes_each_ended_quarter_not_filed() {
        let org = Uuid::now_v7();
        let p = programme(org);
        let day = NaiveDate::from_ymd_opt(2027, 7, 15).unwrap();
        let due = |reports: &[QuarterReport]| due_quarters(&p, org, reports, &[], day);
        let all = due(&[]);
        assert_eq!(
            all,
            [
                ("1.1".to_owned(), 2026, 4),
                ("1.1".to_owned(), 2027, 1),
                ("1.1".to_owned(), 2027, 2),
                ("1.2".to_owned(), 2026, 4)
            ]
        );
        let filed = [
            report(fact("1.1", 2027, 1), QuarterStatus::Submitted),
            report(fact("1.1", 2027, 2), QuarterStatus::Returned),
        ];
        assert_eq!(due(&filed).len(), 3, "a returned quarter is still owed");
        assert!(due_quarters(&p, Uuid::now_v7(), &[], &[], day).is_empty(), "not its measures");
    }

    #[test]
    fn a_quarters_report_is_due_twenty_days_after_it_ends() {
        assert_eq!(quarter_due(2027, 1), NaiveDate::from_ymd_opt(2027, 4, 20).unwrap());
        assert_eq!(quarter_due(2027, 4), NaiveDate::from_ymd_opt(2028, 1, 20).unwrap());
    }

    #[test]
    fn quarters_end_and_programmes_expire_on_their_days() {
        let on = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        assert_eq!(ended_quarters(2027, on(3, 31)).collect::<Vec<_>>(), Vec::<u8>::new());
        assert_eq!(ended_quarters(2027, on(4, 1)).collect::<Vec<_>>(), [1]);
        assert_eq!(ended_quarters(2026, on(1, 1)).collect::<Vec<_>>(), [1, 2, 3, 4]);
        let p = programme(Uuid::nil());
        assert!(!expires_within(&p, on(6, 30), 183));
        assert!(expires_within(&p, on(7, 1), 183));
        assert!(expires_within(&p, on(12, 31), 183));
        assert!(!expires_within(&p, NaiveDate::from_ymd_opt(2028, 1, 1).unwrap(), 183), "ended: too late");
    }
}
