//! Eligibility gates: pass/fail checks; failing any one excludes a project.

use portfel_domain::messages::{field_label, percent};
use portfel_domain::passport::DesignStatus;
use portfel_domain::rules::check_submission;
use portfel_domain::{Codelists, PassportContent};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A pass/fail eligibility check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "gate", rename_all = "snake_case")]
pub enum Gate {
    /// The project serves at least one goal of a strategy document.
    StrategyAlignment,
    /// The passport meets every submission rule.
    CompletePassport,
    /// At least this share (0–1) of financing comes from the local budget.
    MinLocalCoFinancing {
        /// Minimum share, e.g. 0.10.
        min_share: Decimal,
    },
    /// Design documentation is approved and current (or not required).
    DesignDocumentationCurrent,
}

/// The outcome of one gate for one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GateResult {
    /// The gate.
    pub gate: Gate,
    /// True when passed.
    pub passed: bool,
    /// Why it failed (Ukrainian text for the council and the initiator).
    pub reason: Option<String>,
}

impl Gate {
    /// Checks the gate against a passport.
    pub fn check(&self, p: &PassportContent) -> GateResult {
        let failure = match self {
            Gate::StrategyAlignment => {
                p.strategy_goal_ids.is_empty().then(|| "проєкт не пов'язаний з цілями стратегії розвитку".to_owned())
            }
            Gate::CompletePassport => {
                let errors = check_submission(p, Codelists::embedded());
                (!errors.is_empty()).then(|| {
                    let mut fields: Vec<String> = errors.iter().map(|e| field_label(&e.field)).collect();
                    fields.dedup();
                    let fields = fields.join(", ");
                    format!("паспорт неповний або містить помилки: {fields}")
                })
            }
            Gate::MinLocalCoFinancing { min_share } => {
                let total: Decimal = p.financing.iter().map(|f| f.amount.value()).sum();
                let local: Decimal =
                    p.financing.iter().filter(|f| f.source == "localBudget").map(|f| f.amount.value()).sum();
                let share = if total > Decimal::ZERO { local / total } else { Decimal::ZERO };
                (share < *min_share).then(|| {
                    format!(
                        "частка місцевого співфінансування {} менша за {}",
                        percent(share.round_dp(4)),
                        percent(*min_share)
                    )
                })
            }
            Gate::DesignDocumentationCurrent => {
                (!matches!(p.readiness.design_documentation, DesignStatus::Approved | DesignStatus::NotRequired))
                    .then(|| "проєктна документація відсутня або неактуальна".to_owned())
            }
        };
        GateResult { gate: self.clone(), passed: failure.is_none(), reason: failure }
    }
}
