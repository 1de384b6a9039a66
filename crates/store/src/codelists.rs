//! Codelists in the database, refreshed from the embedded DREAM CSVs at start.

use portfel_domain::{Codelist, CodelistEntry, Codelists};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use crate::StoreResult;
use crate::entity::codelist_entry::{self, Column, Entity};

/// Replaces the stored codelists with the embedded ones, in one transaction.
pub async fn refresh(db: &DatabaseConnection) -> StoreResult<()> {
    let txn = crate::begin_write(db).await?;
    Entity::delete_many().exec(&txn).await?;
    let codes = Codelists::embedded();
    for list in Codelist::ALL {
        let rows = codes.entries(list).iter().enumerate().map(|(i, e)| codelist_entry::ActiveModel {
            list: Set(list.name().to_owned()),
            code: Set(e.code.clone()),
            label_uk: Set(e.label_uk.clone()),
            label_en: Set(e.label_en.clone()),
            position: Set(i as i32),
        });
        Entity::insert_many(rows).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Entries of one list, in DREAM's order.
pub async fn entries<C: ConnectionTrait>(conn: &C, list: Codelist) -> StoreResult<Vec<CodelistEntry>> {
    Ok(Entity::find()
        .filter(Column::List.eq(list.name()))
        .order_by_asc(Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| CodelistEntry { code: m.code, label_uk: m.label_uk, label_en: m.label_en })
        .collect())
}
