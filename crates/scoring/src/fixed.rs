//! Scoring in fixed-point integers: the same results as [`crate::evaluate()`]
//! (its `Decimal` arithmetic is the reference), an order of magnitude faster.
//!
//! Every weight, score, scale bound and band is a decimal, so each becomes an
//! integer in units of a power of ten. An aggregate is a sum of kept scores
//! over their count `k`, and a normalised score divides by the scale's range
//! `R`; with `LK` the least common multiple of every count that occurs and `LR`
//! that of every range, each criterion's points are an integer number of
//! `1 / D`, `D = W · LK · LR · B` (`W`, `B`: the powers of ten of weights and
//! band points). A project's score is then one integer over `D`, rounded half
//! away from zero exactly — no intermediate rounding at all. Formula values
//! are exact fractions, compared with band bounds by cross-multiplication.
//!
//! Every intermediate is at most `10^10 · D`, and `D` at most `10^26`.
//! A methodology outside what `i128` holds comfortably (more than 6 decimal
//! places, absurd magnitudes) is not compiled: [`FixedMethodology::new`]
//! gives `None`. A project whose scores do not fit (more than 12 experts on
//! one criterion, more places than the scale's unit, absurd magnitudes) is not
//! scored: [`FixedMethodology::evaluate`] and [`FixedMethodology::standing`]
//! give `None`. Callers then use the reference.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::aggregate::{kept_of_sorted, spread};
use crate::computed::{Formula, cross_cutting_goals, non_local, readiness_level};
use crate::evaluation::{CriterionResult, ProjectEvaluation, ProjectInput};
use crate::methodology::{CriterionKind, Methodology};
use crate::rank::Standing;

/// Largest number of decimal places compiled.
const MAX_PLACES: u32 = 6;
/// Largest number of experts' scores on one criterion scored.
const MAX_EXPERTS: usize = 12;
/// Decimal places of experts' scores always scored (the API accepts two).
const SCORE_PLACES: u32 = 2;
/// Largest magnitude of a compiled integer (weights, scores, bounds, bands).
const MAX_MAGNITUDE: i128 = 1_000_000_000_000;

/// How one criterion's points are computed, in integers.
#[derive(Debug, Clone)]
enum Rule {
    /// Experts' scores, aggregated and normalised on the scale.
    Expert {
        /// Scale minimum, in units of `1 / S`.
        min: i128,
        /// Scale range, in units of `1 / S`.
        range: i128,
        /// `ω · (LR / range) · B`: multiplies `(T − k·min) · (LK / k)`.
        factor: i128,
    },
    /// A formula's value put into bands.
    Computed {
        formula: Formula,
        /// Inclusive upper bounds as (numerator, denominator) and points in units of `1 / B`.
        bands: Vec<(Option<(i128, i128)>, i128)>,
        /// Points without a value, in units of `1 / B`.
        undefined: i128,
        /// `ω · LK · LR`: multiplies the band points.
        factor: i128,
    },
}

/// A methodology (and the score scale of one round's inputs) compiled to integers.
#[derive(Debug, Clone)]
pub struct FixedMethodology<'m> {
    m: &'m Methodology,
    /// Per criterion in methodology order: its group's index, effective weight and rule.
    criteria: Vec<(usize, Decimal, Rule)>,
    /// Expert criteria by code: the code and the criterion's index in `criteria`.
    experts_by_code: Vec<(&'m str, usize)>,
    /// Group weights in units of `1 / G`.
    group_weights: Vec<i128>,
    /// `G`.
    group_unit: i128,
    /// `S`: scores are integers in units of `1 / S`.
    score_unit: u32,
    /// `LK / k` for `k` kept scores (index 0 unused).
    count_factors: [i128; MAX_EXPERTS + 1],
    /// `B`.
    band_unit: i128,
    /// `D`.
    denominator: i128,
}

/// Greatest common divisor (not negative).
fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// Least common multiple of two positive integers, unless it overflows.
pub(crate) fn lcm(a: i128, b: i128) -> Option<i128> {
    (a / gcd(a, b)).checked_mul(b)
}

fn pow10(places: u32) -> i128 {
    10i128.pow(places)
}

/// `d` in units of `10^-places`, when it has no more places and is not too large.
fn scaled(d: Decimal, places: u32) -> Option<i128> {
    let d = d.normalize();
    let scale = d.scale();
    (scale <= places).then(|| d.mantissa() * pow10(places - scale)).filter(|v| v.abs() <= MAX_MAGNITUDE * pow10(places))
}

/// `numerator / denominator` (denominator > 0) rounded half away from zero.
fn round_div(numerator: i128, denominator: i128) -> i128 {
    let q = numerator / denominator;
    let r = numerator % denominator;
    if 2 * r.abs() >= denominator { q + numerator.signum() } else { q }
}

