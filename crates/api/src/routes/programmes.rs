//! Local target programmes: their measures, the yearly fact of each, and the
//! annual programme report (JSON, CSV, XLSX).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use portfel_domain::{Codelists, FieldError, Permission};
use portfel_monitoring::annual::{AnnualReport, PlanFact, annual_report};
use portfel_monitoring::programme::{MeasureFact, Programme};
use portfel_monitoring::quarters::accepted_facts;
use portfel_monitoring::records::ProgrammeRecord;
use portfel_monitoring::versions::{ProgrammeDiff, ProgrammeVersion, diff, in_force};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Versioned;
use super::council::{DOCX, ExportFormat, XLSX, document_failed, download, export, letterhead};
use crate::auth::Auth;
use crate::export::{Cell, CsvDialect, Table};
use crate::extract::{IfMatch, JsonBody, QueryParams};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use portfel_documents::{Letterhead, programme_report};

fn checked(p: &Programme) -> ApiResult<()> {
    let errors = p.check(Codelists::embedded());
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// List programmes
#[utoipa::path(get, path = "/api/v1/programmes", tag = "monitoring", responses((status = 200, description = "Local target programmes", body = [ProgrammeRecord])))]
pub async fn list_programmes(_auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<ProgrammeRecord>>> {
    Ok(Json(portfel_store::programmes::list(state.store.db()).await?))
}

/// Record a programme
#[utoipa::path(post, path = "/api/v1/programmes", tag = "monitoring", description = "A local target programme as the council approved it: sections of numbered measures, \
        each with planned financing per year and source and the passports it finances, if any. The PIM unit records it.",
    request_body = Programme,
    responses((status = 201, description = "Recorded", body = ProgrammeRecord, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_programme(
    auth: Auth,
    State(state): State<AppState>,
    body: JsonBody<Programme>,
) -> ApiResult<Versioned<ProgrammeRecord>> {
    auth.require(Permission::KeepProgrammes)?;
    let programme = body.value()?;
    checked(&programme)?;
    let record = portfel_store::programmes::create(state.store.db(), &auth.actor(), &programme).await?;
    Ok(Versioned::created(record.version, format!("/api/v1/programmes/{}", record.id), record))
}

/// Get a programme
#[utoipa::path(get, path = "/api/v1/programmes/{id}", tag = "monitoring", params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, description = "The programme", body = ProgrammeRecord, headers(("ETag" = String)))))]
pub async fn get_programme(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<ProgrammeRecord>> {
    let record = portfel_store::programmes::get(state.store.db(), id).await?;
    Ok(Versioned::ok(record.version, record))
}

/// Amend a programme
#[utoipa::path(put, path = "/api/v1/programmes/{id}", tag = "monitoring", params(("id" = Uuid, Path, description = "Programme id"), IfMatch),
    request_body = Programme,
    responses((status = 200, description = "Amended", body = ProgrammeRecord, headers(("ETag" = String)))))]
pub async fn update_programme(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    body: JsonBody<Programme>,
) -> ApiResult<Versioned<ProgrammeRecord>> {
    auth.require(Permission::KeepProgrammes)?;
    let programme = body.value()?;
    checked(&programme)?;
    let record = portfel_store::programmes::update(state.store.db(), &auth.actor(), id, version, &programme).await?;
    Ok(Versioned::ok(record.version, record))
}

/// Record a measure's fact
#[utoipa::path(post, path = "/api/v1/programmes/{id}/facts", tag = "monitoring", description = "What a measure spent in a year and what was done; a second fact for the same \
        measure and year replaces the first (both are in the audit log). Answers with that year's annual report.",
    params(("id" = Uuid, Path, description = "Programme id")),
    request_body(content = MeasureFact, example = json!({"measure": "1.2", "year": 2027, "amount": "350000.00", "narrative": "Придбано обладнання для двох шкіл"})),
    responses((status = 200, description = "The year's annual report with the fact", body = AnnualReport)))]
pub async fn record_fact(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    body: JsonBody<MeasureFact>,
) -> ApiResult<Json<AnnualReport>> {
    auth.require(Permission::KeepProgrammes)?;
    let fact = body.value()?;
    let versions = portfel_store::programmes::versions(state.store.db(), id).await?;
    let version = in_force(&versions, fact.year).ok_or(ApiError::NotFound("programme not found".into()))?;
    if let Some((field, message)) = version.programme.fact_problem(&fact) {
        return Err(ApiError::Validation(vec![FieldError::new(field, "invalid", message)]));
    }
    portfel_store::programmes::set_fact(state.store.db(), &auth.actor(), id, &fact).await?;
    Ok(Json(report_of(&state, id, fact.year).await?))
}

/// A programme's versions
#[utoipa::path(get, path = "/api/v1/programmes/{id}/versions", tag = "monitoring", description = "The programme as approved (version 1), then each amendment \
        with its council decision, oldest first. A year's report reads the version in force then: the last one decided by the year's end.",
    params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, description = "Every version", body = [ProgrammeVersion])))]
