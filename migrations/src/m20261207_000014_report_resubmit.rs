//! The day a returned implementation, quarterly programme or completion
//! report is to come back by (as passports have had since migration 13);
//! an index on the event a notification tells of, which every new notice
//! reads to tell each person of an event once; and one on the users'
//! organisation, by which a notice finds the people it concerns.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::date_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ImplementationReports {
    Table,
}

#[derive(DeriveIden)]
enum ProgrammeQuarters {
    Table,
}

#[derive(DeriveIden)]
enum CompletionReports {
    Table,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    EventKey,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    OrganisationId,
}

#[derive(DeriveIden)]
enum Column {
    ResubmitBy,
}

/// The three report tables, each given the column.
fn tables() -> [DynIden; 3] {
    [
        ImplementationReports::Table.into_iden(),
        ProgrammeQuarters::Table.into_iden(),
        CompletionReports::Table.into_iden(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            let column = date_null(Column::ResubmitBy);
            manager.alter_table(Table::alter().table(table).add_column(column).to_owned()).await?;
        }
        let index = Index::create()
            .name("notifications_event")
            .table(Notifications::Table)
            .col(Notifications::EventKey)
            .to_owned();
        manager.create_index(index).await?;
        let index =
            Index::create().name("users_organisation").table(Users::Table).col(Users::OrganisationId).to_owned();
        manager.create_index(index).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("users_organisation").table(Users::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("notifications_event").table(Notifications::Table).to_owned()).await?;
        for table in tables() {
            let mut drop = Table::alter();
            drop.table(table).drop_column(Column::ResubmitBy);
            manager.alter_table(drop).await?;
        }
        Ok(())
    }
}
