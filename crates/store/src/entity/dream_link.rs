//! `dream_links` table.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dream_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub passport_id: Uuid,
    pub dream_id: String,
    pub code: Option<String>,
    pub document: String,
    pub dream_updated: DateTimeUtc,
    pub imported_at: DateTimeUtc,
}

super::without_relations!();