pub async fn programme_versions(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<ProgrammeVersion>>> {
    portfel_store::programmes::get(state.store.db(), id).await?;
    Ok(Json(portfel_store::programmes::versions(state.store.db(), id).await?))
}

/// The two versions compared.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The earlier version (default: the one before `to`).
    #[param(minimum = 1, example = 1)]
    pub from: Option<i32>,
    /// The later version (default: the last).
    #[param(minimum = 1, example = 2)]
    pub to: Option<i32>,
}

/// What an amendment changed
#[utoipa::path(get, path = "/api/v1/programmes/{id}/diff", tag = "monitoring", description = "The programme's fields that changed between two versions, and each measure \
        added, removed, closed or changed, with the years whose planned financing changed (UAH, all sources).",
    params(("id" = Uuid, Path, description = "Programme id"), DiffQuery),
    responses((status = 200, description = "The changes", body = ProgrammeDiff)))]
pub async fn programme_diff(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    QueryParams(q): QueryParams<DiffQuery>,
) -> ApiResult<Json<ProgrammeDiff>> {
    portfel_store::programmes::get(state.store.db(), id).await?;
    let versions = portfel_store::programmes::versions(state.store.db(), id).await?;
    let last = versions.last().map_or(1, |v| v.number);
    let to = q.to.unwrap_or(last);
    let from = q.from.unwrap_or((to - 1).max(1));
    let find = |n: i32| {
        versions
            .iter()
            .find(|v| v.number == n)
            .ok_or_else(|| ApiError::NotFound(format!("programme version {n} not found")))
    };
    let (a, b) = (find(from)?, find(to)?);
    Ok(Json(diff(a, b)))
}

/// The file an annual report comes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    /// JSON.
    Json,
    /// CSV for people's spreadsheets: BOM, `;`, decimal commas (see `CsvDialect::People`).
    Csv,
    /// Excel workbook in the council's layout.
    Xlsx,
    /// Word document in the council's layout.
    Docx,
}

/// The year and format of an annual report.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// The budget year reported.
    #[param(minimum = 2000, maximum = 2100, example = 2027)]
    pub year: i32,
    /// `json` (default), `csv`, `xlsx` or `docx`.
    pub format: Option<ReportFormat>,
}

/// The annual report as a table: section and measure lines, subtotals, «Усього».
fn annual_table(r: &AnnualReport) -> Table {
    let header = ["№", "Захід", "Стан виконання", "План, тис. грн", "Факт, тис. грн", "Виконання, %"];
    let line = |number: &str, text: &str, narrative: &str, a: &PlanFact| {
        vec![
            Cell::Text(number.to_owned()),
            Cell::Text(text.to_owned()),
            Cell::Text(narrative.to_owned()),
            Cell::Tenths(a.plan),
            Cell::Tenths(a.fact),
            a.rate.map_or(Cell::Text(String::new()), Cell::Tenths),
        ]
    };
    let mut rows = Vec::new();
    for s in &r.sections {
        let mut heading = vec![Cell::Text(s.number.clone()), Cell::Text(s.title.clone())];
        heading.extend((2..header.len()).map(|_| Cell::Text(String::new())));
        rows.push(heading);
        rows.extend(s.rows.iter().map(|m| line(&m.number, &m.text, &m.done(), &m.amounts)));
        rows.push(line("", &format!("Разом за розділом {}", s.number), "", &s.subtotal));
    }
    rows.push(line("", "Усього", "", &r.total));
    Table {
        title: format!("Звіт {}", r.year),
        header: header.map(String::from).to_vec(),
        rows,
        csv: CsvDialect::People,
    }
}

