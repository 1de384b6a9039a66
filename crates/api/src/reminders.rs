//! Reminders, run on a schedule inside the server (one replica at a time,
//! under a lease in the database) and by `portfel remind`: a scoring
//! deadline, an ex-post evaluation's due date and the day a returned
//! passport or report is to come back by three days away and passed; a quarter's report due in
//! three days and missing after; a council meeting three days away; a
//! deviation flag raised. Each is a notice whose key names its event, so
//! running again the same day (or on two replicas) tells nobody twice.

use chrono::{NaiveDate, TimeDelta, Utc};
use portfel_domain::Status;
use portfel_domain::access::Visibility;
use portfel_domain::notices::{Assignment, Comeback, Notice, Paper, REMIND_DAYS_BEFORE, Returned};
use portfel_domain::records::Passport;
use portfel_monitoring::deviation::{Thresholds, flags, reports_due_within};
use portfel_monitoring::expost::EvaluationStatus;
use portfel_monitoring::quarters::{QuarterStatus, quarter_name};
use portfel_monitoring::report::ReportStatus;
use portfel_monitoring::summary::MonitoredProject;
use portfel_planning::workflow::{DocumentStatus, Kind};
use portfel_scoring::round::{AssignmentStatus, RoundStatus};
use portfel_store::council::Document;
use portfel_store::passports::PassportFilter;
use serde::de::IgnoredAny;
use std::time::Duration;
use uuid::Uuid;

use crate::problem::ApiResult;
use crate::routes::monitoring::monitored;
use crate::state::AppState;

/// The lease's name.
const LEASE: &str = "reminders";

/// Every reminder due on `today`, whether or not already sent.
pub async fn due(state: &AppState, today: NaiveDate) -> ApiResult<Vec<Notice>> {
    let db = state.store.db();
    let mut out = Vec::new();
    for round in portfel_store::rounds::list(db).await?.into_iter().filter(|r| r.status == RoundStatus::Open) {
        let waiting = portfel_store::rounds::assignments(db, round.meta.id, None).await?;
        for a in waiting.iter().filter(|a| a.submitted_at.is_none() && a.status != AssignmentStatus::Conflict) {
            let title = portfel_store::passports::get(db, a.passport_id).await?.content.title.uk;
            let assignment = Assignment {
                round: round.meta.id,
                round_name: &round.data.name,
                passport: a.passport_id,
                title: &title,
                expert: &a.expert,
                deadline: round.data.deadline,
            };
            out.extend(Notice::scoring_due(&assignment, today));
        }
    }
    let evaluations = portfel_store::evaluations::list(db).await?;
    let signed = |id: Uuid| evaluations.iter().any(|e| e.passport_id == id && e.status == EvaluationStatus::SignedOff);
    for r in portfel_store::completions::in_states(db, &[ReportStatus::Accepted], None).await? {
        if !signed(r.passport_id) {
            let title = portfel_store::passports::get(db, r.passport_id).await?.content.title.uk;
            let due = portfel_monitoring::expost::due(r.content.actual_end, state.expost_after_days);
            out.extend(Notice::evaluation_due(r.passport_id, &title, due, today));
        }
    }
    let thresholds = Thresholds::default();
    for (passport, project) in in_implementation(state).await? {
        let (id, org, title) = (project.id, passport.organisation_id, project.title.as_str());
        for (period, due) in reports_due_within(&project.facts, &thresholds, today, REMIND_DAYS_BEFORE.unsigned_abs()) {
            out.push(Notice::report_due(id, org, title, (&period.to_string(), due)));
        }
        for flag in flags(&project.facts, &thresholds, today) {
            let said = (flag.rule.code(), flag.reason.as_str());
            out.extend(Notice::flag_raised(project.id, passport.organisation_id, &project.title, said, today));
        }
    }
    out.extend(comebacks(state, today).await?);
    for (kind, paper) in [(Kind::Portfolio, Paper::Portfolio), (Kind::Plan, Paper::Plan)] {
        let docs: Vec<Document<IgnoredAny>> = portfel_store::council::list(db, kind).await?;
        for w in docs.into_iter().map(|d| d.workflow).filter(|w| w.status == DocumentStatus::Submitted) {
            if let Some(on) = w.meeting_on {
                out.extend(Notice::meeting_soon(paper, w.id, w.number, on, today));
            }
        }
    }
    Ok(out)
}

