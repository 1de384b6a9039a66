//! The linear relaxation with row prices proving its value: near its margin
//! where that proves it, else whole, with prices by complementary slackness
//! or from the dual.

use super::backend::Solver;
use super::fixing::{Prices, dual_prices, prices, slack_prices};
use super::model::Model;
use super::{OptimalError, SolveOptions, margin};

/// The linear relaxation's value of every column, and row prices from its
/// dual: one solve where the solver reports duals (HiGHS); with microlp, the
/// relaxation near the margin ([`margin`]) or whole, then prices by
/// complementary slackness ([`slack_prices`]), or, when those do not prove
/// the relaxation's value, its dual.
pub(super) fn relaxation(model: &Model<'_>, options: SolveOptions) -> Result<(Vec<f64>, Prices), OptimalError> {
    if options.solver() == Solver::Microlp {
        if let Some(solved) = margin::relax(model, options) {
            return Ok(solved);
        }
        let relaxed = model.relax(options)?;
        let prices = match slack_prices(model, &relaxed, options) {
            Some(prices) => prices,
            None => dual_prices(model, options)?,
        };
        return Ok((relaxed, prices));
    }
    let (programme, x) = model.relaxation_with_every_row();
    let solved = programme.solve(options.solver(), options, &x).map_err(super::failed)?;
    let duals = solved.row_duals.ok_or_else(|| OptimalError::Solver("the solver gave no duals".into()))?;
    Ok((solved.values, prices(model, &duals)))
}
