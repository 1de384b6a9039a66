//! Reduced-cost fixing. Any row prices `y` of the right signs bound every plan:
//! with reduced costs `r_j = c_j − Σ_i a_ij·y_i` and
//! `UB = Σ_i b_i·y_i + Σ_j max(r_j, 0)`, a feasible selection `x` is worth at
//! most `UB − Σ_j |r_j|·[x_j goes against r_j] − Σ_i y_i·slack_i`. So, for a
//! target `T` (the plan in hand, plus the gap the caller tolerates), a column
//! with `−r_j > UB − T` is in no plan worth more than `T`, and a project whose
//! row price exceeds `UB − T` is in every such plan. The prices come from the
//! dual of the linear relaxation; fixing shrinks the integer programme without
//! losing any plan worth more than the target.

use good_lp::{Expression, ProblemVariables, Variable, constraint, variable};

use super::backend::Programme;
use super::model::{Fix, Model, Sense};
use super::{OptimalError, SolveOptions};

/// Row prices and the bound they prove.
#[derive(Debug, Clone)]
pub(super) struct Prices {
    /// One price per row.
    pub rows: Vec<f64>,
    /// Reduced cost of each column.
    pub reduced: Vec<f64>,
    /// Upper bound on the value of any plan.
    pub bound: f64,
}

/// Solves the dual of the linear relaxation for row prices.
pub(super) fn dual_prices(model: &Model<'_>, options: SolveOptions) -> Result<Prices, OptimalError> {
    let mut vars = ProblemVariables::new();
    let y: Vec<Variable> = model
        .rows
        .iter()
        .map(|row| {
            vars.add(match row.sense {
                Sense::AtMost => variable().min(0.0),
                Sense::AtLeast => variable().max(0.0),
                Sense::Exactly => variable(),
            })
        })
        .collect();
    let cost: Expression = model.rows.iter().zip(&y).map(|(row, y)| row.rhs * *y).sum();
    let mut by_column: Vec<Expression> = vec![Expression::default(); model.columns.len()];
    for (row, y) in model.rows.iter().zip(&y) {
        for (j, a) in &row.terms {
            by_column[*j] += *a * *y;
        }
    }
    let rows = by_column.into_iter().zip(&model.objective).map(|(priced, c)| constraint!(priced >= *c)).collect();
    let dual = Programme { problem: vars.minimise(cost), rows, initial: None };
    let solution = dual.solve(options.solver(), options, &y).map_err(|e| match e {
        // Every column sits in its project's row, so the dual is always
        // feasible: unbounded means the plan's constraints cannot all hold.
        good_lp::ResolutionError::Unbounded | good_lp::ResolutionError::Infeasible => super::infeasible(),
        other => OptimalError::Solver(other.to_string()),
    })?;
    Ok(prices(model, &solution.values))
}

/// Row prices read off the relaxation's solution `relaxed` by complementary
/// slackness: only the rows it holds tight have prices, and each column it
/// splits pays exactly for the room it takes — a programme of a few dozen
/// rows instead of the whole dual. A project's own row then takes the best
/// reduced cost among its columns. `None` unless the prices prove the
/// relaxation's value (at a degenerate solution they may not).
pub(super) fn slack_prices(model: &Model<'_>, relaxed: &[f64], options: SolveOptions) -> Option<Prices> {
    read_prices(model, relaxed, options).filter(|prices| proves(model, prices, relaxed))
}

/// Whether `prices` bound every plan by the value of `relaxed`, a solution
/// of the relaxation: then both are optimal.
pub(super) fn proves(model: &Model<'_>, prices: &Prices, relaxed: &[f64]) -> bool {
    let value: f64 = model.objective.iter().zip(relaxed).map(|(c, x)| c * x).sum();
    prices.bound <= value + 1e-7 * value.abs().max(1.0)
}

