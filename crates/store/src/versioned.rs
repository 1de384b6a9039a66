//! The version-guarded write of one row: it changes only while it is still
//! at the version the writer read; its version then goes up by one and its
//! modification time is stamped.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Value};

use crate::{StoreError, StoreResult};

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
        impl crate::versioned::Versioned for Entity {
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
