//! Who may see which passports.

use uuid::Uuid;

use crate::lifecycle::Status;
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
        let has = |r| roles.contains(&r);
        Visibility {
            all: has(Role::Admin),
            submitted: has(Role::PimUnit) || has(Role::Council) || has(Role::Integration),
            organisation: if has(Role::Initiator) { organisation } else { None },
        }
    }

    /// True when a passport of `organisation` in `status` is visible.
    pub fn can_see(&self, organisation: Uuid, status: Status) -> bool {
        self.all || (self.submitted && status != Status::Draft) || self.organisation == Some(organisation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initiators_see_their_own_organisation_only() {
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        let v = Visibility::of(&[Role::Initiator], Some(mine));
        assert!(v.can_see(mine, Status::Draft));
        assert!(v.can_see(mine, Status::InPlan));
        assert!(!v.can_see(other, Status::Submitted));
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
