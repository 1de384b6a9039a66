//! Rounds and their projects: open a round, add projects, screen them, assign experts.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::Permission;
use portfel_scoring::round::{Assignment, Round, RoundInput, RoundProject};
use serde::{Deserialize, Serialize};
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

/// One expert the PIM unit names for a project.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddExpert {
    /// A registered expert's `sub`, outside the initiating organisation and not yet on the project.
    pub expert: String,
}

/// Why a project leaves a round.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    /// The reason, shown to the initiator in the passport's history.
    pub reason: String,
}

/// What an assigned expert may know of a project before declaring: enough to
/// recognise a conflict of interest, nothing of the passport's content.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProjectBrief {
    /// Passport.
    pub passport_id: Uuid,
    /// Title (Ukrainian).
    pub title: String,
    /// Initiating organisation's name.
    pub organisation: String,
    /// Initiating organisation's EDRPOU code.
    pub edrpou: String,
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

/// Assign one expert to a project
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects/{passport_id}/experts", tag = "evaluation",
    description = "Adds the named expert to one screened, eligible project: a further member, or the replacement of one who declared a conflict of interest.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id"), IfMatch),
    request_body = AddExpert,
    responses((status = 200, description = "The new assignment", body = Assignment, headers(("ETag" = String))),
              (status = 404, description = "The project is not in the round", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn add_project_expert(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    IfMatch(version): IfMatch,
    req: JsonBody<AddExpert>,
) -> ApiResult<Versioned<Assignment>> {
    auth.require(Permission::PrepareRounds)?;
    let req = req.value()?;
    let created =
        portfel_store::rounds::add_expert(state.store.db(), &auth.actor(), id, version, passport_id, &req.expert)
            .await?;
    Ok(Versioned::ok(version + 1, created))
}

/// Withdraw a project from a round
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects/{passport_id}/withdrawal", tag = "evaluation",
    description = "Takes the project out of the open round with a reason: its assignments and scores are discarded and the passport returns to its initiator as a draft.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id"), IfMatch),
    request_body = Withdrawal,
    responses((status = 200, description = "The round's remaining projects", body = [RoundProject], headers(("ETag" = String))),
              (status = 404, description = "The project is not in the round", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn withdraw_project(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    IfMatch(version): IfMatch,
    req: JsonBody<Withdrawal>,
) -> ApiResult<Versioned<Vec<RoundProject>>> {
    auth.require(Permission::PrepareRounds)?;
    let req = req.value()?;
    super::require_reason(&req.reason, "withdrawing a project")?;
    let projects =
        portfel_store::rounds::withdraw(state.store.db(), &auth.actor(), id, version, passport_id, req.reason.trim())
            .await?;
    Ok(Versioned::ok(version + 1, projects))
}

/// What an assigned expert may know before declaring
#[utoipa::path(get, path = "/api/v1/rounds/{id}/projects/{passport_id}/brief", tag = "evaluation",
    description = "The project's title and initiating organisation, for an expert assigned to it (whatever the declaration) and the PIM unit.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "The brief", body = ProjectBrief),
              (status = 404, description = "The passport is not in the round", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn project_brief(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<ProjectBrief>> {
    auth.require(Permission::ReadAssignments)?;
    let db = state.store.db();
    if !portfel_store::rounds::projects(db, id).await?.iter().any(|p| p.passport_id == passport_id) {
        return Err(ApiError::NotFound("the passport is not in this round".into()));
    }
    if !auth.may(Permission::PrepareRounds) {
        let mine = portfel_store::rounds::assignments(db, id, Some(passport_id)).await?;
        if !mine.iter().any(|a| a.expert == auth.claims.sub) {
            return Err(ApiError::Forbidden("you are not assigned to this project".into()));
        }
    }
    let passport = portfel_store::passports::get(db, passport_id).await?;
    let organisation = portfel_store::organisations::get(db, passport.organisation_id).await?;
    Ok(Json(ProjectBrief {
        passport_id,
        title: passport.content.title.uk,
        organisation: organisation.data.name,
        edrpou: organisation.data.edrpou,
    }))
}
