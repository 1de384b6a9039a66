//! `round_projects` table.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "round_projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub passport_id: Uuid,
    pub screening: Option<String>,
    pub eligible: Option<bool>,
    pub consensus: String,
    pub added_at: DateTimeUtc,
}

super::without_relations!();
