//! The medium-term plan of priority public investments: which projects of the
//! portfolio fit the yearly ceilings, by two builders that can be compared side
//! by side — the rank-order fill councils use, and an optimal selection solved
//! as a mixed-integer programme.
//!
//! Pure: no IO. Amounts are exact `Decimal` hryvnias in inputs and results;
//! the solver works in thousands of hryvnias as floating point, and every plan
//! it proposes is re-checked exactly before it is returned.

pub mod council;
pub mod input;
pub mod meetings;
pub mod optimal;
pub mod outcome;
pub mod rank_fill;
pub mod request;
pub mod schedule;
pub mod solver;
pub mod workflow;

pub use input::{Candidate, Ceilings, Constraints, Objective, PlanInput, ScheduleLine, SectorShare};
pub use optimal::{OptimalError, SolveOptions, Solver, optimal_plan};
pub use outcome::{Exclusion, Inclusion, Plan, PlanBuilder, Usage};
pub use rank_fill::rank_order_fill;
