//! Plan exports: JSON, CSV and XLSX for the council, the council's decision
//! as DOCX, and the public open-data record.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use portfel_documents::Letterhead;
use portfel_documents::plan_decision::{self, PlanPaper, PlanRow};
use portfel_planning::council::{PlanContent, PlanVersion};
use portfel_planning::outcome::YearAmount;
use portfel_store::council::{self, Document, Kind};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::auth::Auth;
use crate::export::OpenDataRecord;
use crate::extract::QueryParams;
use crate::problem::{ApiError, ApiResult};
use crate::routes::council::{DOCX, ExportQuery, document_failed, download, export, letterhead, may_read};
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

/// The council's decision on a plan version
#[utoipa::path(get, path = "/api/v1/plans/{id}/decision", tag = "planning", description = "A DOCX the PIM unit edits before the meeting: the investment council's \
        decision approving this version (a draft with blanks until the council decides, then its number and date) with the plan's sums per year, \
        the signatures, and three annexes in thousand UAH: the projects per year, the financing per funding source and year, and the portfolio's \
        projects left out with why.",
    params(("id" = Uuid, Path, description = "Plan version id")),
    responses((status = 200, description = "The decision with its annexes",
        content((Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))))]
pub async fn plan_decision(auth: Auth, State(state): State<AppState>, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let head = letterhead(&state).await?;
    decision_file(&state, &auth, id, &head).await
}

/// The decision on plan version `id` under `head`, as the caller may read it.
pub async fn decision_file(state: &AppState, auth: &Auth, id: Uuid, head: &Letterhead) -> ApiResult<Response> {
    let doc: Document<PlanContent> = council::get(state.store.db(), Kind::Plan, id).await?;
    may_read(auth, &doc.workflow)?;
    let (request, result) = (&doc.content.request, &doc.content.result);
    let years: Vec<i32> = (request.first_year..=request.last_year).collect();
    let ids: Vec<Uuid> = result.included.iter().map(|i| i.id).chain(result.excluded.iter().map(|e| e.id)).collect();
    let titles: BTreeMap<Uuid, String> =
        portfel_store::passports::briefs(state.store.db(), &ids).await?.into_iter().map(|b| (b.id, b.title)).collect();
    let per_year = |amounts: &mut dyn Iterator<Item = &YearAmount>| -> Vec<Decimal> {
        let mut out = vec![Decimal::ZERO; years.len()];
        for a in amounts {
            if let Some(k) = years.iter().position(|y| *y == a.year) {
                out[k] += a.amount;
            }
        }
        out
    };
    let projects = result
        .included
        .iter()
        .map(|i| PlanRow {
            title: titles.get(&i.id).cloned().unwrap_or_default(),
            start_year: i.start_year,
            continuing: i.continuing,
            by_year: per_year(&mut i.amounts.iter()),
        })
        .collect();
    let mut source_codes: Vec<&str> =
        result.included.iter().flat_map(|i| i.amounts.iter().map(|a| a.source.as_str())).collect();
    source_codes.sort_unstable();
    source_codes.dedup();
    let sources = source_codes
        .into_iter()
        .map(|s| {
            let mut of_source = result.included.iter().flat_map(|i| i.amounts.iter()).filter(|a| a.source == s);
            (crate::export::source_label(s), per_year(&mut of_source))
        })
        .collect();
    let left_out = result
        .excluded
        .iter()
        .map(|e| (titles.get(&e.id).cloned().unwrap_or_default(), e.explained(&titles)))
        .collect();
    let decision =
        doc.workflow.decision.as_ref().filter(|_| doc.workflow.status.decided()).map(|d| (d.number.clone(), d.date));
    let paper = PlanPaper { version: doc.workflow.number, decision, years, projects, sources, left_out };
    let bytes = plan_decision::docx(&paper, head).map_err(document_failed)?;
    Ok(download(bytes, DOCX, &format!("plan-decision-{}.docx", doc.workflow.number)))
}
