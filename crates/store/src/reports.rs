//! Implementation reports of projects in the plan or in implementation:
//! written by the initiator, submitted, accepted or returned by the PIM unit.
//! An accepted report never changes; a correction is the period's next revision.

use std::collections::BTreeMap;

use portfel_domain::comeback::Return;
use portfel_domain::notices::Notice;
use portfel_monitoring::period::Period;
use portfel_monitoring::records::{ReportRecord, Revision};
use portfel_monitoring::report::{ReportAction, ReportContent, ReportFacts, ReportStatus};
use portfel_monitoring::reporting::{self, EarlierReport};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::audit;
use crate::entity::implementation_report::{self, Column, Entity, Model};
use crate::guarded::{Guard, record, report_step, step_action, update_audited};
use crate::{Actor, StoreError, StoreResult};

fn status_of(stored: &str) -> StoreResult<ReportStatus> {
    ReportStatus::parse(stored).ok_or_else(|| StoreError::Corrupt(format!("report status {stored:?}")))
}

fn to_record(m: Model) -> StoreResult<ReportRecord> {
    let status = status_of(&m.status)?;
    Ok(ReportRecord {
        id: m.id,
        passport_id: m.passport_id,
        organisation_id: m.organisation_id,
        revision: m.revision,
        status,
        return_reason: m.return_reason,
        resubmit_by: m.resubmit_by,
        created_by: m.created_by,
        decided_by: m.decided_by,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        content: serde_json::from_str(&m.content)?,
    })
}

fn quarter_column(period: Period) -> i32 {
    period.quarter.map_or(0, i32::from)
}

/// One report.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<ReportRecord> {
    Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound("report")).and_then(to_record)
}

