//! `assignments` table: an expert on a project in a round, with the expert's scores.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub passport_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub expert: String,
    pub status: String,
    pub conflict_note: Option<String>,
    pub scores: String,
    pub submitted_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

super::without_relations!();
