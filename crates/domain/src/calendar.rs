//! Dates as a hromada reads them: the calendar day in Kyiv.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Europe::Kyiv;

/// The calendar day in Kyiv at the instant `at`.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Kyiv).date_naive()
}

/// The instant day `d` begins in Kyiv.
pub fn start_of_day(d: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Kyiv's clocks change at 03:00 and 04:00, never at midnight: one answer.
    Kyiv.from_local_datetime(&midnight).earliest().map_or_else(|| midnight.and_utc(), |t| t.to_utc())
}

/// The wall-clock time in Kyiv at the instant `at`.
pub fn local_time(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&Kyiv).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_turns_at_kyiv_midnight() {
        let winter = |h| DateTime::parse_from_rfc3339(&format!("2026-12-01T{h}:30:00Z")).unwrap().to_utc();
        assert_eq!(local_date(winter("21")), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(local_date(winter("22")), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(), "UTC+2 in winter");
        let summer = DateTime::parse_from_rfc3339("2026-07-01T21:30:00Z").unwrap().to_utc();
        assert_eq!(local_date(summer), NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(), "UTC+3 in summer");
        assert_eq!(local_time(summer).format("%d.%m.%Y %H:%M").to_string(), "02.07.2026 00:30");
        assert_eq!(
            start_of_day(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()),
            winter("22") - chrono::TimeDelta::minutes(30)
        );
    }
}
