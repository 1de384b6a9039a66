//! Optimal selection: a mixed-integer programme — one binary per project and
//! start year — maximising the objective under every ceiling, sector share and
//! link, solved by microlp through `good_lp` (pure Rust), warm-started from the
//! rank-order fill so it never does worse. The plan it returns is re-checked
//! exactly; the proven optimality gap is reported.

use std::collections::BTreeMap;
use std::time::Duration;

use good_lp::solvers::microlp::microlp;
use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, WithInitialSolution, WithMipGap, WithTimeLimit,
    constraint, variable,
};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use uuid::Uuid;

use crate::input::{Candidate, Ceilings, PlanInput};
use crate::outcome::{Ledger, Plan, PlanBuilder};
use crate::rank_fill::{density_fill, fill_in, rank_order_fill};

/// Solver settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Wall-clock limit.
    pub time_limit: Duration,
    /// Relative gap at which the search may stop (0.001 = 0.1 %).
    pub mip_gap: f32,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions { time_limit: Duration::from_secs(10), mip_gap: 0.0005 }
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

fn thousands(amount: Decimal) -> f64 {
    (amount / Decimal::from(1000)).to_f64().unwrap_or(0.0)
}

/// The programme: one variable per (project, start year), and its constraints.
struct Programme<'a> {
    model: good_lp::solvers::microlp::MicroLpProblem,
    choices: Vec<(&'a Candidate, i32, Variable)>,
}

/// Builds the programme; `binary` false gives its linear relaxation.
fn programme<'a>(
    input: &'a PlanInput,
    binary: bool,
    options: SolveOptions,
    warm: Option<&BTreeMap<Uuid, i32>>,
) -> Result<Programme<'a>, OptimalError> {
    let k = &input.constraints;
    let period = input.first_year..=input.last_year;
    // Continuing projects are committed: they take room, they are not variables.
    let mut committed_year: BTreeMap<i32, f64> = BTreeMap::new();
    let mut committed_source: BTreeMap<String, f64> = BTreeMap::new();
    let mut committed_sector: BTreeMap<&str, f64> = BTreeMap::new();
    for c in input.candidates.iter().filter(|c| c.continuing) {
        for (year, source, amount) in c.amounts(c.earliest_start).filter(|(y, _, _)| period.contains(y)) {
            *committed_year.entry(year).or_default() += thousands(amount);
            *committed_source.entry(Ceilings::source_key(year, source)).or_default() += thousands(amount);
            *committed_sector.entry(c.sector.as_str()).or_default() += thousands(amount);
        }
    }

    let mut vars = ProblemVariables::new();
    let mut choices: Vec<(&Candidate, i32, Variable)> = Vec::new();
    for c in input.candidates.iter().filter(|c| !c.continuing && !k.forced_out.contains(&c.id)) {
        for start in c.starts() {
            let v = if binary { variable().binary() } else { variable().min(0.0).max(1.0) };
            choices.push((c, start, vars.add(v)));
        }
    }
    let objective: Expression = choices.iter().map(|(c, _, x)| input.value(c).to_f64().unwrap_or(0.0) * *x).sum();
    let mut model = vars
        .maximise(objective)
        .using(microlp)
        .with_time_limit(options.time_limit.as_secs_f64())
        .with_mip_gap(options.mip_gap)
        .map_err(|e| OptimalError::Solver(e.to_string()))?;
    if let Some(warm) = warm {
        let initial: Vec<(Variable, f64)> =
            choices.iter().map(|(c, s, x)| (*x, if warm.get(&c.id) == Some(s) { 1.0 } else { 0.0 })).collect();
        model = model.with_initial_solution(initial);
    }
    // One start at most per project (exactly one when forced in).
    let mut per_project: BTreeMap<Uuid, Expression> = BTreeMap::new();
    for (c, _, x) in &choices {
        *per_project.entry(c.id).or_default() += *x;
    }
    for (id, sum) in &per_project {
        if k.forced_in.contains(id) {
            model.add_constraint(constraint!(sum.clone() == 1.0));
        } else {
            model.add_constraint(constraint!(sum.clone() <= 1.0));
        }
    }
    // Ceilings, net of committed projects.
    let mut per_year: BTreeMap<i32, Expression> = BTreeMap::new();
    let mut per_source: BTreeMap<String, Expression> = BTreeMap::new();
    let mut per_sector: BTreeMap<&str, Expression> = BTreeMap::new();
    for (c, start, x) in &choices {
        for (year, source, amount) in c.amounts(*start).filter(|(y, _, _)| period.contains(y)) {
            let a = thousands(amount);
            *per_year.entry(year).or_default() += a * *x;
            *per_source.entry(Ceilings::source_key(year, source)).or_default() += a * *x;
            *per_sector.entry(c.sector.as_str()).or_default() += a * *x;
        }
    }
    for (year, ceiling) in input.ceilings.total.iter().filter(|(y, _)| period.contains(y)) {
        if let Some(sum) = per_year.remove(year) {
            let room = (thousands(*ceiling) - committed_year.get(year).copied().unwrap_or(0.0)).max(0.0);
            model.add_constraint(constraint!(sum <= room));
        }
    }
    for (key, ceiling) in &input.ceilings.by_source {
        if let Some(sum) = per_source.remove(key) {
            let room = (thousands(*ceiling) - committed_source.get(key).copied().unwrap_or(0.0)).max(0.0);
            model.add_constraint(constraint!(sum <= room));
        }
    }
    let period_ceiling: f64 =
        input.ceilings.total.iter().filter(|(y, _)| period.contains(y)).map(|(_, c)| thousands(*c)).sum();
    for share in &input.ceilings.sectors {
        let sum = per_sector.get(share.sector.as_str()).cloned().unwrap_or_default();
        let committed = committed_sector.get(share.sector.as_str()).copied().unwrap_or(0.0);
        if let Some(max) = share.max_share {
            model.add_constraint(constraint!(
                sum.clone() <= (max.to_f64().unwrap_or(1.0) * period_ceiling - committed).max(0.0)
            ));
        }
        if let Some(min) = share.min_share {
            model.add_constraint(constraint!(sum >= min.to_f64().unwrap_or(0.0) * period_ceiling - committed));
        }
    }
    // Links.
    let chosen = |id: &Uuid| per_project.get(id).cloned().unwrap_or_default();
    let continuing = |id: &Uuid| input.candidates.iter().any(|c| c.id == *id && c.continuing);
    for (a, b) in &k.requires {
        if !continuing(b) {
            model.add_constraint(constraint!(chosen(a) <= chosen(b)));
        }
    }
    for (a, b) in &k.excludes {
        let fixed = f64::from(u8::from(continuing(a))) + f64::from(u8::from(continuing(b)));
        model.add_constraint(constraint!(chosen(a) + chosen(b) + fixed <= 1.0));
    }

    Ok(Programme { model, choices })
}

