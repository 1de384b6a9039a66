//! Closing a round: what must hold first, and the results it computes.

use std::collections::BTreeMap;

use portfel_domain::FieldError;
use portfel_domain::records::Passport;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::computed::InitiatorRecord;
use crate::evaluate::{ProjectInput, evaluate_all};
use crate::methodology::Methodology;
use crate::rank::rank;
use crate::round::{Assignment, RoundProject, RoundResults, disagreements};
use crate::sensitivity::{SensitivityConfig, analyse};

/// The assignments on a project whose scores were submitted.
pub fn submitted_on(all: &[Assignment], passport_id: Uuid) -> impl Iterator<Item = &Assignment> {
    all.iter().filter(move |a| a.passport_id == passport_id && a.submitted_at.is_some())
}

/// Every reason the round cannot close yet: a project not screened, an
/// eligible project with fewer submitted scores than the methodology asks,
/// or a disagreement without a consensus note.
pub fn closing_blockers(m: &Methodology, projects: &[RoundProject], assignments: &[Assignment]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for p in projects {
        match p.eligible {
            None => errors.push(FieldError::of("projects", "not_screened", &[("project", p.passport_id.to_string())])),
            Some(true) => {
                let submitted: Vec<&Assignment> = submitted_on(assignments, p.passport_id).collect();
                if submitted.len() < usize::from(m.min_experts) {
                    errors.push(FieldError::of(
                        "projects",
                        "scores_missing",
                        &[
                            ("project", p.passport_id.to_string()),
                            ("submitted", submitted.len().to_string()),
                            ("needed", m.min_experts.to_string()),
                        ],
                    ));
                }
                for d in disagreements(m, p, &submitted).into_iter().filter(|d| !d.resolved) {
                    errors.push(FieldError::of(
                        "projects",
                        "unresolved_disagreement",
                        &[
                            ("project", p.passport_id.to_string()),
                            ("criterion", d.criterion),
                            ("spread", d.spread.to_string()),
                        ],
                    ));
                }
            }
            Some(false) => {}
        }
    }
    errors
}

/// Closes a round: refuses with every blocker, otherwise evaluates every
/// project from its passport, its initiator's record, gates and submitted
/// scores, ranks them (earlier submission wins a tie), and runs the
/// sensitivity analysis. `passports` holds the passport of every project of
/// the round, `records` the record of each initiating organisation that has one.
pub fn close_round(
    m: &Methodology,
    projects: &[RoundProject],
    assignments: &[Assignment],
    passports: &BTreeMap<Uuid, Passport>,
    records: &BTreeMap<Uuid, InitiatorRecord>,
    sensitivity: &SensitivityConfig,
) -> Result<RoundResults, Vec<FieldError>> {
    let blockers = closing_blockers(m, projects, assignments);
    if !blockers.is_empty() {
        return Err(blockers);
    }
    let mut order: Vec<_> = passports.values().map(|p| (p.submitted_at, p.meta.id)).collect();
    order.sort();
    let inputs: Vec<ProjectInput<'_>> = projects
        .iter()
        .map(|p| {
            let mut expert_scores: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
            for a in submitted_on(assignments, p.passport_id) {
                for s in &a.scores {
                    expert_scores.entry(s.criterion.clone()).or_default().push(s.score);
                }
            }
            let passport = &passports[&p.passport_id];
            ProjectInput {
                id: p.passport_id,
                passport: &passport.content,
                submission_order: order.iter().position(|(_, id)| *id == p.passport_id).unwrap_or_default() as u64,
                gates: p.screening.clone().unwrap_or_default(),
                expert_scores,
                record: records.get(&passport.organisation_id).copied().unwrap_or_default(),
            }
        })
        .collect();
    let evaluations = evaluate_all(m, &inputs);
    let ranking = rank(&evaluations);
    let sensitivity = analyse(m, &evaluations, sensitivity);
    Ok(RoundResults { ranking, evaluations, sensitivity })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::round::{AssignmentStatus, ExpertScore};

    fn project(id: u128, eligible: Option<bool>) -> RoundProject {
        RoundProject {
            passport_id: Uuid::from_u128(id),
            screening: None,
            eligible,
            consensus: BTreeMap::new(),
            added_at: Utc::now(),
        }
    }

    fn submitted(id: u128, expert: &str, score: i64) -> Assignment {
        Assignment {
            round_id: Uuid::nil(),
            passport_id: Uuid::from_u128(id),
            expert: expert.to_owned(),
            status: AssignmentStatus::Active,
            conflict_note: None,
            scores: vec![ExpertScore { criterion: "SE1".into(), score: Decimal::from(score), justification: None }],
            submitted_at: Some(Utc::now()),
        }
    }

    #[test]
    fn every_blocker_is_listed() {
        let m = crate::default_methodology();
        let projects = [project(1, None), project(2, Some(true)), project(3, Some(false))];
        let codes: Vec<String> =
            closing_blockers(&m, &projects, &[submitted(2, "e1", 3)]).into_iter().map(|e| e.code).collect();
        assert_eq!(codes, ["not_screened", "scores_missing"]);
    }

    #[test]
    fn a_disagreement_blocks_until_resolved() {
        let m = crate::default_methodology();
        let experts: Vec<Assignment> = (0..usize::from(m.min_experts))
            .map(|i| submitted(2, &format!("e{i}"), if i == 0 { 1 } else { 5 }))
            .collect();
        let codes: Vec<String> =
            closing_blockers(&m, &[project(2, Some(true))], &experts).into_iter().map(|e| e.code).collect();
        assert_eq!(codes, ["unresolved_disagreement"]);
        let unsubmitted = Assignment { submitted_at: None, ..experts[0].clone() };
        assert_eq!(submitted_on(&[unsubmitted, experts[1].clone()], Uuid::from_u128(2)).count(), 1);
    }
}
