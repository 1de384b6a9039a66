//! Attached files: a row per attached file (never changed but to be marked
//! removed, so every earlier version keeps its files), and the content of
//! files kept in the database, in chunks named by the content's SHA-256.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, binary, integer, integer_null, string, string_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    OwnerKind,
    OwnerId,
    Kind,
    Name,
    FileType,
    Size,
    Sha256,
    UploadedBy,
    UploadedAt,
    Replaces,
    FromRevision,
    RemovedAt,
    RemovedBy,
    UntilRevision,
}

#[derive(DeriveIden)]
enum FileChunks {
    Table,
    Key,
    Seq,
    Data,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Attachments as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(uuid(A::Id).primary_key())
                    .col(string(A::OwnerKind))
                    .col(uuid(A::OwnerId))
                    .col(string_null(A::Kind))
                    .col(string(A::Name))
                    .col(string(A::FileType))
                    .col(big_integer(A::Size))
                    .col(string(A::Sha256))
                    .col(string(A::UploadedBy))
                    .col(timestamp_with_time_zone(A::UploadedAt))
                    .col(uuid_null(A::Replaces))
                    .col(integer_null(A::FromRevision))
                    .col(timestamp_with_time_zone_null(A::RemovedAt))
                    .col(string_null(A::RemovedBy))
                    .col(integer_null(A::UntilRevision))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("attachments_by_owner")
                    .table(A::Table)
                    .col(A::OwnerKind)
                    .col(A::OwnerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("attachments_by_content").table(A::Table).col(A::Sha256).to_owned())
            .await?;
        use FileChunks as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(string(C::Key))
                    .col(integer(C::Seq))
                    .col(binary(C::Data))
                    .primary_key(Index::create().col(C::Key).col(C::Seq))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(FileChunks::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Attachments::Table).to_owned()).await
    }
}
