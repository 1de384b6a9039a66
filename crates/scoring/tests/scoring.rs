//! Hand-computed evaluations, the rounding rule, ranking tie-breaks,
//! sensitivity reproducibility, and properties of the arithmetic.

use std::collections::BTreeMap;

use portfel_domain::PassportContent;
use portfel_scoring::computed::{Band, Formula};
use portfel_scoring::gates::Gate;
use portfel_scoring::sensitivity::{SensitivityConfig, analyse};
use portfel_scoring::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn passport() -> PassportContent {
    serde_json::from_value(serde_json::json!({
        "title": {"uk": "Капітальний ремонт ліцею"},
        "description": {"uk": "Утеплення"}, "problem": "Тепловтрати", "goals": ["Економія"],
        "project_type": "rehabilitation", "purpose": "development", "sector": "ES",
        "balance_holder": {"name": "Управління освіти", "edrpou": "40000001"},
        "locations": [{"katottg": "UA46060250010015970"}], "strategy_goal_ids": [Uuid::nil()],
        "start_year": 2027, "duration_years": 1,
        "costs": [{"year": 2027, "item": "construction", "amount": "1000000.00"}],
        "financing": [{"year": 2027, "source": "localBudget", "amount": "200000.00"}, {"year": 2027, "source": "stateSubsidies", "amount": "800000.00"}],
        "readiness": {"design_documentation": "approved", "land": "owned"},
        "beneficiaries": {"total": 400, "idps": 40}, "om_cost_per_year": "10000.00",
        "cross_cutting": {"energy_efficiency": true, "barrier_free": true},
        "contacts": [{"name": "Олена"}]
    }))
    .unwrap()
}

fn expert(code: &str, weight: &str, max: i64) -> Criterion {
    Criterion {
        code: code.into(),
        name: code.into(),
        weight: d(weight),
        guidance: None,
        kind: CriterionKind::Expert { scale_min: Decimal::ZERO, scale_max: Decimal::from(max) },
    }
}

fn small() -> Methodology {
    Methodology {
        name: "test".into(),
        gates: vec![Gate::StrategyAlignment],
        groups: vec![
            CriterionGroup {
                code: "A".into(),
                name: "A".into(),
                weight: d("0.6"),
                criteria: vec![
                    expert("A1", "0.5", 5),
                    Criterion {
                        code: "A2".into(),
                        name: "A2".into(),
                        weight: d("0.5"),
                        guidance: None,
                        kind: CriterionKind::Computed {
                            formula: Formula::CrossCuttingGoals,
                            bands: vec![
                                Band { up_to: Some(d("1")), points: d("0.5") },
                                Band { up_to: None, points: d("1") },
                            ],
                            undefined_points: None,
                        },
                    },
                ],
            },
            CriterionGroup {
                code: "B".into(),
                name: "B".into(),
                weight: d("0.4"),
                criteria: vec![expert("B1", "1", 5)],
            },
        ],
        aggregation: Aggregation::Mean,
        disagreement_threshold: d("3"),
        min_experts: 3,
    }
}

fn input<'a>(m: &Methodology, p: &'a PassportContent, scores: &[(&str, &[i64])], order: u64) -> ProjectInput<'a> {
    ProjectInput {
        id: Uuid::from_u128(order as u128 + 1),
        passport: p,
        submission_order: order,
        gates: m.gates.iter().map(|g| g.check(p)).collect(),
        expert_scores: scores
            .iter()
            .map(|(c, s)| (c.to_string(), s.iter().map(|x| Decimal::from(*x)).collect()))
            .collect(),
        record: Default::default(),
    }
}

