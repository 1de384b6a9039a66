//! The audited version-guarded update, written once: [`update_audited`]
//! reads a record, checks it, writes the row only while it is at the version
//! the writer read ([`update_row`]; a row that moved on meanwhile is a
//! [`crate::StoreError::VersionMismatch`]), reads it back and audits the change.

use sea_orm::{ConnectionTrait, EntityTrait, Value};
use serde::Serialize;

use crate::{Actor, StoreResult, audit};

pub(crate) use crate::versioned::{Versioned, update_row};

/// A stored record as the domain sees it, read back after every write.
pub(crate) trait Record: Serialize + Sized {
    /// The entity storing it.
    type Entity: Versioned;
    /// Its identifier.
    type Id: Into<Value> + ToString + Copy;
    /// Kind of resource in the audit log.
    const KIND: &'static str;
    /// What a unique-value conflict means for it.
    const DUPLICATE: &'static str = "a value that must be unique is taken";
    /// Reads it.
    async fn load<C: ConnectionTrait>(conn: &C, id: Self::Id) -> StoreResult<Self>;
    /// Its concurrency version.
    fn version(&self) -> i32;
}

/// Implements [`Record`] for a domain record: its entity, id type, audit
/// kind, the function that reads it, its version, and optionally what a
/// unique-value conflict means.
macro_rules! record {
    ($record:ty, $entity:ty, $id:ty, $kind:literal, $load:path, |$r:ident| $version:expr $(, $duplicate:literal)?) => {
        impl crate::guarded::Record for $record {
            type Entity = $entity;
            type Id = $id;
            const KIND: &'static str = $kind;
            $(const DUPLICATE: &'static str = $duplicate;)?

            async fn load<C: sea_orm::ConnectionTrait>(conn: &C, id: $id) -> crate::StoreResult<Self> {
                $load(conn, id).await
            }

            fn version(&self) -> i32 {
                let $r = self;
                $version
            }
        }
    };
}
pub(crate) use record;

/// Which record a guarded update changes, from which version, as what action.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Guard<'a, Id> {
    /// Audit action, e.g. `organisation.update`.
    pub action: &'a str,
    /// The record.
    pub id: Id,
    /// The version the writer read (`If-Match`).
    pub expected_version: i32,
}

/// Reads the record, checks its version, asks `changes` for the columns to
/// write (which may refuse, seeing the record), writes them guarded, reads the
/// record again and audits before and after, all inside `conn`'s transaction.
pub(crate) async fn update_audited<R: Record, C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    guard: Guard<'_, R::Id>,
    changes: impl FnOnce(&R) -> StoreResult<<R::Entity as EntityTrait>::ActiveModel>,
) -> StoreResult<R> {
    let before = R::load(conn, guard.id).await?;
    crate::check_version(before.version(), guard.expected_version)?;
    let model = changes(&before)?;
    update_row::<R::Entity, C>(conn, guard.id, guard.expected_version, model, R::DUPLICATE).await?;
    let after = R::load(conn, guard.id).await?;
    audit::updated(conn, actor, guard.action, R::KIND, guard.id.to_string(), &before, &after).await?;
    Ok(after)
}

/// The columns a step of a report's workflow (an implementation or a
/// completion report) writes, as the report entity's active model `$model`:
/// the state `$to`, the return's reason and day to come back by (from
/// `$returned`, an `Option<Return>`), who decided, and when it was sent.
macro_rules! report_step {
    ($model:path, $to:expr, $action:expr, $returned:expr, $actor:expr) => {{
        use portfel_monitoring::report::ReportAction;
        let decided = matches!($action, ReportAction::Accept | ReportAction::Return);
        let returned = $returned.filter(|_| $action == ReportAction::Return);
        $model {
            status: sea_orm::ActiveValue::Set($to.as_str().into()),
            return_reason: sea_orm::ActiveValue::Set(returned.map(|r| r.reason.to_owned())),
            resubmit_by: sea_orm::ActiveValue::Set(returned.and_then(|r| r.back_by)),
            decided_by: sea_orm::ActiveValue::Set(decided.then(|| $actor.sub.clone())),
            submitted_at: match $action {
                ReportAction::Submit => sea_orm::ActiveValue::Set(Some(crate::now())),
                _ => sea_orm::ActiveValue::NotSet,
            },
            ..Default::default()
        }
    }};
}
pub(crate) use report_step;

/// The audit action of a report's workflow step: `{kind}.submit`, `.accept`, `.return`.
pub(crate) fn step_action(kind: &str, action: portfel_monitoring::report::ReportAction) -> String {
    use portfel_monitoring::report::ReportAction;
    let step = match action {
        ReportAction::Submit => "submit",
        ReportAction::Accept => "accept",
        ReportAction::Return => "return",
    };
    format!("{kind}.{step}")
}
