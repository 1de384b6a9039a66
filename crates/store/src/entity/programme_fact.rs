//! `programme_facts` table: the yearly fact of each programme measure.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_facts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub measure: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub amount: String,
    pub narrative: String,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
}

super::without_relations!();
