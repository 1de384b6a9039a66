//! Completion report rows as records, read by the completion workflow and
//! by the passport lifecycle (which closes a project only with one accepted).

use portfel_monitoring::completion::CompletionRecord;
use portfel_monitoring::report::ReportStatus;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entity::completion_report::{Column, Entity, Model};
use crate::{StoreError, StoreResult};

/// The record of a stored row.
pub(crate) fn to_record(m: Model) -> StoreResult<CompletionRecord> {
    let status = ReportStatus::parse(&m.status)
        .ok_or_else(|| StoreError::Corrupt(format!("completion status {:?}", m.status)))?;
    Ok(CompletionRecord {
        id: m.id,
        passport_id: m.passport_id,
        organisation_id: m.organisation_id,
        status,
        return_reason: m.return_reason,
        resubmit_by: m.resubmit_by,
        created_by: m.created_by,
        decided_by: m.decided_by,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        submitted_at: m.submitted_at,
        content: serde_json::from_str(&m.content)?,
    })
}

/// A project's completion report, if it has one.
pub async fn of_passport<C: ConnectionTrait>(conn: &C, passport_id: Uuid) -> StoreResult<Option<CompletionRecord>> {
    Entity::find().filter(Column::PassportId.eq(passport_id)).one(conn).await?.map(to_record).transpose()
}
