//! Criteria computed from passport data and the initiator's record: named
//! formulas and the bands that turn a formula's value into points between 0 and 1.

use portfel_domain::PassportContent;
use portfel_domain::passport::{DesignStatus, DocumentKind, ExpertiseStatus, FinancingLine, LandStatus};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an initiator's earlier closed projects achieved, as formulas read it
/// (the monitoring crate's track record, taken when the round closes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InitiatorRecord {
    /// Projects closed with an accepted completion report: completed, failed or stopped.
    pub closed: u32,
    /// Of them, completed.
    pub completed: u32,
    /// Mean cost variance of the completed ones (0.1: a tenth over plan).
    #[schema(value_type = Option<String>)]
    pub mean_cost_ratio: Option<Decimal>,
    /// Mean indicator achievement of the completed ones (1: every target met).
    #[schema(value_type = Option<String>)]
    pub mean_achievement: Option<Decimal>,
}

/// A formula over passport data, or over the initiator's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Formula {
    /// Total cost divided by the number of beneficiaries, UAH.
    CostPerBeneficiary,
    /// Share (0–1) of financing from sources other than the local budget (and other than `none`).
    NonLocalFinancingShare,
    /// Readiness level 0–4: design documentation current, land secured, expertise done, a study or design on file.
    ReadinessLevel,
    /// Yearly operating and maintenance cost divided by total cost.
    OmBurden,
    /// Years to complete (the duration).
    YearsToComplete,
    /// Number of strategy goals the project serves.
    StrategyLinkage,
    /// Share (0–1) of internally displaced persons among beneficiaries.
    IdpShare,
    /// Number (0–4) of cross-cutting goals served.
    CrossCuttingGoals,
    /// Share (0–1) of the initiator's closed projects that were completed; none before its first.
    InitiatorCompletedShare,
    /// Mean indicator achievement of the initiator's completed projects; none before its first.
    InitiatorAchievement,
    /// Mean cost variance of the initiator's completed projects (0.1: a tenth over plan); none before its first.
    InitiatorCostVariance,
}

impl Formula {
    /// The formula's value for a passport whose initiator has `record`;
    /// `None` when undefined (e.g. no beneficiaries, no completed project).
    pub fn value(self, p: &PassportContent, record: &InitiatorRecord) -> Option<Decimal> {
        let total_cost = p.total_cost().value();
        let financing: Decimal = p.financing.iter().map(|f| f.amount.value()).sum();
        match self {
            Formula::CostPerBeneficiary => {
                (p.beneficiaries.total > 0).then(|| total_cost / Decimal::from(p.beneficiaries.total))
            }
            Formula::NonLocalFinancingShare => (financing > Decimal::ZERO).then(|| {
                let non_local: Decimal = p.financing.iter().filter(|f| non_local(f)).map(|f| f.amount.value()).sum();
                non_local / financing
            }),
            Formula::ReadinessLevel => Some(Decimal::from(readiness_level(p))),
            Formula::OmBurden => (total_cost > Decimal::ZERO)
                .then(|| p.om_cost_per_year.map_or(Decimal::ZERO, |o| o.value()) / total_cost),
            Formula::YearsToComplete => p.duration_years.map(Decimal::from),
            Formula::StrategyLinkage => Some(Decimal::from(p.strategy_goal_ids.len())),
            Formula::IdpShare => (p.beneficiaries.total > 0)
                .then(|| Decimal::from(p.beneficiaries.idps) / Decimal::from(p.beneficiaries.total)),
            Formula::CrossCuttingGoals => Some(Decimal::from(cross_cutting_goals(p))),
            Formula::InitiatorCompletedShare => {
                (record.closed > 0).then(|| Decimal::from(record.completed) / Decimal::from(record.closed))
            }
            Formula::InitiatorAchievement => record.mean_achievement,
            Formula::InitiatorCostVariance => record.mean_cost_ratio,
        }
    }
}

/// True for financing from a source other than the local budget (and other than `none`).
pub fn non_local(f: &FinancingLine) -> bool {
    f.source != "localBudget" && f.source != "none"
}

/// How many of the four cross-cutting goals the project serves.
pub fn cross_cutting_goals(p: &PassportContent) -> usize {
    let c = p.cross_cutting;
    [c.energy_efficiency, c.climate_adaptation, c.gender_equality, c.barrier_free].into_iter().filter(|b| *b).count()
}

/// Readiness level 0–4 from the passport's readiness evidence.
pub fn readiness_level(p: &PassportContent) -> u8 {
    let r = &p.readiness;
    let design = matches!(r.design_documentation, DesignStatus::Approved | DesignStatus::NotRequired);
    let land = matches!(r.land, LandStatus::Owned | LandStatus::Leased | LandStatus::NotRequired);
    let expertise = matches!(r.state_expertise, ExpertiseStatus::Positive | ExpertiseStatus::NotRequired);
    let studies =
        r.documents.iter().any(|d| matches!(d.kind, DocumentKind::FeasibilityStudy | DocumentKind::DesignDocument));
    [design, land, expertise, studies].into_iter().filter(|b| *b).count() as u8
}

