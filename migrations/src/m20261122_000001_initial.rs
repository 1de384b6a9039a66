//! Foundation schema: reference data, passports with revisions, audit log,
//! idempotency records.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, date_null, integer, integer_null, string, string_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    Edrpou,
    Kind,
    Version,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Sub,
    FullName,
    OrganisationId,
    Roles,
    Email,
    Version,
}

#[derive(DeriveIden)]
enum StrategyDocuments {
    Table,
    Id,
    Kind,
    Title,
    ApprovedBy,
    ApprovedOn,
    PeriodStart,
    PeriodEnd,
    Version,
}

#[derive(DeriveIden)]
enum StrategyGoals {
    Table,
    Id,
    DocumentId,
    ParentId,
    Level,
    Code,
    Title,
    Version,
}

#[derive(DeriveIden)]
enum BudgetYears {
    Table,
    Year,
    Status,
    InvestmentCeiling,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CodelistEntries {
    Table,
    List,
    Code,
    LabelUk,
    LabelEn,
    Position,
}

#[derive(DeriveIden)]
enum Passports {
    Table,
    Id,
    OrganisationId,
    Status,
    Title,
    Sector,
    StartYear,
    EndYear,
    SearchText,
    Content,
    Revision,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum PassportRevisions {
    Table,
    PassportId,
    Revision,
    Status,
    Content,
    Author,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    Actor,
    ActorOrganisation,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    Reason,
    RequestId,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Actor,
    Key,
    RequestHash,
    StatusCode,
    Response,
    CreatedAt,
}

fn timestamps(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone(Alias::new("created_at"))).col(timestamp_with_time_zone(Alias::new("updated_at")))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                timestamps(
                    Table::create()
                        .table(Organisations::Table)
                        .col(uuid(Organisations::Id).primary_key())
                        .col(string(Organisations::Name))
                        .col(string(Organisations::Edrpou).unique_key())
                        .col(string(Organisations::Kind))
                        .col(integer(Organisations::Version)),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                timestamps(
                    Table::create()
                        .table(Users::Table)
                        .col(uuid(Users::Id).primary_key())
                        .col(string(Users::Sub).unique_key())
                        .col(string(Users::FullName))
                        .col(uuid(Users::OrganisationId))
                        .col(string(Users::Roles))
                        .col(string_null(Users::Email))
                        .col(integer(Users::Version))
                        .foreign_key(
                            ForeignKey::create()
                                .from(Users::Table, Users::OrganisationId)
                                .to(Organisations::Table, Organisations::Id),
                        ),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                timestamps(
                    Table::create()
                        .table(StrategyDocuments::Table)
                        .col(uuid(StrategyDocuments::Id).primary_key())
                        .col(string(StrategyDocuments::Kind))
                        .col(text(StrategyDocuments::Title))
                        .col(string_null(StrategyDocuments::ApprovedBy))
                        .col(date_null(StrategyDocuments::ApprovedOn))
                        .col(integer(StrategyDocuments::PeriodStart))
                        .col(integer(StrategyDocuments::PeriodEnd))
                        .col(integer(StrategyDocuments::Version)),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                timestamps(
                    Table::create()
                        .table(StrategyGoals::Table)
                        .col(uuid(StrategyGoals::Id).primary_key())
                        .col(uuid(StrategyGoals::DocumentId))
                        .col(uuid_null(StrategyGoals::ParentId))
                        .col(string(StrategyGoals::Level))
                        .col(string(StrategyGoals::Code))
                        .col(text(StrategyGoals::Title))
                        .col(integer(StrategyGoals::Version))
                        .foreign_key(
                            ForeignKey::create()
                                .from(StrategyGoals::Table, StrategyGoals::DocumentId)
                                .to(StrategyDocuments::Table, StrategyDocuments::Id),
                        )
                        .index(Index::create().unique().col(StrategyGoals::DocumentId).col(StrategyGoals::Code)),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetYears::Table)
                    .col(integer(BudgetYears::Year).primary_key())
                    .col(string(BudgetYears::Status))
                    .col(string_null(BudgetYears::InvestmentCeiling))
                    .col(integer(BudgetYears::Version))
                    .col(timestamp_with_time_zone(BudgetYears::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CodelistEntries::Table)
                    .col(string(CodelistEntries::List))
                    .col(string(CodelistEntries::Code))
                    .col(text(CodelistEntries::LabelUk))
                    .col(text(CodelistEntries::LabelEn))
                    .col(integer(CodelistEntries::Position))
                    .primary_key(Index::create().col(CodelistEntries::List).col(CodelistEntries::Code))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Passports::Table)
                    .col(uuid(Passports::Id).primary_key())
                    .col(uuid(Passports::OrganisationId))
                    .col(string(Passports::Status))
                    .col(text(Passports::Title))
                    .col(string_null(Passports::Sector))
                    .col(integer_null(Passports::StartYear))
                    .col(integer_null(Passports::EndYear))
                    .col(text(Passports::SearchText))
                    .col(text(Passports::Content))
                    .col(integer(Passports::Revision))
                    .col(integer(Passports::Version))
                    .col(string(Passports::CreatedBy))
                    .col(timestamp_with_time_zone(Passports::CreatedAt))
                    .col(timestamp_with_time_zone(Passports::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Passports::SubmittedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Passports::Table, Passports::OrganisationId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in
            [("idx_passports_status", Passports::Status), ("idx_passports_organisation", Passports::OrganisationId)]
        {
            manager.create_index(Index::create().name(name).table(Passports::Table).col(column).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PassportRevisions::Table)
                    .col(uuid(PassportRevisions::PassportId))
                    .col(integer(PassportRevisions::Revision))
                    .col(string(PassportRevisions::Status))
                    .col(text(PassportRevisions::Content))
                    .col(string(PassportRevisions::Author))
                    .col(timestamp_with_time_zone(PassportRevisions::CreatedAt))
                    .primary_key(Index::create().col(PassportRevisions::PassportId).col(PassportRevisions::Revision))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PassportRevisions::Table, PassportRevisions::PassportId)
                            .to(Passports::Table, Passports::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_integer(AuditEvents::Id).primary_key().auto_increment())
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(string(AuditEvents::Actor))
                    .col(uuid_null(AuditEvents::ActorOrganisation))
                    .col(string(AuditEvents::Action))
                    .col(string(AuditEvents::EntityType))
                    .col(string(AuditEvents::EntityId))
                    .col(text_null(AuditEvents::Before))
                    .col(text_null(AuditEvents::After))
                    .col(text_null(AuditEvents::Reason))
                    .col(string_null(AuditEvents::RequestId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_entity")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::EntityType)
                    .col(AuditEvents::EntityId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(string(IdempotencyKeys::Actor))
                    .col(string(IdempotencyKeys::Key))
                    .col(string(IdempotencyKeys::RequestHash))
                    .col(integer_null(IdempotencyKeys::StatusCode))
                    .col(text_null(IdempotencyKeys::Response))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .primary_key(Index::create().col(IdempotencyKeys::Actor).col(IdempotencyKeys::Key))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKeys::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            PassportRevisions::Table.into_iden(),
            Passports::Table.into_iden(),
            CodelistEntries::Table.into_iden(),
            BudgetYears::Table.into_iden(),
            StrategyGoals::Table.into_iden(),
            StrategyDocuments::Table.into_iden(),
            Users::Table.into_iden(),
            Organisations::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
