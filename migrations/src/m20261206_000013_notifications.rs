//! Notifications: the outbox every event writes to in its own transaction,
//! read as each person's inbox and delivered by e-mail; each user's choice
//! of how to be told (`each`, `digest` or `none`); leases, so one replica
//! at a time runs a scheduled job (the reminders); the day a returned
//! passport is to come back by; and the day of the council meeting a
//! submitted portfolio or plan version is on the agenda of.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    date_null, integer, string, string_len, text, text_null, timestamp_with_time_zone, timestamp_with_time_zone_null,
    uuid,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    Recipient,
    Kind,
    EventKey,
    Title,
    Body,
    Link,
    CreatedAt,
    ReadAt,
    Mail,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    SentAt,
    LastError,
}

#[derive(DeriveIden)]
enum Leases {
    Table,
    Name,
    Holder,
    Until,
}

#[derive(DeriveIden)]
enum Passports {
    Table,
    ResubmitBy,
}

#[derive(DeriveIden)]
enum CouncilDocuments {
    Table,
    MeetingOn,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Delivery,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Notifications as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .col(uuid(N::Id).primary_key())
                    .col(string(N::Recipient))
                    .col(string(N::Kind))
                    .col(string(N::EventKey))
                    .col(text(N::Title))
                    .col(text(N::Body))
                    .col(string(N::Link))
                    .col(timestamp_with_time_zone(N::CreatedAt))
                    .col(timestamp_with_time_zone_null(N::ReadAt))
                    .col(string(N::Mail))
                    .col(integer(N::Attempts))
                    .col(timestamp_with_time_zone_null(N::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(N::ClaimedUntil))
                    .col(timestamp_with_time_zone_null(N::SentAt))
                    .col(text_null(N::LastError))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("notifications_once")
                    .table(N::Table)
                    .col(N::Recipient)
                    .col(N::EventKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("notifications_mail").table(N::Table).col(N::Mail).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Leases::Table)
                    .col(string(Leases::Name).primary_key())
                    .col(string(Leases::Holder))
                    .col(timestamp_with_time_zone(Leases::Until))
                    .to_owned(),
            )
            .await?;
        let meeting = date_null(CouncilDocuments::MeetingOn);
        manager.alter_table(Table::alter().table(CouncilDocuments::Table).add_column(meeting).to_owned()).await?;
        let back_by = date_null(Passports::ResubmitBy);
        manager.alter_table(Table::alter().table(Passports::Table).add_column(back_by).to_owned()).await?;
        let delivery = string_len(Users::Delivery, 8).default("each").to_owned();
        manager.alter_table(Table::alter().table(Users::Table).add_column(delivery).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut drop = Table::alter();
        drop.table(Users::Table).drop_column(Users::Delivery);
        manager.alter_table(drop).await?;
        let mut drop = Table::alter();
        drop.table(Passports::Table).drop_column(Passports::ResubmitBy);
        manager.alter_table(drop).await?;
        let mut drop = Table::alter();
        drop.table(CouncilDocuments::Table).drop_column(CouncilDocuments::MeetingOn);
        manager.alter_table(drop).await?;
        manager.drop_table(Table::drop().table(Leases::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Notifications::Table).to_owned()).await
    }
}