/// Values up to `up_to` (inclusive) earn `points`; the open band (`up_to` absent) catches the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Band {
    /// Upper bound of the band, inclusive; absent for the last, open band.
    pub up_to: Option<Decimal>,
    /// Points for values in the band, from 0 to 1.
    pub points: Decimal,
}

/// Checks bands: at least one, ascending bounds, only the last open, points within 0–1.
pub fn check_bands(bands: &[Band]) -> Result<(), String> {
    if bands.is_empty() {
        return Err("at least one band is needed".into());
    }
    for (i, band) in bands.iter().enumerate() {
        if band.points < Decimal::ZERO || band.points > Decimal::ONE {
            return Err(format!("band {i}: points must lie between 0 and 1"));
        }
        match (band.up_to, bands.get(i + 1).and_then(|b| b.up_to)) {
            (None, _) if i + 1 < bands.len() => return Err(format!("band {i}: only the last band may be open")),
            (Some(a), Some(b)) if a >= b => return Err(format!("band {}: bounds must ascend", i + 1)),
            _ => {}
        }
    }
    Ok(())
}

/// Checks the points given when a formula has no value: within 0–1.
pub fn check_undefined_points(points: Option<Decimal>) -> Result<(), String> {
    match points {
        Some(p) if p < Decimal::ZERO || p > Decimal::ONE => Err("points must lie between 0 and 1".into()),
        _ => Ok(()),
    }
}

/// Points for `value` under `bands`; an undefined value earns `undefined`
/// (0 when not given), one above every closed band with no open band 0.
pub fn band_points(bands: &[Band], value: Option<Decimal>, undefined: Option<Decimal>) -> Decimal {
    let Some(value) = value else { return undefined.unwrap_or_default() };
    bands.iter().find(|b| b.up_to.is_none_or(|u| value <= u)).map_or(Decimal::ZERO, |b| b.points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn bands_pick_the_first_bound_at_or_above_the_value() {
        let bands = [
            Band { up_to: Some(d("5000")), points: d("1") },
            Band { up_to: Some(d("20000")), points: d("0.5") },
            Band { up_to: None, points: d("0.1") },
        ];
        assert_eq!(check_bands(&bands), Ok(()));
        assert_eq!(band_points(&bands, Some(d("5000")), None), d("1"));
        assert_eq!(band_points(&bands, Some(d("5000.01")), None), d("0.5"));
        assert_eq!(band_points(&bands, Some(d("1e6")), None), d("0.1"));
        assert_eq!(band_points(&bands, None, None), Decimal::ZERO);
        assert_eq!(band_points(&bands, None, Some(d("0.5"))), d("0.5"));
        assert_eq!(band_points(&bands[..2], Some(d("30000")), Some(d("0.5"))), Decimal::ZERO);
    }

    #[test]
    fn malformed_bands_are_refused() {
        assert!(check_bands(&[]).is_err());
        assert!(
            check_bands(&[Band { up_to: None, points: d("1") }, Band { up_to: Some(d("1")), points: d("1") }]).is_err()
        );
        assert!(
            check_bands(&[Band { up_to: Some(d("2")), points: d("1") }, Band { up_to: Some(d("1")), points: d("1") }])
                .is_err()
        );
        assert!(check_bands(&[Band { up_to: None, points: d("1.5") }]).is_err());
        assert!(check_undefined_points(Some(d("-0.1"))).is_err());
        assert_eq!(check_undefined_points(Some(d("1"))), Ok(()));
    }

    #[test]
    fn record_formulas_read_the_initiators_past_and_none_before_it() {
        let p: PassportContent = serde_json::from_value(serde_json::json!({"title": {"uk": "Проєкт"}})).unwrap();
        let none = InitiatorRecord::default();
        for f in [Formula::InitiatorCompletedShare, Formula::InitiatorAchievement, Formula::InitiatorCostVariance] {
            assert_eq!(f.value(&p, &none), None);
        }
        let record = InitiatorRecord {
            closed: 3,
            completed: 2,
            mean_cost_ratio: Some(d("-0.05")),
            mean_achievement: Some(d("0.9625")),
        };
        assert_eq!(Formula::InitiatorCompletedShare.value(&p, &record).map(|v| v.round_dp(4)), Some(d("0.6667")));
        assert_eq!(Formula::InitiatorAchievement.value(&p, &record), Some(d("0.9625")));
        assert_eq!(Formula::InitiatorCostVariance.value(&p, &record), Some(d("-0.05")));
    }
}
