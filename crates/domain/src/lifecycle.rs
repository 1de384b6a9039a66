//! The passport lifecycle: states, legal transitions, who may make them,
//! and the mapping to DREAM's `status` / `statusDetails`.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::role::Role;

/// Lifecycle state of a project passport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being prepared by the initiator; not yet visible to the PIM unit.
    Draft,
    /// Submitted to the PIM unit.
    Submitted,
    /// Being screened for completeness and eligibility.
    Screening,
    /// Under expert evaluation.
    UnderEvaluation,
    /// Evaluation finished; waiting for the portfolio decision.
    Evaluated,
    /// Included in the single project portfolio.
    InPortfolio,
    /// Refused at screening or after evaluation.
    Rejected,
    /// Included in the approved medium-term plan.
    InPlan,
    /// Being implemented.
    Implementation,
    /// Completed successfully.
    Completed,
    /// Withdrawn or cancelled.
    Cancelled,
    /// Implementation failed.
    Unsuccessful,
}

impl Status {
    /// The main line a successful project follows, from draft to implementation.
    pub const MAIN_LINE: [Status; 8] = {
        use Status::{Draft, Evaluated, Implementation, InPlan, InPortfolio, Screening, Submitted, UnderEvaluation};
        [Draft, Submitted, Screening, UnderEvaluation, Evaluated, InPortfolio, InPlan, Implementation]
    };

    /// Every state.
    pub const ALL: [Status; 12] = [
        Status::Draft,
        Status::Submitted,
        Status::Screening,
        Status::UnderEvaluation,
        Status::Evaluated,
        Status::InPortfolio,
        Status::Rejected,
        Status::InPlan,
        Status::Implementation,
        Status::Completed,
        Status::Cancelled,
        Status::Unsuccessful,
    ];

    /// Wire name of the state.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Screening => "screening",
            Status::UnderEvaluation => "under_evaluation",
            Status::Evaluated => "evaluated",
            Status::InPortfolio => "in_portfolio",
            Status::Rejected => "rejected",
            Status::InPlan => "in_plan",
            Status::Implementation => "implementation",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
            Status::Unsuccessful => "unsuccessful",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// DREAM `status` and `statusDetails` codes for this state.
    pub fn dream(self) -> (&'static str, Option<&'static str>) {
        match self {
            Status::Draft => ("pending", Some("definition")),
            Status::Submitted => ("pending", Some("initiated")),
            Status::Screening => ("pending", Some("defined")),
            Status::UnderEvaluation => ("pending", Some("appraisal")),
            Status::Evaluated => ("pending", Some("appraised")),
            Status::InPortfolio => ("pending", Some("structured")),
            Status::Rejected => ("pending", Some("refused")),
            Status::InPlan => ("pending", Some("approved")),
            Status::Implementation => ("active", Some("implementation")),
            Status::Completed => ("complete", None),
            Status::Cancelled => ("cancelled", None),
            Status::Unsuccessful => ("unsuccessful", None),
        }
    }

    /// True when no further transition is possible.
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Completed | Status::Cancelled | Status::Unsuccessful)
    }

    /// True when the passport content may still be edited in this state.
    pub fn content_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Submitted | Status::Screening)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a legal transition demands of the one who makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionRule {
    /// Source state.
    pub from: Status,
    /// Target state.
    pub to: Status,
    /// Roles allowed to make it.
    pub roles: &'static [Role],
    /// True for refusals, returns for revision and cancellations: a reason must be given.
    pub reason_required: bool,
    /// True when the actor must belong to the passport's organisation (initiators act on their own).
    pub own_organisation: bool,
}

const INITIATOR: &[Role] = &[Role::Initiator];
const PIM: &[Role] = &[Role::PimUnit];
const PIM_OR_COUNCIL: &[Role] = &[Role::PimUnit, Role::Council];
const INITIATOR_OR_PIM: &[Role] = &[Role::Initiator, Role::PimUnit];

const fn rule(from: Status, to: Status, roles: &'static [Role], reason_required: bool) -> TransitionRule {
    TransitionRule { from, to, roles, reason_required, own_organisation: false }
}

const fn own(from: Status, to: Status, reason_required: bool) -> TransitionRule {
    TransitionRule { from, to, roles: INITIATOR, reason_required, own_organisation: true }
}

/// Every legal transition. Anything not listed is refused.
pub const TRANSITIONS: &[TransitionRule] = &[
    own(Status::Draft, Status::Submitted, false),
    own(Status::Draft, Status::Cancelled, true),
    rule(Status::Submitted, Status::Screening, PIM, false),
    rule(Status::Submitted, Status::Draft, PIM, true),
    rule(Status::Submitted, Status::Cancelled, INITIATOR_OR_PIM, true),
    rule(Status::Screening, Status::UnderEvaluation, PIM, false),
    rule(Status::Screening, Status::Draft, PIM, true),
    rule(Status::Screening, Status::Rejected, PIM, true),
    rule(Status::Screening, Status::Cancelled, PIM, true),
    rule(Status::UnderEvaluation, Status::Evaluated, PIM, false),
    rule(Status::UnderEvaluation, Status::Draft, PIM, true),
    rule(Status::UnderEvaluation, Status::Cancelled, PIM, true),
    rule(Status::Evaluated, Status::InPortfolio, PIM, false),
    rule(Status::Evaluated, Status::Rejected, PIM, true),
    rule(Status::Evaluated, Status::Cancelled, PIM, true),
    own(Status::Rejected, Status::Draft, true),
    rule(Status::InPortfolio, Status::InPlan, PIM_OR_COUNCIL, false),
    rule(Status::InPortfolio, Status::Evaluated, PIM, true),
    rule(Status::InPortfolio, Status::Cancelled, PIM, true),
    rule(Status::InPlan, Status::Implementation, PIM, false),
    rule(Status::InPlan, Status::InPortfolio, PIM_OR_COUNCIL, true),
    rule(Status::InPlan, Status::Cancelled, PIM, true),
    rule(Status::Implementation, Status::Completed, PIM, false),
    rule(Status::Implementation, Status::Unsuccessful, PIM, true),
    rule(Status::Implementation, Status::Cancelled, PIM, true),
];

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// No such edge in the lifecycle.
    #[error("a passport in state '{from}' cannot move to '{to}'")]
    Illegal {
        /// Source.
        from: Status,
        /// Target.
        to: Status,
    },
    /// The edge exists, but none of the actor's roles may take it.
    #[error("moving from '{from}' to '{to}' needs one of the roles: {}", roles_list(.allowed))]
    RoleNotAllowed {
        /// Source.
        from: Status,
        /// Target.
        to: Status,
        /// Roles that may.
        allowed: &'static [Role],
    },
    /// The edge needs the actor to belong to the passport's organisation.
    #[error("only the initiating organisation may move a passport from '{from}' to '{to}'")]
    OtherOrganisation {
        /// Source.
        from: Status,
        /// Target.
        to: Status,
    },
    /// A refusal, return or cancellation without a reason.
    #[error("moving from '{from}' to '{to}' requires a reason")]
    ReasonRequired {
        /// Source.
        from: Status,
        /// Target.
        to: Status,
    },
}

