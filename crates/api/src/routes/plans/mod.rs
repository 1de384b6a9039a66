//! The medium-term plan of priority public investments: built from an
//! approved portfolio within ceilings by either builder, compared in
//! scenarios, approved by the council, amended by new versions, exported.

pub mod exports;
pub mod scenarios;
pub mod versions;

use portfel_domain::{Codelists, FieldError};
use portfel_planning::council::{PlanContent, PlanRequest, PortfolioContent};
use portfel_planning::request::{build, check_source_portfolio};
use portfel_planning::{Exclusion, Plan, PlanBuilder, PlanInput, SolveOptions, Solver};
use portfel_store::council::{self, Document, Kind};

use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// Loads the approved portfolio and builds the plan input; the projects whose
/// data cannot be planned come apart, as the plan's exclusions.
async fn plan_input(state: &AppState, req: &PlanRequest) -> ApiResult<(PlanInput, Vec<Exclusion>)> {
    req.check(Codelists::embedded()).map_err(ApiError::Validation)?;
    let portfolio: Document<PortfolioContent> =
        council::get(state.store.db(), Kind::Portfolio, req.portfolio_id).await.map_err(|e| match e {
            portfel_store::StoreError::NotFound(_) => {
                ApiError::Validation(vec![FieldError::new("portfolio_id", "unknown_reference", "no such portfolio")])
            }
            other => other.into(),
        })?;
    check_source_portfolio(portfolio.workflow.status).map_err(ApiError::Validation)?;
    let (candidates, unplannable) =
        portfel_store::plan_inputs::plan_candidates(state.store.db(), &portfolio.content, req).await?;
    Ok((req.input(candidates), unplannable))
}

/// Builds a plan off the async runtime: solving takes up to the request's time limit.
async fn run(input: PlanInput, builder: PlanBuilder, options: SolveOptions) -> ApiResult<Plan> {
    let started = std::time::Instant::now();
    let plan = tokio::task::spawn_blocking(move || build(&input, builder, options))
        .await
        .map_err(|e| ApiError::Internal(format!("plan builder failed: {e}")))?
        .map_err(ApiError::Validation)?;
    let name = match builder {
        PlanBuilder::RankOrder => "rank_order",
        PlanBuilder::Optimal => "optimal",
    };
    let solver = match plan.solver {
        None => "none",
        Some(Solver::Microlp) => "microlp",
        Some(Solver::Highs) => "highs",
    };
    crate::metrics::plan_built(name, solver, started.elapsed().as_secs_f64(), plan.gap);
    Ok(plan)
}

async fn content(state: &AppState, request: PlanRequest) -> ApiResult<PlanContent> {
    let (input, unplannable) = plan_input(state, &request).await?;
    let candidates = input.candidates.clone();
    let mut result = run(input, request.builder, request.solve_options()).await?;
    result.excluded.extend(unplannable);
    Ok(PlanContent { request, candidates, result })
}
