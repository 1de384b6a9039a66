//! `council_documents` table: portfolio and plan versions.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "council_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub number: i32,
    pub previous_id: Option<Uuid>,
    pub status: String,
    pub content: String,
    pub decision_number: Option<String>,
    pub decision_date: Option<Date>,
    pub meeting_on: Option<Date>,
    pub comment: Option<String>,
    pub approved_by: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

super::without_relations!();

crate::versioned::versioned!(Id);
