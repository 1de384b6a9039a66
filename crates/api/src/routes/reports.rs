//! Implementation reports: initiators report on their organisation's projects
//! in the plan or in implementation; the PIM unit accepts or returns them;
//! the council and integration scripts read them. An accepted report never
//! changes: a correction is the period's next revision.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::comeback::{self, Return};
use portfel_domain::{Codelists, FieldError, Permission};
use portfel_monitoring::records::ReportRecord;
use portfel_monitoring::report::{ReportAction, ReportContent};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Versioned;
use super::passports::visible;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

fn checked(content: &ReportContent) -> ApiResult<()> {
    let errors = content.check(Codelists::embedded());
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// A report the caller may read.
pub(crate) async fn readable(state: &AppState, auth: &Auth, id: Uuid) -> ApiResult<ReportRecord> {
    auth.require(Permission::ReadReports)?;
    let report = portfel_store::reports::get(state.store.db(), id).await?;
    visible(state, auth, report.passport_id).await?;
    Ok(report)
}

/// List a project's reports
#[utoipa::path(get, path = "/api/v1/passports/{id}/reports", tag = "monitoring", params(("id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "Every report and revision, by period", body = [ReportRecord])))]
pub async fn list_reports(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<ReportRecord>>> {
    auth.require(Permission::ReadReports)?;
    visible(&state, &auth, id).await?;
    Ok(Json(portfel_store::reports::for_passport(state.store.db(), id).await?))
}

/// Write a report
#[utoipa::path(post, path = "/api/v1/passports/{id}/reports", tag = "monitoring", description = "A draft report on a project in the plan or in implementation for a \
        quarter or a year: money received and spent per funding source, physical progress, milestones, indicators, what was done, documents. \
        A period whose report is still open takes no other (409); after acceptance a new report for the period is its correction.",
    params(("id" = Uuid, Path, description = "Passport id")),
    request_body(content = ReportContent, example = json!({"period": {"year": 2027, "quarter": 2},
        "financing": [{"source": "localBudget", "received": "500000.00", "spent": "420000.00"}], "progress_percent": "35",
        "milestones": [{"name": "Договір підряду укладено", "planned": "2027-04-30", "actual": "2027-05-12"}],
        "indicators": [{"name": "Площа утепленого фасаду", "unit": "м²", "baseline": "0", "target": "1800", "actual": "600"}],
        "narrative": "Утеплено фасад з північного боку"})),
    responses((status = 201, description = "Written", body = ReportRecord, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_report(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    body: JsonBody<ReportContent>,
) -> ApiResult<Versioned<ReportRecord>> {
    let passport = visible(&state, &auth, id).await?;
    auth.require_reporter(passport.organisation_id)?;
    let content = body.value()?;
    checked(&content)?;
    let report = portfel_store::reports::create(state.store.db(), &auth.actor(), id, &content).await?;
    Ok(Versioned::created(report.version, format!("/api/v1/reports/{}", report.id), report))
}

/// Get a report
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "monitoring", params(("id" = Uuid, Path, description = "Report id")),
    responses((status = 200, description = "The report", body = ReportRecord, headers(("ETag" = String)))))]
pub async fn get_report(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<ReportRecord>> {
    let report = readable(&state, &auth, id).await?;
    Ok(Versioned::ok(report.version, report))
}

/// Change a draft or returned report
#[utoipa::path(put, path = "/api/v1/reports/{id}", tag = "monitoring", params(("id" = Uuid, Path, description = "Report id"), IfMatch),
    request_body = ReportContent,
    responses((status = 200, description = "Changed", body = ReportRecord, headers(("ETag" = String)))))]
pub async fn update_report(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    body: JsonBody<ReportContent>,
) -> ApiResult<Versioned<ReportRecord>> {
    let report = readable(&state, &auth, id).await?;
    auth.require_reporter(report.organisation_id)?;
    let content = body.value()?;
    checked(&content)?;
    let report = portfel_store::reports::update(state.store.db(), &auth.actor(), id, version, &content).await?;
    Ok(Versioned::ok(report.version, report))
}

/// Why a report goes back, and perhaps the day to submit it again by.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnReason {
    /// What the initiator is to fix.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// The day to submit it again by, inclusive: today or later. The
    /// initiators are reminded three days before and once it has passed.
    #[serde(default)]
    pub resubmit_by: Option<chrono::NaiveDate>,
}

impl ReturnReason {
    /// The return, refused when the reason is blank or the day has passed.
    pub fn given(&self) -> ApiResult<Return<'_>> {
        if self.reason.trim().is_empty() {
            return Err(ApiError::Validation(vec![FieldError::new("reason", "required", "say what is to be fixed")]));
        }
        if let Some(by) = self.resubmit_by {
            let today = portfel_domain::calendar::local_date(chrono::Utc::now());
            comeback::check_back_by(by, today)
                .map_err(|code| ApiError::Validation(vec![FieldError::of("resubmit_by", code, &[])]))?;
        }
        Ok(Return { reason: &self.reason, back_by: self.resubmit_by })
    }
}

async fn decide(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    version: i32,
    action: ReportAction,
    returned: Option<Return<'_>>,
) -> ApiResult<Versioned<ReportRecord>> {
    let report = readable(state, auth, id).await?;
    match action {
        ReportAction::Submit => auth.require_reporter(report.organisation_id)?,
        ReportAction::Accept | ReportAction::Return => auth.require(Permission::CheckReports)?,
    }
    let report = portfel_store::reports::decide(state.store.db(), &auth.actor(), id, version, action, returned).await?;
    Ok(Versioned::ok(report.version, report))
}

/// Submit a report to the PIM unit
#[utoipa::path(post, path = "/api/v1/reports/{id}/submit", tag = "monitoring", params(("id" = Uuid, Path, description = "Report id"), IfMatch),
    responses((status = 200, description = "Submitted", body = ReportRecord, headers(("ETag" = String)))))]
pub async fn submit_report(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<ReportRecord>> {
    decide(&state, &auth, id, version, ReportAction::Submit, None).await
}

/// Accept a report
#[utoipa::path(post, path = "/api/v1/reports/{id}/accept", tag = "monitoring", description = "The PIM unit accepts a submitted report; it never changes after.",
    params(("id" = Uuid, Path, description = "Report id"), IfMatch),
    responses((status = 200, description = "Accepted", body = ReportRecord, headers(("ETag" = String)))))]
pub async fn accept_report(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<ReportRecord>> {
    decide(&state, &auth, id, version, ReportAction::Accept, None).await
}

/// Return a report to the initiator
#[utoipa::path(post, path = "/api/v1/reports/{id}/return", tag = "monitoring", params(("id" = Uuid, Path, description = "Report id"), IfMatch),
    request_body = ReturnReason,
    responses((status = 200, description = "Returned with the reason", body = ReportRecord, headers(("ETag" = String)))))]
pub async fn return_report(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    body: JsonBody<ReturnReason>,
) -> ApiResult<Versioned<ReportRecord>> {
    let body = body.value()?;
    decide(&state, &auth, id, version, ReportAction::Return, Some(body.given()?)).await
}
