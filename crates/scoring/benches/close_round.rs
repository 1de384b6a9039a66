//! Closing a national-scale round: 10,000 projects × 25 criteria × 3 experts
//! (aggregation, indices, final scores, ranking), then a 1,000-trial
//! sensitivity analysis. `cargo bench -p portfel-scoring --bench close_round`.

use std::collections::BTreeMap;
use std::time::Instant;

use portfel_domain::PassportContent;
use portfel_scoring::computed::{Band, Formula};
use portfel_scoring::sensitivity::{SensitivityConfig, analyse};
use portfel_scoring::{
    Aggregation, Criterion, CriterionGroup, CriterionKind, Methodology, ProjectInput, evaluate, evaluate_all, rank,
    rank_standings, standings_all,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use uuid::Uuid;

/// The `portfel` binary's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PROJECTS: usize = 10_000;
const EXPERTS: usize = 3;

/// 5 groups × 5 criteria: four expert criteria and one computed in each group.
fn methodology() -> Methodology {
    let formulas = [
        Formula::CostPerBeneficiary,
        Formula::ReadinessLevel,
        Formula::IdpShare,
        Formula::CrossCuttingGoals,
        Formula::NonLocalFinancingShare,
    ];
    let groups = (0..5)
        .map(|g| CriterionGroup {
            code: format!("G{g}"),
            name: format!("Група {g}"),
            weight: Decimal::new(2, 1),
            criteria: (0..5)
                .map(|c| Criterion {
                    code: format!("G{g}C{c}"),
                    name: format!("Критерій {g}.{c}"),
                    weight: Decimal::new(2, 1),
                    guidance: None,
                    kind: if c == 4 {
                        CriterionKind::Computed {
                            formula: formulas[g],
                            bands: vec![
                                Band { up_to: Some(Decimal::ONE), points: Decimal::new(3, 1) },
                                Band { up_to: Some(Decimal::from(3)), points: Decimal::new(7, 1) },
                                Band { up_to: None, points: Decimal::ONE },
                            ],
                            undefined_points: None,
                        }
                    } else {
                        CriterionKind::Expert { scale_min: Decimal::ZERO, scale_max: Decimal::from(5) }
                    },
                })
                .collect(),
        })
        .collect();
    Methodology {
        name: "bench".into(),
        gates: vec![],
        groups,
        aggregation: Aggregation::TrimmedMean,
        disagreement_threshold: Decimal::from(3),
        min_experts: 3,
    }
}

fn passport(rng: &mut ChaCha8Rng) -> PassportContent {
    serde_json::from_value(serde_json::json!({
        "title": {"uk": "Проєкт"}, "strategy_goal_ids": [Uuid::nil()], "start_year": 2027, "duration_years": rng.random_range(1..=3),
        "costs": [{"year": 2027, "item": "construction", "amount": format!("{}.00", rng.random_range(100_000..50_000_000))}],
        "financing": [{"year": 2027, "source": "localBudget", "amount": "100000.00"}, {"year": 2027, "source": "stateSubsidies", "amount": format!("{}.00", rng.random_range(0..5_000_000))}],
        "readiness": {"design_documentation": if rng.random_bool(0.5) { "approved" } else { "none" }, "land": "owned"},
        "beneficiaries": {"total": rng.random_range(10..50_000), "idps": rng.random_range(0..10)},
        "cross_cutting": {"energy_efficiency": rng.random_bool(0.5), "barrier_free": rng.random_bool(0.3)}
    }))
    .unwrap()
}

/// Prints the median and range of `runs` (milliseconds), then clears them.
fn report(what: &str, runs: &mut Vec<f64>) {
    runs.sort_by(f64::total_cmp);
    let median = runs[runs.len() / 2];
    println!("  {what}: median {median:.1} ms ({:.1}–{:.1} ms, {} runs)", runs[0], runs[runs.len() - 1], runs.len());
    runs.clear();
}

fn main() {
    let m = methodology();
    assert!(m.check().is_empty());
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let passports: Vec<PassportContent> = (0..PROJECTS).map(|_| passport(&mut rng)).collect();
    let expert_codes: Vec<String> = m
        .criteria()
        .filter(|(_, c, _)| matches!(c.kind, CriterionKind::Expert { .. }))
        .map(|(_, c, _)| c.code.clone())
        .collect();
    let inputs: Vec<ProjectInput<'_>> = passports
        .iter()
        .enumerate()
        .map(|(i, p)| ProjectInput {
            id: Uuid::from_u128(i as u128 + 1),
            passport: p,
            submission_order: i as u64,
            gates: vec![],
            expert_scores: expert_codes
                .iter()
                .map(|c| (c.clone(), (0..EXPERTS).map(|_| Decimal::from(rng.random_range(0..=5))).collect()))
                .collect::<BTreeMap<_, _>>(),
            record: Default::default(),
        })
        .collect();
    println!("closing a round: {PROJECTS} projects × {} criteria × {EXPERTS} experts", m.criteria().count());
    let mut ranking = Vec::new();
    let mut runs = Vec::new();
    for _ in 0..9 {
        drop(std::mem::take(&mut ranking));
        let started = Instant::now();
        ranking = rank_standings(&standings_all(&m, &inputs));
        runs.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(ranking.len(), PROJECTS);
    }
    report("scores and ranks (fixed point; target < 20 ms)", &mut runs);
    let mut evaluations = Vec::new();
    for _ in 0..5 {
        drop(std::mem::take(&mut evaluations));
        let started = Instant::now();
        evaluations = evaluate_all(&m, &inputs);
        runs.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    report("every score card's details (fixed point)", &mut runs);
    let reference = Instant::now();
    let decimal: Vec<_> = inputs.iter().map(|p| evaluate(&m, p)).collect();
    let decimal_ranking = rank(&decimal);
    let reference = reference.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(decimal, evaluations, "fixed point and the Decimal reference agree on every card");
    assert_eq!(decimal_ranking, ranking, "and on every score and rank");
    println!("  the Decimal reference, cards and ranks, one core: {reference:.1} ms (the same results)");
    let config = SensitivityConfig { trials: 1000, top_k: 100, ..Default::default() };
    for _ in 0..3 {
        let started = Instant::now();
        let report = analyse(&m, &evaluations, &config);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(report.projects.len(), PROJECTS);
        println!(
            "sensitivity: {} trials, top {}, {} sweep points: {ms:8.1} ms (target < 2000 ms)",
            config.trials,
            config.top_k,
            report.sweep.len()
        );
    }
}
