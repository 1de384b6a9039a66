//! The end of the cycle: a project's completion report (one per project,
//! written by its initiator and accepted by the PIM unit) and its ex-post
//! evaluation (one per project, frozen once signed off).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, string, string_null, text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null, uuid,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CompletionReports {
    Table,
    Id,
    PassportId,
    OrganisationId,
    Status,
    Content,
    ReturnReason,
    CreatedBy,
    DecidedBy,
    Version,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum ExpostEvaluations {
    Table,
    Id,
    PassportId,
    Status,
    Form,
    Content,
    CreatedBy,
    SignedBy,
    SignedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CompletionReports as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(uuid(C::Id).primary_key())
                    .col(uuid(C::PassportId).unique_key())
                    .col(uuid(C::OrganisationId))
                    .col(string(C::Status))
                    .col(text(C::Content))
                    .col(text_null(C::ReturnReason))
                    .col(string(C::CreatedBy))
                    .col(string_null(C::DecidedBy))
                    .col(integer(C::Version))
                    .col(timestamp_with_time_zone(C::CreatedAt))
                    .col(timestamp_with_time_zone(C::UpdatedAt))
                    .col(timestamp_with_time_zone_null(C::SubmittedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("completion_reports_status").table(C::Table).col(C::Status).to_owned())
            .await?;
        use ExpostEvaluations as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(uuid(E::Id).primary_key())
                    .col(uuid(E::PassportId).unique_key())
                    .col(string(E::Status))
                    .col(text(E::Form))
                    .col(text(E::Content))
                    .col(string(E::CreatedBy))
                    .col(string_null(E::SignedBy))
                    .col(timestamp_with_time_zone_null(E::SignedAt))
                    .col(integer(E::Version))
                    .col(timestamp_with_time_zone(E::CreatedAt))
                    .col(timestamp_with_time_zone(E::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ExpostEvaluations::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(CompletionReports::Table).to_owned()).await
    }
}
