//! Portfolio and plan versions that go through the investment council.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    date_null, integer, string, string_null, text, text_null, timestamp_with_time_zone, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CouncilDocuments {
    Table,
    Id,
    Kind,
    Number,
    PreviousId,
    Status,
    Content,
    DecisionNumber,
    DecisionDate,
    Comment,
    ApprovedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CouncilDocuments::Table)
                    .col(uuid(CouncilDocuments::Id).primary_key())
                    .col(string(CouncilDocuments::Kind))
                    .col(integer(CouncilDocuments::Number))
                    .col(uuid_null(CouncilDocuments::PreviousId))
                    .col(string(CouncilDocuments::Status))
                    .col(text(CouncilDocuments::Content))
                    .col(string_null(CouncilDocuments::DecisionNumber))
                    .col(date_null(CouncilDocuments::DecisionDate))
                    .col(text_null(CouncilDocuments::Comment))
                    .col(string_null(CouncilDocuments::ApprovedBy))
                    .col(integer(CouncilDocuments::Version))
                    .col(timestamp_with_time_zone(CouncilDocuments::CreatedAt))
                    .col(timestamp_with_time_zone(CouncilDocuments::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_council_documents_kind")
                    .table(CouncilDocuments::Table)
                    .col(CouncilDocuments::Kind)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CouncilDocuments::Table).to_owned()).await
    }
}
