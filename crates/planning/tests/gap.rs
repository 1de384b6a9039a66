//! The optimal builder's proven gap is honest: on random instances too large
//! to enumerate (with start windows, per-source ceilings and links), a plain
//! integer programme solved to optimality by the same solver, written here
//! independently of the builder, never beats the plan by more than the gap the
//! builder reports, and that gap is within the tolerance asked for. Asked
//! for no gap, the builder finds that optimum.

use std::collections::BTreeMap;
use std::time::Duration;

use good_lp::solvers::microlp::microlp;
use good_lp::{Expression, ProblemVariables, Solution, SolverModel, Variable, constraint, variable};
use portfel_planning::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

const SOURCES: [&str; 3] = ["localBudget", "stateSubsidies", "donorFunds"];

/// The optimum by a direct programme: one binary per (project, start year).
fn reference_optimum(p: &PlanInput) -> f64 {
    let mut vars = ProblemVariables::new();
    let columns: Vec<(&Candidate, i32, Variable)> = p
        .candidates
        .iter()
        .flat_map(|c| c.starts().map(move |s| (c, s)))
        .map(|(c, s)| (c, s, vars.add(variable().binary())))
        .collect();
    let value = |c: &Candidate| p.value(c).to_f64().unwrap();
    let objective: Expression = columns.iter().map(|(c, _, x)| value(c) * *x).sum();
    let mut model = vars.maximise(objective).using(microlp);
    let mut chosen: BTreeMap<Uuid, Expression> = BTreeMap::new();
    let mut by_year: BTreeMap<i32, Expression> = BTreeMap::new();
    let mut by_source: BTreeMap<String, Expression> = BTreeMap::new();
    for (c, start, x) in &columns {
        *chosen.entry(c.id).or_default() += *x;
        for (year, source, amount) in c.amounts(*start).filter(|(y, _, _)| (p.first_year..=p.last_year).contains(y)) {
            let a = amount.to_f64().unwrap();
            *by_year.entry(year).or_default() += a * *x;
            *by_source.entry(Ceilings::source_key(year, source)).or_default() += a * *x;
        }
    }
    for sum in chosen.values() {
        model.add_constraint(constraint!(sum.clone() <= 1.0));
    }
    for (year, sum) in by_year {
        model.add_constraint(constraint!(sum <= p.ceilings.total[&year].to_f64().unwrap()));
    }
    for (key, sum) in by_source {
        if let Some(ceiling) = p.ceilings.by_source.get(&key) {
            model.add_constraint(constraint!(sum <= ceiling.to_f64().unwrap()));
        }
    }
    for (a, b) in &p.constraints.requires {
        model.add_constraint(constraint!(chosen[a].clone() <= chosen[b].clone()));
    }
    for (a, b) in &p.constraints.excludes {
        model.add_constraint(constraint!(chosen[a].clone() + chosen[b].clone() <= 1.0));
    }
    let solution = model.solve().expect("the empty plan is feasible");
    columns.iter().filter(|(_, _, x)| solution.value(*x) > 0.5).map(|(c, _, _)| value(c)).sum()
}

fn instance() -> impl Strategy<Value = PlanInput> {
    let line = (0u8..3, 0usize..3, 100i64..20_000);
    let project = (3000i64..9500, prop::collection::vec(line, 1..5), 0i32..2, 0i32..2);
    (prop::collection::vec(project, 20..28), 25u32..45, 20u32..40, prop::collection::vec((0u128..28, 0u128..28), 0..4))
        .prop_map(|(projects, total_share, source_share, links)| {
            let n = projects.len() as u128;
            let candidates: Vec<Candidate> = projects
                .into_iter()
                .enumerate()
                .map(|(i, (score, lines, start, extra))| Candidate {
                    id: Uuid::from_u128(i as u128 + 1),
                    rank: i as u32 + 1,
                    score: Decimal::new(score, 2),
                    sector: "ES".into(),
                    schedule: lines
                        .into_iter()
                        .map(|(offset, s, a)| ScheduleLine {
                            offset,
                            source: SOURCES[s].into(),
                            amount: Decimal::from(a * 1000),
                        })
                        .collect(),
                    earliest_start: 2027 + start,
                    latest_start: (2027 + start + extra).min(2029),
                    continuing: false,
                })
                .collect();
            let demand: Decimal = candidates.iter().map(Candidate::total).sum();
            let per_year = (demand / Decimal::from(3) * Decimal::new(total_share.into(), 2)).round_dp(2);
            let mut ceilings = Ceilings { total: (2027..=2029).map(|y| (y, per_year)).collect(), ..Default::default() };
            for y in 2027..=2029 {
                for s in SOURCES {
                    ceilings.by_source.insert(
                        Ceilings::source_key(y, s),
                        (per_year * Decimal::new(source_share.into(), 2)).round_dp(2),
                    );
                }
            }
            let id = |k: u128| Uuid::from_u128(k % n + 1);
            let mut constraints = Constraints::default();
            for (i, (a, b)) in links.into_iter().enumerate() {
                if id(a) != id(b) {
                    if i % 2 == 0 {
                        constraints.requires.push((id(a), id(b)));
                    } else {
                        constraints.excludes.push((id(a), id(b)));
                    }
                }
            }
            PlanInput { constraints, ..PlanInput::new(2027, 2029, ceilings, candidates) }
        })
}

/// Every solver of the build.
const SOLVERS: &[Solver] = if cfg!(feature = "highs") { &[Solver::Microlp, Solver::Highs] } else { &[Solver::Microlp] };

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn the_reported_gap_bounds_the_true_optimum(p in instance()) {
        let optimum = reference_optimum(&p);
        for solver in SOLVERS {
            let tolerance = 0.002;
            let options = SolveOptions { time_limit: Duration::from_secs(30), mip_gap: tolerance, solver: Some(*solver) };
            let plan = optimal_plan(&p, options).unwrap();
            prop_assert_eq!(plan.solver, Some(*solver));
            prop_assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
            prop_assert!(plan.usage.iter().all(|u| u.remaining >= Decimal::ZERO), "{:?}", plan.usage);
            prop_assert_eq!(plan.optimal, Some(true));
            let gap = plan.gap.expect("the optimal builder reports its gap");
            prop_assert!(gap <= f64::from(tolerance) + 1e-9, "gap {gap}");
            let value = plan.objective_value.to_f64().unwrap();
            prop_assert!(optimum <= value * (1.0 + gap) + 1e-6, "{solver:?}: optimum {optimum}, plan {value}, gap {gap}");
            prop_assert!(value >= rank_order_fill(&p).objective_value.to_f64().unwrap());

            let exact = optimal_plan(&p, SolveOptions { mip_gap: 0.0, ..options }).unwrap();
            prop_assert!((exact.objective_value.to_f64().unwrap() - optimum).abs() < 1e-6, "{solver:?}: exact {} optimum {optimum}", exact.objective_value);
        }
    }
}
