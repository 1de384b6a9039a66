//! Implementation monitoring: projects' implementation reports per period
//! (revisions: an accepted report is corrected by a new one), local target
//! programmes, and the yearly fact of each programme measure.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string, string_null, text, text_null, timestamp_with_time_zone, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ImplementationReports {
    Table,
    Id,
    PassportId,
    OrganisationId,
    PeriodYear,
    PeriodQuarter,
    Revision,
    Status,
    Content,
    ReturnReason,
    CreatedBy,
    DecidedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Programmes {
    Table,
    Id,
    Content,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProgrammeFacts {
    Table,
    ProgrammeId,
    Measure,
    Year,
    Amount,
    Narrative,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ImplementationReports as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(uuid(R::Id).primary_key())
                    .col(uuid(R::PassportId))
                    .col(uuid(R::OrganisationId))
                    .col(integer(R::PeriodYear))
                    .col(integer(R::PeriodQuarter))
                    .col(integer(R::Revision))
                    .col(string(R::Status))
                    .col(text(R::Content))
                    .col(text_null(R::ReturnReason))
                    .col(string(R::CreatedBy))
                    .col(string_null(R::DecidedBy))
                    .col(integer(R::Version))
                    .col(timestamp_with_time_zone(R::CreatedAt))
                    .col(timestamp_with_time_zone(R::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("implementation_reports_period_revision")
                    .table(R::Table)
                    .col(R::PassportId)
                    .col(R::PeriodYear)
                    .col(R::PeriodQuarter)
                    .col(R::Revision)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Programmes::Table)
                    .col(uuid(Programmes::Id).primary_key())
                    .col(text(Programmes::Content))
                    .col(integer(Programmes::Version))
                    .col(timestamp_with_time_zone(Programmes::CreatedAt))
                    .col(timestamp_with_time_zone(Programmes::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        use ProgrammeFacts as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(uuid(F::ProgrammeId))
                    .col(string(F::Measure))
                    .col(integer(F::Year))
                    .col(string(F::Amount))
                    .col(text(F::Narrative))
                    .col(string(F::UpdatedBy))
                    .col(timestamp_with_time_zone(F::UpdatedAt))
                    .primary_key(Index::create().col(F::ProgrammeId).col(F::Measure).col(F::Year))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ProgrammeFacts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Programmes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ImplementationReports::Table).to_owned()).await
    }
}
