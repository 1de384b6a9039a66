//! Expert evaluation of project passports: methodologies as data, gates,
//! computed and expert criteria, aggregation of several experts' scores,
//! ranking with a deterministic tie-break, and sensitivity analysis.
//!
//! Pure: no IO. Arithmetic on scores is exact (fixed-point integers, with
//! `Decimal` as the reference and the fallback); only the
//! Monte-Carlo sensitivity analysis works in `f64`, as a statistic over ranks.

pub mod aggregate;
pub mod assignment;
pub mod closing;
pub mod computed;
pub mod default_methodology;
pub mod evaluate;
pub mod evaluation;
pub mod fixed;
pub mod gates;
pub mod methodology;
pub mod rank;
pub mod round;
pub mod scorecard;
pub mod sensitivity;

pub use default_methodology::default_methodology;
pub use evaluate::{CriterionResult, ProjectEvaluation, ProjectInput, evaluate, evaluate_all, standings_all};
pub use methodology::{Aggregation, Criterion, CriterionGroup, CriterionKind, Methodology, MethodologyError};
pub use rank::{RankedProject, Standing, rank, rank_standings};
