//! Optimal selection: a mixed-integer programme — one binary per project and
//! start year — maximising the objective under every ceiling, sector share and
//! link, solved through `good_lp` by microlp (pure Rust) or, in builds with
//! the cargo feature `highs`, by HiGHS.
//!
//! The steps: the linear relaxation and its dual price every ceiling and bound
//! every plan. Fills in rank, value-density and relaxation order, then a small
//! core programme around the relaxation's margin and a local search of
//! additions and exchanges, give a near-optimal plan; when it is within the
//! gap of the bound it is proven without a search.
//! Otherwise reduced-cost fixing removes every column that cannot beat it by
//! more than the tolerated gap, and the solver closes the rest (microlp
//! warm-started from it); the better of the two plans is kept. Every plan is
//! re-checked exactly; the proven gap is reported.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

mod backend;
mod core;
mod fixing;
mod improve;
mod margin;
mod model;
mod relaxation;

use crate::input::{Candidate, PlanInput};
use crate::outcome::{Ledger, Plan, PlanBuilder};
use crate::rank_fill::{density_fill, fill_in, rank_order_fill};
use backend::Bound;
pub use backend::Solver;
use model::{Fix, Model};

/// Start year of each included project.
type Starts = BTreeMap<Uuid, i32>;

/// Share of the tolerated gap that reduced-cost fixing may use.
const FIXING_SHARE: f64 = 0.95;

/// Solver settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Wall-clock limit.
    pub time_limit: Duration,
    /// Relative gap at which the search may stop (0.001 = 0.1 %).
    pub mip_gap: f32,
    /// The solver; `None` chooses by the programme's size ([`Solver::for_columns`]).
    pub solver: Option<Solver>,
}

impl SolveOptions {
    /// The solver these options name (microlp when they name none).
    fn solver(&self) -> Solver {
        self.solver.unwrap_or(Solver::Microlp)
    }
}

impl Default for SolveOptions {
    /// Ten seconds, a gap of 0.05 %, the solver chosen by size.
    fn default() -> Self {
        SolveOptions { time_limit: Duration::from_secs(10), mip_gap: 0.0005, solver: None }
    }
}

/// Why no optimal plan could be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimalError {
    /// Forced projects, minimum sector shares or links cannot all hold.
    #[error("no plan satisfies every constraint: {0}")]
    Infeasible(String),
    /// The solver failed.
    #[error("the solver failed: {0}")]
    Solver(String),
}

/// Builds the optimal plan (see the module documentation for the steps).
pub fn optimal_plan(input: &PlanInput, options: SolveOptions) -> Result<Plan, OptimalError> {
    let deadline = Instant::now() + options.time_limit;
    let remaining =
        |share: u32| SolveOptions { time_limit: deadline.saturating_duration_since(Instant::now()) / share, ..options };
    let mut model = Model::build(input);
    let options =
        SolveOptions { solver: Some(options.solver.unwrap_or(Solver::for_columns(model.columns.len()))), ..options };
    let (relaxed, prices) = relaxation::relaxation(&model, options)?;
    let bound = prices.bound + model.committed_value;
    let proven = |plan: &Plan| gap(value(plan), bound) <= f64::from(options.mip_gap);

    let mut best = [rank_order_fill(input), density_fill(input), relaxation_fill(input, &model, &relaxed)]
        .into_iter()
        .filter(|p| p.warnings.is_empty())
        .max_by(|a, b| a.objective_value.cmp(&b.objective_value));
    if let Some(fill) = best.as_ref().filter(|fill| !proven(fill)) {
        let profit = fixing::profits(&model, &prices);
        let slack = f64::from(options.mip_gap) * bound;
        if let Some(columns) = core::solve(&model, &relaxed, &profit, slack, remaining(4), &starts(fill))? {
            let plan = checked_plan(input, &model, &columns);
            if plan.warnings.is_empty() && plan.objective_value > fill.objective_value {
                best = Some(plan);
            }
        }
    }
    if let Some(fill) = best.as_ref().filter(|fill| !proven(fill)) {
        let improved = improve::improve(&model, &columns_of(&model, fill), Instant::now() + remaining(10).time_limit);
        let plan = checked_plan(input, &model, &improved);
        if plan.warnings.is_empty() && plan.objective_value > fill.objective_value {
            best = Some(plan);
        }
    }
    if let Some(plan) = best.take_if(|plan| proven(plan)) {
        return Ok(finish(plan, bound, options));
    }

    // Columns that cannot beat the plan in hand by more than the tolerated gap are fixed.
    let tolerance = f64::from(options.mip_gap) * FIXING_SHARE;
    let status = match &best {
        Some(plan) => fixing::fix(&mut model, &prices, value(plan) * (1.0 + tolerance)),
        None => vec![Fix::Free; model.columns.len()],
    };
    let warm = best.as_ref().map_or_else(|| starts(&rank_order_fill(input)), starts);
    // The solver's gap is relative to the columns' value, without the committed projects.
    let columns_gap = f64::from(options.mip_gap) * bound / (bound - model.committed_value).max(1e-9);
    let search = SolveOptions { mip_gap: columns_gap.min(1.0) as f32, ..remaining(1) };
    let (programme, x) = model.programme(&status, true, Some(&warm));
    let solved = match programme.solve(options.solver(), search, &model::free_variables(&x)) {
        Ok(solved) => solved,
        Err(_) if best.is_some() => return Ok(finish(best.expect("checked above"), bound, options)),
        Err(e) => return Err(failed(e)),
    };
    let columns = model::chosen(&status, &x, &solved);
    let searched = match solved.bound {
        Bound::AtMost(b) => Some(b + model.committed_value),
        Bound::WithinGap(share) => {
            // The share is of the value of the columns the search chose among.
            let free: f64 = columns.iter().filter(|j| status[**j] == Fix::Free).map(|j| model.objective[*j]).sum();
            let fixed: f64 = columns.iter().filter(|j| status[**j] == Fix::In).map(|j| model.objective[*j]).sum();
            Some(model.committed_value + fixed + free + share * free.abs())
        }
        Bound::Unknown => None,
    };
    let plan = checked_plan(input, &model, &columns);
    // Fixing kept every plan worth more than the one in hand plus the
    // tolerance, so the search's bound covers the rest.
    let bound = match (&best, searched) {
        (Some(fill), Some(b)) => bound.min(b.max(value(fill) * (1.0 + tolerance))),
        (None, Some(b)) => bound.min(b),
        (_, None) => bound,
    };
    let chosen = match best {
        Some(fill) if fill.objective_value > plan.objective_value || !plan.warnings.is_empty() => fill,
        _ => plan,
    };
    Ok(finish(chosen, bound, options))
}

