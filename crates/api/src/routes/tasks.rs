//! What waits for the caller now: drafts to submit, declarations and scores
//! due, passports to take into a round, projects short of experts, reports to
//! finish or to check, council papers to decide or to correct, programme
//! quarters to report or to check, programmes about to expire, completion
//! reports to write or to check, ex-post evaluations due.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use portfel_domain::tasks::TaskKind;
use portfel_domain::{Permission, Status};
use portfel_monitoring::expost::EvaluationStatus;
use portfel_monitoring::quarters::{QuarterReport, QuarterStatus, due_quarters, expires_within, quarter_due};
use portfel_monitoring::records::ProgrammeRecord;
use portfel_monitoring::report::ReportStatus;
use portfel_planning::workflow::{DocumentStatus, Kind};
use portfel_scoring::round::{AssignmentStatus, RoundStatus};
use portfel_store::council::{self, Document};
use serde::de::IgnoredAny;
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
    /// The passport, report, evaluation or council paper concerned.
    pub subject_id: Uuid,
    /// The passport's title (for passports, assignments and reports).
    pub title: Option<String>,
    /// The round, for assignments and projects short of experts.
    pub round_id: Option<Uuid>,
    /// Portfolio or plan, for council papers.
    pub paper: Option<Kind>,
    /// The council paper's version number.
    pub number: Option<i32>,
    /// The programme measure, for quarterly reports.
    pub measure: Option<String>,
    /// The year, for quarterly reports.
    pub year: Option<i32>,
    /// The quarter, for quarterly reports.
    pub quarter: Option<u8>,
    /// When it is due, for work with a deadline.
    pub due: Option<chrono::NaiveDate>,
    /// True when the deadline has passed.
    #[serde(default)]
    pub overdue: bool,
}

impl Task {
    fn of(kind: TaskKind, subject_id: Uuid, title: Option<String>) -> Task {
        Task {
            kind,
            subject_id,
            title,
            round_id: None,
            paper: None,
            number: None,
            measure: None,
            year: None,
            quarter: None,
            due: None,
            overdue: false,
        }
    }

    /// The task due on `due` (none when `None`), overdue after it on `today`.
    fn due(self, due: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> Task {
        Task { due, overdue: portfel_domain::comeback::overdue(due, today), ..self }
    }

    fn of_quarter(kind: TaskKind, programme: &ProgrammeRecord, (measure, year, quarter): (String, i32, u8)) -> Task {
        let title = Some(programme.programme.title.clone());
        Task { measure: Some(measure), year: Some(year), quarter: Some(quarter), ..Task::of(kind, programme.id, title) }
    }
}

/// My tasks
#[utoipa::path(get, path = "/api/v1/tasks", tag = "workspace",
    description = "What waits for the caller now, by the kinds of work its roles hold (see TaskKind).",
    responses((status = 200, description = "The caller's tasks, by kind", body = [Task])))]
