//! Both builders on hand-checked instances and on random ones checked by
//! enumeration: ceilings always hold, every exclusion has a reason, links hold,
//! and the optimal builder is never below rank-order fill.

use std::collections::BTreeMap;

use portfel_planning::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

fn d(v: i64) -> Decimal {
    Decimal::from(v)
}

fn candidate(n: u128, rank: u32, score: i64, amounts: &[(u8, &str, i64)], window: (i32, i32)) -> Candidate {
    Candidate {
        id: Uuid::from_u128(n),
        rank,
        score: d(score),
        sector: if n.is_multiple_of(2) { "ES".into() } else { "WC".into() },
        schedule: amounts
            .iter()
            .map(|(o, s, a)| ScheduleLine { offset: *o, source: (*s).into(), amount: d(*a) })
            .collect(),
        earliest_start: window.0,
        latest_start: window.1,
        continuing: false,
    }
}

fn input(candidates: Vec<Candidate>, totals: &[(i32, i64)]) -> PlanInput {
    let ceilings = Ceilings { total: totals.iter().map(|(y, c)| (*y, d(*c))).collect(), ..Default::default() };
    PlanInput::new(2027, 2029, ceilings, candidates)
}

fn ids(plan: &Plan) -> Vec<u128> {
    plan.included.iter().map(|i| i.id.as_u128()).collect()
}

#[test]
fn optimal_beats_rank_order_on_a_knapsack() {
    let p = input(
        vec![
            candidate(1, 1, 50, &[(0, "localBudget", 60)], (2027, 2027)),
            candidate(2, 2, 40, &[(0, "localBudget", 50)], (2027, 2027)),
            candidate(3, 3, 35, &[(0, "localBudget", 45)], (2027, 2027)),
        ],
        &[(2027, 100)],
    );
    let fill = rank_order_fill(&p);
    assert_eq!(ids(&fill), vec![1]);
    assert_eq!(fill.objective_value, d(50));
    let blocked = &fill.excluded[0];
    assert_eq!((blocked.code.as_str(), blocked.year, blocked.source.as_deref()), ("ceiling", Some(2027), None));
    let best = optimal_plan(&p, SolveOptions::default()).unwrap();
    assert_eq!(ids(&best), vec![2, 3]);
    assert_eq!(best.objective_value, d(75));
    assert_eq!(best.optimal, Some(true));
    assert_eq!(best.excluded[0].code, "ceiling", "60 more does not fit beside 95");
    let usage = best.usage.iter().find(|u| u.year == 2027 && u.source.is_none()).unwrap();
    assert_eq!((usage.allocated, usage.remaining), (d(95), d(5)));
}

#[test]
fn a_start_window_shifts_the_schedule_and_source_ceilings_bind() {
    let mut p = input(
        vec![
            candidate(1, 1, 60, &[(0, "localBudget", 80)], (2027, 2027)),
            candidate(2, 2, 50, &[(0, "localBudget", 40), (1, "stateSubsidies", 40)], (2027, 2028)),
        ],
        &[(2027, 100), (2028, 100), (2029, 100)],
    );
    let fill = rank_order_fill(&p);
    assert_eq!(ids(&fill), vec![1, 2]);
    let shifted = &fill.included[1];
    assert_eq!(shifted.start_year, 2028, "2027 is full, so the project starts a year later");
    assert_eq!(shifted.amounts.iter().map(|a| a.year).collect::<Vec<_>>(), vec![2028, 2029]);
    // A source ceiling on 2029 state subsidies now blocks the shifted start too.
    p.ceilings.by_source.insert(Ceilings::source_key(2029, "stateSubsidies"), d(10));
    p.candidates[1].earliest_start = 2028;
    for plan in [rank_order_fill(&p), optimal_plan(&p, SolveOptions::default()).unwrap()] {
        assert_eq!(ids(&plan), vec![1]);
        let e = &plan.excluded[0];
        assert_eq!((e.code.as_str(), e.year, e.source.as_deref()), ("ceiling", Some(2029), Some("stateSubsidies")));
    }
}

#[test]
fn links_continuing_and_forced_decisions_hold() {
    let mut p = input(
        vec![
            candidate(1, 1, 90, &[(0, "localBudget", 30)], (2027, 2027)),
            candidate(2, 2, 80, &[(0, "localBudget", 30)], (2027, 2027)),
            candidate(3, 3, 70, &[(0, "localBudget", 30)], (2027, 2027)),
            candidate(4, 4, 10, &[(0, "localBudget", 30)], (2027, 2027)),
        ],
        &[(2027, 100)],
    );
    p.candidates[3].continuing = true;
    p.constraints.excludes.push((Uuid::from_u128(1), Uuid::from_u128(2)));
    p.constraints.requires.push((Uuid::from_u128(3), Uuid::from_u128(2)));
    for plan in [rank_order_fill(&p), optimal_plan(&p, SolveOptions::default()).unwrap()] {
        let inc = ids(&plan);
        assert!(inc.contains(&4), "continuing projects are always in");
        assert!(!(inc.contains(&1) && inc.contains(&2)));
        assert!(!inc.contains(&3) || inc.contains(&2));
        for e in &plan.excluded {
            assert!(!e.reason.is_empty() && !e.code.is_empty());
        }
    }
    assert_eq!(ids(&rank_order_fill(&p)), vec![4, 1]);
    assert_eq!(ids(&optimal_plan(&p, SolveOptions::default()).unwrap()), vec![4, 2, 3], "80 + 70 beats 90");
    p.constraints.forced_out.push(Uuid::from_u128(2));
    let best = optimal_plan(&p, SolveOptions::default()).unwrap();
    assert_eq!(ids(&best), vec![4, 1]);
    assert_eq!(best.excluded.iter().find(|e| e.id.as_u128() == 2).unwrap().code, "forced_out");
    assert_eq!(best.excluded.iter().find(|e| e.id.as_u128() == 3).unwrap().code, "requires");
}

