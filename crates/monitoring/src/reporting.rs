//! When reports are written and how a period's reports follow each other:
//! projects in the plan or in implementation take reports; a period has at
//! most one open report; an accepted report never changes, and a correction
//! is the period's next revision.

use portfel_domain::{FieldError, Status};
use uuid::Uuid;

use crate::period::Period;
use crate::records::ReportRecord;
use crate::report::{ReportAction, ReportContent, ReportStatus};

/// Project states in which reports are written.
pub const REPORTING: [Status; 2] = [Status::InPlan, Status::Implementation];

/// Whether a project in `status` takes reports.
pub fn takes_reports(status: Status) -> bool {
    REPORTING.contains(&status)
}

/// Why a report cannot be written or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The project is not in the plan or in implementation.
    #[error("reports are written for projects in the plan or in implementation, not '{}'", .0.as_str())]
    NotReporting(Status),
    /// The period already has a report that is not accepted.
    #[error("the report {id} for {period} is still open: change that one")]
    StillOpen {
        /// The open report.
        id: Uuid,
        /// Its period.
        period: Period,
    },
    /// A year is reported either by quarters or by one annual report.
    #[error("{year} is already reported {}: a year is reported either by quarters or by one annual report", if *.by_quarters { "by quarters" } else { "by an annual report" })]
    YearReportedOtherwise {
        /// The year.
        year: i32,
        /// Whether the year's reports held are quarterly ones.
        by_quarters: bool,
    },
    /// Submitted and accepted reports keep their content.
    #[error("a {} report does not change; a correction is a new report for its period", .0.as_str())]
    Fixed(ReportStatus),
    /// The period is part of the report's identity.
    #[error("a report's period does not change")]
    PeriodChanged,
    /// The action does not apply in the report's state.
    #[error("a {} report cannot be {}", .status.as_str(), verb(*.action))]
    Step {
        /// The report's state.
        status: ReportStatus,
        /// What was asked.
        action: ReportAction,
    },
}

impl Refusal {
    /// The refusal with its catalogue code and parameters.
    pub fn refusal(&self) -> FieldError {
        match self {
            Refusal::NotReporting(s) => FieldError::of("state", "not_reporting", &[("state", s.as_str().to_owned())]),
            Refusal::StillOpen { id, period } => {
                FieldError::of("state", "report_open", &[("id", id.to_string()), ("period", period.to_string())])
            }
            Refusal::Fixed(s) => FieldError::of("state", "report_fixed", &[("state", s.as_str().to_owned())]),
            Refusal::PeriodChanged => FieldError::of("period", "period_changed", &[]),
            Refusal::YearReportedOtherwise { year, by_quarters } => FieldError::of(
                "period",
                if *by_quarters { "year_by_quarters" } else { "year_annual" },
                &[("year", year.to_string())],
            ),
            Refusal::Step { status, action } => FieldError::of(
                "state",
                "report_step",
                &[("state", status.as_str().to_owned()), ("action", verb(*action).to_owned())],
            ),
        }
    }
}

fn verb(action: ReportAction) -> &'static str {
    match action {
        ReportAction::Submit => "submit",
        ReportAction::Accept => "accept",
        ReportAction::Return => "return",
    }
}

/// One report of a period, as numbering the next needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlierReport {
    /// The report.
    pub id: Uuid,
    /// Its revision.
    pub revision: i32,
    /// Its state.
    pub status: ReportStatus,
}

/// The revision a new report of `period` gets, given the period's reports:
/// the first, or the correction of an accepted one; refused while one is open.
pub fn next_revision(project: Status, period: Period, earlier: &[EarlierReport]) -> Result<i32, Refusal> {
    if !takes_reports(project) {
        return Err(Refusal::NotReporting(project));
    }
    if let Some(open) = earlier.iter().find(|r| r.status != ReportStatus::Accepted) {
        return Err(Refusal::StillOpen { id: open.id, period });
    }
    Ok(earlier.iter().map(|r| r.revision).max().unwrap_or(0) + 1)
}

