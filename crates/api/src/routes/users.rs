//! Users.

use axum::Json;
use axum::extract::State;
use portfel_domain::Permission;
use portfel_domain::records::User;
use portfel_domain::reference::UserInput;
use portfel_domain::rules::validation_errors;
use validator::Validate;

use super::Versioned;
use crate::auth::Auth;
use crate::extract::JsonBody;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// List users
#[utoipa::path(get, path = "/api/v1/users", tag = "reference", description = "PIM unit or admin.",
    responses((status = 200, description = "All users", body = [User])))]
pub async fn list_users(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<User>>> {
    auth.require(Permission::ReadUsers)?;
    Ok(Json(portfel_store::users::list(state.store.db()).await?))
}

/// Register a user
#[utoipa::path(post, path = "/api/v1/users", tag = "reference", description = "Admin only. The `sub` is the login carried in the user's tokens.",
    request_body = UserInput,
    responses((status = 201, description = "Created", body = User, headers(("ETag" = String), ("Location" = String))),
              (status = 409, description = "A user with this sub exists", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn create_user(
    auth: Auth,
    State(state): State<AppState>,
    input: JsonBody<UserInput>,
) -> ApiResult<Versioned<User>> {
    auth.require(Permission::ManageUsers)?;
    let input = input.value()?;
    input.validate().map_err(|e| ApiError::Validation(validation_errors(&e)))?;
    let user = portfel_store::users::create(state.store.db(), &auth.actor(), &input).await?;
    Ok(Versioned::created(user.meta.version, format!("/api/v1/users/{}", user.meta.id), user))
}
