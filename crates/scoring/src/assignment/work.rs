//! The assignment's state machine: an expert declares once whether there is
//! a conflict of interest, scores only after declaring none, and submitted
//! scores are final until the PIM unit reopens them.

use chrono::{DateTime, Utc};
use portfel_domain::FieldError;

use crate::methodology::Methodology;
use crate::round::{Assignment, AssignmentStatus, ExpertScore, check_scores};

/// Why the assignment's state refuses a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The declaration is made once.
    #[error("the declaration for this project has been made already")]
    AlreadyDeclared,
    /// Scoring comes after the declaration.
    #[error("declare whether you have a conflict of interest first")]
    NotDeclared,
    /// A declared conflict keeps the expert from scoring.
    #[error("you declared a conflict of interest on this project")]
    Conflicted,
    /// Submitted scores change only after the PIM unit reopens them.
    #[error("your scores are submitted; the PIM unit may reopen them")]
    Submitted,
    /// Only submitted scores can be reopened.
    #[error("these scores are not submitted")]
    NotSubmitted,
}

impl Refusal {
    /// The refusal with its catalogue code.
    pub fn refusal(&self) -> FieldError {
        let code = match self {
            Refusal::AlreadyDeclared => "already_declared",
            Refusal::NotDeclared => "not_declared",
            Refusal::Conflicted => "conflicted",
            Refusal::Submitted => "scores_submitted",
            Refusal::NotSubmitted => "scores_not_submitted",
        };
        FieldError::of("state", code, &[])
    }
}

/// Why scores were not taken: the state refuses, or the scores break the methodology.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoringRefusal {
    /// The assignment's state refuses scoring.
    #[error(transparent)]
    State(#[from] Refusal),
    /// The scores break the methodology's rules, each error naming its field.
    #[error("the scores break the methodology's rules")]
    Invalid(Vec<FieldError>),
}

impl Assignment {
    /// The assignment after the expert declares a conflict of interest (or none).
    pub fn declared(&self, conflict: bool, note: Option<String>) -> Result<Assignment, Refusal> {
        if self.status != AssignmentStatus::AwaitingDeclaration {
            return Err(Refusal::AlreadyDeclared);
        }
        let status = if conflict { AssignmentStatus::Conflict } else { AssignmentStatus::Active };
        Ok(Assignment { status, conflict_note: note, ..self.clone() })
    }

    /// The assignment holding `scores`, submitted at `now` when `submit`.
    pub fn scored(
        &self,
        methodology: &Methodology,
        scores: Vec<ExpertScore>,
        submit: bool,
        now: DateTime<Utc>,
    ) -> Result<Assignment, ScoringRefusal> {
        match self.status {
            AssignmentStatus::AwaitingDeclaration => return Err(Refusal::NotDeclared.into()),
            AssignmentStatus::Conflict => return Err(Refusal::Conflicted.into()),
            AssignmentStatus::Active => {}
        }
        if self.submitted_at.is_some() {
            return Err(Refusal::Submitted.into());
        }
        let errors = check_scores(methodology, &scores, submit);
        if !errors.is_empty() {
            return Err(ScoringRefusal::Invalid(errors));
        }
        Ok(Assignment { scores, submitted_at: submit.then_some(now), ..self.clone() })
    }

    /// The assignment with its submitted scores open to the expert again.
    pub fn reopened(&self) -> Result<Assignment, Refusal> {
        if self.submitted_at.is_none() {
            return Err(Refusal::NotSubmitted);
        }
        Ok(Assignment { submitted_at: None, ..self.clone() })
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use uuid::Uuid;

    use super::*;
    use crate::default_methodology;

    fn awaiting() -> Assignment {
        Assignment {
            round_id: Uuid::nil(),
            passport_id: Uuid::nil(),
            expert: "expert".into(),
            status: AssignmentStatus::AwaitingDeclaration,
            conflict_note: None,
            scores: Vec::new(),
            submitted_at: None,
        }
    }

    fn full_scores(m: &Methodology) -> Vec<ExpertScore> {
        m.criteria()
            .filter_map(|(_, c, _)| match c.kind {
                crate::CriterionKind::Expert { scale_min, scale_max } => Some(ExpertScore {
                    criterion: c.code.clone(),
                    score: (scale_min + scale_max) / Decimal::TWO,
                    justification: None,
                }),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_declaration_is_made_once() {
        let active = awaiting().declared(false, None).unwrap();
        assert_eq!(active.status, AssignmentStatus::Active);
        assert_eq!(active.declared(true, None), Err(Refusal::AlreadyDeclared));
        let conflicted = awaiting().declared(true, Some("брат директора".into())).unwrap();
        assert_eq!(conflicted.status, AssignmentStatus::Conflict);
        assert_eq!(conflicted.conflict_note.as_deref(), Some("брат директора"));
    }

    #[test]
    fn scoring_needs_a_declaration_of_no_conflict() {
        let m = default_methodology();
        let now = Utc::now();
        assert_eq!(awaiting().scored(&m, Vec::new(), false, now), Err(Refusal::NotDeclared.into()));
        let conflicted = awaiting().declared(true, None).unwrap();
        assert_eq!(conflicted.scored(&m, Vec::new(), false, now), Err(Refusal::Conflicted.into()));
    }

    #[test]
    fn submitted_scores_are_frozen_until_reopened() {
        let m = default_methodology();
        let now = Utc::now();
        let active = awaiting().declared(false, None).unwrap();
        assert_eq!(active.reopened(), Err(Refusal::NotSubmitted));
        let draft = active.scored(&m, Vec::new(), false, now).unwrap();
        assert_eq!(draft.submitted_at, None);
        let submitted = draft.scored(&m, full_scores(&m), true, now).unwrap();
        assert_eq!(submitted.submitted_at, Some(now));
        assert_eq!(submitted.scored(&m, full_scores(&m), true, now), Err(Refusal::Submitted.into()));
        let reopened = submitted.reopened().unwrap();
        assert_eq!(reopened.submitted_at, None);
        assert_eq!(reopened.scores, submitted.scores);
        assert!(reopened.scored(&m, full_scores(&m), true, now).is_ok());
    }

    #[test]
    fn scores_breaking_the_methodology_are_refused_with_their_fields() {
        let m = default_methodology();
        let active = awaiting().declared(false, None).unwrap();
        let Err(ScoringRefusal::Invalid(errors)) = active.scored(&m, Vec::new(), true, Utc::now()) else {
            panic!("an empty submission must be refused");
        };
        assert!(errors.iter().any(|e| e.field == "scores"), "{errors:?}");
    }
}
