//! Plan exports: JSON, CSV and XLSX for the council, and the public open-data record.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use portfel_planning::council::{PlanContent, PlanVersion};
use portfel_store::council::{self, Document, Kind};
use uuid::Uuid;

use crate::auth::Auth;
use crate::export::OpenDataRecord;
use crate::extract::QueryParams;
use crate::problem::{ApiError, ApiResult};
use crate::routes::council::{ExportQuery, export, may_read};
use crate::state::AppState;

async fn titles(state: &AppState, plan: &PlanVersion) -> ApiResult<BTreeMap<Uuid, String>> {
    let mut out = BTreeMap::new();
    for i in &plan.content.result.included {
        out.insert(i.id, portfel_store::passports::get(state.store.db(), i.id).await?.content.title.uk);
    }
    Ok(out)
}

/// Export a plan (JSON, CSV, XLSX)
#[utoipa::path(get, path = "/api/v1/plans/{id}/export", tag = "planning", params(("id" = Uuid, Path, description = "Plan version id"), ExportQuery),
    responses((status = 200, description = "The plan; amounts in thousand UAH with totals per year and source in CSV and XLSX", body = PlanVersion)))]
pub async fn export_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    QueryParams(q): QueryParams<ExportQuery>,
) -> ApiResult<Response> {
    let doc: Document<PlanContent> = council::get(state.store.db(), Kind::Plan, id).await?;
    may_read(&auth, &doc.workflow)?;
    let plan = PlanVersion { workflow: doc.workflow, content: doc.content };
    let titles = titles(&state, &plan).await?;
    let file = format!("plan-{}", plan.workflow.number);
    export(q.format, &file, || Json(&plan).into_response(), || crate::export::plan_table(&plan, &titles))
}

/// Open data: an approved plan
#[utoipa::path(get, path = "/open-data/plans/{id}", tag = "planning", description = "Public, no token needed. One record per project, year and funding source; schema in docs/open-data.md. Only approved plans.",
    params(("id" = Uuid, Path, description = "Plan version id"), ExportQuery),
    responses((status = 200, description = "Records (JSON array, or CSV with the same columns)", body = [OpenDataRecord]),
              (status = 404, description = "No approved plan with this id", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn open_data_plan(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    QueryParams(q): QueryParams<ExportQuery>,
) -> ApiResult<Response> {
    let doc: Document<PlanContent> = council::get(state.store.db(), Kind::Plan, id).await?;
    let Some(decision) = doc.workflow.decision.clone().filter(|_| doc.workflow.status.decided()) else {
        return Err(ApiError::NotFound("no approved plan with this id".into()));
    };
    let plan = PlanVersion { workflow: doc.workflow, content: doc.content };
    let titles = titles(&state, &plan).await?;
    let sectors: BTreeMap<Uuid, &str> = plan.content.candidates.iter().map(|c| (c.id, c.sector.as_str())).collect();
    let records: Vec<OpenDataRecord> = plan
        .content
        .result
        .included
        .iter()
        .flat_map(|i| {
            i.amounts.iter().map(|a| OpenDataRecord {
                plan_number: plan.workflow.number,
                decision_number: decision.number.clone(),
                decision_date: decision.date,
                project_id: i.id,
                project_title: titles.get(&i.id).cloned().unwrap_or_default(),
                sector: sectors.get(&i.id).copied().unwrap_or_default().to_owned(),
                continuing: i.continuing,
                start_year: i.start_year,
                year: a.year,
                funding_source: a.source.clone(),
                amount_uah: a.amount,
            })
        })
        .collect();
    let file = format!("plan-{}-open-data", plan.workflow.number);
    export(q.format, &file, || Json(&records).into_response(), || crate::export::open_data_table(&records))
}
