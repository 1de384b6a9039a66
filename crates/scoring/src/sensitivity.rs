//! Sensitivity of the ranking to the weights: Monte-Carlo perturbation of
//! all weights (seeded, reproducible) and a one-at-a-time sweep per criterion.
//!
//! This is a statistic over ranks, computed in `f64`; no score or amount in
//! a result is taken from it. Each trial has its own random stream derived
//! from the seed and the trial number, so results do not depend on threads.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::evaluate::ProjectEvaluation;
use crate::methodology::Methodology;
use crate::rank::rank;

/// Parameters of an analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SensitivityConfig {
    /// Number of random trials.
    pub trials: u32,
    /// Each weight is multiplied by a factor drawn uniformly from [1 − spread, 1 + spread], then all are renormalised.
    pub spread: f64,
    /// Size of the top group whose membership is tracked (e.g. what the budget can fund).
    pub top_k: usize,
    /// Seed of the random streams.
    pub seed: u64,
    /// Factors applied to one criterion's weight at a time.
    pub sweep_factors: Vec<f64>,
}

/// Trials a sensitivity run may ask for.
pub const TRIALS: std::ops::RangeInclusive<u32> = 1..=10_000;

impl SensitivityConfig {
    /// Every rule a run's settings must meet: 1 to 10,000 trials, a spread
    /// strictly between 0 and 1, a top group of at least one project.
    pub fn check(&self) -> Result<(), Vec<portfel_domain::FieldError>> {
        use portfel_domain::FieldError;
        let mut errors = Vec::new();
        if !TRIALS.contains(&self.trials) {
            errors.push(FieldError::new("trials", "out_of_range", "trials must be between 1 and 10000"));
        }
        if !(self.spread > 0.0 && self.spread < 1.0) {
            errors.push(FieldError::new("spread", "out_of_range", "spread must lie strictly between 0 and 1"));
        }
        if self.top_k == 0 {
            errors.push(FieldError::new("top_k", "out_of_range", "top_k must be at least 1"));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

impl Default for SensitivityConfig {
    fn default() -> Self {
        SensitivityConfig { trials: 1000, spread: 0.2, top_k: 10, seed: 2025, sweep_factors: vec![0.5, 0.8, 1.2, 1.5] }
    }
}

/// How stable one project's place is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectSensitivity {
    /// Passport id.
    pub id: Uuid,
    /// Rank under the methodology's weights.
    pub base_rank: u32,
    /// Share of trials in which the project stayed in the top k.
    pub top_k_probability: f64,
    /// Best rank seen.
    pub rank_min: u32,
    /// Worst rank seen.
    pub rank_max: u32,
    /// 5th percentile of ranks.
    pub rank_p05: u32,
    /// 95th percentile of ranks.
    pub rank_p95: u32,
}

/// The effect of scaling one criterion's weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SweepPoint {
    /// Criterion code.
    pub criterion: String,
    /// Factor applied to its weight before renormalising.
    pub factor: f64,
    /// Projects that enter the top k.
    pub entering_top_k: Vec<Uuid>,
    /// Projects that leave the top k.
    pub leaving_top_k: Vec<Uuid>,
    /// Largest change of any project's rank.
    pub max_rank_shift: u32,
}

/// The result of an analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SensitivityReport {
    /// Parameters used.
    pub config: SensitivityConfig,
    /// Per eligible project, in base rank order.
    pub projects: Vec<ProjectSensitivity>,
    /// One-at-a-time sweep.
    pub sweep: Vec<SweepPoint>,
}

/// Normalised scores of eligible projects in base rank order, one row per project.
struct Matrix {
    ids: Vec<Uuid>,
    columns: usize,
    values: Vec<f64>,
}

impl Matrix {
    /// Ranks (1-based, by position in `self.ids`) under `weights`; ties keep base order.
    fn ranks(&self, weights: &[f64], scores: &mut Vec<(f64, u32)>, out: &mut [u32]) {
        scores.clear();
        for (i, row) in self.values.chunks_exact(self.columns).enumerate() {
            let s: f64 = row.iter().zip(weights).map(|(v, w)| v * w).sum();
            scores.push((s, i as u32));
        }
        scores.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (r, (_, i)) in scores.iter().enumerate() {
            out[*i as usize] = r as u32 + 1;
        }
    }
}

fn normalise(weights: &mut [f64]) {
    let sum: f64 = weights.iter().sum();
    if sum > 0.0 {
        weights.iter_mut().for_each(|w| *w /= sum);
    }
}

