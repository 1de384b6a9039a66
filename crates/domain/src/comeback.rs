//! A return to the initiator: why it goes back, and the day to submit it
//! again by — a passport, an implementation, quarterly or completion report.

use chrono::NaiveDate;

/// Why a passport or report goes back, and (when the PIM unit sets one) the
/// day the initiator is to submit it again by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Return<'a> {
    /// What is to be fixed.
    pub reason: &'a str,
    /// The day to come back by, inclusive.
    pub back_by: Option<NaiveDate>,
}

impl<'a> Return<'a> {
    /// A return for `reason`, with no day set.
    pub fn for_reason(reason: &'a str) -> Return<'a> {
        Return { reason, back_by: None }
    }
}

/// Refuses a day to come back by that has already passed on `today`; the
/// refusal is the message catalogue's code.
pub fn check_back_by(by: NaiveDate, today: NaiveDate) -> Result<(), &'static str> {
    if by < today { Err("before_today") } else { Ok(()) }
}

/// True when the day to come back by, `by`, has passed on `today`.
pub fn overdue(by: Option<NaiveDate>, today: NaiveDate) -> bool {
    by.is_some_and(|by| today > by)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn today_is_still_in_time_and_yesterday_is_refused() {
        assert_eq!(check_back_by(d(5), d(5)), Ok(()));
        assert_eq!(check_back_by(d(20), d(5)), Ok(()));
        assert_eq!(check_back_by(d(4), d(5)), Err("before_today"));
    }

    #[test]
    fn overdue_only_after_the_day() {
        assert!(!overdue(Some(d(5)), d(5)));
        assert!(overdue(Some(d(5)), d(6)));
        assert!(!overdue(None, d(6)));
    }
}
