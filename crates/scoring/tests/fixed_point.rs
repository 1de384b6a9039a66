//! The fixed-point scorer against the `Decimal` reference: on random
//! methodologies, passports and experts' scores, every evaluation (score,
//! group indices, each criterion's figures, tie-break keys) and every rank agree.

use std::collections::BTreeMap;

use portfel_domain::PassportContent;
use portfel_scoring::computed::{Band, Formula, InitiatorRecord};
use portfel_scoring::fixed::FixedMethodology;
use portfel_scoring::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

const FORMULAS: [Formula; 11] = [
    Formula::CostPerBeneficiary,
    Formula::NonLocalFinancingShare,
    Formula::ReadinessLevel,
    Formula::OmBurden,
    Formula::YearsToComplete,
    Formula::StrategyLinkage,
    Formula::IdpShare,
    Formula::CrossCuttingGoals,
    Formula::InitiatorCompletedShare,
    Formula::InitiatorAchievement,
    Formula::InitiatorCostVariance,
];

/// Weights in hundredths summing to one, from positive shares.
fn weights(shares: &[u32]) -> Vec<Decimal> {
    let total: u32 = shares.iter().sum();
    let mut cents: Vec<u32> = shares.iter().map(|s| s * 100 / total).collect();
    cents[0] += 100 - cents.iter().sum::<u32>();
    cents.into_iter().map(|c| Decimal::new(i64::from(c), 2)).collect()
}

/// A criterion: an expert one on 0..max (or 1..max), or a computed one with
/// three bands and perhaps points for no value.
#[derive(Debug, Clone)]
enum Spec {
    Expert { max: i64, from_one: bool },
    Computed { formula: usize, bounds: (i64, i64), points: (i64, i64, i64), undefined: Option<i64> },
}

fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        (prop::sample::select(vec![4i64, 5, 10, 100]), any::<bool>())
            .prop_map(|(max, from_one)| Spec::Expert { max, from_one }),
        (
            0usize..FORMULAS.len(),
            (-20_000i64..20_000, 1i64..200_000),
            (0i64..=100, 0i64..=100, 0i64..=100),
            prop::option::of(0i64..=100)
        )
            .prop_map(|(formula, bounds, points, undefined)| Spec::Computed {
                formula,
                bounds,
                points,
                undefined
            }),
    ]
}

fn methodology(groups: &[(u32, Vec<(u32, Spec)>)], aggregation: usize, threshold: i64) -> Methodology {
    let group_weights = weights(&groups.iter().map(|(s, _)| *s).collect::<Vec<_>>());
    Methodology {
        name: "random".into(),
        gates: vec![],
        groups: groups
            .iter()
            .zip(group_weights)
            .enumerate()
            .map(|(g, ((_, criteria), weight))| CriterionGroup {
                code: format!("G{g}"),
                name: format!("G{g}"),
                weight,
                criteria: criteria
                    .iter()
                    .zip(weights(&criteria.iter().map(|(s, _)| *s).collect::<Vec<_>>()))
                    .enumerate()
                    .map(|(c, ((_, spec), weight))| Criterion {
                        code: format!("G{g}C{c}"),
                        name: format!("G{g}C{c}"),
                        weight,
                        guidance: None,
                        kind: match spec {
                            Spec::Expert { max, from_one } => CriterionKind::Expert {
                                scale_min: Decimal::from(i64::from(*from_one)),
                                scale_max: Decimal::from(*max),
                            },
                            Spec::Computed { formula, bounds: (low, width), points: (a, b, c), undefined } => {
                                // Bounds with up to four places, so cost-per-beneficiary and shares both meet them.
                                let low = Decimal::new(*low, 4) * Decimal::from(if *formula == 0 { 10_000 } else { 1 });
                                let high = low
                                    + Decimal::new(*width, 4) * Decimal::from(if *formula == 0 { 10_000 } else { 1 });
                                CriterionKind::Computed {
                                    formula: FORMULAS[*formula],
                                    bands: vec![
                                        Band { up_to: Some(low), points: Decimal::new(*a, 2) },
                                        Band { up_to: Some(high), points: Decimal::new(*b, 2) },
                                        Band { up_to: None, points: Decimal::new(*c, 2) },
                                    ],
                                    undefined_points: undefined.map(|u| Decimal::new(u, 2)),
                                }
                            }
                        },
                    })
                    .collect(),
            })
            .collect(),
        aggregation: [Aggregation::Mean, Aggregation::Median, Aggregation::TrimmedMean][aggregation],
        disagreement_threshold: Decimal::from(threshold),
        min_experts: 1,
    }
}

