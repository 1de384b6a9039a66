//! The deviation rules over random report histories, checked against a plain
//! re-statement of them: per period the newest revision submitted by the day,
//! a year's annual report instead of its quarters, the last thing said of
//! the expected cost and of a milestone, flags only in implementation and
//! within the project's years.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use portfel_domain::Uah;
use portfel_monitoring::deviation::{ProjectFacts, Rule, Thresholds, flags};
use portfel_monitoring::period::Period;
use portfel_monitoring::report::{Milestone, ReportContent, ReportFacts, ReportStatus, SourceFact};
use proptest::prelude::*;
use rust_decimal::Decimal;

const STATES: [ReportStatus; 4] =
    [ReportStatus::Draft, ReportStatus::Submitted, ReportStatus::Returned, ReportStatus::Accepted];

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + Days::new(n)
}

/// One generated revision: period, revision, state, submitted day, spent
/// (thousands), expected cost (thousands), the milestone's reached day.
type Drawn = (Period, i32, ReportStatus, Option<NaiveDate>, i64, Option<i64>, Option<Option<NaiveDate>>);

/// A revision as drawn: quarter (0 for the year), revision, state, submitted day, spent, cost, reached day.
type Raw = (u8, i32, usize, u64, i64, Option<i64>, Option<Option<u64>>);

fn revision() -> impl Strategy<Value = Raw> {
    (
        0u8..=4,
        1i32..=3,
        0usize..4,
        0u64..900,
        0i64..400,
        proptest::option::of(800i64..1300),
        proptest::option::of(proptest::option::of(0u64..900)),
    )
}

fn drawn(year_annual: [bool; 2], raw: Vec<Raw>, years: usize) -> Vec<Drawn> {
    raw.into_iter()
        .enumerate()
        .map(|(i, (q, revision, state, submitted, spent, cost, reached))| {
            let year = 2027 + (i % years) as i32;
            let period = if year_annual[(year - 2027) as usize] || q == 0 {
                if year_annual[(year - 2027) as usize] { Period::year(year) } else { Period::quarter(year, 1 + q % 4) }
            } else {
                Period::quarter(year, q)
            };
            let status = STATES[state];
            (
                period,
                revision,
                status,
                status.counts().then(|| day(submitted)),
                spent,
                cost,
                reached.map(|r| r.map(day)),
            )
        })
        .collect()
}

const MILESTONE: &str = "Роботи розпочато";

fn facts(d: &Drawn) -> ReportFacts {
    let (period, revision, status, submitted_on, spent, cost, reached) = *d;
    let spent = Uah::new(Decimal::from(spent * 1000)).unwrap();
    ReportFacts {
        revision,
        status,
        submitted_on,
        content: ReportContent {
            period,
            financing: vec![SourceFact { source: "localBudget".into(), received: spent, spent }],
            progress_percent: Decimal::from(50),
            milestones: reached
                .map(|actual| Milestone { name: MILESTONE.into(), planned: day(200), actual })
                .into_iter()
                .collect(),
            indicators: Vec::new(),
            narrative: String::new(),
            estimated_cost: cost.map(|c| Uah::new(Decimal::from(c * 1000)).unwrap()),
            documents: Vec::new(),
        },
    }
}

/// The rules re-stated plainly, as counts of each rule raised.
fn restated(history: &[Drawn], in_implementation: bool, last_year: i32, on: NaiveDate) -> BTreeMap<Rule, usize> {
    let mut out = BTreeMap::new();
    if !in_implementation {
        return out;
    }
    let mut newest: BTreeMap<(i32, u8), &Drawn> = BTreeMap::new();
    for d in
        history.iter().filter(|d| matches!(d.2, ReportStatus::Submitted | ReportStatus::Accepted) && d.3.unwrap() <= on)
    {
        let key = (d.0.year, d.0.quarter.unwrap_or(5));
        if newest.get(&key).is_none_or(|held| d.1 > held.1) {
            newest.insert(key, d);
        }
    }
    let annual_years: Vec<i32> = newest.keys().filter(|k| k.1 == 5).map(|k| k.0).collect();
    let standing: Vec<&Drawn> =
        newest.iter().filter(|(k, _)| k.1 == 5 || !annual_years.contains(&k.0)).map(|(_, d)| *d).collect();
    let due = |year: i32, q: u8| Period::quarter(year, q).end() + Days::new(20);
    for year in 2027..=last_year {
        let spent: i64 = standing.iter().filter(|d| d.0.year == year).map(|d| d.4).sum();
        if year == 2027 && due(year, 3) < on && spent * 1000 < 200_000 {
            *out.entry(Rule::SpendingBehind).or_default() += 1;
        }
        for q in 1..=4 {
            let filed = standing.iter().any(|d| d.0.year == year && (d.0.quarter.is_none() || d.0.quarter == Some(q)));
            if due(year, q) < on && !filed {
                *out.entry(Rule::ReportMissing).or_default() += 1;
            }
        }
    }
    let spent: i64 = standing.iter().map(|d| d.4).sum();
    let estimate = standing.iter().rev().find_map(|d| d.5).map_or(spent, |e| e.max(spent));
    if estimate > 1100 {
        *out.entry(Rule::CostOverrun).or_default() += 1;
    }
    if let Some(reached) = standing.iter().rev().find_map(|d| d.6)
        && reached.is_none_or(|r| r > on)
        && day(200) < on
    {
        *out.entry(Rule::MilestoneLate).or_default() += 1;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn the_rules_agree_with_their_plain_statement(
        raw in proptest::collection::vec(revision(), 0..14),
        year_annual in any::<[bool; 2]>(),
        years in 1usize..=2,
        in_implementation in proptest::bool::weighted(0.85),
        on in 0u64..1100,
    ) {
        let history = drawn(year_annual, raw, years);
        let last_year = 2026 + years as i32;
        let facts = ProjectFacts {
            in_implementation,
            approved_cost: Decimal::from(1_000_000),
            planned: [(2027, Decimal::from(400_000))].into(),
            first_year: 2027,
            last_year,
            reports: history.iter().map(facts).collect(),
        };
        let on = day(on);
        let mut raised: BTreeMap<Rule, usize> = BTreeMap::new();
        for f in flags(&facts, &Thresholds::default(), on) {
            *raised.entry(f.rule).or_default() += 1;
        }
        prop_assert_eq!(raised, restated(&history, in_implementation, last_year, on));
    }
}
