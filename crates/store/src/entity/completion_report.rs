//! `completion_reports` table: a project's completion report, one per project.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "completion_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub passport_id: Uuid,
    pub organisation_id: Uuid,
    pub status: String,
    pub content: String,
    pub return_reason: Option<String>,
    pub resubmit_by: Option<Date>,
    pub created_by: String,
    pub decided_by: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
}

super::without_relations!();

crate::versioned::versioned!(Id);