#[test]
fn sector_shares_are_shares_of_the_period_ceiling() {
    let mut p = input(
        vec![
            candidate(2, 1, 90, &[(0, "localBudget", 60)], (2027, 2027)),
            candidate(1, 2, 50, &[(0, "localBudget", 30)], (2027, 2027)),
        ],
        &[(2027, 100)],
    );
    p.ceilings.sectors.push(SectorShare { sector: "ES".into(), min_share: None, max_share: Some(Decimal::new(5, 1)) });
    for plan in [rank_order_fill(&p), optimal_plan(&p, SolveOptions::default()).unwrap()] {
        assert_eq!(ids(&plan), vec![1]);
        assert_eq!(plan.excluded[0].code, "sector_share");
    }
}

/// The best objective by trying every combination of (out | start year).
fn enumerate(p: &PlanInput) -> Decimal {
    let options: Vec<Vec<Option<i32>>> =
        p.candidates.iter().map(|c| std::iter::once(None).chain(c.starts().map(Some)).collect()).collect();
    let mut best = Decimal::ZERO;
    let mut pick = vec![0usize; options.len()];
    loop {
        let mut year: BTreeMap<i32, Decimal> = BTreeMap::new();
        let mut source: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut value = Decimal::ZERO;
        for (c, o) in p.candidates.iter().zip(&pick) {
            if let Some(start) = options_of(&options, c, *o, p) {
                value += p.value(c);
                for (y, s, a) in c.amounts(start).filter(|(y, _, _)| (p.first_year..=p.last_year).contains(y)) {
                    *year.entry(y).or_default() += a;
                    *source.entry(Ceilings::source_key(y, s)).or_default() += a;
                }
            }
        }
        let chosen = |id: &Uuid| {
            p.candidates.iter().zip(&pick).any(|(c, o)| c.id == *id && options_of(&options, c, *o, p).is_some())
        };
        let linked = p.constraints.requires.iter().all(|(a, b)| !chosen(a) || chosen(b))
            && p.constraints.excludes.iter().all(|(a, b)| !(chosen(a) && chosen(b)));
        let fits = linked
            && year.iter().all(|(y, a)| p.ceilings.total.get(y).is_none_or(|c| a <= c))
            && source.iter().all(|(k, a)| p.ceilings.by_source.get(k).is_none_or(|c| a <= c));
        if fits && value > best {
            best = value;
        }
        let mut i = 0;
        loop {
            if i == pick.len() {
                return best;
            }
            pick[i] += 1;
            if pick[i] < options[i].len() {
                break;
            }
            pick[i] = 0;
            i += 1;
        }
    }
}

fn options_of(options: &[Vec<Option<i32>>], c: &Candidate, o: usize, p: &PlanInput) -> Option<i32> {
    let i = p.candidates.iter().position(|x| x.id == c.id).unwrap();
    options[i][o]
}

fn instance() -> impl Strategy<Value = PlanInput> {
    let project = (1i64..=100, prop::collection::vec((0u8..3, 0usize..2, 1i64..60), 1..4), 0i32..2, 0i32..2);
    (prop::collection::vec(project, 2..7), 40i64..150, 10i64..80, 0u128..6, 0u128..6, 0u128..6, 0u128..6).prop_map(
        |(projects, total, source_cap, ra, rb, ea, eb)| {
            let n = projects.len() as u128;
            let candidates = projects
                .into_iter()
                .enumerate()
                .map(|(i, (score, lines, start, extra))| {
                    let lines: Vec<(u8, &str, i64)> =
                        lines.iter().map(|(o, s, a)| (*o, ["localBudget", "stateSubsidies"][*s], *a)).collect();
                    candidate(i as u128 + 1, i as u32 + 1, score, &lines, (2027 + start, 2027 + start + extra))
                })
                .collect();
            let mut p = input(candidates, &[(2027, total), (2028, total), (2029, total)]);
            p.ceilings.by_source.insert(Ceilings::source_key(2028, "stateSubsidies"), d(source_cap));
            let id = |k: u128| Uuid::from_u128(k % n + 1);
            if id(ra) != id(rb) {
                p.constraints.requires.push((id(ra), id(rb)));
            }
            if id(ea) != id(eb) {
                p.constraints.excludes.push((id(ea), id(eb)));
            }
            p
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn both_builders_respect_ceilings_and_optimal_matches_enumeration(p in instance()) {
        let fill = rank_order_fill(&p);
        let best = optimal_plan(&p, SolveOptions::default()).unwrap();
        for plan in [&fill, &best] {
            prop_assert!(plan.usage.iter().all(|u| u.remaining >= Decimal::ZERO), "{:?}", plan.usage);
            prop_assert_eq!(plan.included.len() + plan.excluded.len(), p.candidates.len());
            prop_assert!(plan.excluded.iter().all(|e| !e.code.is_empty() && !e.reason.is_empty()));
            prop_assert!(plan.warnings.is_empty());
        }
        for plan in [&fill, &best] {
            let inc = |id: &Uuid| plan.included.iter().any(|i| i.id == *id);
            prop_assert!(p.constraints.requires.iter().all(|(a, b)| !inc(a) || inc(b)));
            prop_assert!(p.constraints.excludes.iter().all(|(a, b)| !(inc(a) && inc(b))));
        }
        prop_assert!(best.objective_value >= fill.objective_value);
        prop_assert_eq!(best.objective_value, enumerate(&p));
    }
}
