//! The council workflow every portfolio and plan version goes through:
//! draft → submitted → approved (frozen, with the decision's number and date,
//! superseding the version in force) or returned with comments; a change to
//! an approved version is a new version.

use chrono::{DateTime, NaiveDate, Utc};
use portfel_domain::{FieldError, Permission, Role, Status};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// What kind of document goes before the council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Single project portfolio.
    Portfolio,
    /// Medium-term plan.
    Plan,
}

impl Kind {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Portfolio => "portfolio",
            Kind::Plan => "plan",
        }
    }
}

/// Workflow state of a portfolio or plan version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Being prepared by the PIM unit.
    Draft,
    /// Before the council.
    Submitted,
    /// Approved by the council: frozen.
    Approved,
    /// Returned by the council with comments; the PIM unit may edit and resubmit.
    Returned,
    /// Approved once, then replaced by a later approved version: frozen, kept
    /// for the record, no longer in force.
    Superseded,
}

impl DocumentStatus {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::Draft => "draft",
            DocumentStatus::Submitted => "submitted",
            DocumentStatus::Approved => "approved",
            DocumentStatus::Returned => "returned",
            DocumentStatus::Superseded => "superseded",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<DocumentStatus> {
        [
            DocumentStatus::Draft,
            DocumentStatus::Submitted,
            DocumentStatus::Approved,
            DocumentStatus::Returned,
            DocumentStatus::Superseded,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }

    /// True while the PIM unit may change the content.
    pub fn editable(self) -> bool {
        matches!(self, DocumentStatus::Draft | DocumentStatus::Returned)
    }

    /// True once the council decided on it (in force or superseded): frozen and public.
    pub fn decided(self) -> bool {
        matches!(self, DocumentStatus::Approved | DocumentStatus::Superseded)
    }

    /// True when a reader with `roles` may see a version in this state: those
    /// who may read undecided versions see every version; everyone signed in
    /// sees the versions the council decided on.
    pub fn readable_by(self, roles: &[Role]) -> bool {
        self.decided() || Permission::ReadUndecided.granted(roles)
    }
}

/// The council's decision approving a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Decision number, e.g. "12/2026".
    pub number: String,
    /// Decision date.
    pub date: NaiveDate,
}

/// Workflow facts of a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Workflow {
    /// Identifier.
    pub id: Uuid,
    /// Version number in its line (1, 2, ...).
    pub number: i32,
    /// The version this one amends.
    pub previous_id: Option<Uuid>,
    /// State.
    pub status: DocumentStatus,
    /// The approving decision.
    pub decision: Option<Decision>,
    /// The day of the council meeting a submitted version is on the agenda of, once set.
    #[serde(default)]
    pub meeting_on: Option<NaiveDate>,
    /// The council's comments when returned.
    pub comment: Option<String>,
    /// Concurrency version, sent back as `ETag`.
    pub version: i32,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl Decision {
    /// The decision as it is kept: the number trimmed and without a leading
    /// "№" (documents print "№ " before it themselves).
    pub fn normalised(&self) -> Decision {
        let number = self.number.trim();
        let number = number.strip_prefix('№').map_or(number, str::trim_start);
        Decision { number: number.to_owned(), date: self.date }
    }

    /// Errors of a decision taken by `today`: a number is required and the
    /// date is not after today.
    pub fn check(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.normalised().number.is_empty() {
            errors.push(FieldError::new("number", "required", "the decision number is required"));
        }
        if self.date > today {
            errors.push(FieldError::new(
                "date",
                "in_future",
                format!("the decision date {} is after today ({today})", self.date),
            ));
        }
        errors
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The PIM unit changes the content (a returned version becomes a draft again).
    Edit,
    /// The PIM unit puts the version before the council.
    Submit,
    /// The council approves it with a decision.
    Approve,
    /// The council returns it with comments.
    Return,
    /// A later approval replaces it.
    Supersede,
}

impl Step {
    /// The step's past participle, as refusals and the audit log name it.
    pub fn done(self) -> &'static str {
        match self {
            Step::Edit => "edited",
            Step::Submit => "submitted",
            Step::Approve => "approved",
            Step::Return => "returned",
            Step::Supersede => "superseded",
        }
    }

    /// The state a version in `status` reaches by this step, if the step is allowed.
    pub fn from(self, status: DocumentStatus) -> Option<DocumentStatus> {
        use DocumentStatus::{Approved, Draft, Returned, Submitted, Superseded};
        match (self, status) {
            (Step::Edit, Draft | Returned) => Some(Draft),
            (Step::Submit, Draft | Returned) => Some(Submitted),
            (Step::Approve, Submitted) => Some(Approved),
            (Step::Return, Submitted) => Some(Returned),
            (Step::Supersede, Approved) => Some(Superseded),
            _ => None,
        }
    }
}

