//! A project's financing as a plan schedule: each line relative to the
//! project's start year. A project whose data cannot be scheduled is left
//! out of the plan with the reason — never a failure of the whole plan.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::input::ScheduleLine;
use crate::outcome::Exclusion;

/// Why a portfolio project cannot be planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unplannable {
    /// The passport names no start year.
    NoStartYear,
    /// A financing year lies before the start year or more than 255 years after it.
    YearOutsideSchedule {
        /// The financing year.
        year: i32,
        /// The start year.
        start: i32,
    },
}

impl Unplannable {
    /// The plan's exclusion of project `id` for this reason (code `unplannable`).
    pub fn exclusion(self, id: Uuid) -> Exclusion {
        let reason = match self {
            Unplannable::NoStartYear => "у паспорті не зазначено рік початку — проєкт неможливо запланувати".to_owned(),
            Unplannable::YearOutsideSchedule { year, start } => {
                format!("фінансування {year} року не вкладається в строки проєкту (рік початку {start})")
            }
        };
        Exclusion { id, code: "unplannable".into(), reason, year: None, source: None }
    }
}

/// The schedule of `financing` (year, source, amount) for a project that
/// starts in `start`: amounts summed per year offset and source.
pub fn schedule(
    start: Option<i32>,
    financing: impl IntoIterator<Item = (i32, String, Decimal)>,
) -> Result<(i32, Vec<ScheduleLine>), Unplannable> {
    let start = start.ok_or(Unplannable::NoStartYear)?;
    let mut lines: BTreeMap<(u8, String), Decimal> = BTreeMap::new();
    for (year, source, amount) in financing {
        let offset = year
            .checked_sub(start)
            .and_then(|o| u8::try_from(o).ok())
            .ok_or(Unplannable::YearOutsideSchedule { year, start })?;
        *lines.entry((offset, source)).or_default() += amount;
    }
    Ok((start, lines.into_iter().map(|((offset, source), amount)| ScheduleLine { offset, source, amount }).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn financing_becomes_offsets_from_the_start_or_a_reason() {
        let line = |y: i32, s: &str, a: i64| (y, s.to_owned(), Decimal::from(a));
        let (start, lines) = schedule(
            Some(2027),
            [line(2028, "localBudget", 5), line(2027, "localBudget", 1), line(2028, "localBudget", 2)],
        )
        .unwrap();
        assert_eq!(start, 2027);
        assert_eq!(
            lines,
            vec![
                ScheduleLine { offset: 0, source: "localBudget".into(), amount: Decimal::from(1) },
                ScheduleLine { offset: 1, source: "localBudget".into(), amount: Decimal::from(7) },
            ]
        );
        assert_eq!(schedule(None, [line(2027, "localBudget", 1)]), Err(Unplannable::NoStartYear));
        assert_eq!(
            schedule(Some(2027), [line(2026, "localBudget", 1)]),
            Err(Unplannable::YearOutsideSchedule { year: 2026, start: 2027 })
        );
        let e = Unplannable::NoStartYear.exclusion(Uuid::nil());
        assert_eq!((e.code.as_str(), e.year), ("unplannable", None));
    }
}
