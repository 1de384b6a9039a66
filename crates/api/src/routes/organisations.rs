//! Organisations.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::records::Organisation;
use portfel_domain::reference::OrganisationInput;
use portfel_domain::{Codelists, Permission};
use uuid::Uuid;

use super::Versioned;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

fn checked(input: &OrganisationInput) -> ApiResult<()> {
    let errors = input.check(Codelists::embedded());
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// List organisations
#[utoipa::path(get, path = "/api/v1/organisations", tag = "reference", responses((status = 200, description = "All organisations by name", body = [Organisation])))]
pub async fn list_organisations(_auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<Organisation>>> {
    Ok(Json(portfel_store::organisations::list(state.store.db()).await?))
}

/// Create an organisation
#[utoipa::path(post, path = "/api/v1/organisations", tag = "reference", description = "PIM unit or admin. EDRPOU codes are unique.",
    request_body = OrganisationInput,
    responses((status = 201, description = "Created", body = Organisation, headers(("ETag" = String), ("Location" = String))),
              (status = 409, description = "EDRPOU code already registered", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn create_organisation(
    auth: Auth,
    State(state): State<AppState>,
    input: JsonBody<OrganisationInput>,
) -> ApiResult<Versioned<Organisation>> {
    auth.require(Permission::ManageReference)?;
    let input = input.value()?;
    checked(&input)?;
    let org = portfel_store::organisations::create(state.store.db(), &auth.actor(), &input).await?;
    Ok(Versioned::created(org.meta.version, format!("/api/v1/organisations/{}", org.meta.id), org))
}

/// Get an organisation
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "reference", params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, description = "The organisation", body = Organisation, headers(("ETag" = String)))))]
pub async fn get_organisation(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<Organisation>> {
    let org = portfel_store::organisations::get(state.store.db(), id).await?;
    Ok(Versioned::ok(org.meta.version, org))
}

/// Update an organisation
#[utoipa::path(put, path = "/api/v1/organisations/{id}", tag = "reference", params(("id" = Uuid, Path, description = "Organisation id"), IfMatch),
    request_body = OrganisationInput,
    responses((status = 200, description = "Updated", body = Organisation, headers(("ETag" = String)))))]
pub async fn update_organisation(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    input: JsonBody<OrganisationInput>,
) -> ApiResult<Versioned<Organisation>> {
    auth.require(Permission::ManageReference)?;
    let input = input.value()?;
    checked(&input)?;
    let org = portfel_store::organisations::update(state.store.db(), &auth.actor(), id, version, &input).await?;
    Ok(Versioned::ok(org.meta.version, org))
}
