//! What a passport list shows without reading documents: each passport's
//! total cost, and its score and rank in the latest closed evaluation round.
//! Existing rows are filled from their documents and the rounds' frozen results.

use std::collections::HashMap;

use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer_null, string_null};
use sea_orm_migration::sea_orm;
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

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
    TotalCost,
    Score,
    Rank,
    Version,
    UpdatedAt,
}

/// Indexes holding every column a list page shows, so a page is read from an
/// index alone (the table's rows carry the whole document, and columns added
/// later sit past it): in id order, and in id order within an organisation
/// (what an initiator lists; it replaces the plain organisation index).
const SUMMARY_INDEXES: [(&str, bool); 2] = [("passports_summary", false), ("passports_summary_by_organisation", true)];

/// The index the organisation-ordered summary index replaces.
const ORGANISATION_INDEX: &str = "idx_passports_organisation";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [string_null(Passports::TotalCost), string_null(Passports::Score), integer_null(Passports::Rank)]
        {
            manager.alter_table(Table::alter().table(Passports::Table).add_column(column).to_owned()).await?;
        }
        use Passports as P;
        for (name, by_organisation) in SUMMARY_INDEXES {
            let mut index = Index::create();
            index.name(name).table(P::Table);
            if by_organisation {
                index.col(P::OrganisationId).col(P::Id);
            } else {
                index.col(P::Id).col(P::OrganisationId);
            }
            for column in [P::Status, P::Sector, P::StartYear, P::EndYear, P::Title, P::TotalCost, P::Score, P::Rank] {
                index.col(column);
            }
            manager.create_index(index.col(P::Version).col(P::UpdatedAt).to_owned()).await?;
        }
        manager.drop_index(Index::drop().name(ORGANISATION_INDEX).table(P::Table).to_owned()).await?;
        let db = manager.get_connection();
        let mut summaries: HashMap<Uuid, (Option<String>, Option<String>, Option<i64>)> = HashMap::new();
        for row in db
            .query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT id, content FROM passports"))
            .await?
        {
            let (id, content): (Uuid, String) = (row.try_get("", "id")?, row.try_get("", "content")?);
            summaries.entry(id).or_default().0 = Some(total_cost(&content)?);
        }
        let closed = "SELECT results FROM evaluation_rounds WHERE results IS NOT NULL ORDER BY closed_at";
        for row in db.query_all_raw(Statement::from_string(db.get_database_backend(), closed)).await? {
            let results: String = row.try_get("", "results")?;
            for (id, score, rank) in ranking(&results)? {
                if let Some(entry) = summaries.get_mut(&id) {
                    (entry.1, entry.2) = (Some(score), rank);
                }
            }
        }
        for (id, (cost, score, rank)) in summaries {
            let update = Query::update()
                .table(Passports::Table)
                .values([
                    (Passports::TotalCost, Expr::val(cost)),
                    (Passports::Score, Expr::val(score)),
                    (Passports::Rank, Expr::val(rank)),
                ])
                .and_where(Expr::col(Alias::new("id")).eq(id))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut organisation = Index::create();
        organisation.name(ORGANISATION_INDEX).table(Passports::Table).col(Passports::OrganisationId);
        manager.create_index(organisation.to_owned()).await?;
        for (name, _) in SUMMARY_INDEXES {
            manager.drop_index(Index::drop().name(name).table(Passports::Table).to_owned()).await?;
        }
        for column in [Passports::Rank, Passports::Score, Passports::TotalCost] {
            manager.alter_table(Table::alter().table(Passports::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> DbErr {
    DbErr::Migration(format!("{what}: {e}"))
}

/// The sum of a stored document's cost lines, as the passport records it (two decimals).
fn total_cost(content: &str) -> Result<String, DbErr> {
    #[derive(serde::Deserialize)]
    struct Line {
        amount: Decimal,
    }
    #[derive(serde::Deserialize)]
    struct Costs {
        #[serde(default)]
        costs: Vec<Line>,
    }
    let costs: Costs = serde_json::from_str(content).map_err(|e| corrupt("passport document", e))?;
    let mut total: Decimal = costs.costs.iter().map(|l| l.amount).sum();
    total.rescale(2);
    Ok(total.to_string())
}

/// Every ranked project of a round's frozen results: id, final score, rank.
fn ranking(results: &str) -> Result<Vec<(Uuid, String, Option<i64>)>, DbErr> {
    #[derive(serde::Deserialize)]
    struct Ranked {
        id: Uuid,
        rank: Option<i64>,
        final_score: Decimal,
    }
    #[derive(serde::Deserialize)]
    struct Results {
        ranking: Vec<Ranked>,
    }
    let results: Results = serde_json::from_str(results).map_err(|e| corrupt("round results", e))?;
    Ok(results.ranking.into_iter().map(|r| (r.id, r.final_score.to_string(), r.rank)).collect())
}