fn roles_list(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
}

/// The rule for `from → to`, if the lifecycle has such an edge.
pub fn rule_for(from: Status, to: Status) -> Option<&'static TransitionRule> {
    TRANSITIONS.iter().find(|r| r.from == from && r.to == to)
}

/// States reachable from `from` in one step.
pub fn next_states(from: Status) -> impl Iterator<Item = Status> {
    TRANSITIONS.iter().filter(move |r| r.from == from).map(|r| r.to)
}

/// Checks whether an actor with `roles`, acting for its own organisation when
/// `same_organisation`, may move a passport `from → to`, giving `reason`.
/// Admins may take any legal edge, always with the reason rule applied.
pub fn check_transition(
    from: Status,
    to: Status,
    roles: &[Role],
    same_organisation: bool,
    reason: Option<&str>,
) -> Result<&'static TransitionRule, TransitionError> {
    let rule = rule_for(from, to).ok_or(TransitionError::Illegal { from, to })?;
    let admin = roles.contains(&Role::Admin);
    if !admin && !roles.iter().any(|r| rule.roles.contains(r)) {
        return Err(TransitionError::RoleNotAllowed { from, to, allowed: rule.roles });
    }
    if !admin && rule.own_organisation && !same_organisation {
        return Err(TransitionError::OtherOrganisation { from, to });
    }
    if rule.reason_required && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(TransitionError::ReasonRequired { from, to });
    }
    Ok(rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_states_is_either_a_listed_edge_or_refused() {
        let mut legal = 0;
        for from in Status::ALL {
            for to in Status::ALL {
                let result = check_transition(from, to, &[Role::Admin], true, Some("причина"));
                match rule_for(from, to) {
                    Some(_) => {
                        legal += 1;
                        assert!(result.is_ok(), "{from} -> {to} should be allowed for admin");
                    }
                    None => assert_eq!(result, Err(TransitionError::Illegal { from, to })),
                }
            }
        }
        assert_eq!(legal, TRANSITIONS.len());
    }

    #[test]
    fn every_edge_is_allowed_exactly_for_its_roles() {
        for rule in TRANSITIONS {
            for role in Role::ALL {
                let result = check_transition(rule.from, rule.to, &[role], true, Some("причина"));
                let expected = role == Role::Admin || rule.roles.contains(&role);
                assert_eq!(result.is_ok(), expected, "{role} on {} -> {}", rule.from, rule.to);
            }
        }
    }

    #[test]
    fn refusals_need_a_reason() {
        for rule in TRANSITIONS.iter().filter(|r| r.reason_required) {
            let role = rule.roles[0];
            for reason in [None, Some(""), Some("   ")] {
                assert_eq!(
                    check_transition(rule.from, rule.to, &[role], true, reason),
                    Err(TransitionError::ReasonRequired { from: rule.from, to: rule.to })
                );
            }
        }
        assert!(check_transition(Status::Draft, Status::Submitted, &[Role::Initiator], true, None).is_ok());
    }

    #[test]
    fn initiators_act_only_for_their_own_organisation() {
        assert_eq!(
            check_transition(Status::Draft, Status::Submitted, &[Role::Initiator], false, None),
            Err(TransitionError::OtherOrganisation { from: Status::Draft, to: Status::Submitted })
        );
    }

    #[test]
    fn terminal_states_have_no_exit_and_every_other_state_has_one() {
        for s in Status::ALL {
            assert_eq!(next_states(s).next().is_none(), s.is_terminal(), "{s}");
        }
    }

    #[test]
    fn every_state_is_reachable_from_draft() {
        let mut seen = vec![Status::Draft];
        let mut i = 0;
        while i < seen.len() {
            for n in next_states(seen[i]) {
                if !seen.contains(&n) {
                    seen.push(n);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), Status::ALL.len());
    }

    #[test]
    fn dream_mapping_uses_dream_status_codes() {
        let codes = crate::Codelists::embedded();
        for s in Status::ALL {
            let (status, _) = s.dream();
            assert!(codes.contains(crate::Codelist::InitiationStatuses, status), "{status}");
        }
        assert_eq!(Status::Submitted.dream(), ("pending", Some("initiated")));
        assert_eq!(Status::Implementation.dream(), ("active", Some("implementation")));
    }

    #[test]
    fn wire_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}
