//! Completion reports: the initiator reports what a project in implementation
//! achieved when its works end (or when it is stopped or fails), the PIM unit
//! accepts or returns it, and accepting it closes the project. Each report is
//! served with its figures against the passport.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::comeback::Return;
use portfel_domain::records::Passport;
use portfel_domain::{Codelists, Permission};
use portfel_monitoring::completion::{self, CompletionContent, CompletionFigures, CompletionRecord};
use portfel_monitoring::report::ReportAction;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Versioned;
use super::passports::visible;
use super::reports::ReturnReason;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// A completion report with its figures against the passport.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Completion {
    /// The report.
    #[serde(flatten)]
    pub report: CompletionRecord,
    /// Planned against actual: cost, schedule, indicators, upkeep.
    pub figures: CompletionFigures,
}

fn checked(content: &CompletionContent) -> ApiResult<()> {
    let errors = content.check(Codelists::embedded());
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

fn with_figures(passport: &Passport, report: CompletionRecord) -> Versioned<Completion> {
    let figures = completion::figures(&passport.content, &report.content);
    Versioned::ok(report.version, Completion { report, figures })
}

/// A completion report the caller may read, with its project.
pub(crate) async fn readable(state: &AppState, auth: &Auth, id: Uuid) -> ApiResult<(Passport, CompletionRecord)> {
    let report = portfel_store::completions::get(state.store.db(), id).await?;
    let passport = readable_project(state, auth, report.passport_id).await?;
    Ok((passport, report))
}

/// The project, when the caller reads its reports or evaluates it.
async fn readable_project(state: &AppState, auth: &Auth, passport_id: Uuid) -> ApiResult<Passport> {
    if !auth.may(Permission::ReadReports) && !auth.may(Permission::Evaluate) {
        let named = portfel_store::evaluations::of_passport(state.store.db(), passport_id)
            .await?
            .is_some_and(|e| portfel_monitoring::expost::named(&e.content, &auth.claims.sub));
        if !named {
            auth.require(Permission::ReadReports)?;
        }
    }
    visible(state, auth, passport_id).await
}

/// A project's completion report (with its figures), when it has one.
pub async fn of_project(state: &AppState, auth: &Auth, passport_id: Uuid) -> ApiResult<Option<Versioned<Completion>>> {
    let passport = readable_project(state, auth, passport_id).await?;
    let report = portfel_store::completions::of_passport(state.store.db(), passport_id).await?;
    Ok(report.map(|r| with_figures(&passport, r)))
}

/// How a project ended and how it was judged, as far as written.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Closing {
    /// Its completion report with the figures, once written.
    pub completion: Option<Completion>,
    /// Its ex-post evaluation, once begun.
    pub evaluation: Option<super::evaluations::Evaluation>,
}

