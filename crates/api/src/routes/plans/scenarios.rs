//! What-if scenarios: the base request and its variants with both builders, side by side; nothing is saved.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use portfel_domain::FieldError;
use portfel_domain::Permission;
use portfel_planning::council::{PlanRequest, PortfolioContent};
use portfel_planning::{Plan, PlanBuilder, PlanInput};
use portfel_store::council::{self, Document, Kind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{plan_input, run};
use crate::auth::Auth;
use crate::extract::JsonBody;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

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

/// Compare what-if scenarios
#[utoipa::path(post, path = "/api/v1/plans/scenarios", tag = "planning", description = "Runs the base request and each variant (other ceilings, forced in/out, links, objective, or another approved \
        methodology's weights, which re-score and re-rank the projects) with both builders, side by side. Nothing is saved.",
    request_body = ScenarioRequest,
    responses((status = 200, description = "Results per variant", body = [ScenarioResult])))]
pub async fn scenarios(
    auth: Auth,
    State(state): State<AppState>,
    req: JsonBody<ScenarioRequest>,
) -> ApiResult<Json<Vec<ScenarioResult>>> {
    auth.require(Permission::RunScenarios)?;
    let req = req.value()?;
    if req.variants.len() > 10 {
        return Err(ApiError::Validation(vec![FieldError::new("variants", "too_many", "at most 10 variants")]));
    }
    let (base, unplannable) = plan_input(&state, &req.base).await?;
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
        let mut rank_order = run(input.clone(), PlanBuilder::RankOrder, req.base.solve_options()).await?;
        let mut optimal = run(input, PlanBuilder::Optimal, req.base.solve_options()).await?;
        rank_order.excluded.extend(unplannable.iter().cloned());
        optimal.excluded.extend(unplannable.iter().cloned());
        out.push(ScenarioResult { name, rank_order, optimal });
    }
    Ok(Json(out))
}
