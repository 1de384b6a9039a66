//! Choosing experts for the projects of a round: enough per project, the
//! load spread evenly, never an expert of the initiating organisation or one
//! already on the project (a declared conflict included).

use std::collections::HashMap;

use portfel_domain::FieldError;
use uuid::Uuid;

use crate::methodology::Methodology;
use crate::round::{Assignment, AssignmentStatus, RoundProject};

/// What is known of a login the PIM unit offers as an expert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpertLookup {
    /// A registered expert of this organisation.
    Expert {
        /// The expert's organisation.
        organisation_id: Uuid,
    },
    /// A registered user without the expert role.
    NotAnExpert,
    /// No such user.
    Unknown,
}

/// A project waiting for experts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectToStaff {
    /// Passport.
    pub passport_id: Uuid,
    /// Initiating organisation, whose experts may not evaluate it.
    pub organisation_id: Uuid,
}

/// An expert to assign to a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    /// Passport.
    pub passport_id: Uuid,
    /// Expert's `sub`.
    pub expert: String,
}

/// Experts each project needs: the number asked for, never fewer than the methodology's minimum.
pub fn experts_needed(methodology: &Methodology, per_project: Option<u8>) -> usize {
    usize::from(per_project.unwrap_or(methodology.min_experts).max(methodology.min_experts))
}

/// Experts are assigned only once every project of the round is screened.
pub fn check_screened(projects: &[RoundProject]) -> Result<(), FieldError> {
    if projects.iter().any(|p| p.eligible.is_none()) {
        Err(FieldError::of("state", "screen_first", &[]))
    } else {
        Ok(())
    }
}

/// New assignments giving every project `needed` experts who have not
/// declared a conflict: the least-loaded eligible experts first (ties by
/// login), all or nothing. Each error names the offered expert or the project
/// that cannot be staffed.
pub fn choose_experts(
    offered: &[(String, ExpertLookup)],
    projects: &[ProjectToStaff],
    existing: &[Assignment],
    needed: usize,
) -> Result<Vec<NewAssignment>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut pool = Vec::new();
    for (i, (sub, lookup)) in offered.iter().enumerate() {
        let field = format!("experts[{i}]");
        match lookup {
            ExpertLookup::Expert { organisation_id } => pool.push((sub.clone(), *organisation_id)),
            ExpertLookup::NotAnExpert => {
                errors.push(FieldError::of(field, "not_an_expert", &[("expert", sub.clone())]))
            }
            ExpertLookup::Unknown => {
                errors.push(FieldError::new(field, "unknown_reference", format!("no registered user {sub}")))
            }
        }
    }
    let mut load: HashMap<String, usize> = pool.iter().map(|(s, _)| (s.clone(), 0)).collect();
    for a in existing.iter().filter(|a| a.status != AssignmentStatus::Conflict) {
        if let Some(l) = load.get_mut(&a.expert) {
            *l += 1;
        }
    }
    let mut chosen = Vec::new();
    for project in projects {
        let on_project: Vec<&Assignment> = existing.iter().filter(|a| a.passport_id == project.passport_id).collect();
        let active = on_project.iter().filter(|a| a.status != AssignmentStatus::Conflict).count();
        let mut candidates: Vec<&(String, Uuid)> = pool
            .iter()
            .filter(|(sub, org)| *org != project.organisation_id && !on_project.iter().any(|a| &a.expert == sub))
            .collect();
        candidates.sort_by_key(|(sub, _)| (load[sub], sub.clone()));
        let missing = needed.saturating_sub(active);
        if candidates.len() < missing {
            errors.push(FieldError::of(
                "experts",
                "not_enough_experts",
                &[
                    ("project", project.passport_id.to_string()),
                    ("missing", missing.to_string()),
                    ("available", candidates.len().to_string()),
                ],
            ));
            continue;
        }
        for (sub, _) in candidates.into_iter().take(missing) {
            *load.get_mut(sub).expect("pooled expert") += 1;
            chosen.push(NewAssignment { passport_id: project.passport_id, expert: sub.clone() });
        }
    }
    if errors.is_empty() { Ok(chosen) } else { Err(errors) }
}