/// `numerator / denominator` rounded half away from zero to `places` decimals.
fn rounded(numerator: i128, denominator: i128, places: u32) -> Decimal {
    Decimal::from_i128_with_scale(round_div(numerator * pow10(places), denominator), places)
}

fn places_needed<'a>(values: impl IntoIterator<Item = &'a Decimal>) -> u32 {
    values.into_iter().map(|d| d.normalize().scale()).max().unwrap_or(0)
}

impl<'m> FixedMethodology<'m> {
    /// Compiles `m`, or `None` when some number of it falls outside what the
    /// integers hold exactly.
    pub fn new(m: &'m Methodology) -> Option<FixedMethodology<'m>> {
        let weights: Vec<Decimal> = m.criteria().map(|(_, _, w)| w * Decimal::ONE_HUNDRED).collect();
        let weight_places = places_needed(&weights);
        let mut bounds = Vec::new();
        let mut band_points = Vec::new();
        for (_, c, _) in m.criteria() {
            match &c.kind {
                CriterionKind::Expert { scale_min, scale_max } => bounds.extend([*scale_min, *scale_max]),
                CriterionKind::Computed { bands, undefined_points, .. } => {
                    band_points.extend(bands.iter().map(|b| b.points).chain(*undefined_points));
                }
            }
        }
        let score_places = places_needed(&bounds).max(SCORE_PLACES);
        let band_places = places_needed(&band_points);
        let group_places = places_needed(m.groups.iter().map(|g| &g.weight));
        if [weight_places, score_places, band_places, group_places].iter().any(|p| *p > MAX_PLACES) {
            return None;
        }
        let counts_lcm = (1..=MAX_EXPERTS as i128).try_fold(1, lcm)?;
        let mut ranges_lcm = 1;
        for pair in bounds.chunks(2) {
            let range = scaled(pair[1], score_places)? - scaled(pair[0], score_places)?;
            if range <= 0 {
                return None;
            }
            ranges_lcm = lcm(ranges_lcm, range)?;
        }
        let band_unit = pow10(band_places);
        let mut criteria = Vec::new();
        let groups =
            m.groups.iter().enumerate().flat_map(|(g, group)| group.criteria.iter().map(move |c| (g, group, c)));
        for ((g, group, c), weight) in groups.zip(&weights) {
            let omega = scaled(*weight, weight_places)?;
            let rule = match &c.kind {
                CriterionKind::Expert { scale_min, scale_max } => {
                    let min = scaled(*scale_min, score_places)?;
                    let range = scaled(*scale_max, score_places)? - min;
                    Rule::Expert { min, range, factor: omega * (ranges_lcm / range) * band_unit }
                }
                CriterionKind::Computed { formula, bands, undefined_points } => Rule::Computed {
                    formula: *formula,
                    bands: bands
                        .iter()
                        .map(|b| {
                            let bound = match b.up_to {
                                Some(u) => Some((scaled(u, u.scale())?, pow10(u.scale()))),
                                None => None,
                            };
                            Some((bound, scaled(b.points, band_places)?))
                        })
                        .collect::<Option<_>>()?,
                    undefined: scaled(undefined_points.unwrap_or_default(), band_places)?,
                    factor: omega * counts_lcm * ranges_lcm,
                },
            };
            criteria.push((g, group.weight * c.weight, rule));
        }
        let mut experts_by_code: Vec<(&str, usize)> = m
            .criteria()
            .enumerate()
            .filter(|(_, (_, c, _))| matches!(c.kind, CriterionKind::Expert { .. }))
            .map(|(i, (_, c, _))| (c.code.as_str(), i))
            .collect();
        experts_by_code.sort_unstable();
        let group_unit = pow10(group_places);
        // Every intermediate stays below 10^10 · D (see the module's notes).
        let denominator = pow10(weight_places)
            .checked_mul(counts_lcm)?
            .checked_mul(ranges_lcm)?
            .checked_mul(band_unit)
            .filter(|d| *d <= pow10(26))?;
        Some(FixedMethodology {
            m,
            criteria,
            experts_by_code,
            group_weights: m.groups.iter().map(|g| scaled(g.weight, group_places)).collect::<Option<_>>()?,
            group_unit,
            score_unit: score_places,
            count_factors: std::array::from_fn(|k| if k == 0 { 0 } else { counts_lcm / k as i128 }),
            band_unit,
            denominator,
        })
    }

    /// Scores one project, as [`crate::evaluate::evaluate`] does; `None`
    /// when its scores do not fit the integers.
    pub fn evaluate(&self, project: &ProjectInput<'_>) -> Option<ProjectEvaluation> {
        let facts = Facts::of(project)?;
        let d = self.denominator;
        let score_unit = pow10(self.score_unit);
        let mut total = 0i128;
        let mut group_points = vec![0i128; self.group_weights.len()];
        let mut criteria = Vec::with_capacity(self.criteria.len());
        let methodology_criteria = self.m.groups.iter().flat_map(|g| g.criteria.iter().map(move |c| (g, c)));
        for ((group, criterion), (g, weight, rule)) in methodology_criteria.zip(&self.criteria) {
            let (raw, value, aggregate, normalised, points) = match rule {
                Rule::Expert { min, range, factor } => {
                    let raw = project.expert_scores.get(&criterion.code).cloned().unwrap_or_default();
                    match self.tally(*min, *range, *factor, &raw)? {
                        None => (raw, None, None, Decimal::ZERO, 0),
                        Some(Tally { sum, k, above, points }) => {
                            let aggregate = rounded(sum, k * score_unit, 4);
                            (raw, None, Some(aggregate), rounded(above, k * range, 4), points)
                        }
                    }
                }
                Rule::Computed { formula, bands, undefined, factor } => {
                    let value = facts.value(*formula);
                    let band_points = band_points(bands, value, *undefined);
                    let normalised = rounded(band_points, self.band_unit, 4);
                    let value = value.map(|(num, den)| rounded(num, den, 4));
                    (Vec::new(), value, Some(normalised), normalised, factor * band_points)
                }
            };
            total += points;
            group_points[*g] += points;
            let spread = spread(&raw);
            criteria.push(CriterionResult {
                code: criterion.code.clone(),
                group: group.code.clone(),
                weight: *weight,
                disagreement: spread >= self.m.disagreement_threshold && raw.len() > 1,
                spread,
                raw_scores: raw,
                value,
                aggregate,
                normalised,
                points: rounded(points, d, 4),
            });
        }
        let group_indices: BTreeMap<String, Decimal> = self
            .m
            .groups
            .iter()
            .zip(group_points.iter().zip(&self.group_weights))
            .map(|(group, (points, weight))| {
                let index = if *weight == 0 { Decimal::ZERO } else { rounded(points * self.group_unit, d * weight, 2) };
                (group.code.clone(), index)
            })
            .collect();
        Some(ProjectEvaluation {
            id: project.id,
            eligible: project.gates.iter().all(|g| g.passed),
            gates: project.gates.clone(),
            criteria,
            group_indices,
            final_score: rounded(total, d, 2),
            readiness_level: facts.readiness,
            cost_per_beneficiary: facts.value(Formula::CostPerBeneficiary).map(|(num, den)| rounded(num, den, 2)),
            submission_order: project.submission_order,
        })
    }

    /// What ranking needs of one project, as [`Self::evaluate`] computes it
    /// but without the score card's details; `None` when its scores do not fit.
    pub fn standing(&self, project: &ProjectInput<'_>) -> Option<Standing> {
        let facts = Facts::of(project)?;
        let mut total = 0i128;
        // Both the project's scores and `experts_by_code` are in code order.
        let mut scores = project.expert_scores.iter().peekable();
        for (code, index) in &self.experts_by_code {
            while scores.next_if(|(c, _)| c.as_str() < *code).is_some() {}
            if let (Some((c, raw)), Rule::Expert { min, range, factor }) = (scores.peek(), &self.criteria[*index].2)
                && c.as_str() == *code
            {
                total += self.tally(*min, *range, *factor, raw)?.map_or(0, |t| t.points);
            }
        }
        for (_, _, rule) in &self.criteria {
            if let Rule::Computed { formula, bands, undefined, factor } = rule {
                total += factor * band_points(bands, facts.value(*formula), *undefined);
            }
        }
        Some(Standing {
            id: project.id,
            eligible: project.gates.iter().all(|g| g.passed),
            score: round_div(total * 100, self.denominator) as i64,
            readiness_level: facts.readiness,
            cost_per_beneficiary: facts.value(Formula::CostPerBeneficiary).map(|(num, den)| round_div(num * 100, den)),
            submission_order: project.submission_order,
        })
    }

    /// An expert criterion's kept scores and points: `Some(None)` without
    /// scores, `None` when they do not fit.
    fn tally(&self, min: i128, range: i128, factor: i128, raw: &[Decimal]) -> Option<Option<Tally>> {
        if raw.is_empty() {
            return Some(None);
        }
        if raw.len() > MAX_EXPERTS {
            return None;
        }
        let mut scores = [0i128; MAX_EXPERTS];
        let scores = &mut scores[..raw.len()];
        for (slot, score) in scores.iter_mut().zip(raw) {
            let mantissa = score.mantissa();
            if score.scale() > self.score_unit || mantissa.abs() > MAX_MAGNITUDE {
                return None;
            }
            *slot = mantissa * pow10(self.score_unit - score.scale());
        }
        scores.sort_unstable();
        let (sum, count) = kept_of_sorted(scores, self.m.aggregation)?;
        let k = count as i128;
        let above = (sum - k * min).clamp(0, k * range);
        Some(Some(Tally { sum, k, above, points: factor * above * self.count_factors[count] }))
    }
}

/// An expert criterion's aggregation in integers.
struct Tally {
    /// Sum of the kept scores, in units of `1 / S`.
    sum: i128,
    /// How many scores were kept.
    k: i128,
    /// `sum − k·min`, clamped to the scale.
    above: i128,
    /// Points in units of `1 / D`.
    points: i128,
}

/// The points (units of `1 / B`) of the first band holding `value`
/// (`undefined` without a value; 0 above every band).
fn band_points(bands: &[(Option<(i128, i128)>, i128)], value: Option<(i128, i128)>, undefined: i128) -> i128 {
    let Some((num, den)) = value else { return undefined };
    bands.iter().find(|(bound, _)| bound.is_none_or(|(u, unit)| num * unit <= u * den)).map_or(0, |(_, p)| *p)
}

/// What formulas read from a passport, as integers (money in kopecks).
struct Facts {
    total_cost: i128,
    financing: i128,
    non_local: i128,
    om: i128,
    beneficiaries: i128,
    idps: i128,
    readiness: u8,
    duration: Option<u8>,
    goals: i128,
    cross_cutting: i128,
    closed: i128,
    completed: i128,
    cost_ratio: Option<(i128, i128)>,
    achievement: Option<(i128, i128)>,
}

/// An amount in kopecks (amounts have at most two decimal places).
fn kopecks(amount: portfel_domain::Uah) -> i128 {
    let d = amount.value();
    d.mantissa() * pow10(2 - d.scale().min(2))
}

/// `d` as an exact fraction with a power-of-ten denominator, when it fits.
fn fraction(d: Decimal) -> Option<(i128, i128)> {
    let d = d.normalize();
    (d.scale() <= MAX_PLACES && d.mantissa().abs() <= MAX_MAGNITUDE).then(|| (d.mantissa(), pow10(d.scale())))
}

impl Facts {
    /// The facts of a project; `None` when its initiator's record does not fit.
    fn of(project: &ProjectInput<'_>) -> Option<Facts> {
        let (p, record) = (project.passport, &project.record);
        let exact = |d: Option<Decimal>| d.map_or(Some(None), |d| fraction(d).map(Some));
        Some(Facts {
            total_cost: p.costs.iter().map(|l| kopecks(l.amount)).sum(),
            financing: p.financing.iter().map(|f| kopecks(f.amount)).sum(),
            non_local: p.financing.iter().filter(|f| non_local(f)).map(|f| kopecks(f.amount)).sum(),
            om: p.om_cost_per_year.map_or(0, kopecks),
            beneficiaries: i128::from(p.beneficiaries.total),
            idps: i128::from(p.beneficiaries.idps),
            readiness: readiness_level(p),
            duration: p.duration_years,
            goals: p.strategy_goal_ids.len() as i128,
            cross_cutting: cross_cutting_goals(p) as i128,
            closed: i128::from(record.closed),
            completed: i128::from(record.completed),
            cost_ratio: exact(record.mean_cost_ratio)?,
            achievement: exact(record.mean_achievement)?,
        })
    }

    /// A formula's value as an exact fraction (positive denominator), as
    /// [`Formula::value`] defines it.
    fn value(&self, formula: Formula) -> Option<(i128, i128)> {
        match formula {
            Formula::CostPerBeneficiary => {
                (self.beneficiaries > 0).then(|| (self.total_cost, 100 * self.beneficiaries))
            }
            Formula::NonLocalFinancingShare => (self.financing > 0).then_some((self.non_local, self.financing)),
            Formula::ReadinessLevel => Some((i128::from(self.readiness), 1)),
            Formula::OmBurden => (self.total_cost > 0).then_some((self.om, self.total_cost)),
            Formula::YearsToComplete => self.duration.map(|d| (i128::from(d), 1)),
            Formula::StrategyLinkage => Some((self.goals, 1)),
            Formula::IdpShare => (self.beneficiaries > 0).then_some((self.idps, self.beneficiaries)),
            Formula::CrossCuttingGoals => Some((self.cross_cutting, 1)),
            Formula::InitiatorCompletedShare => (self.closed > 0).then_some((self.completed, self.closed)),
            Formula::InitiatorAchievement => self.achievement,
            Formula::InitiatorCostVariance => self.cost_ratio,
        }
    }
}