#[test]
fn hand_computed_example() {
    let m = small();
    assert!(m.check().is_empty());
    let p = passport();
    let e = evaluate(&m, &input(&m, &p, &[("A1", &[4, 5, 3]), ("B1", &[1, 2, 2])], 0));
    // A1: mean 4 of 5 → 0.8 × 0.6 × 0.5 × 100 = 24; A2: two cross-cutting goals → 1 × 0.3 × 100 = 30;
    // B1: mean 5/3 → 1/3 × 0.4 × 100 = 13.3333…; total 67.3333… → 67.33.
    let points: Vec<Decimal> = e.criteria.iter().map(|c| c.points).collect();
    assert_eq!(points, vec![d("24"), d("30"), d("13.3333")]);
    assert_eq!(e.final_score, d("67.33"));
    assert_eq!(e.group_indices["A"], d("90.00"));
    assert_eq!(e.group_indices["B"], d("33.33"));
    assert!(e.eligible);
    assert_eq!(e.criteria[2].aggregate, Some(d("1.6667")));
    let m = Methodology { aggregation: Aggregation::TrimmedMean, ..small() };
    let e = evaluate(&m, &input(&m, &p, &[("A1", &[4, 5, 3]), ("B1", &[1, 2, 2])], 0));
    assert_eq!(e.final_score, d("70.00"));
    let inputs: Vec<_> = (0..5).map(|i| input(&m, &p, &[("A1", &[i, i, i]), ("B1", &[1, 2, 2])], i as u64)).collect();
    let one_by_one: Vec<_> = inputs.iter().map(|i| evaluate(&m, i)).collect();
    assert_eq!(evaluate_all(&m, &inputs), one_by_one, "parallel evaluation keeps order and results");
}

#[test]
fn the_initiators_record_is_a_computed_criterion() {
    // A2 becomes "indicators achieved by the initiator's completed projects":
    // up to 0.8 earns 0.2, up to 0.95 0.6, above 1; an initiator without one earns 0.5.
    let mut m = small();
    m.groups[0].criteria[1].kind = CriterionKind::Computed {
        formula: Formula::InitiatorAchievement,
        bands: vec![
            Band { up_to: Some(d("0.8")), points: d("0.2") },
            Band { up_to: Some(d("0.95")), points: d("0.6") },
            Band { up_to: None, points: d("1") },
        ],
        undefined_points: Some(d("0.5")),
    };
    assert!(m.check().is_empty());
    let p = passport();
    let scores: &[(&str, &[i64])] = &[("A1", &[4, 5, 3]), ("B1", &[1, 2, 2])];
    let with = |record: computed::InitiatorRecord| ProjectInput { record, ..input(&m, &p, scores, 0) };
    let newcomer = evaluate(&m, &with(Default::default()));
    // A1 24 and B1 13.3333 as in the example above; A2: 0.5 × 0.3 × 100 = 15 → 52.33.
    assert_eq!((newcomer.criteria[1].value, newcomer.criteria[1].points), (None, d("15")));
    assert_eq!(newcomer.final_score, d("52.33"));
    let record = |achievement: &str| computed::InitiatorRecord {
        closed: 2,
        completed: 2,
        mean_cost_ratio: Some(d("0")),
        mean_achievement: Some(d(achievement)),
    };
    // 0.9625 lies above 0.95: 1 × 30 → 67.33; 0.95 itself is in the middle band: 18 → 55.33.
    let good = evaluate(&m, &with(record("0.9625")));
    assert_eq!((good.criteria[1].value, good.final_score), (Some(d("0.9625")), d("67.33")));
    assert_eq!(evaluate(&m, &with(record("0.95"))).final_score, d("55.33"));
    assert_eq!(evaluate(&m, &with(record("0.5"))).final_score, d("43.33"));
    let fixed = fixed::FixedMethodology::new(&m).unwrap();
    assert_eq!(fixed.evaluate(&with(record("0.95"))), Some(evaluate(&m, &with(record("0.95")))));
    m.groups[0].criteria[1].kind = CriterionKind::Computed {
        formula: Formula::InitiatorCompletedShare,
        bands: vec![Band { up_to: None, points: d("1") }],
        undefined_points: Some(d("1.5")),
    };
    let fields: Vec<String> = m
        .check()
        .into_iter()
        .map(|e| match e {
            MethodologyError::Invalid { field, .. } => field,
        })
        .collect();
    assert_eq!(fields, ["groups[0].criteria[1].undefined_points"]);
}

