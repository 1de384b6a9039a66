//! Scoring one project under a methodology: every contribution is kept, so a
//! score card can show criterion, weight, raw scores, aggregate and points.
//!
//! Rounding: all arithmetic is exact `Decimal`. Points and aggregates are
//! reported to 4 decimal places, group indices and the final score (0–100) to
//! 2, rounding half away from zero; the final score is rounded once, from
//! unrounded points, so rounding never accumulates.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::aggregate::{kept, spread};
use crate::computed::{Formula, band_points, readiness_level};
pub use crate::evaluation::{CriterionResult, ProjectEvaluation, ProjectInput};
use crate::fixed::{FixedMethodology, lcm};
use crate::methodology::{CriterionKind, Methodology};
use crate::rank::Standing;

fn round(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// A sum of fractions of decimals, divided once: each criterion's points are
/// a fraction (an aggregate divides by the experts' count, normalising by the
/// scale's range), and dividing each on its own would round at the 28th digit
/// — enough to move a score lying exactly on a rounding midpoint.
#[derive(Debug, Default)]
struct ExactSum(Vec<(Decimal, Decimal)>);

impl ExactSum {
    fn add(&mut self, numerator: Decimal, denominator: Decimal) {
        self.0.push((numerator, denominator));
    }

    /// The sum divided by `divisor` (not zero), rounded once to `dp` places.
    fn rounded(&self, divisor: Decimal, dp: u32) -> Decimal {
        self.over_common_denominator(divisor, dp).unwrap_or_else(|| {
            // Beyond 96-bit decimals: divide term by term.
            let sum: Decimal = self.0.iter().map(|(n, d)| n / d).sum();
            round(sum / divisor, dp)
        })
    }

    fn over_common_denominator(&self, divisor: Decimal, dp: u32) -> Option<Decimal> {
        // a / (m·10^-s) = (a·10^s) / m with m an integer.
        let terms: Vec<(Decimal, i128)> = self
            .0
            .iter()
            .map(|(n, d)| {
                let d = d.normalize();
                Some((n.checked_mul(Decimal::from_i128_with_scale(10i128.pow(d.scale()), 0))?, d.mantissa()))
            })
            .collect::<Option<_>>()?;
        let common = terms.iter().try_fold(1i128, |l, (_, m)| lcm(l, *m))?;
        let mut total = Decimal::ZERO;
        for (n, m) in &terms {
            total = total.checked_add(n.checked_mul(Decimal::try_from_i128_with_scale(common / m, 0).ok()?)?)?;
        }
        let denominator = Decimal::try_from_i128_with_scale(common, 0).ok()?.checked_mul(divisor)?;
        Some(round(total.checked_div(denominator)?, dp))
    }
}

/// Scores one project.
pub fn evaluate(m: &Methodology, project: &ProjectInput<'_>) -> ProjectEvaluation {
    let hundred = Decimal::ONE_HUNDRED;
    let mut criteria = Vec::with_capacity(m.groups.iter().map(|g| g.criteria.len()).sum());
    let mut group_points: Vec<ExactSum> = m.groups.iter().map(|_| ExactSum::default()).collect();
    let mut exact = ExactSum::default();
    let groups = m.groups.iter().enumerate().flat_map(|(g, group)| group.criteria.iter().map(move |c| (g, group, c)));
    for (g, group, criterion) in groups {
        let weight = group.weight * criterion.weight;
        // Points are `numerator / denominator`; the aggregate and normalised score likewise.
        let (raw, value, agg, normalised, numerator, denominator) = match &criterion.kind {
            CriterionKind::Expert { scale_min, scale_max } => {
                let raw = project.expert_scores.get(&criterion.code).cloned().unwrap_or_default();
                match kept(&raw, m.aggregation) {
                    None => (raw, None, None, Decimal::ZERO, Decimal::ZERO, Decimal::ONE),
                    Some((sum, count)) => {
                        let (count, range) = (Decimal::from(count), scale_max - scale_min);
                        let above = (sum - count * scale_min).clamp(Decimal::ZERO, count * range);
                        let agg = round(sum / count, 4);
                        (
                            raw,
                            None,
                            Some(agg),
                            round(above / (count * range), 4),
                            weight * hundred * above,
                            count * range,
                        )
                    }
                }
            }
            CriterionKind::Computed { formula, bands, undefined_points } => {
                let value = formula.value(project.passport, &project.record);
                let points = band_points(bands, value, *undefined_points);
                let points4 = round(points, 4);
                (
                    Vec::new(),
                    value.map(|v| round(v, 4)),
                    Some(points4),
                    points4,
                    weight * points * hundred,
                    Decimal::ONE,
                )
            }
        };
        exact.add(numerator, denominator);
        group_points[g].add(numerator, denominator);
        let spread = spread(&raw);
        criteria.push(CriterionResult {
            code: criterion.code.clone(),
            group: group.code.clone(),
            weight,
            disagreement: spread >= m.disagreement_threshold && raw.len() > 1,
            spread,
            raw_scores: raw,
            value,
            aggregate: agg,
            normalised,
            points: round(numerator / denominator, 4),
        });
    }
    let group_indices = m
        .groups
        .iter()
        .zip(&group_points)
        .map(|(g, points)| {
            let index = if g.weight.is_zero() { Decimal::ZERO } else { points.rounded(g.weight, 2) };
            (g.code.clone(), index)
        })
        .collect();
    let eligible = project.gates.iter().all(|g| g.passed);
    ProjectEvaluation {
        id: project.id,
        eligible,
        gates: project.gates.clone(),
        criteria,
        group_indices,
        final_score: exact.rounded(Decimal::ONE, 2),
        readiness_level: readiness_level(project.passport),
        cost_per_beneficiary: Formula::CostPerBeneficiary.value(project.passport, &project.record).map(|v| round(v, 2)),
        submission_order: project.submission_order,
    }
}

/// Scores many projects, spread over the machine's cores; results keep input
/// order. Fixed-point integers do the arithmetic ([`crate::fixed`]); where a
/// methodology or a project's scores do not fit them, [`evaluate`] does.
pub fn evaluate_all(m: &Methodology, projects: &[ProjectInput<'_>]) -> Vec<ProjectEvaluation> {
    let fixed = FixedMethodology::new(m);
    in_parallel(projects, |p| fixed.as_ref().and_then(|f| f.evaluate(p)).unwrap_or_else(|| evaluate(m, p)))
}

/// What ranking needs of many projects' evaluations (as [`evaluate_all`]
/// would score them, without the score cards' details), in input order.
pub fn standings_all(m: &Methodology, projects: &[ProjectInput<'_>]) -> Vec<Standing> {
    let fixed = FixedMethodology::new(m);
    in_parallel(projects, |p| {
        fixed.as_ref().and_then(|f| f.standing(p)).unwrap_or_else(|| Standing::of(&evaluate(m, p)))
    })
}

fn in_parallel<T, F>(projects: &[ProjectInput<'_>], score: F) -> Vec<T>
where
    T: Send,
    F: Fn(&ProjectInput<'_>) -> T + Sync,
{
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = projects.len().div_ceil(threads).max(1);
    let score = &score;
    std::thread::scope(|scope| {
        let handles: Vec<_> = projects
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(score).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("evaluation thread")).collect()
    })
}
