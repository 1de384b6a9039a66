//! Budget years.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::Permission;
use portfel_domain::records::BudgetYear;
use portfel_domain::reference::BudgetYearInput;

use super::Versioned;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

fn checked(input: &BudgetYearInput) -> ApiResult<()> {
    let errors = input.check();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// The year of a path: an integer, also when written as one with a zero fraction ("2027.0").
fn path_year(text: &str) -> ApiResult<i32> {
    text.parse::<i32>()
        .ok()
        .or_else(|| {
            text.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() <= f64::from(i32::MAX)).map(|f| f as i32)
        })
        .ok_or_else(|| ApiError::bad_field("year", "invalid_parameter", "the year must be an integer, e.g. 2027"))
}

/// List budget years
#[utoipa::path(get, path = "/api/v1/budget-years", tag = "reference", responses((status = 200, description = "Budget years, ascending", body = [BudgetYear])))]
pub async fn list_years(_auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<BudgetYear>>> {
    Ok(Json(portfel_store::years::list(state.store.db()).await?))
}

/// Create a budget year
#[utoipa::path(post, path = "/api/v1/budget-years", tag = "reference", request_body = BudgetYearInput,
    responses((status = 201, description = "Created", body = BudgetYear, headers(("ETag" = String), ("Location" = String))),
              (status = 409, description = "The year exists", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn create_year(
    auth: Auth,
    State(state): State<AppState>,
    input: JsonBody<BudgetYearInput>,
) -> ApiResult<Versioned<BudgetYear>> {
    auth.require(Permission::ManageReference)?;
    let input = input.value()?;
    checked(&input)?;
    let year = portfel_store::years::create(state.store.db(), &auth.actor(), &input).await?;
    Ok(Versioned::created(year.version, format!("/api/v1/budget-years/{}", year.data.year), year))
}

/// Get a budget year
#[utoipa::path(get, path = "/api/v1/budget-years/{year}", tag = "reference", params(("year" = i32, Path, description = "The year", example = 2027, minimum = 2000, maximum = 2100)),
    responses((status = 200, description = "The budget year", body = BudgetYear, headers(("ETag" = String)))))]
pub async fn get_year(
    _auth: Auth,
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> ApiResult<Versioned<BudgetYear>> {
    let year = path_year(&year)?;
    let y = portfel_store::years::get(state.store.db(), year).await?;
    Ok(Versioned::ok(y.version, y))
}

/// Update a budget year
#[utoipa::path(put, path = "/api/v1/budget-years/{year}", tag = "reference", params(("year" = i32, Path, description = "The year", example = 2027, minimum = 2000, maximum = 2100), IfMatch),
    request_body = BudgetYearInput,
    responses((status = 200, description = "Updated", body = BudgetYear, headers(("ETag" = String)))))]
pub async fn update_year(
    auth: Auth,
    State(state): State<AppState>,
    Path(year): Path<String>,
    IfMatch(version): IfMatch,
    input: JsonBody<BudgetYearInput>,
) -> ApiResult<Versioned<BudgetYear>> {
    let year = path_year(&year)?;
    auth.require(Permission::ManageReference)?;
    let input = input.value()?;
    checked(&input)?;
    if input.year != year {
        return Err(ApiError::Validation(vec![portfel_domain::FieldError::new(
            "year",
            "mismatch",
            "the body's year must match the path",
        )]));
    }
    let y = portfel_store::years::update(state.store.db(), &auth.actor(), version, &input).await?;
    Ok(Versioned::ok(y.version, y))
}
