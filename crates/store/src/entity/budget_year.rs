//! `budget_years` table.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_years")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub status: String,
    pub investment_ceiling: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

super::without_relations!();

crate::versioned::versioned!(Year);
