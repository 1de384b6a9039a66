//! Who may see which passports.

use uuid::Uuid;

use crate::lifecycle::Status;
use crate::permission::Permission;
use crate::role::Role;

/// The passports an actor may see: a union of the parts that are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Visibility {
    /// Every passport, drafts included (administrators).
    pub all: bool,
    /// Every passport past the draft stage (PIM unit, council, integration scripts).
    pub submitted: bool,
    /// Every passport of this organisation, drafts included (its initiators).
    pub organisation: Option<Uuid>,
}

impl Visibility {
    /// What an actor with `roles` in `organisation` may see. Experts see
    /// only the passports assigned to them, which evaluation rounds grant.
    pub fn of(roles: &[Role], organisation: Option<Uuid>) -> Visibility {
        Visibility {
            all: Permission::AllOrganisations.granted(roles),
            submitted: Permission::ReadSubmittedPassports.granted(roles),
            organisation: if roles.contains(&Role::Initiator) { organisation } else { None },
        }
    }

    /// True when a passport of `organisation` in `status` is visible.
    pub fn can_see(&self, organisation: Uuid, status: Status) -> bool {
        self.all || (self.submitted && status != Status::Draft) || self.organisation == Some(organisation)
    }
}

/// True when a caller with `roles` of organisation `own` acts for
/// `organisation`: its own, or any with [`Permission::AllOrganisations`].
/// Initiators write reports only on their own organisation's projects.
pub fn acts_for(roles: &[Role], own: Option<Uuid>, organisation: Uuid) -> bool {
    Permission::AllOrganisations.granted(roles) || own == Some(organisation)
}

/// Why a caller may not create or change a passport.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditRefusal {
    /// The caller's roles or organisation do not allow it.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The passport's state no longer allows edits.
    #[error("a passport in state '{0}' can no longer be edited")]
    Frozen(Status),
    /// A new passport needs an initiating organisation and none was named.
    #[error("name the initiating organisation")]
    OrganisationRequired,
}

/// The organisation a new passport belongs to: the one asked for, or the
/// caller's own. An initiator (without a wider role) creates passports only
/// for its own organisation.
pub fn creating_organisation(roles: &[Role], own: Option<Uuid>, asked: Option<Uuid>) -> Result<Uuid, EditRefusal> {
    let only_initiator = !Permission::CreateForAnyOrganisation.granted(roles);
    match (asked, own) {
        (Some(asked), Some(own)) if only_initiator && asked != own => {
            Err(EditRefusal::Forbidden("initiators create passports only for their own organisation"))
        }
        (Some(asked), _) => Ok(asked),
        (None, Some(own)) => Ok(own),
        (None, None) => Err(EditRefusal::OrganisationRequired),
    }
}

/// Who may replace a passport's content: drafts by their organisation's
/// initiators and admins, submitted passports and those in screening by the
/// PIM unit and admins (corrections); later states are frozen.
pub fn may_edit(roles: &[Role], own: Option<Uuid>, organisation: Uuid, status: Status) -> Result<(), EditRefusal> {
    let allowed = match status {
        Status::Draft => {
            Permission::AllOrganisations.granted(roles)
                || (own == Some(organisation) && roles.contains(&Role::Initiator))
        }
        Status::Submitted | Status::Screening => Permission::CorrectSubmitted.granted(roles),
        other => return Err(EditRefusal::Frozen(other)),
    };
    if allowed { Ok(()) } else { Err(EditRefusal::Forbidden("you may not edit this passport in its present state")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_act_for_their_own_organisation_and_admins_for_every_one() {
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(acts_for(&[Role::Initiator], Some(mine), mine));
        assert!(!acts_for(&[Role::Initiator], Some(mine), other));
        assert!(!acts_for(&[Role::PimUnit], None, other));
        assert!(acts_for(&[Role::Admin], None, other));
    }

    #[test]
    fn initiators_see_their_own_organisation_only() {
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        let v = Visibility::of(&[Role::Initiator], Some(mine));
        assert!(v.can_see(mine, Status::Draft));
        assert!(v.can_see(mine, Status::InPlan));
        assert!(!v.can_see(other, Status::Submitted));
    }

    #[test]
    fn initiators_create_for_their_own_organisation_only() {
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(creating_organisation(&[Role::Initiator], Some(mine), None), Ok(mine));
        assert_eq!(creating_organisation(&[Role::Initiator], Some(mine), Some(mine)), Ok(mine));
        assert!(matches!(
            creating_organisation(&[Role::Initiator], Some(mine), Some(other)),
            Err(EditRefusal::Forbidden(_))
        ));
        assert_eq!(creating_organisation(&[Role::PimUnit], Some(mine), Some(other)), Ok(other));
        assert_eq!(creating_organisation(&[Role::Integration], None, None), Err(EditRefusal::OrganisationRequired));
    }

    #[test]
    fn drafts_are_edited_by_their_organisation_and_later_states_by_the_pim_unit() {
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(may_edit(&[Role::Initiator], Some(mine), mine, Status::Draft), Ok(()));
        assert!(may_edit(&[Role::Initiator], Some(other), mine, Status::Draft).is_err());
        assert!(may_edit(&[Role::PimUnit], None, mine, Status::Draft).is_err());
        assert_eq!(may_edit(&[Role::PimUnit], None, mine, Status::Screening), Ok(()));
        assert!(may_edit(&[Role::Initiator], Some(mine), mine, Status::Submitted).is_err());
        assert_eq!(may_edit(&[Role::Admin], None, mine, Status::InPlan), Err(EditRefusal::Frozen(Status::InPlan)));
    }

    #[test]
    fn drafts_are_private_to_the_initiator_and_admins() {
        let org = Uuid::now_v7();
        for role in [Role::PimUnit, Role::Council, Role::Integration, Role::Expert] {
            let v = Visibility::of(&[role], Some(Uuid::now_v7()));
            assert!(!v.can_see(org, Status::Draft), "{role}");
        }
        assert!(Visibility::of(&[Role::Admin], None).can_see(org, Status::Draft));
        assert!(Visibility::of(&[Role::PimUnit], None).can_see(org, Status::Submitted));
        assert!(!Visibility::of(&[Role::Expert], None).can_see(org, Status::UnderEvaluation));
    }
}
