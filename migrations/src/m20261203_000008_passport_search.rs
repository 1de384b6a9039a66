//! Word search over passports on PostgreSQL without reading every row: a
//! `pg_trgm` GIN index answers the `search_text LIKE '%word%'` the store asks.
//!
//! SQLite keeps reading the rows in id order: measured at 10,000 passports
//! (`cargo bench --bench search`, docs/benchmarks.md), an FTS5 trigram table
//! answered a rare word in 0.5 ms instead of 11.5 ms but a word found in every
//! passport in 60–74 ms instead of 0.15 ms, since the page wants the first
//! matches in order and a scan stops at them.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The trigram index, where the `pg_trgm` extension can be had (a server
/// without it still searches, by reading the rows).
const POSTGRES_UP: [&str; 2] = [
    "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; \
     EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm is not available: passport search reads every row'; END $$",
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN \
       CREATE INDEX passports_search_trigrams ON passports USING gin (search_text gin_trgm_ops); \
     END IF; END $$",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DatabaseBackend::Postgres {
            for statement in POSTGRES_UP {
                db.execute_unprepared(statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP INDEX IF EXISTS passports_search_trigrams").await?;
        }
        Ok(())
    }
}
