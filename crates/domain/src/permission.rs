//! What each role may do, named once. The API checks these before it acts,
//! the pages offer only what they allow, and the navigation is built from them.

use crate::role::Role;
use Role::{Admin, Council, Expert, Initiator, Integration, PimUnit};

/// Something a caller may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Keep the reference data: organisations, strategy goals, budget years, methodologies.
    ManageReference,
    /// See the registered users.
    ReadUsers,
    /// Register users and change their roles.
    ManageUsers,
    /// Read the audit log.
    ReadAudit,
    /// Work on passports in the workspace: list, open, prepare.
    WorkOnPassports,
    /// Create passports (initiators for their own organisation only).
    CreatePassports,
    /// Create passports for any organisation.
    CreateForAnyOrganisation,
    /// See and act for every organisation: every passport, drafts included, and reports on any project.
    AllOrganisations,
    /// See every passport past the draft stage.
    ReadSubmittedPassports,
    /// Correct passports that are submitted or in screening.
    CorrectSubmitted,
    /// Open evaluation rounds, screen, assign experts, resolve, close.
    PrepareRounds,
    /// See the evaluation rounds.
    ReadRounds,
    /// See a round's projects and results.
    ReadRoundResults,
    /// See a round's assignments (experts: their own).
    ReadAssignments,
    /// Declare conflicts of interest and score assigned projects.
    Score,
    /// Build portfolios and plans and submit them to the council.
    PrepareDecisions,
    /// Approve or return what is before the council.
    Decide,
    /// See portfolio and plan versions the council has not decided on.
    ReadUndecided,
    /// Compare plan scenarios.
    RunScenarios,
    /// Write implementation reports (initiators on their own organisation's projects).
    WriteReports,
    /// Accept or return submitted reports.
    CheckReports,
    /// Read implementation reports (initiators those of their own organisation).
    ReadReports,
    /// Keep target programmes, their measures and facts.
    KeepProgrammes,
    /// Follow the target programmes in the workspace.
    FollowProgrammes,
    /// Read monitoring: flags, plan against fact, annual reports.
    ReadMonitoring,
    /// Push and pull projects with DREAM.
    SyncDream,
    /// Read the DREAM change feed.
    ReadDreamFeed,
    /// Use the API directly, with its documentation.
    UseApi,
    /// Follow one's own tasks: what waits for the person in the workspace.
    FollowTasks,
    /// Evaluate completed projects ex post: start, write and sign off the conclusion.
    Evaluate,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 30] = [
        Permission::ManageReference,
        Permission::ReadUsers,
        Permission::ManageUsers,
        Permission::ReadAudit,
        Permission::WorkOnPassports,
        Permission::CreatePassports,
        Permission::CreateForAnyOrganisation,
        Permission::AllOrganisations,
        Permission::ReadSubmittedPassports,
        Permission::CorrectSubmitted,
        Permission::PrepareRounds,
        Permission::ReadRounds,
        Permission::ReadRoundResults,
        Permission::ReadAssignments,
        Permission::Score,
        Permission::PrepareDecisions,
        Permission::Decide,
        Permission::ReadUndecided,
        Permission::RunScenarios,
        Permission::WriteReports,
        Permission::CheckReports,
        Permission::ReadReports,
        Permission::KeepProgrammes,
        Permission::FollowProgrammes,
        Permission::ReadMonitoring,
        Permission::SyncDream,
        Permission::ReadDreamFeed,
        Permission::UseApi,
        Permission::FollowTasks,
        Permission::Evaluate,
    ];

    /// The roles holding this permission.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Permission::ManageReference
            | Permission::ReadUsers
            | Permission::ReadAudit
            | Permission::CorrectSubmitted
            | Permission::PrepareRounds
            | Permission::PrepareDecisions
            | Permission::CheckReports
            | Permission::KeepProgrammes
            | Permission::Evaluate => &[PimUnit, Admin],
            Permission::ManageUsers | Permission::AllOrganisations => &[Admin],
            Permission::WorkOnPassports => &[Initiator, PimUnit, Admin],
            Permission::CreatePassports => &[Initiator, PimUnit, Admin, Integration],
            Permission::CreateForAnyOrganisation => &[PimUnit, Admin, Integration],
            Permission::ReadSubmittedPassports => &[PimUnit, Council, Integration],
            Permission::ReadRounds => &[PimUnit, Admin, Council, Expert],
            Permission::ReadRoundResults | Permission::ReadUndecided | Permission::RunScenarios => {
                &[PimUnit, Admin, Council]
            }
            Permission::ReadAssignments => &[PimUnit, Admin, Expert],
            Permission::Score => &[Expert],
            Permission::Decide => &[Council, Admin],
            Permission::WriteReports => &[Initiator, Admin],
            Permission::ReadReports => &[Initiator, PimUnit, Council, Integration, Admin],
            Permission::FollowProgrammes => &[Initiator, PimUnit, Council, Admin],
            Permission::ReadMonitoring => &[PimUnit, Council, Integration, Admin],
            Permission::SyncDream => &[Integration, PimUnit, Admin],
            Permission::ReadDreamFeed => &[Integration, PimUnit, Admin, Council],
            Permission::UseApi => &[Admin, Integration],
            Permission::FollowTasks => &[Initiator, PimUnit, Expert, Council, Admin],
        }
    }

    /// True when any of `roles` holds this permission.
    pub fn granted(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.roles().contains(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The permissions as a grid: one row per permission, one column per role
    /// (initiator, PIM unit, expert, council, admin, integration).
    const GRID: [(Permission, [bool; 6]); 30] = {
        const X: bool = true;
        const O: bool = false;
        [
            //                                  init  pim  expert council admin integr.
            (Permission::ManageReference, [O, X, O, O, X, O]),
            (Permission::ReadUsers, [O, X, O, O, X, O]),
            (Permission::ManageUsers, [O, O, O, O, X, O]),
            (Permission::ReadAudit, [O, X, O, O, X, O]),
            (Permission::WorkOnPassports, [X, X, O, O, X, O]),
            (Permission::CreatePassports, [X, X, O, O, X, X]),
            (Permission::CreateForAnyOrganisation, [O, X, O, O, X, X]),
            (Permission::AllOrganisations, [O, O, O, O, X, O]),
            (Permission::ReadSubmittedPassports, [O, X, O, X, O, X]),
            (Permission::CorrectSubmitted, [O, X, O, O, X, O]),
            (Permission::PrepareRounds, [O, X, O, O, X, O]),
            (Permission::ReadRounds, [O, X, X, X, X, O]),
            (Permission::ReadRoundResults, [O, X, O, X, X, O]),
            (Permission::ReadAssignments, [O, X, X, O, X, O]),
            (Permission::Score, [O, O, X, O, O, O]),
            (Permission::PrepareDecisions, [O, X, O, O, X, O]),
            (Permission::Decide, [O, O, O, X, X, O]),
            (Permission::ReadUndecided, [O, X, O, X, X, O]),
            (Permission::RunScenarios, [O, X, O, X, X, O]),
            (Permission::WriteReports, [X, O, O, O, X, O]),
            (Permission::CheckReports, [O, X, O, O, X, O]),
            (Permission::ReadReports, [X, X, O, X, X, X]),
            (Permission::KeepProgrammes, [O, X, O, O, X, O]),
            (Permission::FollowProgrammes, [X, X, O, X, X, O]),
            (Permission::ReadMonitoring, [O, X, O, X, X, X]),
            (Permission::SyncDream, [O, X, O, O, X, X]),
            (Permission::ReadDreamFeed, [O, X, O, X, X, X]),
            (Permission::UseApi, [O, O, O, O, X, X]),
            (Permission::FollowTasks, [X, X, X, X, X, O]),
            (Permission::Evaluate, [O, X, O, O, X, O]),
        ]
    };

    #[test]
    fn every_role_against_every_permission() {
        assert_eq!(GRID.map(|(p, _)| p), Permission::ALL, "the grid lists every permission once, in order");
        for (permission, row) in GRID {
            for (role, expected) in Role::ALL.into_iter().zip(row) {
                assert_eq!(permission.granted(&[role]), expected, "{permission:?} for {role:?}");
            }
        }
    }

    #[test]
    fn several_roles_hold_what_any_of_them_holds() {
        assert!(Permission::Score.granted(&[PimUnit, Expert]));
        assert!(!Permission::Score.granted(&[]));
        assert!(!Permission::ManageUsers.granted(&[PimUnit, Council, Expert, Initiator, Integration]));
    }
}
