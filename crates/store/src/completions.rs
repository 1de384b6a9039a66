//! Completion reports: one per project, written by its initiator while the
//! project is in implementation, submitted, accepted or returned by the PIM
//! unit. Accepting one closes the project in the same transaction, in the
//! state its outcome names; an accepted report never changes.

use portfel_domain::comeback::Return;
use portfel_domain::notices::Notice;
use portfel_monitoring::completion::{self, CompletionContent, CompletionRecord, TrackRecord};
use portfel_monitoring::report::{ReportAction, ReportStatus};
use portfel_monitoring::reporting;
use portfel_scoring::computed::InitiatorRecord;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::audit;
use crate::entity::completion_report::{self, Column, Entity};
use crate::guarded::{Guard, record, report_step, step_action, update_audited};
use crate::passports::{self, Move, transition_in};
use crate::{Actor, StoreError, StoreResult};

/// One completion report.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<CompletionRecord> {
    Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound("completion report")).and_then(to_record)
}

pub use crate::completion_rows::of_passport;
use crate::completion_rows::to_record;

/// Completion reports in one of `statuses` (of `organisation` only, when given), oldest change first.
pub async fn in_states<C: ConnectionTrait>(
    conn: &C,
    statuses: &[ReportStatus],
    organisation: Option<Uuid>,
) -> StoreResult<Vec<CompletionRecord>> {
    let mut query = Entity::find().filter(Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    if let Some(org) = organisation {
        query = query.filter(Column::OrganisationId.eq(org));
    }
    crate::records(conn, query.order_by_asc(Column::UpdatedAt), to_record).await
}

/// What `organisation`'s projects closed with an accepted completion report achieved.
pub async fn track_record<C: ConnectionTrait>(conn: &C, organisation: Uuid) -> StoreResult<TrackRecord> {
    let reports = in_states(conn, &[ReportStatus::Accepted], Some(organisation)).await?;
    let mut closed = Vec::with_capacity(reports.len());
    for r in reports {
        closed.push((passports::get(conn, r.passport_id).await?, r));
    }
    Ok(completion::track_record(
        closed.iter().map(|(p, r)| (p.meta.id, p.content.title.uk.as_str(), &p.content, &r.content)),
    ))
}

/// What a methodology's formulas read of a track record.
pub fn initiator_record(t: &TrackRecord) -> InitiatorRecord {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    InitiatorRecord {
        closed: count(t.completed + t.unsuccessful + t.cancelled),
        completed: count(t.completed),
        mean_cost_ratio: t.mean_cost_ratio,
        mean_achievement: t.mean_achievement,
    }
}

/// Writes the draft completion report of a project in implementation; a
/// project has one.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    passport_id: Uuid,
    content: &CompletionContent,
) -> StoreResult<CompletionRecord> {
    let txn = crate::begin_write(db).await?;
    let passport = passports::get(&txn, passport_id).await?;
    completion::check_start(passport.status).map_err(StoreError::Conflict)?;
    let record = insert(&txn, actor, (passport_id, passport.organisation_id), ReportStatus::Draft, content).await?;
    audit::created(&txn, actor, "completion.create", "completion", record.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

/// Inserts a report of (project, organisation) in `status`; an accepted
/// one is decided by its writer.
async fn insert<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    (passport_id, organisation_id): (Uuid, Uuid),
    status: ReportStatus,
    content: &CompletionContent,
) -> StoreResult<CompletionRecord> {
    let now = crate::now();
    let accepted = status == ReportStatus::Accepted;
    let model = Entity::insert(completion_report::ActiveModel {
        id: Set(Uuid::now_v7()),
        passport_id: Set(passport_id),
        organisation_id: Set(organisation_id),
        status: Set(status.as_str().into()),
        content: Set(serde_json::to_string(content)?),
        return_reason: Set(None),
        resubmit_by: Set(None),
        created_by: Set(actor.sub.clone()),
        decided_by: Set(accepted.then(|| actor.sub.clone())),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(accepted.then_some(now)),
    })
    .exec_with_returning(conn)
    .await
    .map_err(|e| StoreError::unique(e, "the project's completion report"))?;
    to_record(model)
}

/// Records the completion report DREAM holds for a project it closed as
/// accepted (it was accepted where it was entered), when Portfel has none.
/// A report Portfel holds is Portfel's to keep: it is not replaced.
pub async fn record_from_dream<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    passport_id: Uuid,
    organisation_id: Uuid,
    content: &CompletionContent,
) -> StoreResult<()> {
    if of_passport(conn, passport_id).await?.is_some() {
        return Ok(());
    }
    let record = insert(conn, actor, (passport_id, organisation_id), ReportStatus::Accepted, content).await?;
    audit::created(conn, actor, "completion.import", "completion", record.id.to_string(), &record).await?;
    Ok(())
}

/// Replaces the content of a draft or returned completion report at `expected_version`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    content: &CompletionContent,
) -> StoreResult<CompletionRecord> {
    let txn = crate::begin_write(db).await?;
    let text = serde_json::to_string(content)?;
    let guard = Guard { action: "completion.update", id, expected_version };
    let after = update_audited(&txn, actor, guard, |before: &CompletionRecord| {
        completion::check_update(before)?;
        Ok(completion_report::ActiveModel { content: Set(text), ..Default::default() })
    })
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Submits, accepts or returns (why, perhaps to come back by a day) a completion report at
/// `expected_version`; accepting it closes the project.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    action: ReportAction,
    returned: Option<Return<'_>>,
) -> StoreResult<CompletionRecord> {
    let txn = crate::begin_write(db).await?;
    let name = step_action("completion", action);
    let guard = Guard { action: &name, id, expected_version };
    let after = update_audited(&txn, actor, guard, |before: &CompletionRecord| {
        let to = reporting::step(before.status, action)?;
        Ok(report_step!(completion_report::ActiveModel, to, action, returned, actor))
    })
    .await?;
    if action == ReportAction::Accept {
        let passport = passports::get(&txn, after.passport_id).await?;
        completion::check_start(passport.status).map_err(StoreError::Conflict)?;
        let closing = Move { reason: Some(CLOSED_BY_REPORT), ..Move::of(&passport, after.content.outcome.status()) };
        transition_in(&txn, actor, closing).await?;
    }
    if matches!(action, ReportAction::Accept | ReportAction::Return) {
        let title = passports::get(&txn, after.passport_id).await?.content.title.uk;
        let returned = returned.filter(|_| action == ReportAction::Return);
        let notice = Notice::completion_decided(after.id, after.version, after.organisation_id, &title, returned);
        crate::notices::raise(&txn, &notice).await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// The reason the audit log gives for a project closed by its report.
const CLOSED_BY_REPORT: &str = "Звіт про завершення прийнято";

record!(CompletionRecord, Entity, Uuid, "completion", get, |r| r.version);
