//! Leases: one replica at a time runs a scheduled job. A holder takes the
//! job's lease until a time; another may take it only once that has passed.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

use crate::StoreResult;
use crate::entity::lease::{self, Column, Entity};

/// Takes (or renews) the lease `name` for `holder` until `until`, unless
/// another holder's lease runs past `now`; true when `holder` has it.
pub async fn acquire(
    db: &DatabaseConnection,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<bool> {
    let txn = crate::begin_write(db).await?;
    let row = lease::ActiveModel { name: Set(name.to_owned()), holder: Set(holder.to_owned()), until: Set(until) };
    Entity::insert(row).on_conflict_do_nothing_on([Column::Name]).exec(&txn).await?;
    let taken = Entity::update_many()
        .col_expr(Column::Holder, Expr::value(holder))
        .col_expr(Column::Until, Expr::value(until))
        .filter(Column::Name.eq(name))
        .filter(Condition::any().add(Column::Holder.eq(holder)).add(Column::Until.lt(now)))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(taken.rows_affected == 1)
}
