//! The names pages show and print: organisations by id, and the hromada
//! heading printed documents.

use std::collections::HashMap;

use axum::extract::State;
use uuid::Uuid;

use crate::WebState;
use crate::error::PageResult;
use crate::session::Signed;

/// Names of organisations, by id.
pub async fn organisation_names(state: &WebState, user: &Signed) -> PageResult<HashMap<Uuid, String>> {
    let axum::Json(list) =
        portfel_api::routes::organisations::list_organisations(user.auth.clone(), State(state.app.clone())).await?;
    Ok(list.into_iter().map(|o| (o.meta.id, o.data.name)).collect())
}

/// The hromada's name for printed documents: the configured one, else the
/// name of the organisation registered first.
pub async fn hromada(state: &WebState, user: &Signed) -> PageResult<String> {
    if !state.settings.hromada.is_empty() {
        return Ok(state.settings.hromada.clone());
    }
    let axum::Json(list) =
        portfel_api::routes::organisations::list_organisations(user.auth.clone(), State(state.app.clone())).await?;
    Ok(list.into_iter().min_by_key(|o| o.meta.created_at).map(|o| o.data.name).unwrap_or_default())
}
