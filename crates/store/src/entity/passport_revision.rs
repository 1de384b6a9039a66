//! `passport_revisions` table.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passport_revisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub passport_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub revision: i32,
    pub status: String,
    pub content: String,
    pub author: String,
    pub created_at: DateTimeUtc,
}

super::without_relations!();
