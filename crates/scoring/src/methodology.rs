//! Methodologies are data: named, versioned sets of gates and weighted
//! criteria in groups. Weights inside each group, and across groups, sum to 1.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::computed::{Band, Formula};
use crate::gates::Gate;

/// How several experts' scores on one criterion become one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Arithmetic mean.
    Mean,
    /// Median (mean of the two middle scores for an even count).
    Median,
    /// Mean after dropping the lowest and the highest score (with at least three scores).
    TrimmedMean,
}

/// What kind of criterion, and how it is scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CriterionKind {
    /// Each assigned expert gives a score on the scale.
    Expert {
        /// Lowest score.
        scale_min: Decimal,
        /// Highest score.
        scale_max: Decimal,
    },
    /// Derived from passport data (or the initiator's record) by a named
    /// formula, mapped to points by bands.
    Computed {
        /// The formula.
        formula: Formula,
        /// Bands in ascending order of `up_to`; the last may be open.
        bands: Vec<Band>,
        /// Points (0–1) when the formula has no value, e.g. an initiator
        /// without a completed project; 0 when not given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        undefined_points: Option<Decimal>,
    },
}

/// One weighted criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    /// Code, unique in the methodology, e.g. `SE-2`.
    pub code: String,
    /// Name shown to experts and the council.
    pub name: String,
    /// Weight within its group; a group's weights sum to 1.
    pub weight: Decimal,
    /// What the points of the scale mean, shown to experts beside the criterion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    /// How it is scored.
    #[serde(flatten)]
    pub kind: CriterionKind,
}

/// A group of criteria forming an index (e.g. social-environmental).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CriterionGroup {
    /// Code, e.g. `SE`.
    pub code: String,
    /// Name, e.g. "Соціально-екологічний індекс".
    pub name: String,
    /// Weight of the group; group weights sum to 1.
    pub weight: Decimal,
    /// The criteria.
    pub criteria: Vec<Criterion>,
}

/// A complete methodology.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Methodology {
    /// Name.
    pub name: String,
    /// Eligibility gates; failing any one makes a project ineligible.
    pub gates: Vec<Gate>,
    /// Weighted criteria in groups.
    pub groups: Vec<CriterionGroup>,
    /// How experts' scores are aggregated.
    pub aggregation: Aggregation,
    /// A spread (max − min) of experts' scores at or above this flags disagreement.
    pub disagreement_threshold: Decimal,
    /// Experts needed per project.
    pub min_experts: u8,
}

/// Why a methodology is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MethodologyError {
    /// A rule on one field failed.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, e.g. `groups[0].criteria[1].weight`.
        field: String,
        /// What is wrong.
        message: String,
    },
}

fn invalid(field: String, message: impl Into<String>) -> MethodologyError {
    MethodologyError::Invalid { field, message: message.into() }
}

impl Methodology {
    /// Every rule violation: weights non-negative and summing to exactly 1,
    /// unique codes, usable scales and bands.
    pub fn check(&self) -> Vec<MethodologyError> {
        let mut errors = Vec::new();
        if self.groups.is_empty() {
            errors.push(invalid("groups".into(), "at least one group of criteria is needed"));
        }
        let group_sum: Decimal = self.groups.iter().map(|g| g.weight).sum();
        if !self.groups.is_empty() && group_sum != Decimal::ONE {
            errors.push(invalid("groups".into(), format!("group weights sum to {group_sum}, not 1")));
        }
        if self.min_experts == 0 {
            errors.push(invalid("min_experts".into(), "at least one expert per project"));
        }
        if self.disagreement_threshold <= Decimal::ZERO {
            errors.push(invalid("disagreement_threshold".into(), "must be positive"));
        }
        let mut codes = BTreeSet::new();
        for (g, group) in self.groups.iter().enumerate() {
            let at = format!("groups[{g}]");
            if group.weight < Decimal::ZERO {
                errors.push(invalid(format!("{at}.weight"), "must not be negative"));
            }
            if group.criteria.is_empty() {
                errors.push(invalid(format!("{at}.criteria"), "a group needs at least one criterion"));
            }
            let sum: Decimal = group.criteria.iter().map(|c| c.weight).sum();
            if !group.criteria.is_empty() && sum != Decimal::ONE {
                errors.push(invalid(format!("{at}.criteria"), format!("criterion weights sum to {sum}, not 1")));
            }
            if !codes.insert(group.code.clone()) {
                errors.push(invalid(format!("{at}.code"), format!("code {} is used twice", group.code)));
            }
            for (c, criterion) in group.criteria.iter().enumerate() {
                let at = format!("{at}.criteria[{c}]");
                if criterion.weight < Decimal::ZERO {
                    errors.push(invalid(format!("{at}.weight"), "must not be negative"));
                }
                if !codes.insert(criterion.code.clone()) {
                    errors.push(invalid(format!("{at}.code"), format!("code {} is used twice", criterion.code)));
                }
                match &criterion.kind {
                    CriterionKind::Expert { scale_min, scale_max } if scale_min >= scale_max => {
                        errors.push(invalid(format!("{at}.scale_max"), "the scale's maximum must exceed its minimum"));
                    }
                    CriterionKind::Computed { bands, undefined_points, .. } => {
                        if let Err(message) = crate::computed::check_bands(bands) {
                            errors.push(invalid(format!("{at}.bands"), message));
                        }
                        if let Err(message) = crate::computed::check_undefined_points(*undefined_points) {
                            errors.push(invalid(format!("{at}.undefined_points"), message));
                        }
                    }
                    CriterionKind::Expert { .. } => {}
                }
            }
        }
        errors
    }

    /// Every criterion with its effective weight (group weight × criterion weight).
    pub fn criteria(&self) -> impl Iterator<Item = (&CriterionGroup, &Criterion, Decimal)> {
        self.groups.iter().flat_map(|g| g.criteria.iter().map(move |c| (g, c, g.weight * c.weight)))
    }

    /// The criterion with this code.
    pub fn criterion(&self, code: &str) -> Option<&Criterion> {
        self.groups.iter().flat_map(|g| &g.criteria).find(|c| c.code == code)
    }
}
