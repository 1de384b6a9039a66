//! `programme_quarters` table: the executive bodies' quarterly reports of programme measures.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_quarters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub programme_id: Uuid,
    pub organisation_id: Uuid,
    pub measure: String,
    pub year: i32,
    pub quarter: i32,
    pub amount: String,
    pub narrative: String,
    pub status: String,
    pub return_reason: Option<String>,
    pub resubmit_by: Option<Date>,
    pub submitted_by: String,
    pub submitted_at: DateTimeUtc,
    pub reviewed_by: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

super::without_relations!();

crate::versioned::versioned!(Id);
