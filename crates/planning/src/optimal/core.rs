//! The core programme: the relaxation's prices say how far each column is
//! from paying for the room it takes. All but the columns nearest that margin
//! (and those the relaxation splits) are fixed as the relaxation has them, and
//! the solver chooses among the rest. The small programme solves fast and
//! usually finds a near-optimal plan, which then lets reduced-cost fixing
//! shrink the full programme.

use super::model::{Fix, Model, chosen, free_variables};
use super::{OptimalError, SolveOptions, Starts};

/// Columns nearest the margin left to the solver.
const SIZE: usize = 20;

/// The columns the core programme chooses, or `None` when the solver stops
/// without a plan there. `slack` is the value the search may leave on the
/// table (the gap is scaled to the free columns' share of the value).
pub(super) fn solve(
    model: &Model<'_>,
    relaxed: &[f64],
    profit: &[f64],
    slack: f64,
    options: SolveOptions,
    warm: &Starts,
) -> Result<Option<Vec<usize>>, OptimalError> {
    let mut status: Vec<Fix> = relaxed.iter().map(|x| if *x > 1.0 - 1e-6 { Fix::In } else { Fix::Out }).collect();
    let mut nearest: Vec<usize> = (0..model.columns.len()).collect();
    nearest.sort_by(|a, b| profit[*a].abs().total_cmp(&profit[*b].abs()));
    for j in nearest.into_iter().take(SIZE) {
        status[j] = Fix::Free;
    }
    for (j, x) in relaxed.iter().enumerate() {
        if *x > 1e-6 && *x < 1.0 - 1e-6 {
            status[j] = Fix::Free;
        }
    }
    let share: f64 =
        (0..relaxed.len()).filter(|j| status[*j] == Fix::Free).map(|j| model.objective[j] * relaxed[j]).sum();
    let options = SolveOptions { mip_gap: (slack / share.max(1e-9)).min(1.0) as f32, ..options };
    let (programme, x) = model.programme(&status, true, Some(warm));
    match programme.solve(options.solver(), options, &free_variables(&x)) {
        Ok(solved) => Ok(Some(chosen(&status, &x, &solved))),
        Err(good_lp::ResolutionError::Infeasible | good_lp::ResolutionError::Other(_)) => Ok(None),
        Err(other) => Err(OptimalError::Solver(other.to_string())),
    }
}
