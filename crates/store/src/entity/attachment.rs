//! `attachments` table.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_kind: String,
    pub owner_id: Uuid,
    pub kind: Option<String>,
    pub name: String,
    pub file_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTimeUtc,
    pub replaces: Option<Uuid>,
    pub from_revision: Option<i32>,
    pub removed_at: Option<DateTimeUtc>,
    pub removed_by: Option<String>,
    pub until_revision: Option<i32>,
}

super::without_relations!();
