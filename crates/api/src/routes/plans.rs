//! The medium-term plan of priority public investments: built from an
//! approved portfolio within ceilings by either builder, compared in
//! scenarios, approved by the council, amended by new versions, exported.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use portfel_domain::{Codelists, FieldError, Status};
use portfel_planning::council::{
    Decision, PlanContent, PlanDiff, PlanRequest, PlanVersion, PortfolioContent, diff_plans,
};
use portfel_planning::request::{build, check_source_portfolio};
use portfel_planning::{Plan, PlanBuilder, PlanInput, SolveOptions};
use portfel_store::council::{self, Document, Kind, Moves, Target};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Versioned;
use super::council::{DECIDERS, ExportQuery, PREPARERS, ReturnRequest, export, may_read};
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody, QueryParams};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

fn plan_version(doc: Document<PlanContent>) -> Versioned<PlanVersion> {
    Versioned::ok(doc.workflow.version, PlanVersion { workflow: doc.workflow, content: doc.content })
}

/// Loads the approved portfolio and builds the plan input.
async fn plan_input(state: &AppState, req: &PlanRequest) -> ApiResult<PlanInput> {
    req.check(Codelists::embedded()).map_err(ApiError::Validation)?;
    let portfolio: Document<PortfolioContent> =
        council::get(state.store.db(), Kind::Portfolio, req.portfolio_id).await.map_err(|e| match e {
            portfel_store::StoreError::NotFound(_) => {
                ApiError::Validation(vec![FieldError::new("portfolio_id", "unknown_reference", "no such portfolio")])
            }
            other => other.into(),
        })?;
    check_source_portfolio(portfolio.workflow.status).map_err(ApiError::Validation)?;
    let candidates = portfel_store::plan_inputs::plan_candidates(state.store.db(), &portfolio.content, req).await?;
    Ok(req.input(candidates))
}

/// Builds a plan off the async runtime: solving takes up to the request's time limit.
async fn run(input: PlanInput, builder: PlanBuilder, options: SolveOptions) -> ApiResult<Plan> {
    tokio::task::spawn_blocking(move || build(&input, builder, options))
        .await
        .map_err(|e| ApiError::Internal(format!("plan builder failed: {e}")))?
        .map_err(ApiError::Validation)
}

async fn content(state: &AppState, request: PlanRequest) -> ApiResult<PlanContent> {
    let input = plan_input(state, &request).await?;
    let candidates = input.candidates.clone();
    let result = run(input, request.builder, request.solve_options()).await?;
    Ok(PlanContent { request, candidates, result })
}

/// Lists plan versions.
#[utoipa::path(get, path = "/api/v1/plans", tag = "planning", summary = "List plan versions",
    responses((status = 200, description = "Versions, oldest first", body = [PlanVersion])))]
