//! `passports` table.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub status: String,
    pub title: String,
    pub sector: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub search_text: String,
    pub content: String,
    pub revision: i32,
    pub version: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub resubmit_by: Option<Date>,
    pub total_cost: Option<String>,
    pub score: Option<String>,
    pub rank: Option<i32>,
}

super::without_relations!();

crate::versioned::versioned!(Id);
