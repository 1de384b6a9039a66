//! Reporting periods: a quarter of a year, or the whole year.

use chrono::NaiveDate;
use portfel_domain::rules::{MAX_YEAR, MIN_YEAR};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// Budget year.
    #[schema(minimum = 2000, maximum = 2100, example = 2027)]
    pub year: i32,
    /// Quarter 1–4; none for the whole year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: Option<u8>,
}

impl Period {
    /// The quarter `q` (1–4) of `year`.
    pub fn quarter(year: i32, q: u8) -> Period {
        Period { year, quarter: Some(q) }
    }

    /// The whole of `year`.
    pub fn year(year: i32) -> Period {
        Period { year, quarter: None }
    }

    /// Years a period may lie in: those of passports.
    pub const YEARS: std::ops::RangeInclusive<i32> = MIN_YEAR..=MAX_YEAR;

    /// Whether the year is within [`Period::YEARS`] and the quarter, if any, is 1–4.
    pub fn is_valid(self) -> bool {
        Self::YEARS.contains(&self.year) && self.quarter.is_none_or(|q| (1..=4).contains(&q))
    }

    /// The period's first day.
    pub fn start(self) -> NaiveDate {
        let month = self.quarter.map_or(1, |q| u32::from(q.clamp(1, 4)) * 3 - 2);
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The period whose first and last days these are, if they bound a quarter or a year.
    pub fn spanning(start: NaiveDate, end: NaiveDate) -> Option<Period> {
        use chrono::Datelike;
        let year = start.year();
        let quarter = match (start.month(), end.month()) {
            (1, 12) => None,
            (m, _) if (m - 1) % 3 == 0 => Some(u8::try_from(m.div_ceil(3)).ok()?),
            _ => return None,
        };
        let period = Period { year, quarter };
        (period.is_valid() && period.start() == start && period.end() == end).then_some(period)
    }

    /// The period's last day.
    pub fn end(self) -> NaiveDate {
        let month = self.quarter.map_or(12, |q| u32::from(q.clamp(1, 4)) * 3);
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, month + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// Whether this period lies within `other` (a quarter within its year, or itself).
    pub fn within(self, other: Period) -> bool {
        self.year == other.year && (other.quarter.is_none() || self.quarter == other.quarter)
    }

    /// Sorts periods by time, a year's annual report after its fourth quarter.
    pub fn order(self) -> (i32, u8) {
        (self.year, self.quarter.unwrap_or(5))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.quarter {
            Some(q) => write!(f, "{q} квартал {} року", self.year),
            None => write!(f, "{} рік", self.year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn periods_end_on_their_last_day() {
        assert_eq!(Period::quarter(2027, 1).end(), date(2027, 3, 31));
        assert_eq!(Period::quarter(2028, 3).end(), date(2028, 9, 30));
        assert_eq!(Period::quarter(2027, 4).end(), date(2027, 12, 31));
        assert_eq!(Period::year(2027).end(), date(2027, 12, 31));
    }

    #[test]
    fn a_quarter_lies_within_its_year() {
        assert!(Period::quarter(2027, 2).within(Period::year(2027)));
        assert!(!Period::year(2027).within(Period::quarter(2027, 2)));
        assert!(!Period::quarter(2028, 2).within(Period::year(2027)));
        assert!(!Period { year: 2027, quarter: Some(5) }.is_valid());
    }
}
