//! The one council workflow of portfolios and plans, parameterised by what
//! is approved ([`CouncilPaper`]): who may read and take each step, the
//! request bodies, and export responses.

use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use portfel_domain::Permission;
use portfel_planning::council::{CouncilPaper, Decision, Workflow};
use portfel_planning::meetings::Meeting;
use portfel_planning::workflow::Kind;
use portfel_store::council::{self, Document, Target};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Versioned;
use crate::auth::Auth;
use crate::export::Table;
use crate::extract::JsonBody;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// The council's comments when returning a version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// What must change.
    pub comment: String,
}

/// The council meeting a submitted version goes to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingRequest {
    /// The meeting's day, today or later.
    pub date: chrono::NaiveDate,
}

/// Media type of CSV exports.
pub const CSV: &str = "text/csv; charset=utf-8";
/// Media type of XLSX exports.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The media type of a Word document.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

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

/// A generated file as a download named `file`.
pub fn download(bytes: Vec<u8>, mime: &str, file: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file}\"");
    ([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// The letterhead of the API's documents: the organisation registered first (the hromada's council).
pub async fn letterhead(state: &AppState) -> ApiResult<portfel_documents::Letterhead> {
    let list = portfel_store::organisations::list(state.store.db()).await?;
    let hromada = list.into_iter().min_by_key(|o| o.meta.created_at).map(|o| o.data.name).unwrap_or_default();
    Ok(portfel_documents::Letterhead { hromada })
}

/// A document that failed to build, as the server's fault.
pub fn document_failed(e: portfel_documents::DocumentError) -> ApiError {
    ApiError::Internal(format!("the document failed: {e}"))
}

fn versioned<T: CouncilPaper>(doc: Document<T>) -> Versioned<T::Version> {
    Versioned::ok(doc.workflow.version, T::version(doc.workflow, doc.content))
}

fn target<T: CouncilPaper>(id: Uuid, version: i32) -> Target {
    Target { kind: T::KIND, id, version }
}

/// The versions the caller may read, oldest first.
pub async fn list<T: CouncilPaper>(state: &AppState, auth: &Auth) -> ApiResult<Json<Vec<T::Version>>> {
    let docs: Vec<Document<T>> = council::list(state.store.db(), T::KIND).await?;
    Ok(Json(
        docs.into_iter()
            .filter(|d| may_read(auth, &d.workflow).is_ok())
            .map(|d| T::version(d.workflow, d.content))
            .collect(),
    ))
}

/// One version, if the caller may read it.
pub async fn read<T: CouncilPaper>(state: &AppState, auth: &Auth, id: Uuid) -> ApiResult<Document<T>> {
    let doc: Document<T> = council::get(state.store.db(), T::KIND, id).await?;
    may_read(auth, &doc.workflow)?;
    Ok(doc)
}

/// One version with its `ETag`, if the caller may read it.
pub async fn get<T: CouncilPaper>(state: &AppState, auth: &Auth, id: Uuid) -> ApiResult<Versioned<T::Version>> {
    read::<T>(state, auth, id).await.map(versioned)
}

/// A new draft (amending `previous` when given), built from the request by `build`.
pub async fn add<T: CouncilPaper, R>(
    state: &AppState,
    auth: &Auth,
    previous: Option<Uuid>,
    req: JsonBody<R>,
    build: impl AsyncFnOnce(R) -> ApiResult<T>,
) -> ApiResult<Versioned<T::Version>> {
    auth.require(Permission::PrepareDecisions)?;
    let content = build(req.value()?).await?;
    let db = state.store.db();
    let doc = match previous {
        None => council::create(db, &auth.actor(), T::KIND, &content).await?,
        Some(id) => council::amend(db, &auth.actor(), T::KIND, id, &content).await?,
    };
    let location = format!("/api/v1/{}s/{}", T::KIND.as_str(), doc.workflow.id);
    Ok(Versioned::created(doc.workflow.version, location, T::version(doc.workflow, doc.content)))
}

/// Replaces a draft's content with what `build` makes of the request: the
/// role, then the version's state, then the body are checked, in that order.
pub async fn replace<T: CouncilPaper, R>(
    state: &AppState,
    auth: &Auth,
    (id, version): (Uuid, i32),
    req: JsonBody<R>,
    build: impl AsyncFnOnce(R) -> ApiResult<T>,
) -> ApiResult<Versioned<T::Version>> {
    auth.require(Permission::PrepareDecisions)?;
    council::check_editable(state.store.db(), T::KIND, id).await?;
    let content = build(req.value()?).await?;
    Ok(versioned(council::replace(state.store.db(), &auth.actor(), target::<T>(id, version), &content).await?))
}

/// Puts a version before the council.
pub async fn submit<T: CouncilPaper>(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    version: i32,
) -> ApiResult<Versioned<T::Version>> {
    auth.require(Permission::PrepareDecisions)?;
    Ok(versioned(council::submit::<T>(state.store.db(), &auth.actor(), target::<T>(id, version)).await?))
}

/// The council approves a version with its decision.
pub async fn approve<T: CouncilPaper>(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    version: i32,
    decision: JsonBody<Decision>,
) -> ApiResult<Versioned<T::Version>> {
    auth.require(Permission::Decide)?;
    let decision = decision.value()?;
    Ok(versioned(council::approve::<T>(state.store.db(), &auth.actor(), target::<T>(id, version), &decision).await?))
}

/// The council returns a version with comments.
pub async fn send_back<T: CouncilPaper>(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    version: i32,
    req: JsonBody<ReturnRequest>,
) -> ApiResult<Versioned<T::Version>> {
    auth.require(Permission::Decide)?;
    let req = req.value()?;
    let target = target::<T>(id, version);
    Ok(versioned(council::send_back::<T>(state.store.db(), &auth.actor(), target, &req.comment).await?))
}

/// The PIM unit puts a submitted version on the agenda of the council meeting on a day.
pub async fn schedule<T: CouncilPaper>(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    version: i32,
    req: JsonBody<MeetingRequest>,
) -> ApiResult<Versioned<T::Version>> {
    auth.require(Permission::PrepareDecisions)?;
    let req = req.value()?;
    if req.date < portfel_domain::calendar::local_date(chrono::Utc::now()) {
        return Err(ApiError::Validation(vec![portfel_domain::FieldError::of("date", "before_today", &[])]));
    }
    let target = target::<T>(id, version);
    Ok(versioned(council::schedule::<T>(state.store.db(), &auth.actor(), target, req.date).await?))
}

/// Two versions the caller may read, for a comparison.
pub async fn pair<T: CouncilPaper>(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    other: Uuid,
) -> ApiResult<(Document<T>, Document<T>)> {
    let a: Document<T> = council::get(state.store.db(), T::KIND, id).await?;
    let b: Document<T> = council::get(state.store.db(), T::KIND, other).await?;
    may_read(auth, &a.workflow)?;
    may_read(auth, &b.workflow)?;
    Ok((a, b))
}

/// Council meetings
#[utoipa::path(get, path = "/api/v1/meetings", tag = "planning",
    description = "Each day a portfolio or plan version was put on the agenda of (see `POST /api/v1/portfolios/{id}/meeting`), with the versions \
        on it and what the council decided; meetings to come first, soonest first, then those held, latest first. `overdue`: held with a version still undecided.",
    responses((status = 200, description = "The meetings", body = [Meeting])))]
pub async fn list_meetings(
    auth: Auth,
    axum::extract::State(state): axum::extract::State<AppState>,
) -> ApiResult<Json<Vec<Meeting>>> {
    Ok(Json(meetings(&state, &auth).await?))
}

/// The council's meetings with their agendas, for one who may read undecided versions.
pub async fn meetings(state: &AppState, auth: &Auth) -> ApiResult<Vec<Meeting>> {
    auth.require(Permission::ReadUndecided)?;
    let db = state.store.db();
    let mut versions = Vec::new();
    for kind in [Kind::Portfolio, Kind::Plan] {
        let docs: Vec<Document<serde::de::IgnoredAny>> = council::list(db, kind).await?;
        versions.extend(docs.into_iter().map(|d| (kind, d.workflow)));
    }
    let today = portfel_domain::calendar::local_date(chrono::Utc::now());
    Ok(portfel_planning::meetings::meetings(versions.iter().map(|(k, w)| (*k, w)), today))
}
