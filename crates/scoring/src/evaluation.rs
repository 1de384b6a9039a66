//! What an evaluation is made of: the project as the round knows it, each
//! criterion's contribution, and the project's evaluation.

use std::collections::BTreeMap;

use portfel_domain::PassportContent;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::computed::InitiatorRecord;
use crate::gates::GateResult;

/// What is known of a project when its round closes.
#[derive(Debug, Clone)]
pub struct ProjectInput<'a> {
    /// Passport id.
    pub id: Uuid,
    /// Passport content.
    pub passport: &'a PassportContent,
    /// Position in submission order (earlier submissions win ties).
    pub submission_order: u64,
    /// Results of the methodology's gates (from screening).
    pub gates: Vec<GateResult>,
    /// Experts' scores per expert criterion code (one per expert, in any order).
    pub expert_scores: BTreeMap<String, Vec<Decimal>>,
    /// The initiator's record when the round closes.
    pub record: InitiatorRecord,
}

/// One criterion's contribution to a project's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CriterionResult {
    /// Criterion code.
    pub code: String,
    /// Group code.
    pub group: String,
    /// Effective weight (group weight × criterion weight).
    pub weight: Decimal,
    /// Experts' scores (expert criteria).
    pub raw_scores: Vec<Decimal>,
    /// The formula's value (computed criteria).
    pub value: Option<Decimal>,
    /// Aggregated expert score, or band points for computed criteria.
    pub aggregate: Option<Decimal>,
    /// Score on 0–1.
    pub normalised: Decimal,
    /// Points contributed to the final score (0–100 scale).
    pub points: Decimal,
    /// Highest minus lowest expert score.
    pub spread: Decimal,
    /// True when the spread reaches the methodology's disagreement threshold.
    pub disagreement: bool,
}

/// A project's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectEvaluation {
    /// Passport id.
    pub id: Uuid,
    /// True when every gate passed.
    pub eligible: bool,
    /// Gate outcomes.
    pub gates: Vec<GateResult>,
    /// Contributions per criterion.
    pub criteria: Vec<CriterionResult>,
    /// Index per group on 0–100 (e.g. social-environmental, financial-economic).
    pub group_indices: BTreeMap<String, Decimal>,
    /// Final score on 0–100, rounded to 2 decimals.
    pub final_score: Decimal,
    /// Readiness level 0–4 (first tie-break).
    pub readiness_level: u8,
    /// Cost per beneficiary, UAH (second tie-break; absent when no beneficiaries).
    pub cost_per_beneficiary: Option<Decimal>,
    /// Submission order (third tie-break).
    pub submission_order: u64,
}

impl ProjectEvaluation {
    /// Codes of criteria whose experts disagree.
    pub fn disagreements(&self) -> impl Iterator<Item = &str> {
        self.criteria.iter().filter(|c| c.disagreement).map(|c| c.code.as_str())
    }
}
