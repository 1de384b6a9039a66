//! Ranking eligible projects, with a documented deterministic tie-break.
//!
//! Order: higher final score (as published, rounded to 2 decimals); then
//! higher readiness level; then lower cost per beneficiary (projects without
//! beneficiaries last); then earlier submission; then passport id.
//! Ineligible projects get no rank.

use std::cmp::Ordering;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::evaluate::ProjectEvaluation;

/// A project's place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RankedProject {
    /// Passport id.
    pub id: Uuid,
    /// Rank from 1; absent for ineligible projects.
    pub rank: Option<u32>,
    /// Final score.
    pub final_score: Decimal,
}

/// The tie-break order between two evaluations (`Less` ranks first).
pub fn compare(a: &ProjectEvaluation, b: &ProjectEvaluation) -> Ordering {
    b.final_score
        .cmp(&a.final_score)
        .then(b.readiness_level.cmp(&a.readiness_level))
        .then(match (a.cost_per_beneficiary, b.cost_per_beneficiary) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then(a.submission_order.cmp(&b.submission_order))
        .then(a.id.cmp(&b.id))
}

/// Ranks evaluations: eligible ones by [`compare`], then ineligible ones unranked.
pub fn rank(evaluations: &[ProjectEvaluation]) -> Vec<RankedProject> {
    let mut order: Vec<&ProjectEvaluation> = evaluations.iter().collect();
    order.sort_by(|a, b| b.eligible.cmp(&a.eligible).then_with(|| compare(a, b)));
    let mut next = 0;
    order
        .into_iter()
        .map(|e| RankedProject {
            id: e.id,
            rank: e.eligible.then(|| {
                next += 1;
                next
            }),
            final_score: e.final_score,
        })
        .collect()
}
