//! Ranking eligible projects, with a documented deterministic tie-break.
//!
//! Order: higher final score (as published, rounded to 2 decimals); then
//! higher readiness level; then lower cost per beneficiary (projects without
//! beneficiaries last); then earlier submission; then passport id.
//! Ineligible projects get no rank.

use std::cmp::Reverse;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::evaluation::ProjectEvaluation;

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

/// What the tie-break reads of a project's evaluation, as exact integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Passport id.
    pub id: Uuid,
    /// True when every gate passed.
    pub eligible: bool,
    /// Final score in hundredths (as published, rounded to 2 decimals).
    pub score: i64,
    /// Readiness level 0–4.
    pub readiness_level: u8,
    /// Cost per beneficiary in kopecks, rounded as published; absent without beneficiaries.
    pub cost_per_beneficiary: Option<i128>,
    /// Submission order.
    pub submission_order: u64,
}

/// `d` in hundredths (`d` has at most two decimal places).
fn hundredths(d: Decimal) -> i128 {
    let d = d.round_dp(2);
    d.mantissa() * 10i128.pow(2 - d.scale())
}

impl Standing {
    /// The standing of an evaluation.
    pub fn of(e: &ProjectEvaluation) -> Standing {
        Standing {
            id: e.id,
            eligible: e.eligible,
            score: hundredths(e.final_score) as i64,
            readiness_level: e.readiness_level,
            cost_per_beneficiary: e.cost_per_beneficiary.map(hundredths),
            submission_order: e.submission_order,
        }
    }

    /// The final score as published.
    pub fn final_score(&self) -> Decimal {
        Decimal::new(self.score, 2)
    }

    /// The sort key: eligible first, then the tie-break (smaller ranks first).
    fn key(&self) -> impl Ord + use<> {
        (
            !self.eligible,
            Reverse(self.score),
            Reverse(self.readiness_level),
            (self.cost_per_beneficiary.is_none(), self.cost_per_beneficiary),
            self.submission_order,
            self.id,
        )
    }
}

/// Ranks standings: eligible ones by the tie-break, then ineligible ones unranked.
pub fn rank_standings(standings: &[Standing]) -> Vec<RankedProject> {
    let mut order: Vec<&Standing> = standings.iter().collect();
    order.sort_unstable_by_key(|s| s.key());
    let mut next = 0;
    order
        .into_iter()
        .map(|s| RankedProject {
            id: s.id,
            rank: s.eligible.then(|| {
                next += 1;
                next
            }),
            final_score: s.final_score(),
        })
        .collect()
}

/// Ranks evaluations, as [`rank_standings`] ranks their standings.
pub fn rank(evaluations: &[ProjectEvaluation]) -> Vec<RankedProject> {
    rank_standings(&evaluations.iter().map(Standing::of).collect::<Vec<_>>())
}
