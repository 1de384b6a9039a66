//! The version-guarded update, written once: a row changes only while it is
//! still at the version the writer read, its version then goes up by one and
//! its modification time is stamped; a row that moved on meanwhile is a
//! [`StoreError::VersionMismatch`]. [`update_audited`] adds the whole
//! protocol around it: read, check, write, re-read, audit.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Value};
use serde::Serialize;

use crate::{Actor, StoreError, StoreResult, audit};

/// An entity whose rows carry an id, a concurrency version and a modification time.
pub(crate) trait Versioned: EntityTrait {
    /// The identifying column.
    const ID: Self::Column;
    /// The concurrency version.
    const VERSION: Self::Column;
    /// The modification time.
    const UPDATED_AT: Self::Column;
}

/// Implements [`Versioned`] for the `Entity` of an entity module whose
/// version and modification time are `version` and `updated_at`, naming its id column.
macro_rules! versioned {
    ($id:ident) => {
        impl crate::guarded::Versioned for Entity {
            const ID: Column = Column::$id;
            const VERSION: Column = Column::Version;
            const UPDATED_AT: Column = Column::UpdatedAt;
        }
    };
}
pub(crate) use versioned;

/// Writes `changes` to row `id` if it is at `expected_version`, raising the
/// version by one and stamping the modification time. `duplicate` describes
/// a unique value the change would take from another row.
pub(crate) async fn update_row<E: Versioned, C: ConnectionTrait>(
    conn: &C,
    id: impl Into<Value>,
    expected_version: i32,
    changes: E::ActiveModel,
    duplicate: &str,
) -> StoreResult<()> {
    let result = E::update_many()
        .set(changes)
        .col_expr(E::VERSION, Expr::value(expected_version + 1))
        .col_expr(E::UPDATED_AT, Expr::value(crate::now()))
        .filter(E::ID.eq(id))
        .filter(E::VERSION.eq(expected_version))
        .exec(conn)
        .await
        .map_err(|e| StoreError::unique(e, duplicate))?;
    crate::check_updated(result.rows_affected, expected_version)
}

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
