//! Criteria computed from passport data: named formulas and the bands that
//! turn a formula's value into points between 0 and 1.

use portfel_domain::PassportContent;
use portfel_domain::passport::{DesignStatus, DocumentKind, ExpertiseStatus, FinancingLine, LandStatus};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A formula over passport data.
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
}

impl Formula {
    /// The formula's value for a passport; `None` when undefined (e.g. no beneficiaries).
    pub fn value(self, p: &PassportContent) -> Option<Decimal> {
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

/// Points for `value` under `bands`; an undefined value, or one above every
/// closed band with no open band, earns 0.
pub fn band_points(bands: &[Band], value: Option<Decimal>) -> Decimal {
    let Some(value) = value else { return Decimal::ZERO };
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
        assert_eq!(band_points(&bands, Some(d("5000"))), d("1"));
        assert_eq!(band_points(&bands, Some(d("5000.01"))), d("0.5"));
        assert_eq!(band_points(&bands, Some(d("1e6"))), d("0.1"));
        assert_eq!(band_points(&bands, None), Decimal::ZERO);
        assert_eq!(band_points(&bands[..2], Some(d("30000"))), Decimal::ZERO);
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
    }
}
