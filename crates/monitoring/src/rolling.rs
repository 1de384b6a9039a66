//! The rolling plan: what a continuing project still needs from a plan's
//! first year on, from its approved financing and what it has spent.
//!
//! Per funding source: the lines of the plan's years stay as scheduled; what
//! earlier years provided and was not spent is carried into the first year
//! (unless the hromada decides it lapses); spending beyond the earlier years'
//! lines is taken off the earliest later lines. So, carrying, the project's
//! remaining need is its approved financing minus what it spent, never below
//! zero for a line.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::records::standing;
use crate::report::ReportFacts;

/// What the reports that count now spent, per funding source, over all periods
/// (each period once, see [`standing`]).
pub fn spent_by_source(reports: &[ReportFacts]) -> BTreeMap<String, Decimal> {
    let mut out: BTreeMap<String, Decimal> = BTreeMap::new();
    for r in standing(reports, chrono::NaiveDate::MAX) {
        for f in &r.financing {
            *out.entry(f.source.clone()).or_default() += f.spent.value();
        }
    }
    out
}

/// A financing line: year, funding source, amount (UAH).
pub type Line = (i32, String, Decimal);

/// The lines from `first_year` on, given the approved `planned` lines and what
/// was `spent` per funding source over all periods; `carry_unspent` moves what
/// earlier years did not spend into the first year, else it lapses.
pub fn remaining(
    planned: &[Line],
    spent: &BTreeMap<String, Decimal>,
    first_year: i32,
    carry_unspent: bool,
) -> Vec<Line> {
    let mut by_source: BTreeMap<&str, (Decimal, BTreeMap<i32, Decimal>)> = BTreeMap::new();
    for (year, source, amount) in planned {
        let entry = by_source.entry(source.as_str()).or_default();
        if *year < first_year {
            entry.0 += amount;
        } else {
            *entry.1.entry(*year).or_default() += amount;
        }
    }
    for source in spent.keys() {
        by_source.entry(source.as_str()).or_default();
    }
    let mut out = Vec::new();
    for (source, (earlier, mut later)) in by_source {
        let carried = earlier - spent.get(source).copied().unwrap_or_default();
        if carried > Decimal::ZERO {
            if carry_unspent {
                *later.entry(first_year).or_default() += carried;
            }
        } else {
            let mut overspent = -carried;
            for amount in later.values_mut() {
                let cut = overspent.min(*amount);
                *amount -= cut;
                overspent -= cut;
            }
        }
        out.extend(later.into_iter().filter(|(_, a)| *a > Decimal::ZERO).map(|(y, a)| (y, source.to_owned(), a)));
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn line(year: i32, amount: &str) -> Line {
        (year, "localBudget".into(), d(amount))
    }

    fn spent(amount: &str) -> BTreeMap<String, Decimal> {
        [("localBudget".to_owned(), d(amount))].into()
    }

    #[test]
    fn what_year_one_did_not_spend_moves_into_the_next_plan() {
        let planned = [line(2027, "1000000"), line(2028, "2000000")];
        assert_eq!(remaining(&planned, &spent("600000"), 2028, true), [line(2028, "2400000")], "60 % spent in 2027");
        assert_eq!(remaining(&planned, &spent("1000000"), 2028, true), [line(2028, "2000000")], "on schedule");
        assert_eq!(remaining(&planned, &spent("600000"), 2028, false), [line(2028, "2000000")], "or the 400,000 lapse");
    }

    #[test]
    fn spending_ahead_of_schedule_comes_off_the_earliest_later_years() {
        let planned = [line(2027, "1000000"), line(2028, "500000"), line(2029, "700000")];
        assert_eq!(remaining(&planned, &spent("1800000"), 2028, true), [line(2029, "400000")]);
        assert!(remaining(&planned, &spent("9000000"), 2028, true).is_empty(), "nothing below zero");
        assert_eq!(remaining(&planned, &spent("1800000"), 2028, false), [line(2029, "400000")], "carrying or not");
    }

    #[test]
    fn sources_are_kept_apart_and_a_plan_from_the_start_changes_nothing() {
        let mut planned = vec![line(2027, "100"), (2027, "stateSubsidies".into(), d("900"))];
        planned.push((2028, "stateSubsidies".into(), d("500")));
        assert_eq!(remaining(&planned, &BTreeMap::new(), 2027, true), {
            let mut all = planned.clone();
            all.sort();
            all
        });
        let left = remaining(&planned, &spent("100"), 2028, true);
        assert_eq!(
            left,
            [(2028, "stateSubsidies".into(), d("1400"))],
            "the unspent subsidy is carried, the budget line done"
        );
    }
}
