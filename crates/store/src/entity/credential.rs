//! `credentials` table.

use sea_orm::entity::prelude::*;

#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sub: String,
    pub password_hash: String,
    pub updated_at: DateTimeUtc,
}

super::without_relations!();
