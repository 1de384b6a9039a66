//! `expost_evaluations` table: a project's ex-post evaluation, one per project.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expost_evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub passport_id: Uuid,
    pub status: String,
    /// The conclusion's form, as JSON, fixed when the evaluation began.
    pub form: String,
    pub content: String,
    pub created_by: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

super::without_relations!();

crate::versioned::versioned!(Id);