pub async fn list_plans(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<PlanVersion>>> {
    let docs: Vec<Document<PlanContent>> = council::list(state.store.db(), Kind::Plan).await?;
    Ok(Json(
        docs.into_iter()
            .filter(|d| may_read(&auth, &d.workflow).is_ok())
            .map(|d| PlanVersion { workflow: d.workflow, content: d.content })
            .collect(),
    ))
}

/// Builds a draft plan.
#[utoipa::path(post, path = "/api/v1/plans", tag = "planning", summary = "Build a draft medium-term plan",
    description = "From an approved portfolio, within yearly ceilings (total, per funding source as `YEAR/source`, sector shares of the \
        period's total ceiling), with links and start-year windows, by rank-order fill or optimal selection.",
    request_body(content = PlanRequest, example = json!({"portfolio_id": "01a2...", "first_year": 2027, "last_year": 2029, "builder": "optimal", "start_window": 1,
        "ceilings": {"total": {"2027": "150000000.00", "2028": "140000000.00", "2029": "130000000.00"}, "by_source": {"2027/localBudget": "60000000.00"}}})),
    responses((status = 201, description = "Draft plan", body = PlanVersion, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_plan(
    auth: Auth,
    State(state): State<AppState>,
    req: JsonBody<PlanRequest>,
) -> ApiResult<Versioned<PlanVersion>> {
    auth.require(PREPARERS)?;
    let req = req.value()?;
    let content = content(&state, req).await?;
    let doc = council::create(state.store.db(), &auth.actor(), Kind::Plan, &content).await?;
    let location = format!("/api/v1/plans/{}", doc.workflow.id);
    let Versioned { version, body, .. } = plan_version(doc);
    Ok(Versioned::created(version, location, body))
}

/// Reads a plan version.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "planning", summary = "Get a plan version",
    params(("id" = Uuid, Path, description = "Plan version id")),
    responses((status = 200, description = "The version", body = PlanVersion, headers(("ETag" = String)))))]
pub async fn get_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<PlanVersion>> {
    let doc: Document<PlanContent> = council::get(state.store.db(), Kind::Plan, id).await?;
    may_read(&auth, &doc.workflow)?;
    Ok(plan_version(doc))
}

/// Rebuilds a draft (or returned) plan.
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "planning", summary = "Rebuild a draft plan",
    params(("id" = Uuid, Path, description = "Plan version id"), ("If-Match" = String, Header, description = "ETag of the version")),
    request_body = PlanRequest,
    responses((status = 200, description = "Rebuilt", body = PlanVersion, headers(("ETag" = String))),
              (status = 409, description = "Submitted or approved versions cannot change", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn update_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<PlanRequest>,
) -> ApiResult<Versioned<PlanVersion>> {
    auth.require(PREPARERS)?;
    let req = req.value()?;
    let content = content(&state, req).await?;
    Ok(plan_version(
        council::replace(state.store.db(), &auth.actor(), Target { kind: Kind::Plan, id, version }, &content).await?,
    ))
}

/// Submits a plan to the council.
#[utoipa::path(post, path = "/api/v1/plans/{id}/submit", tag = "planning", summary = "Submit a plan to the council",
    params(("id" = Uuid, Path, description = "Plan version id"), ("If-Match" = String, Header, description = "ETag of the version")),
    responses((status = 200, description = "Submitted", body = PlanVersion, headers(("ETag" = String)))))]
pub async fn submit_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<PlanVersion>> {
    auth.require(PREPARERS)?;
    Ok(plan_version(council::submit(state.store.db(), &auth.actor(), Target { kind: Kind::Plan, id, version }).await?))
}

/// The council approves a plan.
#[utoipa::path(post, path = "/api/v1/plans/{id}/approve", tag = "planning", summary = "Approve a plan (council)",
    description = "Records the decision and freezes the version; its new projects move to `in_plan`.",
    params(("id" = Uuid, Path, description = "Plan version id"), ("If-Match" = String, Header, description = "ETag of the version")),
    request_body = Decision,
    responses((status = 200, description = "Approved", body = PlanVersion, headers(("ETag" = String)))))]
pub async fn approve_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    decision: JsonBody<Decision>,
) -> ApiResult<Versioned<PlanVersion>> {
    auth.require(DECIDERS)?;
    let decision = decision.value()?;
    let current: Document<PlanContent> = council::get(state.store.db(), Kind::Plan, id).await?;
    let ids: Vec<Uuid> = current.content.result.included.iter().filter(|i| !i.continuing).map(|i| i.id).collect();
    let moves = Moves { passports: &ids, from: Status::InPortfolio, to: Status::InPlan };
    Ok(plan_version(
        council::approve(state.store.db(), &auth.actor(), Target { kind: Kind::Plan, id, version }, &decision, moves)
            .await?,
    ))
}

/// The council returns a plan with comments.
#[utoipa::path(post, path = "/api/v1/plans/{id}/return", tag = "planning", summary = "Return a plan with comments (council)",
    params(("id" = Uuid, Path, description = "Plan version id"), ("If-Match" = String, Header, description = "ETag of the version")),
    request_body = ReturnRequest,
    responses((status = 200, description = "Returned", body = PlanVersion, headers(("ETag" = String)))))]
pub async fn return_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<ReturnRequest>,
) -> ApiResult<Versioned<PlanVersion>> {
    auth.require(DECIDERS)?;
    let req = req.value()?;
    Ok(plan_version(
        council::send_back(state.store.db(), &auth.actor(), Target { kind: Kind::Plan, id, version }, &req.comment)
            .await?,
    ))
}

