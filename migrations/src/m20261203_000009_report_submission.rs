//! The day each implementation report was last submitted: the deviation
//! rules judge a day on the reports that counted by then.
//!
//! Reports already submitted or accepted take the time of their last change
//! (their acceptance, for accepted ones): no earlier time is recorded on
//! them, and it is never before their submission.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::timestamp_with_time_zone_null;
use sea_orm_migration::sea_orm;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ImplementationReports {
    Table,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = timestamp_with_time_zone_null(ImplementationReports::SubmittedAt);
        manager.alter_table(Table::alter().table(ImplementationReports::Table).add_column(column).to_owned()).await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE implementation_reports SET submitted_at = updated_at WHERE status IN ('submitted', 'accepted')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut drop = Table::alter();
        drop.table(ImplementationReports::Table).drop_column(ImplementationReports::SubmittedAt);
        manager.alter_table(drop).await?;
        Ok(())
    }
}