/// Refuses a report of `period` when its year is held in the other kind: a
/// year is reported either by quarters or by one annual report, so nothing
/// is counted twice. `held` are the periods of the project's reports of any
/// state.
pub fn check_kind(period: Period, held: &[Period]) -> Result<(), Refusal> {
    let other = held.iter().find(|p| p.year == period.year && p.quarter.is_none() != period.quarter.is_none());
    match other {
        Some(p) => Err(Refusal::YearReportedOtherwise { year: period.year, by_quarters: p.quarter.is_some() }),
        None => Ok(()),
    }
}

/// Refuses new content for a report that no longer changes or for another period.
pub fn check_update(report: &ReportRecord, content: &ReportContent) -> Result<(), Refusal> {
    if !report.status.editable() {
        return Err(Refusal::Fixed(report.status));
    }
    if report.content.period != content.period {
        return Err(Refusal::PeriodChanged);
    }
    Ok(())
}

/// The state `action` moves a report in `status` to.
pub fn step(status: ReportStatus, action: ReportAction) -> Result<ReportStatus, Refusal> {
    status.after(action).ok_or(Refusal::Step { status, action })
}

/// What DREAM's figures for a period add to the reports held: nothing while
/// a report of the period is open or when the figures are those of its
/// accepted report; else the next revision, accepted, which keeps the rest
/// of the accepted report's content.
pub fn from_dream(held: &[ReportRecord], fact: &ReportContent) -> Option<(i32, ReportContent)> {
    let of_period: Vec<&ReportRecord> = held.iter().filter(|r| r.content.period == fact.period).collect();
    if of_period.iter().any(|r| r.status != ReportStatus::Accepted) {
        return None;
    }
    match of_period.into_iter().max_by_key(|r| r.revision) {
        Some(r) if r.content.financing == fact.financing && r.content.progress_percent == fact.progress_percent => None,
        Some(r) => Some((
            r.revision + 1,
            ReportContent {
                financing: fact.financing.clone(),
                progress_percent: fact.progress_percent,
                ..r.content.clone()
            },
        )),
        None => Some((1, fact.clone())),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use rust_decimal::Decimal;

    use super::*;

    fn content(period: Period, progress: i64) -> ReportContent {
        ReportContent {
            period,
            financing: Vec::new(),
            progress_percent: Decimal::from(progress),
            milestones: Vec::new(),
            indicators: Vec::new(),
            narrative: "Виконано роботи".into(),
            estimated_cost: None,
            documents: Vec::new(),
        }
    }

    fn record(revision: i32, status: ReportStatus, content: ReportContent) -> ReportRecord {
        ReportRecord {
            id: Uuid::now_v7(),
            passport_id: Uuid::nil(),
            organisation_id: Uuid::nil(),
            revision,
            status,
            return_reason: None,
            resubmit_by: None,
            created_by: "initiator".into(),
            decided_by: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            content,
        }
    }

    fn earlier(revision: i32, status: ReportStatus) -> EarlierReport {
        EarlierReport { id: Uuid::now_v7(), revision, status }
    }

    #[test]
    fn only_projects_in_the_plan_or_in_implementation_take_reports() {
        let q1 = Period::quarter(2027, 1);
        for status in Status::ALL {
            let taken = next_revision(status, q1, &[]).is_ok();
            assert_eq!(taken, matches!(status, Status::InPlan | Status::Implementation), "{status:?}");
        }
        assert_eq!(
            next_revision(Status::Completed, q1, &[]).unwrap_err().to_string(),
            "reports are written for projects in the plan or in implementation, not 'completed'"
        );
    }

    #[test]
    fn a_period_has_one_open_report_and_corrections_are_next_revisions() {
        let q1 = Period::quarter(2027, 1);
        assert_eq!(next_revision(Status::InPlan, q1, &[]), Ok(1));
        for open in [ReportStatus::Draft, ReportStatus::Submitted, ReportStatus::Returned] {
            let held = [earlier(1, ReportStatus::Accepted), earlier(2, open)];
            assert_eq!(
                next_revision(Status::Implementation, q1, &held),
                Err(Refusal::StillOpen { id: held[1].id, period: q1 })
            );
        }
        let accepted = [earlier(1, ReportStatus::Accepted), earlier(2, ReportStatus::Accepted)];
        assert_eq!(next_revision(Status::Implementation, q1, &accepted), Ok(3));
    }

    #[test]
    fn a_year_is_reported_by_quarters_or_by_one_annual_report() {
        let quarters = [Period::quarter(2027, 1), Period::quarter(2027, 2)];
        assert_eq!(
            check_kind(Period::year(2027), &quarters),
            Err(Refusal::YearReportedOtherwise { year: 2027, by_quarters: true })
        );
        assert_eq!(check_kind(Period::quarter(2027, 3), &quarters), Ok(()));
        assert_eq!(check_kind(Period::year(2028), &quarters), Ok(()), "another year");
        assert_eq!(
            check_kind(Period::quarter(2028, 1), &[Period::year(2028)]),
            Err(Refusal::YearReportedOtherwise { year: 2028, by_quarters: false })
        );
        assert_eq!(check_kind(Period::year(2028), &[Period::year(2028)]), Ok(()), "a correction of the annual report");
    }

    #[test]
    fn submitted_and_accepted_reports_keep_their_content_and_period() {
        let q1 = Period::quarter(2027, 1);
        for status in [ReportStatus::Draft, ReportStatus::Returned] {
            assert_eq!(check_update(&record(1, status, content(q1, 10)), &content(q1, 20)), Ok(()));
        }
        for status in [ReportStatus::Submitted, ReportStatus::Accepted] {
            assert_eq!(
                check_update(&record(1, status, content(q1, 10)), &content(q1, 20)),
                Err(Refusal::Fixed(status))
            );
        }
        let draft = record(1, ReportStatus::Draft, content(q1, 10));
        assert_eq!(check_update(&draft, &content(Period::quarter(2027, 2), 10)), Err(Refusal::PeriodChanged));
    }

    #[test]
    fn steps_follow_the_report_states() {
        assert_eq!(step(ReportStatus::Draft, ReportAction::Submit), Ok(ReportStatus::Submitted));
        assert_eq!(step(ReportStatus::Submitted, ReportAction::Return), Ok(ReportStatus::Returned));
        assert_eq!(step(ReportStatus::Returned, ReportAction::Submit), Ok(ReportStatus::Submitted));
        assert_eq!(step(ReportStatus::Submitted, ReportAction::Accept), Ok(ReportStatus::Accepted));
        let refused = step(ReportStatus::Draft, ReportAction::Accept).unwrap_err();
        assert_eq!(refused.to_string(), "a draft report cannot be accept");
        assert!(step(ReportStatus::Accepted, ReportAction::Submit).is_err());
    }

    #[test]
    fn dream_figures_add_a_revision_only_when_they_differ_and_nothing_is_open() {
        let q1 = Period::quarter(2027, 1);
        let mut accepted = record(1, ReportStatus::Accepted, content(q1, 10));
        accepted.content.narrative = "Укладено договір".into();
        assert_eq!(from_dream(&[], &content(q1, 10)), Some((1, content(q1, 10))));
        assert_eq!(from_dream(std::slice::from_ref(&accepted), &content(q1, 10)), None);
        let (revision, merged) = from_dream(std::slice::from_ref(&accepted), &content(q1, 30)).unwrap();
        assert_eq!(
            (revision, merged.progress_percent, merged.narrative.as_str()),
            (2, Decimal::from(30), "Укладено договір")
        );
        let open = record(2, ReportStatus::Draft, content(q1, 15));
        assert_eq!(from_dream(&[accepted, open], &content(q1, 30)), None);
    }
}