/// Starts an amending version.
#[utoipa::path(post, path = "/api/v1/plans/{id}/amendments", tag = "planning", summary = "Amend a plan (new version)",
    params(("id" = Uuid, Path, description = "Version to amend")),
    request_body = PlanRequest,
    responses((status = 201, description = "New draft version", body = PlanVersion, headers(("ETag" = String), ("Location" = String)))))]
pub async fn amend_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    req: JsonBody<PlanRequest>,
) -> ApiResult<Versioned<PlanVersion>> {
    auth.require(PREPARERS)?;
    let req = req.value()?;
    let content = content(&state, req).await?;
    let doc = council::amend(state.store.db(), &auth.actor(), Kind::Plan, id, &content).await?;
    let location = format!("/api/v1/plans/{}", doc.workflow.id);
    let Versioned { version, body, .. } = plan_version(doc);
    Ok(Versioned::created(version, location, body))
}

/// Differences between two plan versions.
#[utoipa::path(get, path = "/api/v1/plans/{id}/diff/{other}", tag = "planning", summary = "Compare two plan versions",
    params(("id" = Uuid, Path, description = "First version"), ("other" = Uuid, Path, description = "Second version")),
    responses((status = 200, description = "Projects added, removed, moved, amounts changed", body = PlanDiff)))]
pub async fn diff_plan(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, other)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<PlanDiff>> {
    let a: Document<PlanContent> = council::get(state.store.db(), Kind::Plan, id).await?;
    let b: Document<PlanContent> = council::get(state.store.db(), Kind::Plan, other).await?;
    may_read(&auth, &a.workflow)?;
    may_read(&auth, &b.workflow)?;
    Ok(Json(diff_plans(&a.content.result, &b.content.result)))
}

/// A what-if variant of a plan request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Name shown in the comparison.
    pub name: String,
    /// Other ceilings.
    #[serde(default)]
    pub ceilings: Option<portfel_planning::Ceilings>,
    /// Other links and forced decisions.
    #[serde(default)]
    pub constraints: Option<portfel_planning::Constraints>,
    /// Other objective.
    #[serde(default)]
    pub objective: Option<portfel_planning::Objective>,
    /// Another approved methodology version: projects are re-scored from the
    /// round's criterion results with its weights, and re-ranked.
    #[serde(default)]
    pub methodology_id: Option<Uuid>,
}

/// Re-scores and re-ranks candidates with another methodology's weights,
/// from the normalised criterion results of the portfolio's round.
async fn rescore(state: &AppState, portfolio_id: Uuid, methodology_id: Uuid, input: &mut PlanInput) -> ApiResult<()> {
    let db = state.store.db();
    let portfolio: Document<PortfolioContent> = council::get(db, Kind::Portfolio, portfolio_id).await?;
    let results = portfel_store::rounds::results(db, portfolio.content.round_id).await?;
    let methodology = portfel_store::methodologies::get(db, methodology_id).await?;
    if methodology.status != portfel_scoring::round::MethodologyStatus::Approved {
        return Err(ApiError::Validation(vec![FieldError::new(
            "variants.methodology_id",
            "not_approved",
            "scenarios use approved methodology versions",
        )]));
    }
    let weights: BTreeMap<&str, rust_decimal::Decimal> =
        methodology.definition.criteria().map(|(_, c, w)| (c.code.as_str(), w)).collect();
    for c in input.candidates.iter_mut().filter(|c| !c.continuing) {
        if let Some(e) = results.evaluations.iter().find(|e| e.id == c.id) {
            let score: rust_decimal::Decimal = e
                .criteria
                .iter()
                .map(|r| weights.get(r.code.as_str()).copied().unwrap_or_default() * r.normalised)
                .sum();
            c.score = (score * rust_decimal::Decimal::ONE_HUNDRED).round_dp(2);
        }
    }
    let mut order: Vec<usize> = (0..input.candidates.len()).filter(|i| !input.candidates[*i].continuing).collect();
    order.sort_by(|a, b| {
        input.candidates[*b]
            .score
            .cmp(&input.candidates[*a].score)
            .then(input.candidates[*a].rank.cmp(&input.candidates[*b].rank))
    });
    for (rank, i) in order.into_iter().enumerate() {
        input.candidates[i].rank = rank as u32 + 1;
    }
    Ok(())
}

