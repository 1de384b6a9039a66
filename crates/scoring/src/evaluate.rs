//! Scoring one project under a methodology: every contribution is kept, so a
//! score card can show criterion, weight, raw scores, aggregate and points.
//!
//! Rounding: all arithmetic is exact `Decimal`. Points and aggregates are
//! reported to 4 decimal places, group indices and the final score (0–100) to
//! 2, rounding half away from zero; the final score is rounded once, from
//! unrounded points, so rounding never accumulates.

use std::collections::BTreeMap;

use portfel_domain::PassportContent;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::aggregate::{aggregate, spread};
use crate::computed::{Formula, band_points, readiness_level};
use crate::gates::GateResult;
use crate::methodology::{CriterionKind, Methodology};

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
    /// Final score before rounding (used for ranking).
    #[serde(skip)]
    pub exact_score: Decimal,
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

fn round(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Scores one project.
pub fn evaluate(m: &Methodology, project: &ProjectInput<'_>) -> ProjectEvaluation {
    let hundred = Decimal::ONE_HUNDRED;
    let mut criteria = Vec::with_capacity(m.groups.iter().map(|g| g.criteria.len()).sum());
    let mut group_points = vec![Decimal::ZERO; m.groups.len()];
    let mut exact = Decimal::ZERO;
    let groups = m.groups.iter().enumerate().flat_map(|(g, group)| group.criteria.iter().map(move |c| (g, group, c)));
    for (g, group, criterion) in groups {
        let weight = group.weight * criterion.weight;
        let (raw, value, agg, normalised) = match &criterion.kind {
            CriterionKind::Expert { scale_min, scale_max } => {
                let raw = project.expert_scores.get(&criterion.code).cloned().unwrap_or_default();
                let agg = aggregate(&raw, m.aggregation);
                let normalised = agg.map_or(Decimal::ZERO, |a| {
                    ((a - scale_min) / (scale_max - scale_min)).clamp(Decimal::ZERO, Decimal::ONE)
                });
                (raw, None, agg, normalised)
            }
            CriterionKind::Computed { formula, bands } => {
                let value = formula.value(project.passport);
                let points = band_points(bands, value);
                (Vec::new(), value, Some(points), points)
            }
        };
        let points = weight * normalised * hundred;
        exact += points;
        group_points[g] += points;
        let spread = spread(&raw);
        criteria.push(CriterionResult {
            code: criterion.code.clone(),
            group: group.code.clone(),
            weight,
            disagreement: spread >= m.disagreement_threshold && raw.len() > 1,
            spread,
            raw_scores: raw,
            value: value.map(|v| round(v, 4)),
            aggregate: agg.map(|a| round(a, 4)),
            normalised: round(normalised, 4),
            points: round(points, 4),
        });
    }
    let group_indices = m
        .groups
        .iter()
        .zip(&group_points)
        .map(|(g, points)| {
            let index = if g.weight.is_zero() { Decimal::ZERO } else { points / g.weight };
            (g.code.clone(), round(index, 2))
        })
        .collect();
    let eligible = project.gates.iter().all(|g| g.passed);
    ProjectEvaluation {
        id: project.id,
        eligible,
        gates: project.gates.clone(),
        criteria,
        group_indices,
        final_score: round(exact, 2),
        exact_score: exact,
        readiness_level: readiness_level(project.passport),
        cost_per_beneficiary: Formula::CostPerBeneficiary.value(project.passport).map(|v| round(v, 2)),
        submission_order: project.submission_order,
    }
}

/// Scores many projects, spread over the machine's cores; results keep input order.
pub fn evaluate_all(m: &Methodology, projects: &[ProjectInput<'_>]) -> Vec<ProjectEvaluation> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = projects.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = projects
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|p| evaluate(m, p)).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("evaluation thread")).collect()
    })
}