/// Why a version refuses a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Decided versions never change.
    #[error("an approved {} is frozen; create a new version to amend it", .kind.as_str())]
    Frozen {
        /// Portfolio or plan.
        kind: Kind,
    },
    /// The step does not apply in the version's state.
    #[error("a {} in state '{}' cannot be {}", .kind.as_str(), .status.as_str(), .step.done())]
    NotNow {
        /// Portfolio or plan.
        kind: Kind,
        /// The version's state.
        status: DocumentStatus,
        /// The step asked for.
        step: Step,
    },
}

impl Refusal {
    /// The refusal with its catalogue code and parameters.
    pub fn refusal(&self) -> FieldError {
        match self {
            Refusal::Frozen { kind } => {
                FieldError::of("state", "council_frozen", &[("kind", kind.as_str().to_owned())])
            }
            Refusal::NotNow { kind, status, step } => {
                let verb = match step {
                    Step::Edit => "edit",
                    Step::Submit => "submit",
                    Step::Approve => "approve",
                    Step::Return => "return",
                    Step::Supersede => "supersede",
                };
                let params = [
                    ("kind", kind.as_str().to_owned()),
                    ("state", status.as_str().to_owned()),
                    ("step", verb.to_owned()),
                ];
                FieldError::of("state", "council_step", &params)
            }
        }
    }
}

/// The state a `kind` version in `status` reaches by `step`, or why it may not.
pub fn step(kind: Kind, status: DocumentStatus, step: Step) -> Result<DocumentStatus, Refusal> {
    step.from(status).ok_or(if status.decided() {
        Refusal::Frozen { kind }
    } else {
        Refusal::NotNow { kind, status, step }
    })
}

/// Passports an approval moves along their lifecycle: those in `from` go to `to`, others stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The passports.
    pub passports: Vec<Uuid>,
    /// The state they are moved from.
    pub from: Status,
    /// The state they are moved to.
    pub to: Status,
}

/// Content the council approves: a portfolio or a plan.
pub trait CouncilPaper: Serialize + DeserializeOwned + Send + Sync {
    /// Portfolio or plan.
    const KIND: Kind;
    /// The version as read: workflow facts with this content.
    type Version: Serialize;
    /// Puts workflow facts and content together.
    fn version(workflow: Workflow, content: Self) -> Self::Version;
    /// What approving this content does to its passports.
    fn approval(&self) -> Approval;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_go_draft_submitted_approved_or_returned() {
        use DocumentStatus::*;
        let k = Kind::Plan;
        assert_eq!(step(k, Draft, Step::Submit), Ok(Submitted));
        assert_eq!(step(k, Submitted, Step::Return), Ok(Returned));
        assert_eq!(step(k, Returned, Step::Edit), Ok(Draft));
        assert_eq!(step(k, Returned, Step::Submit), Ok(Submitted));
        assert_eq!(step(k, Submitted, Step::Approve), Ok(Approved));
        assert_eq!(step(k, Approved, Step::Supersede), Ok(Superseded));
        assert_eq!(
            step(k, Draft, Step::Approve).unwrap_err().to_string(),
            "a plan in state 'draft' cannot be approved"
        );
        assert_eq!(
            step(k, Submitted, Step::Edit),
            Err(Refusal::NotNow { kind: k, status: Submitted, step: Step::Edit })
        );
    }

    #[test]
    fn decided_versions_are_frozen() {
        for status in [DocumentStatus::Approved, DocumentStatus::Superseded] {
            for s in [Step::Edit, Step::Submit, Step::Approve, Step::Return] {
                let refused = step(Kind::Portfolio, status, s).unwrap_err();
                assert_eq!(refused.to_string(), "an approved portfolio is frozen; create a new version to amend it");
            }
        }
        assert!(step(Kind::Portfolio, DocumentStatus::Superseded, Step::Supersede).is_err());
    }

    #[test]
    fn a_decision_needs_its_number() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        assert!(Decision { number: "7/2026".into(), date }.check(date).is_empty());
        assert_eq!(Decision { number: "  ".into(), date }.check(date)[0].field, "number");
        assert_eq!(Decision { number: " № ".into(), date }.check(date)[0].field, "number");
        let tomorrow = date.succ_opt().unwrap();
        assert_eq!(Decision { number: "7".into(), date: tomorrow }.check(date)[0].code, "in_future");
        assert_eq!(Decision { number: " №14/2 ".into(), date }.normalised().number, "14/2");
        assert_eq!(Decision { number: "№ 14/2".into(), date }.normalised().number, "14/2");
    }

    #[test]
    fn only_decided_versions_are_open_to_every_role() {
        for role in Role::ALL {
            assert!(DocumentStatus::Approved.readable_by(&[role]));
            assert_eq!(DocumentStatus::Draft.readable_by(&[role]), Permission::ReadUndecided.granted(&[role]));
        }
    }
}