/// A project's completion report and evaluation
#[utoipa::path(get, path = "/api/v1/passports/{id}/closing", tag = "completion",
    description = "The project's completion report (null until written) with its figures against the passport: cost variance in all, by year, \
        item and source; the schedule; each indicator's achievement (the share of the way from baseline to target); upkeep arranged against \
        promised — and its ex-post evaluation (null until begun) with its due date. Read by those who read the project's reports, and by \
        the experts named in its evaluation.",
    params(("id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "The report and the evaluation, as far as written", body = Closing)))]
pub async fn project_closing(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Closing>> {
    let completion = of_project(&state, &auth, id).await?.map(Versioned::into_body);
    let evaluation = match &completion {
        Some(_) => super::evaluations::of_project(&state, &auth, id).await?.map(Versioned::into_body),
        None => None,
    };
    Ok(Json(Closing { completion, evaluation }))
}

/// The content a completion report starts from: the passport's years as the
/// dates, its cost lines as spent, the promised beneficiaries and the latest
/// accepted report's indicators still to measure, its O&M as arranged.
pub async fn template(state: &AppState, passport: &Passport) -> ApiResult<CompletionContent> {
    let latest = portfel_store::reports::accepted(state.store.db(), passport.meta.id).await?;
    let latest = latest.last().map(|r| r.indicators.as_slice());
    Ok(completion::starting_content(&passport.content, latest, chrono::Utc::now().date_naive()))
}

/// Write a project's completion report
#[utoipa::path(post, path = "/api/v1/passports/{id}/completion", tag = "completion",
    description = "The initiator writes the draft completion report of its project in implementation (409 in another state, or when it has one): \
        how it ended, actual dates, money spent by year, item and source, indicators achieved, the asset handed over, upkeep arranged, \
        what was not done and why, what remains of a stopped project, documents.",
    params(("id" = Uuid, Path, description = "Passport id")),
    request_body(content = CompletionContent, example = json!({"outcome": "completed", "actual_start": "2027-03-01", "actual_end": "2028-11-20",
        "costs": [{"year": 2027, "item": "design", "source": "localBudget", "amount": "480000.00"},
            {"year": 2028, "item": "construction", "source": "localBudget", "amount": "9100000.00"}],
        "indicators": [{"name": "Кількість отримувачів послуг", "unit": "осіб", "baseline": "0", "target": "800", "actual": "760"}],
        "handover": {"balance_holder": {"name": "Управління освіти", "edrpou": "40000001"}, "act_number": "17", "act_date": "2028-12-01", "value": "9580000.00"},
        "upkeep": {"cost_per_year": "140000.00", "source": "localBudget", "arranged_by": "Програма утримання закладів освіти"}})),
    responses((status = 201, description = "Written", body = Completion, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_completion(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    body: JsonBody<CompletionContent>,
) -> ApiResult<Versioned<Completion>> {
    let passport = visible(&state, &auth, id).await?;
    auth.require_reporter(passport.organisation_id)?;
    let content = body.value()?;
    checked(&content)?;
    let report = portfel_store::completions::create(state.store.db(), &auth.actor(), id, &content).await?;
    let location = format!("/api/v1/completions/{}", report.id);
    let made = with_figures(&passport, report);
    Ok(Versioned::created(made.version(), location, made.into_body()))
}

/// Get a completion report
#[utoipa::path(get, path = "/api/v1/completions/{id}", tag = "completion", params(("id" = Uuid, Path, description = "Completion report id")),
    responses((status = 200, description = "The report", body = Completion, headers(("ETag" = String)))))]
pub async fn get_completion(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<Completion>> {
    let (passport, report) = readable(&state, &auth, id).await?;
    Ok(with_figures(&passport, report))
}

/// Change a draft or returned completion report
#[utoipa::path(put, path = "/api/v1/completions/{id}", tag = "completion",
    params(("id" = Uuid, Path, description = "Completion report id"), IfMatch), request_body = CompletionContent,
    responses((status = 200, description = "Changed", body = Completion, headers(("ETag" = String)))))]
pub async fn update_completion(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    body: JsonBody<CompletionContent>,
) -> ApiResult<Versioned<Completion>> {
    let (passport, report) = readable(&state, &auth, id).await?;
    auth.require_reporter(report.organisation_id)?;
    let content = body.value()?;
    checked(&content)?;
    let report = portfel_store::completions::update(state.store.db(), &auth.actor(), id, version, &content).await?;
    Ok(with_figures(&passport, report))
}

/// Submits, accepts or returns a completion report as the caller may.
pub async fn decide(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    version: i32,
    action: ReportAction,
    returned: Option<Return<'_>>,
) -> ApiResult<Versioned<Completion>> {
    let (_, report) = readable(state, auth, id).await?;
    match action {
        ReportAction::Submit => auth.require_reporter(report.organisation_id)?,
        ReportAction::Accept | ReportAction::Return => auth.require(Permission::CheckReports)?,
    }
    let report =
        portfel_store::completions::decide(state.store.db(), &auth.actor(), id, version, action, returned).await?;
    let passport = portfel_store::passports::get(state.store.db(), report.passport_id).await?;
    Ok(with_figures(&passport, report))
}

/// Submit a completion report to the PIM unit
#[utoipa::path(post, path = "/api/v1/completions/{id}/submit", tag = "completion", params(("id" = Uuid, Path, description = "Completion report id"), IfMatch),
    responses((status = 200, description = "Submitted", body = Completion, headers(("ETag" = String)))))]
pub async fn submit_completion(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<Completion>> {
    decide(&state, &auth, id, version, ReportAction::Submit, None).await
}

/// Accept a completion report, closing the project
#[utoipa::path(post, path = "/api/v1/completions/{id}/accept", tag = "completion",
    description = "The PIM unit accepts a submitted completion report; the project moves, in the same step, to the state its outcome names \
        (completed, unsuccessful or cancelled). The report never changes after.",
    params(("id" = Uuid, Path, description = "Completion report id"), IfMatch),
    responses((status = 200, description = "Accepted; the project is closed", body = Completion, headers(("ETag" = String)))))]
pub async fn accept_completion(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<Completion>> {
    decide(&state, &auth, id, version, ReportAction::Accept, None).await
}

/// Return a completion report to the initiator
#[utoipa::path(post, path = "/api/v1/completions/{id}/return", tag = "completion", params(("id" = Uuid, Path, description = "Completion report id"), IfMatch),
    request_body = ReturnReason,
    responses((status = 200, description = "Returned with the reason", body = Completion, headers(("ETag" = String)))))]
pub async fn return_completion(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    body: JsonBody<ReturnReason>,
) -> ApiResult<Versioned<Completion>> {
    let body = body.value()?;
    decide(&state, &auth, id, version, ReportAction::Return, Some(body.given()?)).await
}
