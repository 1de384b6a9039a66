//! The single project portfolio (ЄПП): built from a closed evaluation round,
//! submitted to and approved by the investment council, amended by new versions.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use portfel_planning::council::{Decision, Portfolio, PortfolioContent, PortfolioDiff, diff_portfolios};
use std::collections::HashMap;

use portfel_documents::Letterhead;
use portfel_documents::portfolio_decision::{self, PortfolioPaper, PortfolioRow};
use portfel_domain::codelist::Codelist;
use portfel_domain::messages::code_label;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Versioned;
use super::council::{
    self as flow, DOCX, ExportQuery, MeetingRequest, ReturnRequest, document_failed, download, export, letterhead,
};
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody, QueryParams};
use crate::problem::ApiResult;
use crate::state::AppState;

/// How to build a portfolio version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PortfolioRequest {
    /// A closed evaluation round.
    pub round_id: Uuid,
    /// Minimum final score (0–100) for inclusion.
    #[serde(default)]
    #[schema(value_type = String, example = "50")]
    pub min_score: Decimal,
}

async fn build(state: &AppState, req: &PortfolioRequest) -> ApiResult<PortfolioContent> {
    Ok(portfel_store::plan_inputs::build_portfolio(state.store.db(), req.round_id, req.min_score).await?)
}

/// List portfolio versions
#[utoipa::path(get, path = "/api/v1/portfolios", tag = "planning", description = "The PIM unit and the council see every version; other roles see approved ones.",
    responses((status = 200, description = "Versions, oldest first", body = [Portfolio])))]
pub async fn list_portfolios(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<Portfolio>>> {
    flow::list::<PortfolioContent>(&state, &auth).await
}

/// Build a draft portfolio
#[utoipa::path(post, path = "/api/v1/portfolios", tag = "planning", description = "Eligible projects of a closed round with at least `min_score`, by rank (ties broken as in the round); \
        continuing projects (in implementation) listed apart and always included.",
    request_body = PortfolioRequest,
    responses((status = 201, description = "Draft", body = Portfolio, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    req: JsonBody<PortfolioRequest>,
) -> ApiResult<Versioned<Portfolio>> {
    flow::add(&state, &auth, None, req, async |req| build(&state, &req).await).await
}

/// Get a portfolio version
#[utoipa::path(get, path = "/api/v1/portfolios/{id}", tag = "planning", params(("id" = Uuid, Path, description = "Portfolio version id")),
    responses((status = 200, description = "The version", body = Portfolio, headers(("ETag" = String)))))]
pub async fn get_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<Portfolio>> {
    flow::get::<PortfolioContent>(&state, &auth, id).await
}

/// Rebuild a draft portfolio
#[utoipa::path(put, path = "/api/v1/portfolios/{id}", tag = "planning", params(("id" = Uuid, Path, description = "Portfolio version id"), IfMatch),
    request_body = PortfolioRequest,
    responses((status = 200, description = "Rebuilt", body = Portfolio, headers(("ETag" = String))),
              (status = 409, description = "Submitted or approved versions cannot change", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn update_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<PortfolioRequest>,
) -> ApiResult<Versioned<Portfolio>> {
    flow::replace(&state, &auth, (id, version), req, async |req| build(&state, &req).await).await
}

/// Submit a portfolio to the council
#[utoipa::path(post, path = "/api/v1/portfolios/{id}/submit", tag = "planning", params(("id" = Uuid, Path, description = "Portfolio version id"), IfMatch),
    responses((status = 200, description = "Submitted", body = Portfolio, headers(("ETag" = String)))))]
pub async fn submit_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<Portfolio>> {
    flow::submit::<PortfolioContent>(&state, &auth, id, version).await
}

/// Approve a portfolio (council)
#[utoipa::path(post, path = "/api/v1/portfolios/{id}/approve", tag = "planning", description = "Records the decision number and date and freezes the version; its new projects move to `in_portfolio`.",
    params(("id" = Uuid, Path, description = "Portfolio version id"), IfMatch),
    request_body(content = Decision, example = json!({"number": "7/2026", "date": "2026-11-20"})),
    responses((status = 200, description = "Approved", body = Portfolio, headers(("ETag" = String)))))]
pub async fn approve_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    decision: JsonBody<Decision>,
) -> ApiResult<Versioned<Portfolio>> {
    flow::approve::<PortfolioContent>(&state, &auth, id, version, decision).await
}

/// Return a portfolio with comments (council)
#[utoipa::path(post, path = "/api/v1/portfolios/{id}/return", tag = "planning", params(("id" = Uuid, Path, description = "Portfolio version id"), IfMatch),
    request_body = ReturnRequest,
    responses((status = 200, description = "Returned", body = Portfolio, headers(("ETag" = String)))))]
pub async fn return_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<ReturnRequest>,
) -> ApiResult<Versioned<Portfolio>> {
    flow::send_back::<PortfolioContent>(&state, &auth, id, version, req).await
}