pub async fn my_tasks(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<Task>>> {
    auth.require(Permission::FollowTasks)?;
    let kinds = TaskKind::for_roles(&auth.claims.roles);
    // Each task, with the passport whose title it shows (read for all at once at the end).
    let mut found: Vec<(Task, Option<Uuid>)> = Vec::new();
    for kind in [TaskKind::SubmitDraft, TaskKind::ScreenPassport].into_iter().filter(|k| kinds.contains(k)) {
        found.extend(passports_waiting(&state, &auth, kind).await?);
    }
    for kind in [TaskKind::FinishReport, TaskKind::CheckReport].into_iter().filter(|k| kinds.contains(k)) {
        found.extend(reports_waiting(&state, &auth, kind).await?);
    }
    if kinds.iter().any(|k| matches!(k, TaskKind::Declare | TaskKind::Score)) {
        found.extend(assignments_waiting(&state, &auth, &kinds).await?);
    }
    if kinds.contains(&TaskKind::StaffProject) {
        found.extend(projects_short_of_experts(&state).await?);
    }
    if kinds.iter().any(|k| matches!(k, TaskKind::ReportQuarter | TaskKind::CheckQuarter | TaskKind::RenewProgramme)) {
        found.extend(programme_work(&state, &auth, &kinds).await?.into_iter().map(|t| (t, None)));
    }
    found.extend(completion_work(&state, &auth, &kinds).await?);
    if kinds.iter().any(|k| matches!(k, TaskKind::Decide | TaskKind::ReviseCouncilPaper)) {
        found.extend(papers_waiting(&state, &auth, &kinds).await?.into_iter().map(|t| (t, None)));
    }
    let ids: Vec<Uuid> = found.iter().filter_map(|(_, p)| *p).collect();
    let titles: HashMap<Uuid, String> =
        portfel_store::passports::briefs(state.store.db(), &ids).await?.into_iter().map(|b| (b.id, b.title)).collect();
    let mut out: Vec<Task> = found
        .into_iter()
        .map(|(mut t, passport)| {
            if t.title.is_none() {
                t.title = passport.and_then(|p| titles.get(&p).cloned());
            }
            t
        })
        .collect();
    out.sort_by_key(|t| TaskKind::ALL.iter().position(|k| *k == t.kind));
    Ok(Json(out))
}

/// Drafts of the caller's organisation, or submitted passports, with their titles.
async fn passports_waiting(state: &AppState, auth: &Auth, kind: TaskKind) -> ApiResult<Vec<(Task, Option<Uuid>)>> {
    let status = if kind == TaskKind::SubmitDraft { Status::Draft } else { Status::Submitted };
    let query = crate::routes::passports::ListQuery::in_state(status, 200);
    let page = crate::routes::passports::passport_summaries(auth, state, query).await?;
    let own = |p: &portfel_domain::records::PassportSummary| {
        kind != TaskKind::SubmitDraft || Some(p.organisation_id) == auth.claims.org
    };
    let today = portfel_domain::calendar::local_date(chrono::Utc::now());
    Ok(page
        .items
        .into_iter()
        .filter(own)
        .map(|p| {
            // A returned draft may have a day to come back by.
            let due = p.resubmit_by.filter(|_| kind == TaskKind::SubmitDraft);
            (Task::of(kind, p.id, Some(p.title)).due(due, today), None)
        })
        .collect())
}

/// Reports of the caller's organisation to finish, or submitted reports to check.
async fn reports_waiting(state: &AppState, auth: &Auth, kind: TaskKind) -> ApiResult<Vec<(Task, Option<Uuid>)>> {
    let (states, org) = if kind == TaskKind::CheckReport {
        (&[ReportStatus::Submitted][..], None)
    } else {
        (&[ReportStatus::Draft, ReportStatus::Returned][..], Some(auth.claims.org.unwrap_or_default()))
    };
    let reports = portfel_store::reports::in_states(state.store.db(), states, org).await?;
    let today = portfel_domain::calendar::local_date(chrono::Utc::now());
    let thresholds = portfel_monitoring::deviation::Thresholds::default();
    Ok(reports
        .into_iter()
        .map(|r| {
            // A report is due `report_days` after its period, as the deviation rules count it,
            // or by the day the PIM unit set when it returned it.
            // (Only a returned report carries that day: every step clears it.)
            let due =
                r.resubmit_by.unwrap_or_else(|| portfel_monitoring::deviation::due(r.content.period, &thresholds));
            (Task::of(kind, r.id, None).due(Some(due), today), Some(r.passport_id))
        })
        .collect())
}

/// Completion reports to write (projects of the caller's organisation past
/// their last planned year with none sent, or with one a draft or returned)
/// or to check, closed projects whose evaluation is not signed off, and the
/// evaluations in progress that name the caller among their experts.
async fn completion_work(state: &AppState, auth: &Auth, kinds: &[TaskKind]) -> ApiResult<Vec<(Task, Option<Uuid>)>> {
    let db = state.store.db();
    let mut out = Vec::new();
    if let (true, Some(org)) = (kinds.contains(&TaskKind::WriteCompletion), auth.claims.org) {
        let mine = portfel_store::completions::in_states(db, &ReportStatus::ALL, Some(org)).await?;
        let today = portfel_domain::calendar::local_date(chrono::Utc::now());
        for r in mine.iter().filter(|r| r.status.editable()) {
            let task = Task::of(TaskKind::WriteCompletion, r.passport_id, None);
            out.push((task.due(r.resubmit_by, today), Some(r.passport_id)));
        }
        let written: std::collections::HashSet<Uuid> = mine.iter().map(|r| r.passport_id).collect();
        let query = crate::routes::passports::ListQuery {
            organisation_id: Some(org),
            ..crate::routes::passports::ListQuery::in_state(Status::Implementation, 200)
        };
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
        for p in crate::routes::passports::passport_summaries(auth, state, query).await?.items {
            if p.end_year.is_some_and(|end| end < year) && !written.contains(&p.id) {
                out.push((Task::of(TaskKind::WriteCompletion, p.id, Some(p.title)), None));
            }
        }
    }
    if kinds.contains(&TaskKind::CheckCompletion) {
        let sent = portfel_store::completions::in_states(db, &[ReportStatus::Submitted], None).await?;
        out.extend(
            sent.iter().map(|r| (Task::of(TaskKind::CheckCompletion, r.passport_id, None), Some(r.passport_id))),
        );
    }
    if kinds.contains(&TaskKind::JoinEvaluation) {
        let named = portfel_store::evaluations::list(db).await?.into_iter().filter(|e| {
            e.status == EvaluationStatus::Draft && portfel_monitoring::expost::named(&e.content, &auth.claims.sub)
        });
        out.extend(named.map(|e| (Task::of(TaskKind::JoinEvaluation, e.id, None), Some(e.passport_id))));
    }
    if kinds.contains(&TaskKind::EvaluateProject) {
        let closed = crate::routes::evaluations::closed_projects(state, auth).await?;
        for c in closed.into_iter().filter(|c| c.status != Some(EvaluationStatus::SignedOff)) {
            let task = Task {
                due: Some(c.due),
                overdue: c.overdue,
                ..Task::of(TaskKind::EvaluateProject, c.passport_id, Some(c.title))
            };
            out.push((task, None));
        }
    }
    Ok(out)
}

/// The caller's assignments in open rounds: declarations due, and scores not yet submitted.
async fn assignments_waiting(
    state: &AppState,
    auth: &Auth,
    kinds: &[TaskKind],
) -> ApiResult<Vec<(Task, Option<Uuid>)>> {
    let db = state.store.db();
    // Each round's scoring deadline while it is open.
    let mut open: HashMap<Uuid, Option<chrono::NaiveDate>> = HashMap::new();
    let today = portfel_domain::calendar::local_date(chrono::Utc::now());
    let mut out = Vec::new();
    for a in portfel_store::rounds::assignments_of(db, &auth.claims.sub).await? {
        let kind = match (a.status, a.submitted_at) {
            (AssignmentStatus::AwaitingDeclaration, _) => TaskKind::Declare,
            (AssignmentStatus::Active, None) => TaskKind::Score,
            _ => continue,
        };
        if !kinds.contains(&kind) {
            continue;
        }
        let deadline = match open.get(&a.round_id) {
            Some(d) => *d,
            None => {
                let round = portfel_store::rounds::get(db, a.round_id).await?;
                let d = (round.status == RoundStatus::Open).then_some(round.data.deadline);
                *open.entry(a.round_id).or_insert(d)
            }
        };
        if let Some(due) = deadline {
            // Before the declaration the expert may not read the passport, its title included.
            let title_of = (kind == TaskKind::Score).then_some(a.passport_id);
            let task = Task { round_id: Some(a.round_id), ..Task::of(kind, a.passport_id, None) }.due(Some(due), today);
            out.push((task, title_of));
        }
    }
    Ok(out)
}

/// Eligible projects of open rounds with fewer experts (conflicts aside) than the methodology asks.
async fn projects_short_of_experts(state: &AppState) -> ApiResult<Vec<(Task, Option<Uuid>)>> {
    let db = state.store.db();
    let mut out = Vec::new();
    for round in portfel_store::rounds::list(db).await?.into_iter().filter(|r| r.status == RoundStatus::Open) {
        let needed = portfel_store::methodologies::get(db, round.data.methodology_id).await?.definition.min_experts;
        let assignments = portfel_store::rounds::assignments(db, round.meta.id, None).await?;
        let projects = portfel_store::rounds::projects(db, round.meta.id).await?;
        for p in projects.into_iter().filter(|p| p.eligible == Some(true)) {
            let on = assignments.iter().filter(|a| a.passport_id == p.passport_id);
            if on.filter(|a| a.status != AssignmentStatus::Conflict).count() < usize::from(needed) {
                let task =
                    Task { round_id: Some(round.meta.id), ..Task::of(TaskKind::StaffProject, p.passport_id, None) };
                out.push((task, Some(p.passport_id)));
            }
        }
    }
    Ok(out)
}

/// How many days before a programme's end the PIM unit is reminded to prepare the next one.
pub const RENEWAL_NOTICE_DAYS: i64 = 183;

/// Quarters the caller's organisation owes, quarterly reports to check, and
/// programmes about to expire.
async fn programme_work(state: &AppState, auth: &Auth, kinds: &[TaskKind]) -> ApiResult<Vec<Task>> {
    let db = state.store.db();
    let today = chrono::Utc::now().date_naive();
    let mut out = Vec::new();
    for record in portfel_store::programmes::list(db).await? {
        if kinds.contains(&TaskKind::RenewProgramme) && expires_within(&record.programme, today, RENEWAL_NOTICE_DAYS) {
            out.push(Task::of(TaskKind::RenewProgramme, record.id, Some(record.programme.title.clone())));
        }
        let wanted = [TaskKind::ReportQuarter, TaskKind::CheckQuarter];
        if !wanted.iter().any(|k| kinds.contains(k)) {
            continue;
        }
        let reports = portfel_store::programme_quarters::list(db, record.id).await?;
        if kinds.contains(&TaskKind::CheckQuarter) {
            for r in reports.iter().filter(|r| r.status == QuarterStatus::Submitted) {
                let due = (r.fact.measure.clone(), r.fact.year, r.fact.quarter);
                out.push(Task::of_quarter(TaskKind::CheckQuarter, &record, due));
            }
        }
        if let (true, Some(org)) = (kinds.contains(&TaskKind::ReportQuarter), auth.claims.org) {
            let annual = portfel_store::programmes::facts(db, record.id).await?;
            let mine: Vec<QuarterReport> = reports.into_iter().filter(|r| r.organisation_id == org).collect();
            for owed in due_quarters(&record.programme, org, &mine, &annual, today) {
                // Due 20 days after its quarter, or by the day set when it was returned.
                let (measure, year, quarter) = (&owed.0, owed.1, owed.2);
                let returned =
                    mine.iter().find(|r| (&r.fact.measure, r.fact.year, r.fact.quarter) == (measure, year, quarter));
                let due = returned.and_then(|r| r.resubmit_by).unwrap_or_else(|| quarter_due(year, quarter));
                out.push(Task::of_quarter(TaskKind::ReportQuarter, &record, owed).due(Some(due), today));
            }
        }
    }
    Ok(out)
}

/// Portfolio and plan versions before the council, or returned by it; their
/// contents are not read.
async fn papers_waiting(state: &AppState, auth: &Auth, kinds: &[TaskKind]) -> ApiResult<Vec<Task>> {
    let mut out = Vec::new();
    for paper in [Kind::Portfolio, Kind::Plan] {
        let docs: Vec<Document<IgnoredAny>> = council::list(state.store.db(), paper).await?;
        for w in docs.into_iter().map(|d| d.workflow).filter(|w| flow::may_read(auth, w).is_ok()) {
            let kind = match w.status {
                DocumentStatus::Submitted => TaskKind::Decide,
                DocumentStatus::Returned => TaskKind::ReviseCouncilPaper,
                _ => continue,
            };
            if kinds.contains(&kind) {
                // A version before the council is due at its meeting, once one is set.
                let due = w.meeting_on.filter(|_| kind == TaskKind::Decide);
                let today = portfel_domain::calendar::local_date(chrono::Utc::now());
                let task = Task { paper: Some(paper), number: Some(w.number), ..Task::of(kind, w.id, None) };
                out.push(task.due(due, today));
            }
        }
    }
    Ok(out)
}