/// Fills in the order of the relaxation's values (whole projects first), each
/// project at the start year the relaxation gives it most.
fn relaxation_fill(input: &PlanInput, model: &Model<'_>, relaxed: &[f64]) -> Plan {
    let mut weight: BTreeMap<Uuid, f64> = BTreeMap::new();
    let mut best_start: BTreeMap<Uuid, (i32, f64)> = BTreeMap::new();
    for ((c, start), v) in model.columns.iter().zip(relaxed) {
        *weight.entry(c.id).or_default() += v;
        let entry = best_start.entry(c.id).or_insert((*start, *v));
        if *v > entry.1 {
            *entry = (*start, *v);
        }
    }
    let preferred: Starts = best_start.into_iter().map(|(id, (s, _))| (id, s)).collect();
    let mut order: Vec<&Candidate> = input.candidates.iter().collect();
    order.sort_by(|a, b| {
        let (wa, wb) = (weight.get(&a.id).copied().unwrap_or(0.0), weight.get(&b.id).copied().unwrap_or(0.0));
        wb.total_cmp(&wa).then(a.rank.cmp(&b.rank))
    });
    fill_in(input, order, &preferred)
}

/// The plan's value as the solver sees it.
fn value(plan: &Plan) -> f64 {
    plan.objective_value.to_f64().unwrap_or(0.0)
}

/// Relative gap between a plan's value and a bound.
fn gap(value: f64, bound: f64) -> f64 {
    if bound > value { (bound - value) / value.abs().max(1e-10) } else { 0.0 }
}

/// The columns of a plan's new projects (continuing ones are not columns).
fn columns_of(model: &Model<'_>, plan: &Plan) -> Vec<usize> {
    let starts = starts(plan);
    (0..model.columns.len()).filter(|j| starts.get(&model.columns[*j].0.id) == Some(&model.columns[*j].1)).collect()
}

fn starts(plan: &Plan) -> Starts {
    plan.included.iter().map(|i| (i.id, i.start_year)).collect()
}

/// Marks a plan as the optimal builder's, with its proven gap.
fn finish(mut plan: Plan, bound: f64, options: SolveOptions) -> Plan {
    let gap = gap(value(&plan), bound);
    plan.builder = PlanBuilder::Optimal;
    plan.solver = Some(options.solver());
    plan.optimal = Some(gap <= f64::from(options.mip_gap) + 1e-9);
    plan.gap = Some(gap);
    plan
}

/// The plan of the chosen columns, re-checked exactly: should floating point
/// have let a pick through that breaks a ceiling, the least valuable such
/// picks are dropped with a warning.
fn checked_plan(input: &PlanInput, model: &Model<'_>, columns: &[usize]) -> Plan {
    let mut ledger = Ledger::new(input);
    for c in input.candidates.iter().filter(|c| c.continuing) {
        ledger.add(c, c.earliest_start);
    }
    let mut warnings = Vec::new();
    let mut picks: Vec<(&Candidate, i32)> = columns.iter().map(|j| model.columns[*j]).collect();
    picks.sort_by(|a, b| input.value(b.0).cmp(&input.value(a.0)).then(a.0.rank.cmp(&b.0.rank)));
    for (c, start) in picks {
        if ledger.blocker(c, start).is_none() || input.constraints.forced_in.contains(&c.id) {
            ledger.add(c, start);
        } else {
            warnings.push(format!("проєкт {} вилучено під час точної перевірки граничних обсягів", c.id));
        }
    }
    ledger.into_plan(PlanBuilder::Optimal, warnings)
}

fn infeasible() -> OptimalError {
    OptimalError::Infeasible("forced projects, minimum sector shares or links conflict with the ceilings".into())
}

/// Why a programme of the plan's own rows has no solution.
fn failed(e: good_lp::ResolutionError) -> OptimalError {
    match e {
        good_lp::ResolutionError::Infeasible => infeasible(),
        other => OptimalError::Solver(other.to_string()),
    }
}
