//! Council meetings: each day the PIM unit put a portfolio or plan version
//! on the agenda of, with the versions on it and what became of them.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::workflow::{Decision, DocumentStatus, Kind, Workflow};

/// A version on a meeting's agenda.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AgendaItem {
    /// A portfolio or a plan.
    pub kind: Kind,
    /// The version's id.
    pub id: Uuid,
    /// The version's number in its line.
    pub number: i32,
    /// Where it stands: `submitted` while the council has not decided.
    pub status: DocumentStatus,
    /// The approving decision, once taken.
    pub decision: Option<Decision>,
}

/// A council meeting.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Meeting {
    /// The day.
    pub date: NaiveDate,
    /// The versions before it: the portfolio's first, then the plan's, by number.
    pub agenda: Vec<AgendaItem>,
    /// True when the day has passed with a version on its agenda still undecided.
    pub overdue: bool,
}

/// The meetings the `versions` are on the agenda of, as of `today`: those to
/// come first, soonest first, then those held, latest first.
pub fn meetings<'a>(versions: impl IntoIterator<Item = (Kind, &'a Workflow)>, today: NaiveDate) -> Vec<Meeting> {
    let mut by_day: std::collections::BTreeMap<NaiveDate, Vec<AgendaItem>> = Default::default();
    for (kind, w) in versions {
        if let Some(date) = w.meeting_on {
            let item = AgendaItem { kind, id: w.id, number: w.number, status: w.status, decision: w.decision.clone() };
            by_day.entry(date).or_default().push(item);
        }
    }
    let mut out: Vec<Meeting> = by_day
        .into_iter()
        .map(|(date, mut agenda)| {
            agenda.sort_by_key(|i| (i.kind == Kind::Plan, i.number));
            let overdue = date < today && agenda.iter().any(|i| i.status == DocumentStatus::Submitted);
            Meeting { date, agenda, overdue }
        })
        .collect();
    out.sort_by_key(|m| if m.date >= today { (0, m.date.num_days_from_ce()) } else { (1, -m.date.num_days_from_ce()) });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn on(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    fn version(number: i32, status: DocumentStatus, meeting_on: Option<NaiveDate>) -> Workflow {
        Workflow {
            id: Uuid::from_u128(number as u128),
            number,
            previous_id: None,
            status,
            decision: None,
            meeting_on,
            comment: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn each_day_lists_its_versions_the_next_meeting_first() {
        let (p1, p2) =
            (version(1, DocumentStatus::Approved, Some(on(1))), version(2, DocumentStatus::Submitted, Some(on(20))));
        let plan = version(1, DocumentStatus::Submitted, Some(on(20)));
        let later = version(3, DocumentStatus::Draft, Some(on(28)));
        let unset = version(4, DocumentStatus::Submitted, None);
        let all = [
            (Kind::Plan, &plan),
            (Kind::Portfolio, &p2),
            (Kind::Portfolio, &p1),
            (Kind::Portfolio, &later),
            (Kind::Portfolio, &unset),
        ];
        let found = meetings(all, on(10));
        let days: Vec<u32> = found.iter().map(|m| m.date.day()).collect();
        assert_eq!(days, [20, 28, 1], "to come, soonest first, then those held");
        let agenda: Vec<(Kind, i32)> = found[0].agenda.iter().map(|i| (i.kind, i.number)).collect();
        assert_eq!(agenda, [(Kind::Portfolio, 2), (Kind::Plan, 1)], "the portfolio before the plan");
        assert!(!found.iter().any(|m| m.overdue), "the one held was decided");
    }

    #[test]
    fn a_meeting_held_with_a_version_undecided_is_overdue() {
        let waiting = version(2, DocumentStatus::Submitted, Some(on(5)));
        assert!(meetings([(Kind::Portfolio, &waiting)], on(6))[0].overdue);
        assert!(!meetings([(Kind::Portfolio, &waiting)], on(5))[0].overdue, "on the day itself");
    }
}
