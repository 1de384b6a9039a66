//! Programme history and quarterly programme reporting: every version of a
//! programme (the approval, then each amendment with its decision), and the
//! executive bodies' quarterly reports of their measures.
//!
//! Each programme already stored becomes its own first version.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, string, string_null, text, text_null, timestamp_with_time_zone, uuid};
use sea_orm_migration::sea_orm;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProgrammeVersions {
    Table,
    ProgrammeId,
    Number,
    Content,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum ProgrammeQuarters {
    Table,
    Id,
    ProgrammeId,
    OrganisationId,
    Measure,
    Year,
    Quarter,
    Amount,
    Narrative,
    Status,
    ReturnReason,
    SubmittedBy,
    SubmittedAt,
    ReviewedBy,
    Version,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ProgrammeVersions as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(uuid(V::ProgrammeId))
                    .col(integer(V::Number))
                    .col(text(V::Content))
                    .col(string(V::RecordedBy))
                    .col(timestamp_with_time_zone(V::RecordedAt))
                    .primary_key(Index::create().col(V::ProgrammeId).col(V::Number))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO programme_versions (programme_id, number, content, recorded_by, recorded_at) \
                 SELECT id, 1, content, '', updated_at FROM programmes",
            )
            .await?;
        use ProgrammeQuarters as Q;
        manager
            .create_table(
                Table::create()
                    .table(Q::Table)
                    .col(uuid(Q::Id).primary_key())
                    .col(uuid(Q::ProgrammeId))
                    .col(uuid(Q::OrganisationId))
                    .col(string(Q::Measure))
                    .col(integer(Q::Year))
                    .col(integer(Q::Quarter))
                    .col(string(Q::Amount))
                    .col(text(Q::Narrative))
                    .col(string(Q::Status))
                    .col(text_null(Q::ReturnReason))
                    .col(string(Q::SubmittedBy))
                    .col(timestamp_with_time_zone(Q::SubmittedAt))
                    .col(string_null(Q::ReviewedBy))
                    .col(integer(Q::Version))
                    .col(timestamp_with_time_zone(Q::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("programme_quarters_one_per_quarter")
                    .table(Q::Table)
                    .col(Q::ProgrammeId)
                    .col(Q::Measure)
                    .col(Q::Year)
                    .col(Q::Quarter)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ProgrammeQuarters::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ProgrammeVersions::Table).to_owned()).await
    }
}
