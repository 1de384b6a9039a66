//! `programme_versions` table: every version of a programme, the approval first.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i32,
    pub content: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

super::without_relations!();
