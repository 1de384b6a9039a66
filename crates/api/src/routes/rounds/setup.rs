//! Rounds and their projects: open a round, add projects, screen them, assign experts.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::Permission;
use portfel_scoring::round::{Assignment, Round, RoundInput, RoundProject};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::{ApiError, ApiResult};
use crate::routes::Versioned;
use crate::state::AppState;

/// Passports to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddProjects {
    /// Submitted passports (they move to screening).
    pub passport_ids: Vec<Uuid>,
}

/// Experts to spread over the round's eligible projects.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// Registered users with the expert role.
    pub experts: Vec<String>,
    /// Experts per project (at least the methodology's minimum).
    #[serde(default)]
    pub per_project: Option<u8>,
}

/// List evaluation rounds
#[utoipa::path(get, path = "/api/v1/rounds", tag = "evaluation", responses((status = 200, description = "All rounds", body = [Round])))]
pub async fn list_rounds(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<Round>>> {
    auth.require(Permission::ReadRounds)?;
    Ok(Json(portfel_store::rounds::list(state.store.db()).await?))
}

/// Open an evaluation round
#[utoipa::path(post, path = "/api/v1/rounds", tag = "evaluation", request_body = RoundInput,
    responses((status = 201, description = "Opened", body = Round, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_round(
    auth: Auth,
    State(state): State<AppState>,
    input: JsonBody<RoundInput>,
) -> ApiResult<Versioned<Round>> {
    auth.require(Permission::PrepareRounds)?;
    let input = input.value()?;
    if input.name.trim().is_empty() {
        return Err(ApiError::Validation(vec![portfel_domain::FieldError::new(
            "name",
            "required",
            "a round needs a name",
        )]));
    }
    let round = portfel_store::rounds::create(state.store.db(), &auth.actor(), &input).await?;
    Ok(Versioned::created(round.meta.version, format!("/api/v1/rounds/{}", round.meta.id), round))
}

/// Get an evaluation round
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "evaluation", params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "The round", body = Round, headers(("ETag" = String)))))]
pub async fn get_round(auth: Auth, State(state): State<AppState>, Path(id): Path<Uuid>) -> ApiResult<Versioned<Round>> {
    auth.require(Permission::ReadRounds)?;
    let round = portfel_store::rounds::get(state.store.db(), id).await?;
    Ok(Versioned::ok(round.meta.version, round))
}

/// List a round's projects
#[utoipa::path(get, path = "/api/v1/rounds/{id}/projects", tag = "evaluation", params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "Projects with gate results and consensus notes", body = [RoundProject])))]
pub async fn list_round_projects(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<RoundProject>>> {
    auth.require(Permission::ReadRoundResults)?;
    portfel_store::rounds::get(state.store.db(), id).await?;
    Ok(Json(portfel_store::rounds::projects(state.store.db(), id).await?))
}

/// Add projects to a round
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects", tag = "evaluation", params(("id" = Uuid, Path, description = "Round id"), IfMatch),
    request_body = AddProjects,
    responses((status = 200, description = "The round's projects", body = [RoundProject], headers(("ETag" = String)))))]
pub async fn add_round_projects(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<AddProjects>,
) -> ApiResult<Versioned<Vec<RoundProject>>> {
    auth.require(Permission::PrepareRounds)?;
    let req = req.value()?;
    let projects =
        portfel_store::rounds::add_projects(state.store.db(), &auth.actor(), id, version, &req.passport_ids).await?;
    Ok(Versioned::ok(version + 1, projects))
}

/// Screen a round's projects
#[utoipa::path(post, path = "/api/v1/rounds/{id}/screen", tag = "evaluation", description = "Runs completeness and every gate of the methodology; each project gets a report with reasons.",
    params(("id" = Uuid, Path, description = "Round id"), IfMatch),
    responses((status = 200, description = "Screening reports", body = [RoundProject], headers(("ETag" = String)))))]
pub async fn screen_round(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<Vec<RoundProject>>> {
    auth.require(Permission::PrepareRounds)?;
    let projects = portfel_store::rounds::screen(state.store.db(), &auth.actor(), id, version).await?;
    Ok(Versioned::ok(version + 1, projects))
}

/// Assign experts
#[utoipa::path(post, path = "/api/v1/rounds/{id}/assign", tag = "evaluation", description = "Fills every eligible project up to the number of experts needed, least-loaded first, never with an expert \
        of the initiating organisation or one who declared a conflict. Call again after a conflict to assign a replacement.",
    params(("id" = Uuid, Path, description = "Round id"), IfMatch),
    request_body = AssignRequest,
    responses((status = 200, description = "New assignments", body = [Assignment], headers(("ETag" = String)))))]
pub async fn assign_experts(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<AssignRequest>,
) -> ApiResult<Versioned<Vec<Assignment>>> {
    auth.require(Permission::PrepareRounds)?;
    let req = req.value()?;
    let created =
        portfel_store::rounds::assign(state.store.db(), &auth.actor(), id, version, &req.experts, req.per_project)
            .await?;
    Ok(Versioned::ok(version + 1, created))
}

/// List assignments
#[utoipa::path(get, path = "/api/v1/rounds/{id}/assignments", tag = "evaluation", description = "The PIM unit sees every assignment (including conflicts to replace); an expert sees only its own, without others' scores.",
    params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "Assignments", body = [Assignment])))]
pub async fn list_assignments(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<Assignment>>> {
    auth.require(Permission::ReadAssignments)?;
    let all = portfel_store::rounds::assignments(state.store.db(), id, None).await?;
    if auth.may(Permission::PrepareRounds) {
        return Ok(Json(all));
    }
    Ok(Json(all.into_iter().filter(|a| a.expert == auth.claims.sub).collect()))
}
