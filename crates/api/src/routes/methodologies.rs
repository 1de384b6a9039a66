//! Evaluation methodologies: drafts, approval (freezing) and new versions.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::Permission;
use portfel_scoring::Methodology;
use portfel_scoring::round::MethodologyRecord;
use uuid::Uuid;

use super::Versioned;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::ApiResult;
use crate::state::AppState;

/// List methodology versions
#[utoipa::path(get, path = "/api/v1/methodologies", tag = "evaluation", description = "Includes the seeded default methodology: a configurable starting point, not an official weighting.",
    responses((status = 200, description = "All versions, oldest first", body = [MethodologyRecord])))]
pub async fn list_methodologies(_auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<MethodologyRecord>>> {
    Ok(Json(portfel_store::methodologies::list(state.store.db()).await?))
}

/// Create a draft methodology
#[utoipa::path(post, path = "/api/v1/methodologies", tag = "evaluation", description = "PIM unit or admin. Drafts may be incomplete; approval checks that weights sum to 1 within and across groups.",
    request_body = Methodology,
    responses((status = 201, description = "Created", body = MethodologyRecord, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_methodology(
    auth: Auth,
    State(state): State<AppState>,
    definition: JsonBody<Methodology>,
) -> ApiResult<Versioned<MethodologyRecord>> {
    auth.require(Permission::ManageReference)?;
    let definition = definition.value()?;
    let record = portfel_store::methodologies::create(state.store.db(), &auth.actor(), &definition).await?;
    Ok(Versioned::created(record.meta.version, format!("/api/v1/methodologies/{}", record.meta.id), record))
}

/// Get a methodology version
#[utoipa::path(get, path = "/api/v1/methodologies/{id}", tag = "evaluation", params(("id" = Uuid, Path, description = "Methodology id")),
    responses((status = 200, description = "The version", body = MethodologyRecord, headers(("ETag" = String)))))]
pub async fn get_methodology(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<MethodologyRecord>> {
    let record = portfel_store::methodologies::get(state.store.db(), id).await?;
    Ok(Versioned::ok(record.meta.version, record))
}

/// Edit a draft methodology
#[utoipa::path(put, path = "/api/v1/methodologies/{id}", tag = "evaluation", params(("id" = Uuid, Path, description = "Methodology id"), IfMatch),
    request_body = Methodology,
    responses((status = 200, description = "Updated", body = MethodologyRecord, headers(("ETag" = String))),
              (status = 409, description = "Approved versions are frozen", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn update_methodology(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    definition: JsonBody<Methodology>,
) -> ApiResult<Versioned<MethodologyRecord>> {
    auth.require(Permission::ManageReference)?;
    let definition = definition.value()?;
    let record =
        portfel_store::methodologies::update(state.store.db(), &auth.actor(), id, version, &definition).await?;
    Ok(Versioned::ok(record.meta.version, record))
}

/// Approve a methodology version
#[utoipa::path(post, path = "/api/v1/methodologies/{id}/approve", tag = "evaluation", description = "Checks every rule (weights sum to 1, codes unique, scales and bands usable); the version is frozen afterwards.",
    params(("id" = Uuid, Path, description = "Methodology id"), IfMatch),
    responses((status = 200, description = "Approved", body = MethodologyRecord, headers(("ETag" = String))),
              (status = 409, description = "Already approved", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn approve_methodology(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<MethodologyRecord>> {
    auth.require(Permission::ManageReference)?;
    let record = portfel_store::methodologies::approve(state.store.db(), &auth.actor(), id, version).await?;
    Ok(Versioned::ok(record.meta.version, record))
}

/// Start a new version
#[utoipa::path(post, path = "/api/v1/methodologies/{id}/versions", tag = "evaluation", params(("id" = Uuid, Path, description = "Methodology id to copy")),
    responses((status = 201, description = "New draft", body = MethodologyRecord, headers(("ETag" = String), ("Location" = String)))))]
pub async fn new_methodology_version(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<MethodologyRecord>> {
    auth.require(Permission::ManageReference)?;
    let record = portfel_store::methodologies::new_version(state.store.db(), &auth.actor(), id).await?;
    Ok(Versioned::created(record.meta.version, format!("/api/v1/methodologies/{}", record.meta.id), record))
}
