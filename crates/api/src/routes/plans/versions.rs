//! Plan versions: build, read, change, and take through the council (submit, approve, return, amend, compare).

use axum::Json;
use axum::extract::{Path, State};
use portfel_planning::council::{Decision, PlanContent, PlanDiff, PlanRequest, PlanVersion, diff_plans};
use uuid::Uuid;

use super::content;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::ApiResult;
use crate::routes::Versioned;
use crate::routes::council::{self as flow, MeetingRequest, ReturnRequest};
use crate::state::AppState;

/// List plan versions
#[utoipa::path(get, path = "/api/v1/plans", tag = "planning", responses((status = 200, description = "Versions, oldest first", body = [PlanVersion])))]
pub async fn list_plans(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<PlanVersion>>> {
    flow::list::<PlanContent>(&state, &auth).await
}

/// Build a draft medium-term plan
#[utoipa::path(post, path = "/api/v1/plans", tag = "planning", description = "From an approved portfolio, within yearly ceilings (total, per funding source as `YEAR/source`, sector shares of the \
        period's total ceiling), with links and start-year windows, by rank-order fill or optimal selection.",
    request_body(content = PlanRequest, example = json!({"portfolio_id": "01a2...", "first_year": 2027, "last_year": 2029, "builder": "optimal", "start_window": 1,
        "ceilings": {"total": {"2027": "150000000.00", "2028": "140000000.00", "2029": "130000000.00"}, "by_source": {"2027/localBudget": "60000000.00"}}})),
    responses((status = 201, description = "Draft plan", body = PlanVersion, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_plan(
    auth: Auth,
    State(state): State<AppState>,
    req: JsonBody<PlanRequest>,
) -> ApiResult<Versioned<PlanVersion>> {
    flow::add(&state, &auth, None, req, async |req| content(&state, req).await).await
}

/// Get a plan version
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "planning", params(("id" = Uuid, Path, description = "Plan version id")),
    responses((status = 200, description = "The version", body = PlanVersion, headers(("ETag" = String)))))]
pub async fn get_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<PlanVersion>> {
    flow::get::<PlanContent>(&state, &auth, id).await
}

/// Rebuild a draft plan
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "planning", params(("id" = Uuid, Path, description = "Plan version id"), IfMatch),
    request_body = PlanRequest,
    responses((status = 200, description = "Rebuilt", body = PlanVersion, headers(("ETag" = String))),
              (status = 409, description = "Submitted or approved versions cannot change", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn update_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<PlanRequest>,
) -> ApiResult<Versioned<PlanVersion>> {
    flow::replace(&state, &auth, (id, version), req, async |req| content(&state, req).await).await
}

/// Submit a plan to the council
#[utoipa::path(post, path = "/api/v1/plans/{id}/submit", tag = "planning", params(("id" = Uuid, Path, description = "Plan version id"), IfMatch),
    responses((status = 200, description = "Submitted", body = PlanVersion, headers(("ETag" = String)))))]
pub async fn submit_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<PlanVersion>> {
    flow::submit::<PlanContent>(&state, &auth, id, version).await
}

/// Approve a plan (council)
#[utoipa::path(post, path = "/api/v1/plans/{id}/approve", tag = "planning", description = "Records the decision and freezes the version; its new projects move to `in_plan`.",
    params(("id" = Uuid, Path, description = "Plan version id"), IfMatch),
    request_body = Decision,
    responses((status = 200, description = "Approved", body = PlanVersion, headers(("ETag" = String)))))]
pub async fn approve_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    decision: JsonBody<Decision>,
) -> ApiResult<Versioned<PlanVersion>> {
    flow::approve::<PlanContent>(&state, &auth, id, version, decision).await
}

/// Return a plan with comments (council)
#[utoipa::path(post, path = "/api/v1/plans/{id}/return", tag = "planning", params(("id" = Uuid, Path, description = "Plan version id"), IfMatch),
    request_body = ReturnRequest,
    responses((status = 200, description = "Returned", body = PlanVersion, headers(("ETag" = String)))))]
pub async fn return_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<ReturnRequest>,
) -> ApiResult<Versioned<PlanVersion>> {
    flow::send_back::<PlanContent>(&state, &auth, id, version, req).await
}

/// Put a plan on a council meeting's agenda
#[utoipa::path(post, path = "/api/v1/plans/{id}/meeting", tag = "planning",
    description = "The PIM unit names the day of the council meeting a submitted version is on the agenda of (a later call moves it); \
        the council's members are told, and the day is their task's due date.",
    params(("id" = Uuid, Path, description = "Plan version id"), IfMatch),
    request_body = MeetingRequest,
    responses((status = 200, description = "On the agenda", body = PlanVersion, headers(("ETag" = String)))))]
pub async fn schedule_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<MeetingRequest>,
) -> ApiResult<Versioned<PlanVersion>> {
    flow::schedule::<PlanContent>(&state, &auth, id, version, req).await
}

/// Amend a plan (new version)
#[utoipa::path(post, path = "/api/v1/plans/{id}/amendments", tag = "planning", params(("id" = Uuid, Path, description = "Version to amend")),
    request_body = PlanRequest,
    responses((status = 201, description = "New draft version", body = PlanVersion, headers(("ETag" = String), ("Location" = String)))))]
pub async fn amend_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    req: JsonBody<PlanRequest>,
) -> ApiResult<Versioned<PlanVersion>> {
    flow::add(&state, &auth, Some(id), req, async |req| content(&state, req).await).await
}

/// Compare two plan versions
#[utoipa::path(get, path = "/api/v1/plans/{id}/diff/{other}", tag = "planning", params(("id" = Uuid, Path, description = "First version"), ("other" = Uuid, Path, description = "Second version")),
    responses((status = 200, description = "Projects added, removed, moved, amounts changed", body = PlanDiff)))]
pub async fn diff_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, other)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<PlanDiff>> {
    let (a, b) = flow::pair::<PlanContent>(&state, &auth, id, other).await?;
    Ok(Json(diff_plans(&a.content.result, &b.content.result)))
}
