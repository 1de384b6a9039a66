//! Closing a round and what it computed: results, score cards, sensitivity.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use portfel_scoring::round::RoundResults;
use portfel_scoring::scorecard::ScoreCard;
use portfel_scoring::sensitivity::{SensitivityConfig, SensitivityReport, analyse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::closed;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody, QueryParams};
use crate::problem::{ApiError, ApiResult};
use crate::routes::Versioned;
use crate::state::AppState;
use portfel_domain::Permission;

/// Options of a sensitivity run.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SensitivityRequest {
    /// Random trials (default 1000, at most 10000).
    #[schema(minimum = 1, maximum = 10000)]
    pub trials: Option<u32>,
    /// Relative weight perturbation (default 0.2), strictly between 0 and 1.
    #[schema(exclusive_minimum = 0.0, exclusive_maximum = 1.0)]
    pub spread: Option<f64>,
    /// Size of the tracked top group (default 10).
    #[schema(minimum = 1)]
    pub top_k: Option<usize>,
    /// Seed (default 2025).
    pub seed: Option<u64>,
}

impl SensitivityRequest {
    fn config(&self) -> ApiResult<SensitivityConfig> {
        let d = SensitivityConfig::default();
        let config = SensitivityConfig {
            trials: self.trials.unwrap_or(d.trials),
            spread: self.spread.unwrap_or(d.spread),
            top_k: self.top_k.unwrap_or(d.top_k),
            seed: self.seed.unwrap_or(d.seed),
            sweep_factors: d.sweep_factors,
        };
        config.check().map_err(ApiError::Validation)?;
        Ok(config)
    }
}

/// Score card format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CardQuery {
    /// `json` (default) or `markdown`.
    pub format: Option<CardFormat>,
}

/// Score card format.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardFormat {
    /// JSON document.
    Json,
    /// Markdown text.
    Markdown,
}

/// Close a round
#[utoipa::path(post, path = "/api/v1/rounds/{id}/close", tag = "evaluation", description = "Needs every eligible project fully scored and no unresolved disagreement. Computes gate results, aggregated \
        scores, group indices, final scores, ranks and a sensitivity analysis, freezes them, and moves evaluated projects to `evaluated`.",
    params(("id" = Uuid, Path, description = "Round id"), IfMatch),
    request_body = SensitivityRequest,
    responses((status = 200, description = "Results", body = RoundResults, headers(("ETag" = String)))))]
pub async fn close_round(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<SensitivityRequest>,
) -> ApiResult<Versioned<RoundResults>> {
    auth.require(Permission::PrepareRounds)?;
    let req = req.value()?;
    let config = req.config()?;
    let started = std::time::Instant::now();
    let (round, results) = portfel_store::rounds::close(state.store.db(), &auth.actor(), id, version, &config).await?;
    crate::metrics::round_closed(started.elapsed().as_secs_f64());
    Ok(Versioned::ok(round.meta.version, results))
}

/// Get a round's results
#[utoipa::path(get, path = "/api/v1/rounds/{id}/results", tag = "evaluation", params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "Ranking, evaluations and sensitivity", body = RoundResults),
              (status = 409, description = "The round is still open", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn round_results(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<RoundResults>> {
    auth.require(Permission::ReadRoundResults)?;
    Ok(Json(portfel_store::rounds::results(state.store.db(), id).await?))
}

/// Get a score card
#[utoipa::path(get, path = "/api/v1/rounds/{id}/projects/{passport_id}/scorecard", tag = "evaluation", description = "Every contribution: gates, criterion, weight, raw scores, aggregate, points, indices, rank and sensitivity. \
        `format=markdown` returns a readable rendering. Visible to whoever may see the passport.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id"), CardQuery),
    responses((status = 200, description = "The score card", body = ScoreCard),
              (status = 409, description = "The round is still open", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn scorecard(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    QueryParams(q): QueryParams<CardQuery>,
) -> ApiResult<Response> {
    let passport = crate::routes::passports::visible(&state, &auth, passport_id).await?;
    let db = state.store.db();
    let (results, methodology) = closed(&state, id).await?;
    let consensus = portfel_store::rounds::projects(db, id)
        .await?
        .into_iter()
        .find(|p| p.passport_id == passport_id)
        .map(|p| p.consensus)
        .unwrap_or_default();
    let card = ScoreCard::build(id, passport_id, passport.content.title.uk, &methodology, &results, consensus)
        .ok_or_else(|| ApiError::NotFound("the project was not evaluated in this round".into()))?;
    Ok(match q.format {
        Some(CardFormat::Markdown) => {
            ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], card.to_markdown(&methodology)).into_response()
        }
        _ => Json(card).into_response(),
    })
}

/// Run a sensitivity analysis
#[utoipa::path(post, path = "/api/v1/rounds/{id}/sensitivity", tag = "evaluation", description = "Perturbs all weights (uniformly within ±spread, renormalised; seeded) and reports each project's probability of \
        staying in the top k and its rank interval, plus a one-at-a-time sweep per criterion. Nothing is stored.",
    params(("id" = Uuid, Path, description = "Round id")),
    request_body = SensitivityRequest,
    responses((status = 200, description = "The analysis", body = SensitivityReport)))]
pub async fn run_sensitivity(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    req: JsonBody<SensitivityRequest>,
) -> ApiResult<Json<SensitivityReport>> {
    auth.require(Permission::ReadRoundResults)?;
    let req = req.value()?;
    let config = req.config()?;
    let (results, methodology) = closed(&state, id).await?;
    let report = tokio::task::spawn_blocking(move || analyse(&methodology, &results.evaluations, &config))
        .await
        .map_err(|e| ApiError::Internal(format!("sensitivity analysis failed: {e}")))?;
    Ok(Json(report))
}
