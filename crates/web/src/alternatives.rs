//! The plan the other builder would make from a stored plan version's own
//! request and candidates (the planning crate's builders, not the page's),
//! for the side-by-side view. An optimal solve can take seconds, so the
//! results of recent inputs are kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use portfel_api::problem::ApiError;
use portfel_planning::council::PlanContent;
use portfel_planning::request::build;
use portfel_planning::{Plan, PlanBuilder};
use sha2::{Digest, Sha256};

use crate::error::PageResult;

/// How many computed plans are kept; all are dropped when it fills.
const KEPT: usize = 32;

/// Plans of the other builder, by a digest of what they were built from.
#[derive(Debug, Default)]
pub struct Alternatives {
    plans: Mutex<HashMap<[u8; 32], Arc<Plan>>>,
}

impl Alternatives {
    /// The plan the builder not used for `content` makes from the same input.
    pub async fn of(&self, content: &PlanContent) -> PageResult<Arc<Plan>> {
        let other = match content.result.builder {
            PlanBuilder::Optimal => PlanBuilder::RankOrder,
            PlanBuilder::RankOrder => PlanBuilder::Optimal,
        };
        let key: [u8; 32] = Sha256::digest(serde_json::to_vec(&(&content.request, &content.candidates, other))?).into();
        if let Some(plan) = self.plans.lock().expect("alternatives lock").get(&key) {
            return Ok(plan.clone());
        }
        let input = content.request.input(content.candidates.clone());
        let options = content.request.solve_options();
        let plan = tokio::task::spawn_blocking(move || build(&input, other, options))
            .await
            .map_err(|e| ApiError::Internal(format!("plan builder failed: {e}")))?
            .map_err(ApiError::Validation)?;
        let plan = Arc::new(plan);
        let mut plans = self.plans.lock().expect("alternatives lock");
        if plans.len() >= KEPT {
            plans.clear();
        }
        plans.insert(key, plan.clone());
        Ok(plan)
    }
}
