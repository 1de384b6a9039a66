//! Expert evaluation: methodologies, evaluation rounds, projects in rounds,
//! expert assignments with their scores.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean_null, date, integer, string, string_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Methodologies {
    Table,
    Id,
    Name,
    Number,
    PreviousId,
    Status,
    Definition,
    Version,
    CreatedAt,
    UpdatedAt,
    ApprovedAt,
    ApprovedBy,
}

#[derive(DeriveIden)]
enum EvaluationRounds {
    Table,
    Id,
    Name,
    MethodologyId,
    Deadline,
    Status,
    Results,
    Version,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum RoundProjects {
    Table,
    RoundId,
    PassportId,
    Screening,
    Eligible,
    Consensus,
    AddedAt,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    RoundId,
    PassportId,
    Expert,
    Status,
    ConflictNote,
    Scores,
    SubmittedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Methodologies::Table)
                    .col(uuid(Methodologies::Id).primary_key())
                    .col(string(Methodologies::Name))
                    .col(integer(Methodologies::Number))
                    .col(uuid_null(Methodologies::PreviousId))
                    .col(string(Methodologies::Status))
                    .col(text(Methodologies::Definition))
                    .col(integer(Methodologies::Version))
                    .col(timestamp_with_time_zone(Methodologies::CreatedAt))
                    .col(timestamp_with_time_zone(Methodologies::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Methodologies::ApprovedAt))
                    .col(string_null(Methodologies::ApprovedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EvaluationRounds::Table)
                    .col(uuid(EvaluationRounds::Id).primary_key())
                    .col(string(EvaluationRounds::Name))
                    .col(uuid(EvaluationRounds::MethodologyId))
                    .col(date(EvaluationRounds::Deadline))
                    .col(string(EvaluationRounds::Status))
                    .col(text_null(EvaluationRounds::Results))
                    .col(integer(EvaluationRounds::Version))
                    .col(timestamp_with_time_zone(EvaluationRounds::CreatedAt))
                    .col(timestamp_with_time_zone(EvaluationRounds::UpdatedAt))
                    .col(timestamp_with_time_zone_null(EvaluationRounds::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EvaluationRounds::Table, EvaluationRounds::MethodologyId)
                            .to(Methodologies::Table, Methodologies::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoundProjects::Table)
                    .col(uuid(RoundProjects::RoundId))
                    .col(uuid(RoundProjects::PassportId))
                    .col(text_null(RoundProjects::Screening))
                    .col(boolean_null(RoundProjects::Eligible))
                    .col(text(RoundProjects::Consensus))
                    .col(timestamp_with_time_zone(RoundProjects::AddedAt))
                    .primary_key(Index::create().col(RoundProjects::RoundId).col(RoundProjects::PassportId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoundProjects::Table, RoundProjects::RoundId)
                            .to(EvaluationRounds::Table, EvaluationRounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .col(uuid(Assignments::RoundId))
                    .col(uuid(Assignments::PassportId))
                    .col(string(Assignments::Expert))
                    .col(string(Assignments::Status))
                    .col(text_null(Assignments::ConflictNote))
                    .col(text(Assignments::Scores))
                    .col(timestamp_with_time_zone_null(Assignments::SubmittedAt))
                    .col(timestamp_with_time_zone(Assignments::UpdatedAt))
                    .primary_key(
                        Index::create().col(Assignments::RoundId).col(Assignments::PassportId).col(Assignments::Expert),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assignments::Table, Assignments::RoundId)
                            .to(EvaluationRounds::Table, EvaluationRounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_assignments_expert")
                    .table(Assignments::Table)
                    .col(Assignments::Expert)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Assignments::Table.into_iden(),
            RoundProjects::Table.into_iden(),
            EvaluationRounds::Table.into_iden(),
            Methodologies::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
