//! DREAM links (which passport is which DREAM project, with the last document
//! seen), sync checkpoints, and an index for the change feed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string, string_null, text, timestamp_with_time_zone, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DreamLinks {
    Table,
    PassportId,
    DreamId,
    Code,
    Document,
    DreamUpdated,
    ImportedAt,
}

#[derive(DeriveIden)]
enum SyncCheckpoints {
    Table,
    Name,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Passports {
    Table,
    UpdatedAt,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DreamLinks::Table)
                    .col(uuid(DreamLinks::PassportId).primary_key())
                    .col(string(DreamLinks::DreamId).unique_key())
                    .col(string_null(DreamLinks::Code))
                    .col(text(DreamLinks::Document))
                    .col(timestamp_with_time_zone(DreamLinks::DreamUpdated))
                    .col(timestamp_with_time_zone(DreamLinks::ImportedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SyncCheckpoints::Table)
                    .col(string(SyncCheckpoints::Name).primary_key())
                    .col(text(SyncCheckpoints::Value))
                    .col(timestamp_with_time_zone(SyncCheckpoints::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_passports_updated")
                    .table(Passports::Table)
                    .col(Passports::UpdatedAt)
                    .col(Passports::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_passports_updated").table(Passports::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(SyncCheckpoints::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(DreamLinks::Table).to_owned()).await
    }
}