/// A passport with these cost, financing, O&M and beneficiary figures (kopecks and counts).
fn passport(figures: &(i64, i64, i64, i64, u64, u64, u8, u8)) -> PassportContent {
    let (cost, local, other, om, total, idps, duration, flags) = *figures;
    serde_json::from_value(serde_json::json!({
        "title": {"uk": "Проєкт"}, "strategy_goal_ids": vec![Uuid::nil(); usize::from(flags % 3)],
        "start_year": 2027, "duration_years": duration,
        "costs": [{"year": 2027, "item": "construction", "amount": Decimal::new(cost, 2).to_string()}],
        "financing": [{"year": 2027, "source": "localBudget", "amount": Decimal::new(local, 2).to_string()},
                      {"year": 2027, "source": "stateSubsidies", "amount": Decimal::new(other, 2).to_string()}],
        "om_cost_per_year": Decimal::new(om, 2).to_string(),
        "readiness": {"design_documentation": if flags & 1 == 1 { "approved" } else { "none" }, "land": if flags & 2 == 2 { "owned" } else { "not_secured" }},
        "beneficiaries": {"total": total, "idps": idps.min(total)},
        "cross_cutting": {"energy_efficiency": flags & 4 == 4, "barrier_free": flags & 8 == 8, "gender_equality": flags & 16 == 16}
    }))
    .unwrap()
}

fn figures() -> impl Strategy<Value = (i64, i64, i64, i64, u64, u64, u8, u8)> {
    (
        0i64..5_000_000_000,
        0i64..1_000_000_000,
        0i64..1_000_000_000,
        0i64..50_000_000,
        0u64..30_000,
        0u64..3_000,
        1u8..=5,
        any::<u8>(),
    )
}

/// An initiator's record: none yet, or closed and completed projects with
/// mean cost variance and achievement to four places.
fn record() -> impl Strategy<Value = InitiatorRecord> {
    prop_oneof![
        Just(InitiatorRecord::default()),
        (1u32..20, 0u32..20, -5_000i64..20_000, 0i64..15_000).prop_map(|(closed, completed, cost, achieved)| {
            InitiatorRecord {
                closed,
                completed: completed.min(closed),
                mean_cost_ratio: Some(Decimal::new(cost, 4)),
                mean_achievement: Some(Decimal::new(achieved, 4)),
            }
        }),
    ]
}