/// Builds the optimal plan: the linear relaxation orders a fill that warm-starts
/// the integer programme, which then closes the gap to the best bound.
pub fn optimal_plan(input: &PlanInput, options: SolveOptions) -> Result<Plan, OptimalError> {
    let k = &input.constraints;
    let relaxed = programme(input, false, options, None)?;
    let preferred: BTreeMap<Uuid, i32>;
    let lp_order: Vec<&Candidate> = match relaxed.model.solve() {
        Ok(solution) => {
            let mut weight: BTreeMap<Uuid, f64> = BTreeMap::new();
            let mut best_start: BTreeMap<Uuid, (i32, f64)> = BTreeMap::new();
            for (c, start, x) in &relaxed.choices {
                let v = solution.value(*x);
                *weight.entry(c.id).or_default() += v;
                let entry = best_start.entry(c.id).or_insert((*start, v));
                if v > entry.1 {
                    *entry = (*start, v);
                }
            }
            preferred = best_start.into_iter().map(|(id, (s, _))| (id, s)).collect();
            let mut order: Vec<&Candidate> = input.candidates.iter().collect();
            order.sort_by(|a, b| {
                let (wa, wb) = (weight.get(&a.id).copied().unwrap_or(0.0), weight.get(&b.id).copied().unwrap_or(0.0));
                wb.total_cmp(&wa).then(a.rank.cmp(&b.rank))
            });
            order
        }
        Err(good_lp::ResolutionError::Infeasible) => {
            return Err(OptimalError::Infeasible(
                "forced projects, minimum sector shares or links conflict with the ceilings".into(),
            ));
        }
        Err(other) => return Err(OptimalError::Solver(other.to_string())),
    };
    let warm = [rank_order_fill(input), density_fill(input), fill_in(input, lp_order, &preferred)]
        .into_iter()
        .filter(|p| p.warnings.is_empty())
        .max_by(|a, b| a.objective_value.cmp(&b.objective_value))
        .unwrap_or_else(|| rank_order_fill(input));
    let warm_starts: BTreeMap<Uuid, i32> = warm.included.iter().map(|i| (i.id, i.start_year)).collect();
    let Programme { model, choices } = programme(input, true, options, Some(&warm_starts))?;
    let solution = model.solve().map_err(|e| match e {
        good_lp::ResolutionError::Infeasible => OptimalError::Infeasible(
            "forced projects, minimum sector shares or links conflict with the ceilings".into(),
        ),
        other => OptimalError::Solver(other.to_string()),
    })?;
    let picks: Vec<(&Candidate, i32)> =
        choices.iter().filter(|(_, _, x)| solution.value(*x) > 0.5).map(|(c, s, _)| (*c, *s)).collect();
    let inner = solution.into_inner();
    let gap = inner.gap();
    let proven = matches!(gap, Some(g) if g <= f64::from(options.mip_gap) + 1e-9);

    // Re-check exactly; drop the least valuable picks if floating point let anything through.
    let mut ledger = Ledger::new(input);
    for c in input.candidates.iter().filter(|c| c.continuing) {
        ledger.add(c, c.earliest_start);
    }
    let mut warnings = Vec::new();
    let mut ordered = picks;
    ordered.sort_by(|a, b| input.value(b.0).cmp(&input.value(a.0)).then(a.0.rank.cmp(&b.0.rank)));
    for (c, start) in ordered {
        if ledger.blocker(c, start).is_none() || k.forced_in.contains(&c.id) {
            ledger.add(c, start);
        } else {
            warnings.push(format!("проєкт {} вилучено під час точної перевірки граничних обсягів", c.id));
        }
    }
    let mut plan = ledger.into_plan(PlanBuilder::Optimal, warnings);
    if plan.objective_value < warm.objective_value && warm.warnings.is_empty() {
        // The warm start is feasible and better: the search ended early.
        let mut fallback = warm;
        fallback.builder = PlanBuilder::Optimal;
        fallback.optimal = Some(false);
        fallback.gap = gap;
        return Ok(fallback);
    }
    plan.optimal = Some(proven);
    plan.gap = gap;
    Ok(plan)
}
