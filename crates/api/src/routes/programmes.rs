//! Local target programmes: their measures, the yearly fact of each, and the
//! annual programme report (JSON, CSV, XLSX).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use portfel_domain::{Codelists, FieldError, Permission};
use portfel_monitoring::annual::{AnnualReport, PlanFact, annual_report};
use portfel_monitoring::programme::{MeasureFact, Programme};
use portfel_monitoring::records::ProgrammeRecord;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Versioned;
use super::council::{ExportFormat, export};
use crate::auth::Auth;
use crate::export::{Cell, CsvDialect, Table};
use crate::extract::{IfMatch, JsonBody, QueryParams};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

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
    let record = portfel_store::programmes::get(state.store.db(), id).await?;
    if let Some((field, message)) = record.programme.fact_problem(&fact) {
        return Err(ApiError::Validation(vec![FieldError::new(field, "invalid", message)]));
    }
    portfel_store::programmes::set_fact(state.store.db(), &auth.actor(), id, &fact).await?;
    let facts = portfel_store::programmes::facts(state.store.db(), id).await?;
    Ok(Json(annual_report(&record.programme, &facts, fact.year)))
}

/// The year and format of an annual report.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// The budget year reported.
    #[param(minimum = 2000, maximum = 2100, example = 2027)]
    pub year: i32,
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<ExportFormat>,
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
        rows.extend(s.rows.iter().map(|m| line(&m.number, &m.text, &m.narrative, &m.amounts)));
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
    responses((status = 200, description = "The report (JSON, or CSV / XLSX with the same lines)", body = AnnualReport)))]
pub async fn programme_report(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    QueryParams(q): QueryParams<ReportQuery>,
) -> ApiResult<Response> {
    let report = report_of(&state, id, q.year).await?;
    let file = format!("programme-report-{}", q.year);
    export(q.format, &file, || Json(&report).into_response(), || annual_table(&report))
}

/// The annual report of programme `id` for `year`.
pub async fn report_of(state: &AppState, id: Uuid, year: i32) -> ApiResult<AnnualReport> {
    if !portfel_monitoring::period::Period::YEARS.contains(&year) {
        return Err(ApiError::bad_field("year", "invalid_parameter", "the year is 2000 to 2100"));
    }
    let record = portfel_store::programmes::get(state.store.db(), id).await?;
    let facts = portfel_store::programmes::facts(state.store.db(), id).await?;
    Ok(annual_report(&record.programme, &facts, year))
}