/// Reports in one of `statuses` (of `organisation` only, when given), oldest change first.
pub async fn in_states<C: ConnectionTrait>(
    conn: &C,
    statuses: &[ReportStatus],
    organisation: Option<Uuid>,
) -> StoreResult<Vec<ReportRecord>> {
    let mut query = Entity::find().filter(Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    if let Some(org) = organisation {
        query = query.filter(Column::OrganisationId.eq(org));
    }
    crate::records(conn, query.order_by_asc(Column::UpdatedAt), to_record).await
}

/// A project's reports, by period and revision.
pub async fn for_passport<C: ConnectionTrait>(conn: &C, passport_id: Uuid) -> StoreResult<Vec<ReportRecord>> {
    let query = Entity::find()
        .filter(Column::PassportId.eq(passport_id))
        .order_by_asc(Column::PeriodYear)
        .order_by_asc(Column::PeriodQuarter)
        .order_by_asc(Column::Revision);
    crate::records(conn, query, to_record).await
}

/// Every revision of the reports of each project (or of `only`), as the
/// deviation rules read them (see [`portfel_monitoring::records::standing`]),
/// reading only the columns they need.
pub async fn facts_by_project<C: ConnectionTrait>(
    conn: &C,
    only: Option<Uuid>,
) -> StoreResult<BTreeMap<Uuid, Vec<ReportFacts>>> {
    let mut query = Entity::find().select_only().columns([
        Column::PassportId,
        Column::Revision,
        Column::Status,
        Column::SubmittedAt,
        Column::Content,
    ]);
    if let Some(id) = only {
        query = query.filter(Column::PassportId.eq(id));
    }
    type Row = (Uuid, i32, String, Option<chrono::DateTime<chrono::Utc>>, String);
    let rows: Vec<Row> = query.into_tuple().all(conn).await?;
    let revisions = rows
        .into_iter()
        .map(|(passport_id, revision, status, submitted_at, content)| {
            let facts = ReportFacts {
                revision,
                status: status_of(&status)?,
                submitted_on: submitted_at.map(|t| t.date_naive()),
                content: serde_json::from_str(&content)?,
            };
            Ok(Revision { passport_id, facts })
        })
        .collect::<StoreResult<Vec<Revision>>>()?;
    Ok(portfel_monitoring::records::by_project(revisions))
}

/// Writes a draft report for a project in the plan or in implementation: the
/// period's first, or the correction of its accepted report. A period with a
/// report still open (draft, submitted or returned) takes no other.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    passport_id: Uuid,
    content: &ReportContent,
) -> StoreResult<ReportRecord> {
    let txn = crate::begin_write(db).await?;
    let passport = crate::passports::get(&txn, passport_id).await?;
    let period = content.period;
    let of_year = Entity::find()
        .filter(Column::PassportId.eq(passport_id))
        .filter(Column::PeriodYear.eq(period.year))
        .all(&txn)
        .await?;
    let earlier = of_year
        .iter()
        .filter(|m| m.period_quarter == quarter_column(period))
        .map(|m| Ok(EarlierReport { id: m.id, revision: m.revision, status: status_of(&m.status)? }))
        .collect::<StoreResult<Vec<_>>>()?;
    let revision = reporting::next_revision(passport.status, period, &earlier)?;
    let held: Vec<Period> = of_year
        .iter()
        .map(|m| match u8::try_from(m.period_quarter) {
            Ok(q @ 1..=4) => Period::quarter(m.period_year, q),
            _ => Period::year(m.period_year),
        })
        .collect();
    reporting::check_kind(period, &held)?;
    let written = Written { organisation_id: passport.organisation_id, revision, status: ReportStatus::Draft };
    let record = insert(&txn, actor, passport_id, written, content).await?;
    audit::created(&txn, actor, "report.create", "report", record.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

/// How a new report row starts.
struct Written {
    organisation_id: Uuid,
    revision: i32,
    status: ReportStatus,
}

async fn insert<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    passport_id: Uuid,
    written: Written,
    content: &ReportContent,
) -> StoreResult<ReportRecord> {
    let now = crate::now();
    let period = content.period;
    let model = Entity::insert(implementation_report::ActiveModel {
        id: Set(Uuid::now_v7()),
        passport_id: Set(passport_id),
        organisation_id: Set(written.organisation_id),
        period_year: Set(period.year),
        period_quarter: Set(quarter_column(period)),
        revision: Set(written.revision),
        status: Set(written.status.as_str().into()),
        content: Set(serde_json::to_string(content)?),
        return_reason: Set(None),
        resubmit_by: Set(None),
        created_by: Set(actor.sub.clone()),
        decided_by: Set((written.status == ReportStatus::Accepted).then(|| actor.sub.clone())),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set((written.status == ReportStatus::Accepted).then_some(now)),
    })
    .exec_with_returning(conn)
    .await
    .map_err(|e| StoreError::unique(e, "another report for this period was written at the same time"))?;
    to_record(model)
}

/// A project's accepted reports, the newest revision of each period, oldest period first.
pub async fn accepted<C: ConnectionTrait>(conn: &C, passport_id: Uuid) -> StoreResult<Vec<ReportContent>> {
    let reports: Vec<ReportRecord> =
        for_passport(conn, passport_id).await?.into_iter().filter(|r| r.status == ReportStatus::Accepted).collect();
    Ok(portfel_monitoring::records::accepted(&reports))
}

/// Records the financing and progress DREAM holds for a project's periods as
/// accepted reports (they were accepted where they were entered): a period's
/// next revision over its accepted report, whose other content is kept, when
/// the figures differ. Periods with a report still open in Portfel are left
/// to it.
pub async fn record_from_dream<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    passport_id: Uuid,
    organisation_id: Uuid,
    facts: &[ReportContent],
) -> StoreResult<()> {
    let held = for_passport(conn, passport_id).await?;
    for (revision, content) in facts.iter().filter_map(|fact| reporting::from_dream(&held, fact)) {
        let new = Written { organisation_id, revision, status: ReportStatus::Accepted };
        let record = insert(conn, actor, passport_id, new, &content).await?;
        audit::created(conn, actor, "report.import", "report", record.id.to_string(), &record).await?;
    }
    Ok(())
}

/// Replaces the content of a draft or returned report at `expected_version`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    content: &ReportContent,
) -> StoreResult<ReportRecord> {
    let txn = crate::begin_write(db).await?;
    let text = serde_json::to_string(content)?;
    let guard = Guard { action: "report.update", id, expected_version };
    let after = update_audited(&txn, actor, guard, |before: &ReportRecord| {
        reporting::check_update(before, content)?;
        Ok(implementation_report::ActiveModel { content: Set(text), ..Default::default() })
    })
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Submits, accepts or returns (why, perhaps to come back by a day) a report at `expected_version`.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    action: ReportAction,
    returned: Option<Return<'_>>,
) -> StoreResult<ReportRecord> {
    let txn = crate::begin_write(db).await?;
    let name = step_action("report", action);
    let guard = Guard { action: &name, id, expected_version };
    let after = update_audited(&txn, actor, guard, |before: &ReportRecord| {
        let to = reporting::step(before.status, action)?;
        Ok(report_step!(implementation_report::ActiveModel, to, action, returned, actor))
    })
    .await?;
    if matches!(action, ReportAction::Accept | ReportAction::Return) {
        let title = crate::passports::get(&txn, after.passport_id).await?.content.title.uk;
        let period = after.content.period.to_string();
        let returned = returned.filter(|_| action == ReportAction::Return);
        let notice = Notice::report_decided(after.id, after.version, after.organisation_id, &period, &title, returned);
        crate::notices::raise(&txn, &notice).await?;
    }
    txn.commit().await?;
    Ok(after)
}

record!(ReportRecord, Entity, Uuid, "report", get, |r| r.version);
