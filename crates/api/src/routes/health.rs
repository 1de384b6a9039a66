//! Liveness and readiness probes.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// Health status.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when healthy.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness probe
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The server is running", body = Health, example = json!({"status": "ok"}))))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness probe (checks the database)
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
        (status = 200, description = "The database answers", body = Health, example = json!({"status": "ok"})),
        (status = 503, description = "The database does not answer", body = crate::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    state.store.ping().await.map_err(|e| ApiError::Unavailable(format!("database not ready: {e}")))?;
    Ok(Json(Health { status: "ok" }))
}
