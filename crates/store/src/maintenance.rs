//! What an operator does to a database besides serving from it: see which
//! migrations would run, take a consistent snapshot of a SQLite database while
//! it serves, and tell whether a database already holds a hromada's data.
//! These connect without applying migrations, so a newer binary never changes
//! the schema under a running older server.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use portfel_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

use crate::StoreResult;

/// Tables whose rows are a hromada's own data (codelists and the default
/// methodology are seeded by Portfel itself and do not count).
const OWN_DATA: [&str; 3] = ["organisations", "users", "passports"];

/// The file of a `sqlite:` database URL; `None` for other databases.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    SqliteConnectOptions::from_str(url).ok().map(|o| o.get_filename().to_owned())
}

/// Connects to `url` as it is, applying nothing.
pub async fn connect_unmigrated(url: &str) -> StoreResult<DatabaseConnection> {
    Ok(Database::connect(url).await?)
}

/// Names of the migrations that have not run on `db`, oldest first; creates nothing.
pub async fn pending_migrations(db: &DatabaseConnection) -> StoreResult<Vec<String>> {
    Ok(Migrator::get_pending_migrations_read_only(db).await?.iter().map(|m| m.name().to_owned()).collect())
}

/// Whether `db` holds any organisation, user or passport.
pub async fn holds_data(db: &DatabaseConnection) -> StoreResult<bool> {
    let backend = db.get_database_backend();
    for table in OWN_DATA {
        let exists = match backend {
            DbBackend::Sqlite => format!("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
            _ => format!(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
        };
        if db.query_one_raw(Statement::from_string(backend, exists)).await?.is_none() {
            continue;
        }
        let any = format!("SELECT 1 FROM {table} LIMIT 1");
        if db.query_one_raw(Statement::from_string(backend, any)).await?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Writes a consistent copy of SQLite database `db` to the new file `to`
/// (`VACUUM INTO`: one read transaction, so writers go on meanwhile and
/// the copy holds exactly the transactions committed before it began).
pub async fn snapshot_sqlite(db: &DatabaseConnection, to: &Path) -> StoreResult<()> {
    let quoted = to.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{quoted}'")).await?;
    Ok(())
}

/// How many migrations this version has.
pub fn migration_count() -> usize {
    Migrator::migrations().len()
}
