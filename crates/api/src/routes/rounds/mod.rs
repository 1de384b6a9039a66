//! Evaluation rounds: projects, screening, expert assignment, conflict of
//! interest, blind scoring, disagreements, closing, results, score cards, sensitivity.

pub mod results;
pub mod scoring;
pub mod setup;

use portfel_scoring::round::RoundResults;
use uuid::Uuid;

use crate::problem::ApiResult;
use crate::state::AppState;

/// A closed round's results with the methodology they were computed under.
async fn closed(state: &AppState, id: Uuid) -> ApiResult<(RoundResults, portfel_scoring::Methodology)> {
    let db = state.store.db();
    let round = portfel_store::rounds::get(db, id).await?;
    let results = portfel_store::rounds::results(db, id).await?;
    let methodology = portfel_store::methodologies::get(db, round.data.methodology_id).await?.definition;
    Ok((results, methodology))
}
