//! Experts at work: conflict-of-interest declarations, blind scoring, reopening, disagreements and consensus.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::Permission;
use portfel_scoring::round::{Assignment, Disagreement, ExpertScore, RoundProject};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Auth;
use crate::extract::JsonBody;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// An expert's conflict of interest declaration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// True when the expert has a conflict of interest with the project.
    pub conflict: bool,
    /// Explanation.
    #[serde(default)]
    pub note: Option<String>,
}

/// An expert's scores on a project.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoresRequest {
    /// Scores on expert criteria.
    pub scores: Vec<ExpertScore>,
    /// True to submit (final unless the PIM unit reopens them); false saves a draft.
    #[serde(default)]
    pub submit: bool,
}

/// A reason for reopening scores.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenRequest {
    /// Why the scores are reopened.
    pub reason: String,
}

/// A consensus note on a criterion.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsensusRequest {
    /// Expert criterion code.
    pub criterion: String,
    /// What the experts agreed and why.
    pub note: String,
}

/// Declare conflict of interest
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects/{passport_id}/declaration", tag = "evaluation", description = "Before seeing a project, an assigned expert declares whether it has a conflict of interest. A conflict blocks the assignment.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id")),
    request_body = Declaration,
    responses((status = 200, description = "The assignment", body = Assignment),
              (status = 409, description = "Already declared", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn declare(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    req: JsonBody<Declaration>,
) -> ApiResult<Json<Assignment>> {
    auth.require(Permission::Score)?;
    let req = req.value()?;
    Ok(Json(
        portfel_store::rounds::declare(state.store.db(), &auth.actor(), id, passport_id, req.conflict, req.note)
            .await?,
    ))
}

/// Save or submit scores
#[utoipa::path(put, path = "/api/v1/rounds/{id}/projects/{passport_id}/scores", tag = "evaluation", description = "Expert criteria only, on their scales; extreme scores need a justification; submission needs every expert criterion. \
        Submitted scores are final unless the PIM unit reopens them.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id")),
    request_body(content = ScoresRequest, example = json!({"scores": [{"criterion": "SE1", "score": 4}, {"criterion": "SE2", "score": 5, "justification": "Єдиний ліцей у старостинському окрузі"}], "submit": false})),
    responses((status = 200, description = "The assignment with its scores", body = Assignment),
              (status = 409, description = "Not declared, conflicted or already submitted", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn save_scores(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    req: JsonBody<ScoresRequest>,
) -> ApiResult<Json<Assignment>> {
    auth.require(Permission::Score)?;
    let req = req.value()?;
    Ok(Json(
        portfel_store::rounds::save_scores(state.store.db(), &auth.actor(), id, passport_id, req.scores, req.submit)
            .await?,
    ))
}

/// Read scores on a project
#[utoipa::path(get, path = "/api/v1/rounds/{id}/projects/{passport_id}/scores", tag = "evaluation", description = "Blind: an expert sees only its own scores until it submits them; then it sees the others'. The PIM unit sees all.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "Visible assignments with scores", body = [Assignment])))]
pub async fn read_scores(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Vec<Assignment>>> {
    auth.require(Permission::ReadAssignments)?;
    let all = portfel_store::rounds::assignments(state.store.db(), id, Some(passport_id)).await?;
    if auth.may(Permission::PrepareRounds) {
        return Ok(Json(all));
    }
    let own = all
        .iter()
        .find(|a| a.expert == auth.claims.sub)
        .ok_or_else(|| ApiError::Forbidden("you are not assigned to this project".into()))?;
    if own.submitted_at.is_some() {
        Ok(Json(all.into_iter().filter(|a| a.submitted_at.is_some()).collect()))
    } else {
        Ok(Json(vec![own.clone()]))
    }
}

/// Reopen an expert's scores
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects/{passport_id}/experts/{expert}/reopen", tag = "evaluation", params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id"), ("expert" = String, Path, description = "Expert's sub")),
    request_body = ReopenRequest,
    responses((status = 200, description = "The reopened assignment", body = Assignment)))]
pub async fn reopen_scores(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id, expert)): Path<(Uuid, Uuid, String)>,
    req: JsonBody<ReopenRequest>,
) -> ApiResult<Json<Assignment>> {
    auth.require(Permission::PrepareRounds)?;
    let req = req.value()?;
    super::require_reason(&req.reason, "reopening")?;
    Ok(Json(
        portfel_store::rounds::reopen(state.store.db(), &auth.actor(), id, passport_id, &expert, &req.reason).await?,
    ))
}

/// List disagreements
#[utoipa::path(get, path = "/api/v1/rounds/{id}/disagreements", tag = "evaluation", description = "Criteria where experts' scores spread at or beyond the methodology's threshold. The round cannot close while any is unresolved.",
    params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "Disagreements", body = [Disagreement])))]
pub async fn list_disagreements(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<Disagreement>>> {
    auth.require(Permission::PrepareRounds)?;
    Ok(Json(portfel_store::rounds::disagreements_of(state.store.db(), id).await?))
}

/// Resolve a disagreement
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects/{passport_id}/consensus", tag = "evaluation", params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id")),
    request_body = ConsensusRequest,
    responses((status = 200, description = "The project with its consensus notes", body = RoundProject)))]
pub async fn resolve_disagreement(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    req: JsonBody<ConsensusRequest>,
) -> ApiResult<Json<RoundProject>> {
    auth.require(Permission::PrepareRounds)?;
    let req = req.value()?;
    if req.note.trim().is_empty() {
        return Err(ApiError::Validation(vec![portfel_domain::FieldError::new(
            "note",
            "required",
            "a consensus note is required",
        )]));
    }
    Ok(Json(
        portfel_store::rounds::resolve(state.store.db(), &auth.actor(), id, passport_id, &req.criterion, &req.note)
            .await?,
    ))
}