#[test]
fn final_score_rounds_half_away_from_zero_once() {
    let m = Methodology {
        groups: vec![CriterionGroup {
            code: "G".into(),
            name: "G".into(),
            weight: Decimal::ONE,
            criteria: vec![expert("G1", "1", 8)],
        }],
        ..small()
    };
    let p = passport();
    let mut project = input(&m, &p, &[], 0);
    project.expert_scores = BTreeMap::from([("G1".to_owned(), vec![d("0.9876")])]);
    // 0.9876 / 8 × 100 = 12.345 → 12.35 (banker's rounding would give 12.34).
    assert_eq!(evaluate(&m, &project).final_score, d("12.35"));
}

#[test]
fn weights_must_sum_to_one_and_codes_be_unique() {
    let mut m = small();
    m.groups[1].weight = d("0.5");
    m.groups[0].criteria[1].code = "A1".into();
    let errors: Vec<String> = m.check().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errors,
        vec![
            "groups: group weights sum to 1.1, not 1".to_owned(),
            "groups[0].criteria[1].code: code A1 is used twice".to_owned()
        ]
    );
    assert!(default_methodology().check().is_empty());
    assert_eq!(default_methodology().criteria().map(|(_, _, w)| w).sum::<Decimal>(), Decimal::ONE);
}

#[test]
fn disagreement_is_flagged_at_the_threshold() {
    let m = small();
    let p = passport();
    let e = evaluate(&m, &input(&m, &p, &[("A1", &[1, 4, 3]), ("B1", &[2, 2, 2])], 0));
    assert_eq!(e.disagreements().collect::<Vec<_>>(), vec!["A1"]);
    let e = evaluate(&m, &input(&m, &p, &[("A1", &[2, 4, 3]), ("B1", &[2, 2, 2])], 0));
    assert_eq!(e.disagreements().count(), 0);
}

#[test]
fn ties_break_by_readiness_then_cost_per_beneficiary_then_submission() {
    let m = small();
    let ready = passport();
    let mut unready = passport();
    unready.readiness.land = portfel_domain::passport::LandStatus::NotSecured;
    let mut cheaper = passport();
    cheaper.beneficiaries.total = 800;
    let scores: &[(&str, &[i64])] = &[("A1", &[3, 3, 3]), ("B1", &[3, 3, 3])];
    let evals = vec![
        evaluate(&m, &input(&m, &unready, scores, 0)),
        evaluate(&m, &input(&m, &ready, scores, 2)),
        evaluate(&m, &input(&m, &cheaper, scores, 3)),
        evaluate(&m, &input(&m, &ready, scores, 1)),
    ];
    assert!(evals.iter().all(|e| e.final_score == evals[0].final_score));
    let order: Vec<u64> =
        rank(&evals).iter().map(|r| evals.iter().find(|e| e.id == r.id).unwrap().submission_order).collect();
    assert_eq!(order, vec![3, 1, 2, 0]);
}