/// The reminders to submit again what went back with a day to come back
/// by: passports, implementation, quarterly programme and completion reports.
async fn comebacks(state: &AppState, today: NaiveDate) -> ApiResult<Vec<Notice>> {
    let db = state.store.db();
    let mut out = Vec::new();
    for p in passports_in(state, Status::Draft).await? {
        if let Some(by) = p.resubmit_by {
            let (id, organisation, title) = (p.meta.id, p.organisation_id, p.content.title.uk.as_str());
            out.extend(Notice::resubmit_due(
                &Comeback { what: Returned::Passport, id, organisation, title, by },
                today,
            ));
        }
    }
    for r in portfel_store::reports::in_states(db, &[ReportStatus::Returned], None).await? {
        if let Some(by) = r.resubmit_by {
            let title = portfel_store::passports::get(db, r.passport_id).await?.content.title.uk;
            let period = r.content.period.to_string();
            let what = Returned::Report { period: &period };
            let back = Comeback { what, id: r.id, organisation: r.organisation_id, title: &title, by };
            out.extend(Notice::resubmit_due(&back, today));
        }
    }
    for r in portfel_store::completions::in_states(db, &[ReportStatus::Returned], None).await? {
        if let Some(by) = r.resubmit_by {
            let title = portfel_store::passports::get(db, r.passport_id).await?.content.title.uk;
            let back =
                Comeback { what: Returned::Completion, id: r.id, organisation: r.organisation_id, title: &title, by };
            out.extend(Notice::resubmit_due(&back, today));
        }
    }
    for r in portfel_store::programme_quarters::in_status(db, QuarterStatus::Returned, None).await? {
        if let Some(by) = r.resubmit_by {
            let title = portfel_store::programmes::get(db, r.programme_id).await?.programme.title;
            let (measure, quarter, year) = (r.fact.measure.as_str(), quarter_name(r.fact.quarter), r.fact.year);
            let what = Returned::Quarter { programme: r.programme_id, measure, quarter, year };
            let back = Comeback { what, id: r.id, organisation: r.organisation_id, title: &title, by };
            out.extend(Notice::resubmit_due(&back, today));
        }
    }
    Ok(out)
}

/// Every passport in `status`.
async fn passports_in(state: &AppState, status: Status) -> ApiResult<Vec<Passport>> {
    let filter = PassportFilter {
        visibility: Visibility { all: true, ..Visibility::default() },
        status: Some(status),
        limit: 100_000,
        ..PassportFilter::default()
    };
    Ok(portfel_store::passports::list(state.store.db(), &filter).await?.0)
}

/// Every project in implementation, with what the deviation rules know of it.
async fn in_implementation(state: &AppState) -> ApiResult<Vec<(Passport, MonitoredProject)>> {
    let passports = passports_in(state, Status::Implementation).await?;
    let mut out = Vec::with_capacity(passports.len());
    for passport in passports {
        if let Some(project) = monitored(state, Some(passport.meta.id)).await?.pop() {
            out.push((passport, project));
        }
    }
    Ok(out)
}

/// Writes the reminders due on `today` that nobody has had yet; how many people were told.
pub async fn send(state: &AppState, today: NaiveDate) -> ApiResult<usize> {
    let mut told = 0;
    for notice in due(state, today).await? {
        told += portfel_store::notices::raise(state.store.db(), &notice).await?;
    }
    Ok(told)
}

/// What [`send`] would write on `today`: each reminder with the people not told of it yet.
pub async fn dry_run(state: &AppState, today: NaiveDate) -> ApiResult<Vec<(Notice, Vec<String>)>> {
    let mut out = Vec::new();
    for notice in due(state, today).await? {
        let people = portfel_store::notices::would_tell(state.store.db(), &notice).await?;
        if !people.is_empty() {
            out.push((notice, people));
        }
    }
    Ok(out)
}

/// Sends reminders every `every` while this replica (`holder`) holds the
/// lease, until `stop` completes.
pub async fn run(state: AppState, holder: String, every: Duration, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    let hold = TimeDelta::from_std(every).unwrap_or(TimeDelta::hours(1)) + TimeDelta::minutes(5);
    loop {
        let now = Utc::now();
        match portfel_store::leases::acquire(state.store.db(), LEASE, &holder, now, now + hold).await {
            Ok(true) => match send(&state, portfel_domain::calendar::local_date(now)).await {
                Ok(told) => tracing::info!(told, "reminders sent"),
                Err(e) => tracing::warn!(error = ?e, "reminders could not be sent"),
            },
            Ok(false) => tracing::debug!("another replica sends the reminders"),
            Err(e) => tracing::warn!(error = %e, "the reminders' lease could not be taken"),
        }
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
