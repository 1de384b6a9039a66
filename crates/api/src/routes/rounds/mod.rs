//! Evaluation rounds: projects, screening, expert assignment, conflict of
//! interest, blind scoring, disagreements, closing, results, score cards, sensitivity.

pub mod results;
pub mod scoring;
pub mod setup;

use portfel_scoring::round::RoundResults;
use uuid::Uuid;

use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// Refuses a blank `reason` for `what` (reopening scores, withdrawing a project).
fn require_reason(reason: &str, what: &str) -> ApiResult<()> {
    if reason.trim().is_empty() {
        return Err(ApiError::Validation(vec![portfel_domain::FieldError::new(
            "reason",
            "required",
            format!("{what} needs a reason"),
        )]));
    }
    Ok(())
}

/// A closed round's results with the methodology they were computed under.
async fn closed(state: &AppState, id: Uuid) -> ApiResult<(RoundResults, portfel_scoring::Methodology)> {
    let db = state.store.db();
    let round = portfel_store::rounds::get(db, id).await?;
    let results = portfel_store::rounds::results(db, id).await?;
    let methodology = portfel_store::methodologies::get(db, round.data.methodology_id).await?.definition;
    Ok((results, methodology))
}