/// Put a portfolio on a council meeting's agenda
#[utoipa::path(post, path = "/api/v1/portfolios/{id}/meeting", tag = "planning",
    description = "The PIM unit names the day of the council meeting a submitted version is on the agenda of (a later call moves it); \
        the council's members are told, and the day is their task's due date.",
    params(("id" = Uuid, Path, description = "Portfolio version id"), IfMatch),
    request_body = MeetingRequest,
    responses((status = 200, description = "On the agenda", body = Portfolio, headers(("ETag" = String)))))]
pub async fn schedule_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<MeetingRequest>,
) -> ApiResult<Versioned<Portfolio>> {
    flow::schedule::<PortfolioContent>(&state, &auth, id, version, req).await
}

/// Amend a portfolio (new version)
#[utoipa::path(post, path = "/api/v1/portfolios/{id}/amendments", tag = "planning", params(("id" = Uuid, Path, description = "Version to amend")),
    request_body = PortfolioRequest,
    responses((status = 201, description = "New draft version", body = Portfolio, headers(("ETag" = String), ("Location" = String)))))]
pub async fn amend_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    req: JsonBody<PortfolioRequest>,
) -> ApiResult<Versioned<Portfolio>> {
    flow::add(&state, &auth, Some(id), req, async |req| build(&state, &req).await).await
}

/// Compare two portfolio versions
#[utoipa::path(get, path = "/api/v1/portfolios/{id}/diff/{other}", tag = "planning", params(("id" = Uuid, Path, description = "First version"), ("other" = Uuid, Path, description = "Second version")),
    responses((status = 200, description = "Projects added, removed, re-ranked, amounts changed", body = PortfolioDiff)))]
pub async fn diff_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, other)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<PortfolioDiff>> {
    let (a, b) = flow::pair::<PortfolioContent>(&state, &auth, id, other).await?;
    Ok(Json(diff_portfolios(&a.content, &b.content)))
}

/// Export a portfolio (JSON, CSV, XLSX)
#[utoipa::path(get, path = "/api/v1/portfolios/{id}/export", tag = "planning", params(("id" = Uuid, Path, description = "Portfolio version id"), ExportQuery),
    responses((status = 200, description = "The portfolio; amounts in thousand UAH in CSV and XLSX", body = Portfolio)))]
pub async fn export_portfolio(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    QueryParams(q): QueryParams<ExportQuery>,
) -> ApiResult<Response> {
    let doc = flow::read::<PortfolioContent>(&state, &auth, id).await?;
    let p = Portfolio { workflow: doc.workflow, content: doc.content };
    let file = format!("portfolio-{}", p.workflow.number);
    export(q.format, &file, || Json(&p).into_response(), || crate::export::portfolio_table(&p))
}

/// The council's decision on a portfolio version
#[utoipa::path(get, path = "/api/v1/portfolios/{id}/decision", tag = "planning", description = "A DOCX the PIM unit edits before the meeting: the investment council's \
        decision approving this version (a draft with blanks for the number and date until the council decides, then its number and date), the \
        signatures, and the annex: the ranked projects with their DREAM code, title, initiator, sector, score and cost in thousand UAH, and the total.",
    params(("id" = Uuid, Path, description = "Portfolio version id")),
    responses((status = 200, description = "The decision with its annex",
        content((Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))))]
pub async fn portfolio_decision(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Response> {
    let head = letterhead(&state).await?;
    decision_file(&state, &auth, id, &head).await
}

/// The decision on portfolio version `id` under `head`, as the caller may read it.
pub async fn decision_file(state: &AppState, auth: &Auth, id: Uuid, head: &Letterhead) -> ApiResult<Response> {
    let doc = flow::read::<PortfolioContent>(state, auth, id).await?;
    let db = state.store.db();
    let ids: Vec<Uuid> = doc.content.items.iter().map(|i| i.passport_id).collect();
    let codes = portfel_store::dream::codes(db, &ids).await?;
    let names: HashMap<Uuid, String> =
        portfel_store::organisations::list(db).await?.into_iter().map(|o| (o.meta.id, o.data.name)).collect();
    let rows = doc
        .content
        .items
        .iter()
        .map(|i| PortfolioRow {
            place: if i.continuing { None } else { i.rank },
            code: codes.get(&i.passport_id).cloned(),
            title: i.title.clone(),
            initiator: names.get(&i.organisation_id).cloned().unwrap_or_default(),
            sector: code_label(Codelist::WbEco, &i.sector),
            score: i.score,
            cost: i.total_cost,
        })
        .collect();
    let decision =
        doc.workflow.decision.as_ref().filter(|_| doc.workflow.status.decided()).map(|d| (d.number.clone(), d.date));
    let paper = PortfolioPaper { version: doc.workflow.number, decision, rows };
    let bytes = portfolio_decision::docx(&paper, head).map_err(document_failed)?;
    Ok(download(bytes, DOCX, &format!("portfolio-decision-{}.docx", doc.workflow.number)))
}
