//! Read-only DREAM codelists with Ukrainian and English labels.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::{Codelist, CodelistEntry};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Auth;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// A codelist's name and size.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodelistSummary {
    /// DREAM's name of the list.
    #[schema(example = "fundingSourceCategories")]
    pub name: &'static str,
    /// Number of codes.
    #[schema(example = 20)]
    pub size: usize,
}

/// List codelists
#[utoipa::path(get, path = "/api/v1/codelists", tag = "reference", responses((status = 200, description = "Available codelists", body = [CodelistSummary])))]
pub async fn list_codelists(_auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<CodelistSummary>>> {
    let mut out = Vec::new();
    for list in Codelist::ALL {
        let size = portfel_store::codelists::entries(state.store.db(), list).await?.len();
        out.push(CodelistSummary { name: list.name(), size });
    }
    Ok(Json(out))
}

/// Get the codes of a codelist
#[utoipa::path(get, path = "/api/v1/codelists/{name}", tag = "reference", params(("name" = String, Path, description = "Codelist name, e.g. `fundingSourceCategories`, `WB-ECO`, `UA-GIS`", example = "fundingSourceCategories")),
    responses((status = 200, description = "Codes with labels", body = [CodelistEntry])))]
pub async fn get_codelist(
    _auth: Auth,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Vec<CodelistEntry>>> {
    let list = Codelist::from_name(&name).ok_or_else(|| ApiError::NotFound(format!("no codelist named {name:?}")))?;
    Ok(Json(portfel_store::codelists::entries(state.store.db(), list).await?))
}