/// The prices [`slack_prices`] reads off `relaxed`, unchecked; `None` when
/// no prices make every split column pay exactly.
pub(super) fn read_prices(model: &Model<'_>, relaxed: &[f64], options: SolveOptions) -> Option<Prices> {
    const SPLIT: f64 = 1e-7;
    let is_project = model.is_project_row();
    let rows_of = model.rows_of_columns();
    let tight: Vec<bool> = model
        .rows
        .iter()
        .map(|row| {
            let activity: f64 = row.terms.iter().map(|(j, a)| a * relaxed[*j]).sum();
            (activity - row.rhs).abs() <= 1e-7 * row.rhs.abs().max(1.0)
        })
        .collect();
    let split: Vec<usize> = (0..relaxed.len()).filter(|j| relaxed[*j] > SPLIT && relaxed[*j] < 1.0 - SPLIT).collect();

    // One variable per tight row a split column is in; one equation per split column.
    let mut vars = ProblemVariables::new();
    let mut y: Vec<Option<Variable>> = vec![None; model.rows.len()];
    for j in &split {
        for (i, _) in rows_of[*j].iter().filter(|(i, _)| tight[*i]) {
            y[*i].get_or_insert_with(|| {
                vars.add(match model.rows[*i].sense {
                    Sense::AtMost => variable().min(0.0),
                    Sense::AtLeast => variable().max(0.0),
                    Sense::Exactly => variable(),
                })
            });
        }
    }
    let priced: Vec<(usize, Variable)> = y.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
    let cost: Expression = priced.iter().map(|(i, v)| model.rows[*i].rhs * *v).sum();
    let rows = split
        .iter()
        .map(|j| {
            let paid: Expression = rows_of[*j].iter().filter_map(|(i, a)| y[*i].map(|v| *a * v)).sum();
            constraint!(paid == model.objective[*j])
        })
        .collect();
    let read: Vec<Variable> = priced.iter().map(|(_, v)| *v).collect();
    let solved =
        Programme { problem: vars.minimise(cost), rows, initial: None }.solve(options.solver(), options, &read).ok()?;
    let mut duals = vec![0.0; model.rows.len()];
    for ((i, _), v) in priced.iter().zip(&solved.values) {
        duals[*i] = *v;
    }
    for p in model.project_rows.iter().filter(|p| y[**p].is_none()) {
        let best = model.rows[*p]
            .terms
            .iter()
            .map(|(j, _)| {
                let room: f64 = rows_of[*j].iter().filter(|(i, _)| !is_project[*i]).map(|(i, a)| a * duals[*i]).sum();
                model.objective[*j] - room
            })
            .fold(f64::NEG_INFINITY, f64::max);
        duals[*p] = if best.is_finite() { best } else { 0.0 };
    }
    Some(prices(model, &duals))
}

/// Prices from the dual values of the rows (clamped to the signs their senses
/// allow, so the bound holds whatever the solver's rounding), the reduced
/// costs and the bound they prove.
pub(super) fn prices(model: &Model<'_>, duals: &[f64]) -> Prices {
    let rows: Vec<f64> = model
        .rows
        .iter()
        .zip(duals)
        .map(|(row, v)| {
            let v = *v;
            match row.sense {
                Sense::AtMost => v.max(0.0),
                Sense::AtLeast => v.min(0.0),
                Sense::Exactly => v,
            }
        })
        .collect();
    let mut reduced = model.objective.clone();
    for (row, price) in model.rows.iter().zip(&rows) {
        for (j, a) in &row.terms {
            reduced[*j] -= a * price;
        }
    }
    let bound = model.rows.iter().zip(&rows).map(|(row, p)| row.rhs * p).sum::<f64>()
        + reduced.iter().map(|r| r.max(0.0)).sum::<f64>();
    Prices { rows, reduced, bound }
}

/// Fixes what `prices` decide against `target` (a plan's value, committed
/// projects included): columns no plan worth more has are out, and the rows
/// of projects every such plan has become equalities.
pub(super) fn fix(model: &mut Model<'_>, prices: &Prices, target: f64) -> Vec<Fix> {
    let slack = prices.bound - (target - model.committed_value) + 1e-6 * prices.bound.abs().max(1.0);
    let status = prices.reduced.iter().map(|r| if -r > slack { Fix::Out } else { Fix::Free }).collect();
    for i in &model.project_rows {
        if prices.rows[*i] > slack {
            model.rows[*i].sense = Sense::Exactly;
        }
    }
    status
}

