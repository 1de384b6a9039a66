//! What waits for the caller now: drafts to submit, declarations and scores
//! due, passports to take into a round, projects short of experts, reports to
//! finish or to check, council papers to decide or to correct.

use axum::Json;
use axum::extract::State;
use portfel_domain::tasks::TaskKind;
use portfel_domain::{Permission, Status};
use portfel_monitoring::report::ReportStatus;
use portfel_planning::council::{PlanContent, PortfolioContent};
use portfel_planning::workflow::{DocumentStatus, Kind, Workflow};
use portfel_scoring::round::{AssignmentStatus, RoundStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Auth;
use crate::problem::ApiResult;
use crate::routes::council as flow;
use crate::state::AppState;

/// One piece of work waiting for the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Task {
    /// What is to be done.
    pub kind: TaskKind,
    /// The passport, report or council paper concerned.
    pub subject_id: Uuid,
    /// The passport's title (for passports, assignments and reports).
    pub title: Option<String>,
    /// The round, for assignments and projects short of experts.
    pub round_id: Option<Uuid>,
    /// Portfolio or plan, for council papers.
    pub paper: Option<Kind>,
    /// The council paper's version number.
    pub number: Option<i32>,
}

impl Task {
    fn of(kind: TaskKind, subject_id: Uuid, title: Option<String>) -> Task {
        Task { kind, subject_id, title, round_id: None, paper: None, number: None }
    }
}

/// My tasks
#[utoipa::path(get, path = "/api/v1/tasks", tag = "workspace",
    description = "What waits for the caller now, by the kinds of work its roles hold (see TaskKind).",
    responses((status = 200, description = "The caller's tasks, by kind", body = [Task])))]
pub async fn my_tasks(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<Task>>> {
    auth.require(Permission::FollowTasks)?;
    let mut out = Vec::new();
    for kind in TaskKind::for_roles(&auth.claims.roles) {
        out.extend(tasks_of(&state, &auth, kind).await?);
    }
    Ok(Json(out))
}

async fn tasks_of(state: &AppState, auth: &Auth, kind: TaskKind) -> ApiResult<Vec<Task>> {
    let db = state.store.db();
    let passports = |status| crate::routes::passports::ListQuery::in_state(status, 200);
    let title = |id| async move { portfel_store::passports::get(db, id).await.map(|p| p.content.title.uk).ok() };
    Ok(match kind {
        TaskKind::SubmitDraft => {
            let page = crate::routes::passports::passport_summaries(auth, state, passports(Status::Draft)).await?;
            let own = page.items.into_iter().filter(|p| Some(p.organisation_id) == auth.claims.org);
            own.map(|p| Task::of(kind, p.id, Some(p.title))).collect()
        }
        TaskKind::ScreenPassport => {
            let page = crate::routes::passports::passport_summaries(auth, state, passports(Status::Submitted)).await?;
            page.items.into_iter().map(|p| Task::of(kind, p.id, Some(p.title))).collect()
        }
        TaskKind::FinishReport | TaskKind::CheckReport => {
            let (states, org) = if kind == TaskKind::CheckReport {
                (&[ReportStatus::Submitted][..], None)
            } else {
                (&[ReportStatus::Draft, ReportStatus::Returned][..], Some(auth.claims.org.unwrap_or_default()))
            };
            let mut list = Vec::new();
            for r in portfel_store::reports::in_states(db, states, org).await? {
                list.push(Task::of(kind, r.id, title(r.passport_id).await));
            }
            list
        }
        TaskKind::Declare | TaskKind::Score => {
            let wanted = if kind == TaskKind::Declare {
                AssignmentStatus::AwaitingDeclaration
            } else {
                AssignmentStatus::Active
            };
            let mut list = Vec::new();
            for a in portfel_store::rounds::assignments_of(db, &auth.claims.sub).await? {
                let open = portfel_store::rounds::get(db, a.round_id).await?.status == RoundStatus::Open;
                if open && a.status == wanted && a.submitted_at.is_none() {
                    let title = if kind == TaskKind::Score { title(a.passport_id).await } else { None };
                    list.push(Task { round_id: Some(a.round_id), ..Task::of(kind, a.passport_id, title) });
                }
            }
            list
        }
        TaskKind::StaffProject => {
            let mut list = Vec::new();
            for round in portfel_store::rounds::list(db).await?.into_iter().filter(|r| r.status == RoundStatus::Open) {
                let needed =
                    portfel_store::methodologies::get(db, round.data.methodology_id).await?.definition.min_experts;
                let assignments = portfel_store::rounds::assignments(db, round.meta.id, None).await?;
                for p in portfel_store::rounds::projects(db, round.meta.id)
                    .await?
                    .into_iter()
                    .filter(|p| p.eligible == Some(true))
                {
                    let on = assignments.iter().filter(|a| a.passport_id == p.passport_id);
                    let active = on.filter(|a| a.status != AssignmentStatus::Conflict).count();
                    if active < usize::from(needed) {
                        let t = Task::of(kind, p.passport_id, title(p.passport_id).await);
                        list.push(Task { round_id: Some(round.meta.id), ..t });
                    }
                }
            }
            list
        }
        TaskKind::Decide | TaskKind::ReviseCouncilPaper => {
            let wanted = if kind == TaskKind::Decide { DocumentStatus::Submitted } else { DocumentStatus::Returned };
            let Json(portfolios) = flow::list::<PortfolioContent>(state, auth).await?;
            let Json(plans) = flow::list::<PlanContent>(state, auth).await?;
            let papers = portfolios.into_iter().map(|p| (Kind::Portfolio, p.workflow));
            let papers = papers.chain(plans.into_iter().map(|p| (Kind::Plan, p.workflow)));
            papers
                .filter(|(_, w): &(Kind, Workflow)| w.status == wanted)
                .map(|(paper, w)| Task { paper: Some(paper), number: Some(w.number), ..Task::of(kind, w.id, None) })
                .collect()
        }
    })
}
