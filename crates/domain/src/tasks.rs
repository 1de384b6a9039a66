//! What waits for whom: the kinds of work the workspace puts on a person's
//! "my tasks" page, and who each kind is for.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::permission::Permission;

/// A kind of work waiting for someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// A draft passport of one's organisation (a returned one included) to complete and submit.
    SubmitDraft,
    /// An implementation report of one's organisation still a draft or returned.
    FinishReport,
    /// An assignment whose conflict-of-interest declaration is due.
    Declare,
    /// An assignment to score.
    Score,
    /// A submitted passport waiting to join an evaluation round.
    ScreenPassport,
    /// An eligible project of an open round with fewer experts than the methodology asks.
    StaffProject,
    /// A submitted implementation report to accept or return.
    CheckReport,
    /// A portfolio or plan version the council returned, to correct.
    ReviseCouncilPaper,
    /// A portfolio or plan version before the council.
    Decide,
    /// A quarter of a programme measure one's organisation carries out, ended and not reported, or returned.
    ReportQuarter,
    /// A submitted quarterly programme report to accept or return.
    CheckQuarter,
    /// A programme whose period ends within half a year: time to prepare the next one.
    RenewProgramme,
    /// A project of one's organisation in implementation past its last planned
    /// year with no completion report sent, or whose completion report is a draft or returned.
    WriteCompletion,
    /// A submitted completion report to accept or return.
    CheckCompletion,
    /// A closed project whose ex-post evaluation is not signed off, with its due date.
    EvaluateProject,
    /// An ex-post evaluation in progress that names the expert among its evaluators.
    JoinEvaluation,
}

impl TaskKind {
    /// Every kind, in the order the page lists them.
    pub const ALL: [TaskKind; 16] = [
        TaskKind::Decide,
        TaskKind::Declare,
        TaskKind::Score,
        TaskKind::JoinEvaluation,
        TaskKind::SubmitDraft,
        TaskKind::FinishReport,
        TaskKind::WriteCompletion,
        TaskKind::ReportQuarter,
        TaskKind::ScreenPassport,
        TaskKind::StaffProject,
        TaskKind::CheckReport,
        TaskKind::CheckQuarter,
        TaskKind::CheckCompletion,
        TaskKind::EvaluateProject,
        TaskKind::ReviseCouncilPaper,
        TaskKind::RenewProgramme,
    ];

    /// The permission whose holders this kind of work waits for.
    pub fn permission(self) -> Permission {
        match self {
            TaskKind::SubmitDraft => Permission::CreatePassports,
            TaskKind::FinishReport | TaskKind::ReportQuarter | TaskKind::WriteCompletion => Permission::WriteReports,
            TaskKind::Declare | TaskKind::Score | TaskKind::JoinEvaluation => Permission::Score,
            TaskKind::ScreenPassport | TaskKind::StaffProject => Permission::PrepareRounds,
            TaskKind::CheckReport | TaskKind::CheckQuarter | TaskKind::CheckCompletion => Permission::CheckReports,
            TaskKind::EvaluateProject => Permission::Evaluate,
            TaskKind::RenewProgramme => Permission::KeepProgrammes,
            TaskKind::ReviseCouncilPaper => Permission::PrepareDecisions,
            TaskKind::Decide => Permission::Decide,
        }
    }

    /// The kinds waiting for someone with `roles`.
    pub fn for_roles(roles: &[crate::Role]) -> Vec<TaskKind> {
        TaskKind::ALL.into_iter().filter(|k| k.permission().granted(roles)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    #[test]
    fn each_role_is_given_its_own_work() {
        assert_eq!(
            TaskKind::for_roles(&[Role::Expert]),
            [TaskKind::Declare, TaskKind::Score, TaskKind::JoinEvaluation]
        );
        assert_eq!(TaskKind::for_roles(&[Role::Council]), [TaskKind::Decide]);
        let initiator = TaskKind::for_roles(&[Role::Initiator]);
        assert_eq!(
            initiator,
            [TaskKind::SubmitDraft, TaskKind::FinishReport, TaskKind::WriteCompletion, TaskKind::ReportQuarter]
        );
        let pim = TaskKind::for_roles(&[Role::PimUnit]);
        for k in [
            TaskKind::ScreenPassport,
            TaskKind::StaffProject,
            TaskKind::CheckReport,
            TaskKind::CheckQuarter,
            TaskKind::ReviseCouncilPaper,
            TaskKind::RenewProgramme,
            TaskKind::CheckCompletion,
            TaskKind::EvaluateProject,
        ] {
            assert!(pim.contains(&k), "{k:?}");
        }
        assert!(!pim.contains(&TaskKind::Decide) && !pim.contains(&TaskKind::Score));
    }
}
