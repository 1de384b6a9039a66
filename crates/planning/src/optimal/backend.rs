//! The solvers a programme can be handed to: microlp (pure Rust, always
//! built) and HiGHS (built with the cargo feature `highs`).

use good_lp::variable::UnsolvedProblem;
use good_lp::{
    Constraint, ResolutionError, Solution, SolutionStatus, SolverModel, Variable, WithInitialSolution, WithMipGap,
    WithTimeLimit,
};

use super::SolveOptions;

pub use crate::solver::Solver;

/// What the solver proved about the best value of an integer programme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Bound {
    /// No plan is worth more than this.
    AtMost(f64),
    /// No plan is worth more than the solution's value plus this share of it.
    #[cfg_attr(not(feature = "highs"), allow(dead_code))]
    WithinGap(f64),
    /// Nothing (the solver stopped at its time limit).
    Unknown,
}

/// A programme ready for a solver: its variables and objective, rows and warm start.
pub(super) struct Programme {
    pub problem: UnsolvedProblem,
    pub rows: Vec<Constraint>,
    /// A start for the search (taken by microlp only).
    pub initial: Option<Vec<(Variable, f64)>>,
}

/// A solution: the value of each variable asked for, the bound proved, and
/// the rows' duals in the order they were given, where the solver reports them.
#[derive(Debug, Clone)]
pub(super) struct Solved {
    pub values: Vec<f64>,
    pub bound: Bound,
    pub row_duals: Option<Vec<f64>>,
}

impl Programme {
    /// Solves with `solver` and reads the values of `read`.
    pub fn solve(self, solver: Solver, options: SolveOptions, read: &[Variable]) -> Result<Solved, ResolutionError> {
        match solver {
            Solver::Microlp => {
                let model = self.problem.using(good_lp::solvers::microlp::microlp);
                run(model, self.rows, self.initial, options, read, |solution, _| {
                    (solution.into_inner().stats().best_bound.map_or(Bound::Unknown, Bound::AtMost), None)
                })
            }
            #[cfg(feature = "highs")]
            Solver::Highs => {
                let model = self.problem.using(good_lp::solvers::highs::highs).set_threads(1);
                // No MIP start: HiGHS 1.16's presolve, handed one, has
                // declared it optimal while better plans existed
                // (tests/gap.proptest-regressions holds such an instance).
                run(model, self.rows, None, options, read, |solution, status| {
                    let bound = match status {
                        SolutionStatus::Optimal => Bound::WithinGap(0.0),
                        SolutionStatus::GapLimit => Bound::WithinGap(f64::from(options.mip_gap)),
                        SolutionStatus::TimeLimit => Bound::Unknown,
                    };
                    (bound, Some(solution.into_inner().dual_rows().to_vec()))
                })
            }
            #[cfg(not(feature = "highs"))]
            Solver::Highs => Err(ResolutionError::Str("this build has no HiGHS (cargo feature `highs`)".into())),
        }
    }
}

fn run<M>(
    mut model: M,
    rows: Vec<Constraint>,
    initial: Option<Vec<(Variable, f64)>>,
    options: SolveOptions,
    read: &[Variable],
    bound_and_duals: impl FnOnce(M::Solution, SolutionStatus) -> (Bound, Option<Vec<f64>>),
) -> Result<Solved, ResolutionError>
where
    M: SolverModel<Error = ResolutionError> + WithTimeLimit + WithMipGap + WithInitialSolution,
{
    model = model.with_time_limit(options.time_limit.as_secs_f64());
    model = model.with_mip_gap(options.mip_gap).map_err(|e| ResolutionError::Str(e.to_string()))?;
    if let Some(initial) = initial {
        model = model.with_initial_solution(initial);
    }
    for row in rows {
        model.add_constraint(row);
    }
    let solution = model.solve()?;
    let values = read.iter().map(|v| solution.value(*v)).collect();
    let status = solution.status();
    let (bound, row_duals) = bound_and_duals(solution, status);
    Ok(Solved { values, bound, row_duals })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_without_highs_refuses_it_plainly() {
        let mut vars = good_lp::ProblemVariables::new();
        let x = vars.add(good_lp::variable().binary());
        let programme = Programme { problem: vars.maximise(x), rows: vec![], initial: None };
        let solved = programme.solve(Solver::Highs, SolveOptions::default(), &[x]);
        if cfg!(feature = "highs") {
            assert_eq!(solved.unwrap().values, vec![1.0]);
        } else {
            assert!(solved.unwrap_err().to_string().contains("cargo feature `highs`"));
        }
    }
}
