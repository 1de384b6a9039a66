//! Shared parts of the portfolio and plan endpoints: who may do what in the
//! council workflow, request bodies, and export responses.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use portfel_domain::Role;
use portfel_planning::council::Workflow;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Auth;
use crate::export::Table;
use crate::problem::{ApiError, ApiResult};

/// Roles that prepare portfolios and plans.
pub const PREPARERS: &[Role] = &[Role::PimUnit, Role::Admin];
/// Roles that decide on them.
pub const DECIDERS: &[Role] = &[Role::Council, Role::Admin];

/// The council's comments when returning a version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// What must change.
    pub comment: String,
}

/// Media type of CSV exports.
pub const CSV: &str = "text/csv; charset=utf-8";
/// Media type of XLSX exports.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Export format.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// JSON.
    Json,
    /// CSV (comma-separated, UTF-8, amounts in thousand UAH).
    Csv,
    /// Excel workbook.
    Xlsx,
}

/// Export options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<ExportFormat>,
}

/// Drafts and versions before the council are for the PIM unit and the council;
/// versions the council decided on (in force or superseded) are public to every signed-in user.
pub fn may_read(auth: &Auth, workflow: &Workflow) -> ApiResult<()> {
    if workflow.status.readable_by(&auth.claims.roles) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("only approved versions are open to this role".into()))
    }
}

/// Renders a table as CSV or XLSX, or `json` as JSON.
pub fn export(
    format: Option<ExportFormat>,
    file: &str,
    json: impl FnOnce() -> Response,
    table: impl FnOnce() -> Table,
) -> ApiResult<Response> {
    let (bytes, mime, ext) = match format.unwrap_or(ExportFormat::Json) {
        ExportFormat::Json => return Ok(json()),
        ExportFormat::Csv => (table().to_csv()?, CSV, "csv"),
        ExportFormat::Xlsx => (table().to_xlsx()?, XLSX, "xlsx"),
    };
    let disposition = format!("attachment; filename=\"{file}.{ext}\"");
    Ok(([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