/// Each column's value less the priced room it takes (its project's own row
/// excluded): the order in which the relaxation would want the columns.
pub(super) fn profits(model: &Model<'_>, prices: &Prices) -> Vec<f64> {
    let mut profit = prices.reduced.clone();
    for row in &model.project_rows {
        for (j, _) in &model.rows[*row].terms {
            profit[*j] += prices.rows[*row];
        }
    }
    profit
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use uuid::Uuid;

    use super::*;
    use crate::input::{Candidate, Ceilings, PlanInput, ScheduleLine};
    use crate::solver::Solver;

    /// Every selection of at most one column per project that meets every row,
    /// with its value (committed projects included).
    fn feasible_selections(model: &Model<'_>) -> Vec<(Vec<usize>, f64)> {
        let options: Vec<Vec<Option<usize>>> = model
            .project_rows
            .iter()
            .map(|r| std::iter::once(None).chain(model.rows[*r].terms.iter().map(|(j, _)| Some(*j))).collect())
            .collect();
        let mut pick = vec![0usize; options.len()];
        let mut found = Vec::new();
        loop {
            let columns: Vec<usize> = pick.iter().zip(&options).filter_map(|(p, o)| o[*p]).collect();
            let holds = model.rows.iter().all(|row| {
                let act: f64 = row.terms.iter().filter(|(j, _)| columns.contains(j)).map(|(_, a)| a).sum();
                match row.sense {
                    Sense::AtMost => act <= row.rhs + 1e-9,
                    Sense::AtLeast => act >= row.rhs - 1e-9,
                    Sense::Exactly => (act - row.rhs).abs() <= 1e-9,
                }
            });
            if holds {
                let value = columns.iter().map(|j| model.objective[*j]).sum::<f64>() + model.committed_value;
                found.push((columns, value));
            }
            let mut i = 0;
            loop {
                if i == pick.len() {
                    return found;
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

    fn instance() -> impl Strategy<Value = PlanInput> {
        let line = (0u8..3, 0usize..2, 1i64..60);
        let project = (1i64..100, prop::collection::vec(line, 1..4), 0i32..2, 0i32..2, any::<bool>());
        (prop::collection::vec(project, 2..8), 40i64..150, 10i64..80).prop_map(|(projects, total, cap)| {
            let candidates = projects
                .into_iter()
                .enumerate()
                .map(|(i, (score, lines, start, extra, continuing))| Candidate {
                    id: Uuid::from_u128(i as u128 + 1),
                    rank: i as u32 + 1,
                    score: Decimal::from(score),
                    sector: "ES".into(),
                    schedule: lines
                        .into_iter()
                        .map(|(offset, s, a)| ScheduleLine {
                            offset,
                            source: ["localBudget", "stateSubsidies"][s].into(),
                            amount: Decimal::from(a * 1000),
                        })
                        .collect(),
                    earliest_start: 2027 + start,
                    latest_start: 2027 + start + extra,
                    continuing: continuing && i % 3 == 0,
                })
                .collect();
            let mut ceilings = Ceilings {
                total: (2027..=2029).map(|y| (y, Decimal::from(total * 1000))).collect(),
                ..Default::default()
            };
            ceilings.by_source.insert(Ceilings::source_key(2028, "stateSubsidies"), Decimal::from(cap * 1000));
            PlanInput::new(2027, 2029, ceilings, candidates)
        })
    }

    /// On most instances the prices read off the relaxation prove what its
    /// dual proves; where they do, the bounds agree.
    #[test]
    fn prices_from_the_relaxation_prove_what_the_dual_proves() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let options = SolveOptions { solver: Some(Solver::Microlp), ..Default::default() };
        let mut proved = 0;
        for _ in 0..200 {
            let p = instance().new_tree(&mut runner).unwrap().current();
            let model = Model::build(&p);
            let relaxed = model.relax(options).unwrap();
            let dual = dual_prices(&model, options).unwrap();
            if let Some(slack) = slack_prices(&model, &relaxed, options) {
                assert!((slack.bound - dual.bound).abs() <= 1e-6 * dual.bound.abs().max(1.0), "{slack:?} {dual:?}");
                proved += 1;
            }
        }
        assert!(proved >= 150, "only {proved} of 200");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn the_bound_holds_and_fixing_keeps_every_plan_above_the_target(p in instance(), below in 0.0f64..0.3) {
            let built = Model::build(&p);
            let plans = feasible_selections(&built);
            let optimum = plans.iter().map(|(_, v)| *v).fold(f64::NEG_INFINITY, f64::max);
            let solvers: &[Solver] = if cfg!(feature = "highs") { &[Solver::Microlp, Solver::Highs] } else { &[Solver::Microlp] };
            for solver in solvers {
                let mut model = built.clone();
                let options = SolveOptions { solver: Some(*solver), ..Default::default() };
                let (_, prices) = super::super::relaxation::relaxation(&model, options).unwrap();
                prop_assert!(prices.bound + model.committed_value >= optimum - 1e-6, "{solver:?}");
                let target = optimum * (1.0 - below);
                let status = fix(&mut model, &prices, target);
                for (columns, value) in plans.iter().filter(|(_, v)| *v > target + 1e-9) {
                    prop_assert!(columns.iter().all(|j| status[*j] == Fix::Free), "{solver:?}: a plan worth {value} lost a column");
                    for row in model.project_rows.iter().filter(|r| model.rows[**r].sense == Sense::Exactly) {
                        prop_assert!(model.rows[*row].terms.iter().any(|(j, _)| columns.contains(j)));
                    }
                }
            }
        }
    }
}