#[test]
fn sensitivity_is_reproducible_and_bounded() {
    let m = small();
    let p = passport();
    let evals: Vec<_> = (0..30)
        .map(|i| {
            // Strong on A1 or on B1, so the ranking hinges on their weights.
            let a = (i % 6) as i64;
            evaluate(&m, &input(&m, &p, &[("A1", &[a, a, a]), ("B1", &[5 - a, 5 - a, 5 - a])], i))
        })
        .collect();
    let config = SensitivityConfig { trials: 200, top_k: 5, ..Default::default() };
    let a = analyse(&m, &evals, &config);
    let b = analyse(&m, &evals, &config);
    assert_eq!(a, b, "same seed, same result");
    assert_eq!(a.projects.len(), 30);
    assert_eq!(a.sweep.len(), 3 * config.sweep_factors.len());
    for p in &a.projects {
        assert!(
            p.rank_min <= p.base_rank.max(p.rank_min)
                && p.rank_min <= p.rank_p05
                && p.rank_p05 <= p.rank_p95
                && p.rank_p95 <= p.rank_max
        );
        assert!((0.0..=1.0).contains(&p.top_k_probability));
    }
    let expected_top: f64 = a.projects.iter().map(|p| p.top_k_probability).sum();
    assert!((expected_top - 5.0).abs() < 1e-9, "exactly k projects are in the top k in every trial");
    let other = analyse(&m, &evals, &SensitivityConfig { seed: 7, ..config });
    assert_ne!(a.projects, other.projects, "another seed draws other weights");
    assert!(a.projects.iter().any(|p| p.rank_min < p.rank_max), "perturbation moves some ranks");
    assert!(a.sweep.iter().any(|s| s.max_rank_shift > 0));
}

fn default_scores() -> impl Strategy<Value = Vec<[i64; 3]>> {
    prop::collection::vec(prop::array::uniform3(0i64..=5), 4)
}

fn default_input<'a>(p: &'a PassportContent, scores: &[[i64; 3]]) -> ProjectInput<'a> {
    let m = default_methodology();
    let codes = ["SE1", "SE2", "SE4", "FE1"];
    ProjectInput {
        id: Uuid::nil(),
        passport: p,
        submission_order: 0,
        gates: m.gates.iter().map(|g| g.check(p)).collect(),
        expert_scores: codes
            .iter()
            .zip(scores)
            .map(|(c, s)| (c.to_string(), s.iter().map(|x| Decimal::from(*x)).collect()))
            .collect(),
        record: Default::default(),
    }
}

proptest! {
    #[test]
    fn raising_one_expert_score_never_lowers_the_final_score(scores in default_scores(), c in 0usize..4, x in 0usize..3, how in 0usize..3) {
        let m = Methodology { aggregation: [Aggregation::Mean, Aggregation::Median, Aggregation::TrimmedMean][how], ..default_methodology() };
        let p = passport();
        let before = evaluate(&m, &default_input(&p, &scores));
        let mut raised = scores.clone();
        raised[c][x] = (raised[c][x] + 1).min(5);
        let after = evaluate(&m, &default_input(&p, &raised));
        prop_assert!(after.final_score >= before.final_score);
    }

    #[test]
    fn permuting_experts_changes_nothing(scores in default_scores()) {
        let m = default_methodology();
        let p = passport();
        let mut permuted = scores.clone();
        permuted.iter_mut().for_each(|s| s.rotate_left(1));
        let a = evaluate(&m, &default_input(&p, &scores));
        let b = evaluate(&m, &default_input(&p, &permuted));
        prop_assert_eq!(a.final_score, b.final_score);
        prop_assert_eq!(a.group_indices, b.group_indices);
    }

    #[test]
    fn a_failed_gate_always_excludes(scores in default_scores(), gate in 0usize..4) {
        let m = default_methodology();
        let mut p = passport();
        match gate {
            0 => p.strategy_goal_ids.clear(),
            1 => p.contacts.clear(),
            2 => p.financing = vec![serde_json::from_value(serde_json::json!({"year": 2027, "source": "stateSubsidies", "amount": "1000000.00"})).unwrap()],
            _ => p.readiness.design_documentation = portfel_domain::passport::DesignStatus::Outdated,
        }
        let e = evaluate(&m, &default_input(&p, &scores));
        prop_assert!(!e.eligible);
        prop_assert!(e.gates.iter().any(|g| !g.passed && g.reason.is_some()));
        let ok = passport();
        let mut other = default_input(&ok, &[[0, 0, 0]; 4]);
        other.id = Uuid::from_u128(9);
        let other = evaluate(&m, &other);
        let ranked = rank(&[e.clone(), other]);
        prop_assert_eq!(ranked.iter().find(|r| r.id == e.id).unwrap().rank, None);
    }
}