/// Runs the Monte-Carlo analysis and the sweep over `evaluations`.
pub fn analyse(m: &Methodology, evaluations: &[ProjectEvaluation], config: &SensitivityConfig) -> SensitivityReport {
    use rust_decimal::prelude::ToPrimitive;
    let ranked = rank(evaluations);
    let by_id: std::collections::HashMap<Uuid, &ProjectEvaluation> = evaluations.iter().map(|e| (e.id, e)).collect();
    let eligible: Vec<&ProjectEvaluation> = ranked.iter().filter(|r| r.rank.is_some()).map(|r| by_id[&r.id]).collect();
    let base_weights: Vec<f64> = m.criteria().map(|(_, _, w)| w.to_f64().unwrap_or(0.0)).collect();
    let columns = base_weights.len();
    let matrix = Matrix {
        ids: eligible.iter().map(|e| e.id).collect(),
        columns,
        values: eligible.iter().flat_map(|e| e.criteria.iter().map(|c| c.normalised.to_f64().unwrap_or(0.0))).collect(),
    };
    let n = matrix.ids.len();
    let trials = config.trials as usize;
    let top_k = config.top_k.min(n);
    let mut ranks = vec![0u32; n * trials];
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).min(trials.max(1));
    let per_thread = trials.div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        for (chunk, block) in ranks.chunks_mut(per_thread * n.max(1)).enumerate() {
            let (matrix, base_weights) = (&matrix, &base_weights);
            scope.spawn(move || {
                let mut scores = Vec::with_capacity(n);
                let mut weights = vec![0.0; columns];
                for (offset, out) in block.chunks_mut(n.max(1)).enumerate() {
                    let trial = (chunk * per_thread + offset) as u64;
                    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
                    rng.set_stream(trial);
                    for (w, base) in weights.iter_mut().zip(base_weights) {
                        *w = base * (1.0 + rng.random_range(-config.spread..=config.spread));
                    }
                    normalise(&mut weights);
                    matrix.ranks(&weights, &mut scores, out);
                }
            });
        }
    });
    let mut column = Vec::with_capacity(trials);
    let projects = (0..n)
        .map(|i| {
            column.clear();
            column.extend((0..trials).map(|t| ranks[t * n + i]));
            column.sort_unstable();
            let pick =
                |q: f64| column.get(((trials.max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or(i as u32 + 1);
            ProjectSensitivity {
                id: matrix.ids[i],
                base_rank: i as u32 + 1,
                top_k_probability: if trials == 0 {
                    0.0
                } else {
                    column.iter().filter(|r| (**r as usize) <= top_k).count() as f64 / trials as f64
                },
                rank_min: column.first().copied().unwrap_or(i as u32 + 1),
                rank_max: column.last().copied().unwrap_or(i as u32 + 1),
                rank_p05: pick(0.05),
                rank_p95: pick(0.95),
            }
        })
        .collect();
    let sweep = sweep(m, &matrix, &base_weights, top_k, &config.sweep_factors);
    SensitivityReport { config: config.clone(), projects, sweep }
}

fn sweep(m: &Methodology, matrix: &Matrix, base: &[f64], top_k: usize, factors: &[f64]) -> Vec<SweepPoint> {
    let n = matrix.ids.len();
    let mut scores = Vec::with_capacity(n);
    let mut out = vec![0u32; n];
    let mut points = Vec::new();
    for (j, (_, criterion, _)) in m.criteria().enumerate() {
        for &factor in factors {
            let mut weights = base.to_vec();
            weights[j] *= factor;
            normalise(&mut weights);
            matrix.ranks(&weights, &mut scores, &mut out);
            let (mut entering, mut leaving, mut shift) = (Vec::new(), Vec::new(), 0);
            for (i, &r) in out.iter().enumerate() {
                let base_rank = i as u32 + 1;
                shift = shift.max(r.abs_diff(base_rank));
                match (base_rank as usize <= top_k, r as usize <= top_k) {
                    (false, true) => entering.push(matrix.ids[i]),
                    (true, false) => leaving.push(matrix.ids[i]),
                    _ => {}
                }
            }
            points.push(SweepPoint {
                criterion: criterion.code.clone(),
                factor,
                entering_top_k: entering,
                leaving_top_k: leaving,
                max_rank_shift: shift,
            });
        }
    }
    points
}
