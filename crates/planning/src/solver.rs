//! Which solver backend the optimal builder hands a programme to.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A solver backend of the optimal builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Solver {
    /// microlp: pure Rust, in every build.
    Microlp,
    /// HiGHS: in builds with the cargo feature `highs`.
    Highs,
}

/// Columns from which HiGHS, where built, is faster than microlp (measured
/// in docs/benchmarks.md: microlp's searches are quicker on a hromada's few
/// hundred columns, HiGHS's relaxations on a national ten thousand).
const HIGHS_FROM_COLUMNS: usize = 2_000;

impl Solver {
    /// The solver for a programme of `columns` columns: HiGHS from
    /// `HIGHS_FROM_COLUMNS` (2,000) in builds that have it, microlp otherwise.
    pub fn for_columns(columns: usize) -> Solver {
        if cfg!(feature = "highs") && columns >= HIGHS_FROM_COLUMNS { Solver::Highs } else { Solver::Microlp }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_programmes_go_to_highs_where_built() {
        assert_eq!(Solver::for_columns(HIGHS_FROM_COLUMNS - 1), Solver::Microlp);
        let large = if cfg!(feature = "highs") { Solver::Highs } else { Solver::Microlp };
        assert_eq!(Solver::for_columns(HIGHS_FROM_COLUMNS), large);
    }
}