/// Experts' scores: 1–7 experts, whole or half points (a tenth now and then), on up to `max`.
fn scores() -> impl Strategy<Value = Vec<Vec<(i64, u32)>>> {
    prop::collection::vec(prop::collection::vec((0i64..=200, 0u32..=1), 0..=7), 12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn fixed_point_and_decimal_agree_on_every_score_and_rank(
        groups in prop::collection::vec((1u32..10, prop::collection::vec((1u32..10, spec()), 1..6)), 1..4),
        aggregation in 0usize..3,
        threshold in 1i64..6,
        projects in prop::collection::vec((figures(), scores(), any::<u8>(), record()), 1..25),
    ) {
        let m = methodology(&groups, aggregation, threshold);
        prop_assert!(m.check().is_empty(), "{:?}", m.check());
        let passports: Vec<PassportContent> = projects.iter().map(|(f, _, _, _)| passport(f)).collect();
        let inputs: Vec<ProjectInput<'_>> = projects
            .iter()
            .zip(&passports)
            .enumerate()
            .map(|(i, ((_, scores, order, record), p))| {
                let mut expert_scores = BTreeMap::new();
                for (c, (_, criterion, _)) in m.criteria().enumerate() {
                    if let CriterionKind::Expert { scale_max, .. } = criterion.kind {
                        // Scores on the scale, in halves (or tenths), some beyond it to test the clamp.
                        let list: Vec<Decimal> = scores[c % scores.len()]
                            .iter()
                            .map(|(v, tenths)| {
                                let step = if *tenths == 1 { Decimal::new(1, 1) } else { Decimal::new(5, 1) };
                                (Decimal::from(*v) * step).min(scale_max + Decimal::ONE)
                            })
                            .collect();
                        expert_scores.insert(criterion.code.clone(), list);
                    }
                }
                ProjectInput {
                    id: Uuid::from_u128(i as u128 + 1),
                    passport: p,
                    submission_order: u64::from(*order),
                    gates: vec![],
                    expert_scores,
                    record: *record,
                }
            })
            .collect();
        let fixed = FixedMethodology::new(&m).expect("this methodology fits fixed point");
        let reference: Vec<ProjectEvaluation> = inputs.iter().map(|p| evaluate(&m, p)).collect();
        let fast: Vec<ProjectEvaluation> = inputs.iter().map(|p| fixed.evaluate(p).expect("these scores fit")).collect();
        for (f, r) in fast.iter().zip(&reference) {
            prop_assert_eq!(f, r);
        }
        prop_assert_eq!(rank(&fast), rank(&reference));
        prop_assert_eq!(evaluate_all(&m, &inputs), reference.clone());
        // The ranking's own path, without the cards: the same standings, scores and ranks.
        let standings: Vec<Standing> = inputs.iter().map(|p| fixed.standing(p).expect("these scores fit")).collect();
        let expected: Vec<Standing> = reference.iter().map(Standing::of).collect();
        prop_assert_eq!(&standings, &expected);
        prop_assert_eq!(standings_all(&m, &inputs), expected);
        prop_assert_eq!(rank_standings(&standings), rank(&reference));
    }
}

#[test]
fn numbers_beyond_fixed_point_fall_back_to_the_reference() {
    let m = default_methodology();
    let p = passport(&(100_000_000, 50_000_000, 50_000_000, 0, 100, 10, 1, 0));
    let code = m.criteria().find(|(_, c, _)| matches!(c.kind, CriterionKind::Expert { .. })).unwrap().1.code.clone();
    let input = |score: Decimal| ProjectInput {
        id: Uuid::nil(),
        passport: &p,
        submission_order: 0,
        gates: vec![],
        expert_scores: BTreeMap::from([(code.clone(), vec![score])]),
        record: InitiatorRecord::default(),
    };
    let fixed = FixedMethodology::new(&m).unwrap();
    let fits = input(Decimal::new(3, 0));
    assert_eq!(fixed.evaluate(&fits), Some(evaluate(&m, &fits)));
    let too_precise = input(Decimal::new(31_234_567, 7));
    let fine_record = InitiatorRecord { closed: 1, mean_achievement: Some(Decimal::new(1, 10)), ..Default::default() };
    let too_fine = ProjectInput { record: fine_record, ..fits.clone() };
    assert_eq!(fixed.evaluate(&too_fine), None);
    let too_many = ProjectInput { expert_scores: BTreeMap::from([(code.clone(), vec![Decimal::ONE; 13])]), ..fits };
    for (project, other) in [(&too_precise, &too_many), (&too_many, &too_precise), (&too_fine, &too_many)] {
        assert_eq!(fixed.evaluate(project), None);
        assert_eq!(fixed.standing(project), None);
        // Only that project falls back; the other one's place is still computed.
        let both = [project.clone(), other.clone()];
        let reference = [evaluate(&m, project), evaluate(&m, other)];
        assert_eq!(evaluate_all(&m, &both), reference);
        assert_eq!(standings_all(&m, &both), reference.iter().map(Standing::of).collect::<Vec<_>>());
    }
}

#[test]
fn a_score_exactly_on_a_midpoint_rounds_half_away_in_both() {
    // 0.15·100·5.05/10 + 0.53·100·(1.7 − 1)/3 + 0.06·100·(8.1 − 1)/9 = 7.575 + 12.3666… + 4.7333… = 24.675:
    // divided criterion by criterion at 28 digits it came to 24.674999…, rounded to 24.67.
    let spec = |max| Spec::Expert { max, from_one: false };
    let mut m = methodology(&[(1, vec![(15, spec(10)), (26, spec(10)), (53, spec(4)), (6, spec(10))])], 2, 5);
    for c in [2, 3] {
        if let CriterionKind::Expert { scale_min, .. } = &mut m.groups[0].criteria[c].kind {
            *scale_min = Decimal::ONE;
        }
    }
    let p = passport(&(100_000, 0, 0, 0, 0, 0, 1, 0));
    let scores = |list: &[&str]| list.iter().map(|s| s.parse().unwrap()).collect::<Vec<Decimal>>();
    let input = ProjectInput {
        id: Uuid::nil(),
        passport: &p,
        submission_order: 0,
        gates: vec![],
        expert_scores: BTreeMap::from([
            ("G0C0".to_owned(), scores(&["3.0", "7.1"])),
            ("G0C2".to_owned(), scores(&["1.7"])),
            ("G0C3".to_owned(), scores(&["8.0", "8.2", "8.5", "0"])),
        ]),
        record: InitiatorRecord::default(),
    };
    let fixed = FixedMethodology::new(&m).unwrap();
    assert_eq!(evaluate(&m, &input).final_score, Decimal::new(2468, 2));
    assert_eq!(fixed.evaluate(&input).unwrap().final_score, Decimal::new(2468, 2));
    assert_eq!(fixed.standing(&input).unwrap().final_score(), Decimal::new(2468, 2));
}