/// The one expert `sub` the PIM unit names for a project (to add a member or
/// replace one who declared a conflict): a registered expert outside the
/// initiating organisation, not yet on the project. The error names `expert`.
pub fn add_expert(
    sub: &str,
    lookup: ExpertLookup,
    project: ProjectToStaff,
    existing: &[Assignment],
) -> Result<NewAssignment, FieldError> {
    let refuse = |code: &str| Err(FieldError::of("expert", code, &[("expert", sub.to_owned())]));
    match lookup {
        ExpertLookup::Unknown => {
            Err(FieldError::new("expert", "unknown_reference", format!("no registered user {sub}")))
        }
        ExpertLookup::NotAnExpert => refuse("not_an_expert"),
        ExpertLookup::Expert { organisation_id } if organisation_id == project.organisation_id => {
            refuse("own_organisation")
        }
        ExpertLookup::Expert { .. }
            if existing.iter().any(|a| a.passport_id == project.passport_id && a.expert == sub) =>
        {
            refuse("duplicate_expert")
        }
        ExpertLookup::Expert { .. } => Ok(NewAssignment { passport_id: project.passport_id, expert: sub.to_owned() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expert(sub: &str, org: Uuid) -> (String, ExpertLookup) {
        (sub.to_owned(), ExpertLookup::Expert { organisation_id: org })
    }

    fn assignment(passport_id: Uuid, expert: &str, status: AssignmentStatus) -> Assignment {
        Assignment {
            round_id: Uuid::nil(),
            passport_id,
            expert: expert.to_owned(),
            status,
            conflict_note: None,
            scores: Vec::new(),
            submitted_at: None,
        }
    }

    #[test]
    fn load_is_balanced_and_own_organisation_excluded() {
        let (org_a, org_b, org_c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let projects: Vec<ProjectToStaff> =
            (0..4).map(|i| ProjectToStaff { passport_id: Uuid::from_u128(100 + i), organisation_id: org_a }).collect();
        let offered = [expert("a-own", org_a), expert("b1", org_b), expert("b2", org_b), expert("c1", org_c)];
        let chosen = choose_experts(&offered, &projects, &[], 2).unwrap();
        assert_eq!(chosen.len(), 8);
        assert!(chosen.iter().all(|c| c.expert != "a-own"));
        let mut per_expert: HashMap<&str, usize> = HashMap::new();
        for c in &chosen {
            *per_expert.entry(c.expert.as_str()).or_default() += 1;
        }
        let loads: Vec<usize> = ["b1", "b2", "c1"].iter().map(|e| per_expert[e]).collect();
        assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1, "{loads:?}");
    }

    #[test]
    fn a_conflict_is_replaced_by_someone_new() {
        let (org_a, org_b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let p = Uuid::from_u128(100);
        let existing = [assignment(p, "b1", AssignmentStatus::Conflict), assignment(p, "b2", AssignmentStatus::Active)];
        let offered = [expert("b1", org_b), expert("b2", org_b), expert("b3", org_b)];
        let project = ProjectToStaff { passport_id: p, organisation_id: org_a };
        let chosen = choose_experts(&offered, &[project], &existing, 2).unwrap();
        assert_eq!(chosen, [NewAssignment { passport_id: p, expert: "b3".into() }]);
    }

    #[test]
    fn unknown_users_non_experts_and_shortages_are_all_reported() {
        let (org_a, org_b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let offered = [
            expert("b1", org_b),
            ("clerk".to_owned(), ExpertLookup::NotAnExpert),
            ("ghost".to_owned(), ExpertLookup::Unknown),
        ];
        let project = ProjectToStaff { passport_id: Uuid::from_u128(100), organisation_id: org_a };
        let errors = choose_experts(&offered, &[project], &[], 2).unwrap_err();
        let codes: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            codes,
            [("experts[1]", "not_an_expert"), ("experts[2]", "unknown_reference"), ("experts", "not_enough_experts")]
        );
    }

    #[test]
    fn at_least_the_methodologys_minimum_is_needed() {
        let m = crate::default_methodology();
        assert_eq!(experts_needed(&m, None), usize::from(m.min_experts));
        assert_eq!(experts_needed(&m, Some(1)), usize::from(m.min_experts).max(1));
        assert_eq!(experts_needed(&m, Some(9)), 9);
    }

    #[test]
    fn one_named_expert_joins_unless_own_organisation_or_already_there() {
        let (org_a, org_b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let p = Uuid::from_u128(100);
        let project = ProjectToStaff { passport_id: p, organisation_id: org_a };
        let existing = [assignment(p, "b1", AssignmentStatus::Conflict)];
        let joins = add_expert("b2", ExpertLookup::Expert { organisation_id: org_b }, project, &existing);
        assert_eq!(joins, Ok(NewAssignment { passport_id: p, expert: "b2".into() }));
        let code = |sub: &str, lookup| add_expert(sub, lookup, project, &existing).unwrap_err().code;
        assert_eq!(code("b1", ExpertLookup::Expert { organisation_id: org_b }), "duplicate_expert");
        assert_eq!(code("a1", ExpertLookup::Expert { organisation_id: org_a }), "own_organisation");
        assert_eq!(code("clerk", ExpertLookup::NotAnExpert), "not_an_expert");
        assert_eq!(code("ghost", ExpertLookup::Unknown), "unknown_reference");
    }
}
