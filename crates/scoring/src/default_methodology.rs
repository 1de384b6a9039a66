//! A configurable default methodology, built from the typical criteria of the
//! 2025 procedure and the World Bank Infrastructure Prioritization Framework
//! (two composite indices). It is a starting point, not an official weighting:
//! a PIM unit copies and adjusts it, then approves its own version.

use rust_decimal::Decimal;

use crate::computed::{Band, Formula};
use crate::gates::Gate;
use crate::methodology::{Aggregation, Criterion, CriterionGroup, CriterionKind, Methodology};

fn d(text: &str) -> Decimal {
    text.parse().expect("literal decimal")
}

fn expert(code: &str, name: &str, weight: &str, guidance: &str) -> Criterion {
    Criterion {
        code: code.into(),
        name: name.into(),
        weight: d(weight),
        guidance: Some(guidance.into()),
        kind: CriterionKind::Expert { scale_min: Decimal::ZERO, scale_max: Decimal::from(5) },
    }
}

fn computed(code: &str, name: &str, weight: &str, formula: Formula, bands: &[(Option<&str>, &str)]) -> Criterion {
    let bands = bands.iter().map(|(up_to, points)| Band { up_to: up_to.map(d), points: d(points) }).collect();
    Criterion {
        code: code.into(),
        name: name.into(),
        weight: d(weight),
        guidance: None,
        kind: CriterionKind::Computed { formula, bands, undefined_points: None },
    }
}

/// The default methodology (configurable; not an official weighting).
pub fn default_methodology() -> Methodology {
    Methodology {
        name: "Типова методика оцінювання (налаштовувана, не офіційне зважування)".into(),
        gates: vec![
            Gate::StrategyAlignment,
            Gate::CompletePassport,
            Gate::MinLocalCoFinancing { min_share: d("0.10") },
            Gate::DesignDocumentationCurrent,
        ],
        groups: vec![
            CriterionGroup {
                code: "SE".into(),
                name: "Соціально-екологічний індекс".into(),
                weight: d("0.5"),
                criteria: vec![
                    expert(
                        "SE1",
                        "Відповідність стратегічним цілям громади",
                        "0.25",
                        "0 — не пов'язаний із цілями стратегії; 3 — сприяє операційній цілі опосередковано; 5 — безпосередньо реалізує стратегічну ціль і змінює її показники",
                    ),
                    expert(
                        "SE2",
                        "Соціальний ефект",
                        "0.25",
                        "0 — ефекту для мешканців немає; 3 — помітний ефект для частини громади; 5 — суттєво покращує доступ до базових послуг для багатьох мешканців або вразливих груп",
                    ),
                    computed(
                        "SE3",
                        "Частка ВПО серед бенефіціарів",
                        "0.15",
                        Formula::IdpShare,
                        &[(Some("0.05"), "0.2"), (Some("0.15"), "0.6"), (None, "1")],
                    ),
                    expert(
                        "SE4",
                        "Вплив на довкілля та адаптація до змін клімату",
                        "0.2",
                        "0 — шкодить довкіллю без заходів пом'якшення; 3 — нейтральний; 5 — помітно зменшує викиди, споживання енергії чи кліматичні ризики",
                    ),
                    computed(
                        "SE5",
                        "Наскрізні цілі державних пріоритетів",
                        "0.15",
                        Formula::CrossCuttingGoals,
                        &[(Some("0"), "0"), (Some("1"), "0.4"), (Some("2"), "0.7"), (None, "1")],
                    ),
                ],
            },
            CriterionGroup {
                code: "FE".into(),
                name: "Фінансово-економічний індекс".into(),
                weight: d("0.5"),
                criteria: vec![
                    expert(
                        "FE1",
                        "Економічна ефективність (ЧПВ, ЕВНД, B/C)",
                        "0.25",
                        "0 — вигоди не обґрунтовано або B/C < 1; 3 — B/C близько 1,2, розрахунок спрощений; 5 — B/C ≥ 1,5 або ЕВНД вище соціальної ставки дисконту, розрахунок повний",
                    ),
                    computed(
                        "FE2",
                        "Вартість на одного бенефіціара",
                        "0.2",
                        Formula::CostPerBeneficiary,
                        &[(Some("5000"), "1"), (Some("20000"), "0.7"), (Some("50000"), "0.4"), (None, "0.1")],
                    ),
                    computed(
                        "FE3",
                        "Рівень готовності",
                        "0.2",
                        Formula::ReadinessLevel,
                        &[(Some("0"), "0"), (Some("1"), "0.25"), (Some("2"), "0.5"), (Some("3"), "0.75"), (None, "1")],
                    ),
                    computed(
                        "FE4",
                        "Частка співфінансування з інших джерел",
                        "0.15",
                        Formula::NonLocalFinancingShare,
                        &[(Some("0"), "0"), (Some("0.25"), "0.4"), (Some("0.5"), "0.7"), (None, "1")],
                    ),
                    computed(
                        "FE5",
                        "Навантаження на утримання після завершення",
                        "0.1",
                        Formula::OmBurden,
                        &[(Some("0.02"), "1"), (Some("0.05"), "0.6"), (None, "0.2")],
                    ),
                    expert(
                        "FE6",
                        "Ризики та їх управління",
                        "0.1",
                        "0 — ризики не визначено; 3 — ризики названо, заходи загальні; 5 — ризики оцінено, на кожен істотний є конкретний захід і відповідальний",
                    ),
                ],
            },
        ],
        aggregation: Aggregation::Mean,
        disagreement_threshold: Decimal::from(3),
        min_experts: 3,
    }
}