/// The annual programme report
#[utoipa::path(get, path = "/api/v1/programmes/{id}/report", tag = "monitoring", description = "Per section: each measure's number, text, what was done, plan and fact in thousand \
        UAH with one decimal and the execution rate; a subtotal per section and «Усього». Every figure is rounded once, half away from zero, \
        from exact hryvnias, so a total may differ from the sum of its printed lines by their rounding.",
    params(("id" = Uuid, Path, description = "Programme id"), ReportQuery),
    responses((status = 200, description = "The report (JSON; CSV with the same lines; XLSX or DOCX in the council's layout: title, the decision, «План»/«Факт» under «Обсяг фінансування, тис. гривень», subtotals, «Усього», signature block), of the version in force in the year",
        content((AnnualReport = "application/json"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))))]
pub async fn programme_report(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    QueryParams(q): QueryParams<ReportQuery>,
) -> ApiResult<Response> {
    let head = letterhead(&state).await?;
    report_file(&state, id, q, &head).await
}

/// The annual report of programme `id` as `q` asks, under `head`.
pub async fn report_file(state: &AppState, id: Uuid, q: ReportQuery, head: &Letterhead) -> ApiResult<Response> {
    let report = report_of(state, id, q.year).await?;
    let file = format!("programme-report-{}", q.year);
    Ok(match q.format.unwrap_or(ReportFormat::Json) {
        ReportFormat::Json => Json(&report).into_response(),
        ReportFormat::Csv => {
            export(Some(ExportFormat::Csv), &file, || Json(&report).into_response(), || annual_table(&report))?
        }
        ReportFormat::Xlsx => {
            download(programme_report::xlsx(&report, head).map_err(document_failed)?, XLSX, &format!("{file}.xlsx"))
        }
        ReportFormat::Docx => {
            download(programme_report::docx(&report, head).map_err(document_failed)?, DOCX, &format!("{file}.docx"))
        }
    })
}

/// The annual report of programme `id` for `year`.
pub async fn report_of(state: &AppState, id: Uuid, year: i32) -> ApiResult<AnnualReport> {
    if !portfel_monitoring::period::Period::YEARS.contains(&year) {
        return Err(ApiError::bad_field("year", "invalid_parameter", "the year is 2000 to 2100"));
    }
    let db = state.store.db();
    portfel_store::programmes::get(db, id).await?;
    let versions = portfel_store::programmes::versions(db, id).await?;
    let version = in_force(&versions, year).ok_or(ApiError::NotFound("programme not found".into()))?;
    let mut facts = portfel_store::programmes::facts(db, id).await?;
    facts.extend(accepted_facts(&portfel_store::programme_quarters::list(db, id).await?));
    let results = closed_results(state, &version.programme).await?;
    Ok(AnnualReport { version: Some(version.number), ..annual_report(&version.programme, &facts, &results, year) })
}

/// In words, how each closed project the programme's measures finance ended
/// and was judged: «Назва»: завершено (звіт прийнято), оцінка: висока.
async fn closed_results(state: &AppState, programme: &Programme) -> ApiResult<BTreeMap<Uuid, String>> {
    let db = state.store.db();
    let mut out = BTreeMap::new();
    for id in programme.sections.iter().flat_map(|s| &s.measures).flat_map(|m| &m.passport_ids) {
        if let Some(result) = crate::routes::monitoring::result_of(state, *id).await? {
            let title = portfel_store::passports::get(db, *id).await?.content.title.uk;
            out.insert(*id, format!("«{title}»: {}", crate::routes::monitoring::result_words(&result)));
        }
    }
    Ok(out)
}