/// A scenario: the base request and variants of it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRequest {
    /// The base request (its `builder` is ignored: both run).
    pub base: PlanRequest,
    /// Variants.
    #[serde(default)]
    pub variants: Vec<Variant>,
}

/// Both builders' results for one variant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioResult {
    /// Variant name (`base` for the base request).
    pub name: String,
    /// Rank-order fill.
    pub rank_order: Plan,
    /// Optimal selection.
    pub optimal: Plan,
}

/// Runs what-if variants without saving anything.
#[utoipa::path(post, path = "/api/v1/plans/scenarios", tag = "planning", summary = "Compare what-if scenarios",
    description = "Runs the base request and each variant (other ceilings, forced in/out, links, objective, or another approved \
        methodology's weights, which re-score and re-rank the projects) with both builders, side by side. Nothing is saved.",
    request_body = ScenarioRequest,
    responses((status = 200, description = "Results per variant", body = [ScenarioResult])))]
pub async fn scenarios(
    auth: Auth,
    State(state): State<AppState>,
    req: JsonBody<ScenarioRequest>,
) -> ApiResult<Json<Vec<ScenarioResult>>> {
    auth.require(&[portfel_domain::Role::PimUnit, portfel_domain::Role::Admin, portfel_domain::Role::Council])?;
    let req = req.value()?;
    if req.variants.len() > 10 {
        return Err(ApiError::Validation(vec![FieldError::new("variants", "too_many", "at most 10 variants")]));
    }
    let base = plan_input(&state, &req.base).await?;
    let mut variants = vec![("base".to_owned(), base.clone())];
    for v in req.variants {
        let mut input = base.clone();
        input.ceilings = v.ceilings.unwrap_or(input.ceilings);
        input.constraints = v.constraints.unwrap_or(input.constraints);
        input.objective = v.objective.unwrap_or(input.objective);
        if let Some(methodology_id) = v.methodology_id {
            rescore(&state, req.base.portfolio_id, methodology_id, &mut input).await?;
        }
        variants.push((v.name, input));
    }
    let mut out = Vec::new();
    for (name, input) in variants {
        let rank_order = run(input.clone(), PlanBuilder::RankOrder, req.base.solve_options()).await?;
        let optimal = run(input, PlanBuilder::Optimal, req.base.solve_options()).await?;
        out.push(ScenarioResult { name, rank_order, optimal });
    }
    Ok(Json(out))
}

async fn titles(state: &AppState, plan: &PlanVersion) -> ApiResult<BTreeMap<Uuid, String>> {
    let mut out = BTreeMap::new();
    for i in &plan.content.result.included {
        out.insert(i.id, portfel_store::passports::get(state.store.db(), i.id).await?.content.title.uk);
    }
    Ok(out)
}

/// Exports a plan version.
#[utoipa::path(get, path = "/api/v1/plans/{id}/export", tag = "planning", summary = "Export a plan (JSON, CSV, XLSX)",
    params(("id" = Uuid, Path, description = "Plan version id"), ExportQuery),
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

/// One record of the open-data plan export (see `docs/open-data.md`).
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenDataRecord {
    /// Plan version number.
    pub plan_number: i32,
    /// Council decision number.
    pub decision_number: String,
    /// Council decision date.
    pub decision_date: chrono::NaiveDate,
    /// Passport id.
    pub project_id: Uuid,
    /// Project title (Ukrainian).
    pub project_title: String,
    /// Sector (DREAM WB-ECO code).
    pub sector: String,
    /// True for continuing projects.
    pub continuing: bool,
    /// Start year in the plan.
    pub start_year: i32,
    /// Budget year.
    pub year: i32,
    /// Funding source (DREAM fundingSourceCategories code).
    pub funding_source: String,
    /// Amount, UAH, two decimals.
    pub amount_uah: rust_decimal::Decimal,
}

/// Open data: an approved plan as flat records, without authentication.
#[utoipa::path(get, path = "/open-data/plans/{id}", tag = "planning", summary = "Open data: an approved plan",
    description = "Public, no token needed. One record per project, year and funding source; schema in docs/open-data.md. Only approved plans.",
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
