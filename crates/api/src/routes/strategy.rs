//! Strategy documents and goals.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::records::{StrategyDocument, StrategyGoal};
use portfel_domain::reference::{StrategyDocumentInput, StrategyGoalInput};
use portfel_domain::rules::validation_errors;
use portfel_domain::{Codelists, Permission};
use uuid::Uuid;
use validator::Validate;

use super::Versioned;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

fn checked(input: &StrategyDocumentInput) -> ApiResult<()> {
    let errors = input.check(Codelists::embedded());
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// List strategy documents
#[utoipa::path(get, path = "/api/v1/strategy-documents", tag = "reference", responses((status = 200, description = "Documents, newest period first", body = [StrategyDocument])))]
pub async fn list_documents(_auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<StrategyDocument>>> {
    Ok(Json(portfel_store::strategy::list_documents(state.store.db()).await?))
}

/// Create a strategy document
#[utoipa::path(post, path = "/api/v1/strategy-documents", tag = "reference", description = "`kind` is a DREAM UA-GIS code, e.g. `communityDevelopmentStrategy`.",
    request_body = StrategyDocumentInput,
    responses((status = 201, description = "Created", body = StrategyDocument, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_document(
    auth: Auth,
    State(state): State<AppState>,
    input: JsonBody<StrategyDocumentInput>,
) -> ApiResult<Versioned<StrategyDocument>> {
    auth.require(Permission::ManageReference)?;
    let input = input.value()?;
    checked(&input)?;
    let doc = portfel_store::strategy::create_document(state.store.db(), &auth.actor(), &input).await?;
    Ok(Versioned::created(doc.meta.version, format!("/api/v1/strategy-documents/{}", doc.meta.id), doc))
}

/// Get a strategy document
#[utoipa::path(get, path = "/api/v1/strategy-documents/{id}", tag = "reference", params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 200, description = "The document", body = StrategyDocument, headers(("ETag" = String)))))]
pub async fn get_document(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<StrategyDocument>> {
    let doc = portfel_store::strategy::get_document(state.store.db(), id).await?;
    Ok(Versioned::ok(doc.meta.version, doc))
}

/// Update a strategy document
#[utoipa::path(put, path = "/api/v1/strategy-documents/{id}", tag = "reference", params(("id" = Uuid, Path, description = "Document id"), IfMatch),
    request_body = StrategyDocumentInput,
    responses((status = 200, description = "Updated", body = StrategyDocument, headers(("ETag" = String)))))]
pub async fn update_document(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    input: JsonBody<StrategyDocumentInput>,
) -> ApiResult<Versioned<StrategyDocument>> {
    auth.require(Permission::ManageReference)?;
    let input = input.value()?;
    checked(&input)?;
    let doc = portfel_store::strategy::update_document(state.store.db(), &auth.actor(), id, version, &input).await?;
    Ok(Versioned::ok(doc.meta.version, doc))
}

/// List a document's goals
#[utoipa::path(get, path = "/api/v1/strategy-documents/{id}/goals", tag = "reference", params(("id" = Uuid, Path, description = "Document id")),
    responses((status = 200, description = "Goals by code", body = [StrategyGoal])))]
pub async fn list_goals(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<StrategyGoal>>> {
    Ok(Json(portfel_store::strategy::list_goals(state.store.db(), id).await?))
}

/// Add a goal
#[utoipa::path(post, path = "/api/v1/strategy-documents/{id}/goals", tag = "reference", description = "Strategic goals have no parent; operational goals hang under a strategic goal, tasks under an operational goal.",
    params(("id" = Uuid, Path, description = "Document id")),
    request_body = StrategyGoalInput,
    responses((status = 201, description = "Created", body = StrategyGoal, headers(("ETag" = String), ("Location" = String))),
              (status = 409, description = "The code is taken in this document", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn create_goal(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    input: JsonBody<StrategyGoalInput>,
) -> ApiResult<Versioned<StrategyGoal>> {
    auth.require(Permission::ManageReference)?;
    let input = input.value()?;
    input.validate().map_err(|e| ApiError::Validation(validation_errors(&e)))?;
    let goal = portfel_store::strategy::create_goal(state.store.db(), &auth.actor(), id, &input).await?;
    Ok(Versioned::created(goal.meta.version, format!("/api/v1/strategy-documents/{id}/goals"), goal))
}
