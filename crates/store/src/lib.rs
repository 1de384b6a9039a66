//! Portfel persistence on sea-orm: SQLite by default, PostgreSQL for scale-out.
//!
//! Every write runs in one transaction together with its audit event, and
//! updates are guarded by the resource version (optimistic concurrency).

pub mod access;
pub mod attachments;
pub mod audit;
pub mod audit_log;
pub mod codelists;
mod completion_rows;
pub mod completions;
pub mod council;
pub mod dream;
mod entity;
mod error;
pub mod evaluations;
pub mod files;
mod group_commit;
mod guarded;
pub mod idempotency;
pub mod leases;
pub mod maintenance;
pub mod methodologies;
pub mod notices;
pub mod organisations;
mod passport_rows;
pub mod passports;
pub mod plan_inputs;
pub mod programme_quarters;
mod programme_records;
pub mod programmes;
pub mod reports;
pub mod rounds;
pub mod sessions;
pub mod strategy;
pub mod users;
mod versioned;
mod write;
pub mod years;

use std::time::Duration;

use portfel_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
pub use write::Write;

pub use error::{StoreError, StoreResult};

/// Who performs a write, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `sub` of the token.
    pub sub: String,
    /// Organisation of the actor.
    pub organisation: Option<uuid::Uuid>,
    /// Id of the HTTP request, if any.
    pub request_id: Option<String>,
}

/// Connections of the pool, by use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Lent out.
    pub in_use: u32,
    /// Open and waiting.
    pub idle: u32,
}

/// A connected, migrated database.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    files: files::FileStore,
}

/// Where attached files' content is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FilesAt {
    /// A folder `<database file>.files` beside an SQLite file; the database itself otherwise.
    #[default]
    Beside,
    /// The database's `file_chunks` table (shared by every replica).
    Database,
    /// A folder on local disk.
    Folder(std::path::PathBuf),
}

impl Store {
    /// Connects to `url` (`sqlite://file.db?mode=rwc` or `postgres://...`),
    /// applies pending migrations and refreshes the codelists.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        Store::connect_with_files(url, &FilesAt::Beside).await
    }

    /// [`Store::connect`], keeping attached files `at`.
    pub async fn connect_with_files(url: &str, at: &FilesAt) -> StoreResult<Store> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(if url.starts_with("sqlite:") { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            // A round trip per checkout only for connections idle long enough to have been dropped.
            .test_before_acquire_if_idle_for(Duration::from_secs(30))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(sqlite_settings);
        let db = Database::connect(options).await?;
        Migrator::up(&db, None).await?;
        let files = match at.folder(url) {
            Some(path) => files::FileStore::folder(&path)?,
            None => files::FileStore::Database(db.clone()),
        };
        let store = Store { db, files };
        codelists::refresh(&store.db).await?;
        methodologies::seed_default(&store.db).await?;
        Ok(store)
    }

    /// Where attached files' content is kept.
    pub fn files(&self) -> &files::FileStore {
        &self.files
    }

    /// The underlying connection.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// How many of the pool's connections are in use and idle.
    pub fn pool(&self) -> PoolUse {
        let (size, idle) = match self.db.get_database_backend() {
            sea_orm::DbBackend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX);
        PoolUse { in_use: size.saturating_sub(idle), idle }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        self.db.ping().await?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(self) -> StoreResult<()> {
        self.db.close().await?;
        Ok(())
    }
}

impl FilesAt {
    /// The folder the files of the database at `url` are kept in; `None` when in the database.
    pub fn folder(&self, url: &str) -> Option<std::path::PathBuf> {
        match self {
            FilesAt::Folder(path) => Some(path.clone()),
            FilesAt::Beside => maintenance::sqlite_file(url)
                .filter(|file| !file.as_os_str().is_empty() && file.as_os_str() != ":memory:")
                .map(|file| files_folder(&file)),
            FilesAt::Database => None,
        }
    }
}

/// The folder of attached files beside the SQLite database `file`.
pub fn files_folder(file: &std::path::Path) -> std::path::PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".files");
    std::path::PathBuf::from(name)
}

/// Page size of a new SQLite database. A passport's row (its document of
/// about 2 KB) did not fit twice in SQLite's default 4 KiB page, so each
/// took a page of its own in the passports, revisions and audit tables.
const PAGE_SIZE: u32 = 8192;

/// Every SQLite connection's settings: a new database's page size, write-ahead log with a full sync of
/// the log on every commit (an acknowledged write survives a crash of the
/// process or of the machine), foreign keys enforced, and reads through a
/// memory map and a 64 MiB page cache instead of a system call per page; a
/// whole page of a list (up to 201 rows) is handed over without waiting.
fn sqlite_settings(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .page_size(PAGE_SIZE)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .pragma("mmap_size", "1073741824")
        .pragma("cache_size", "-65536")
        .row_buffer_size(256)
}

/// Current time, truncated to microseconds so it survives every backend unchanged.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta};
    chrono::Utc::now().duration_trunc(TimeDelta::microseconds(1)).expect("microsecond truncation")
}

/// Every row `query` selects, each made into a record by `record`.
pub(crate) async fn records<E, C, T>(
    conn: &C,
    query: sea_orm::Select<E>,
    record: impl Fn(E::Model) -> StoreResult<T>,
) -> StoreResult<Vec<T>>
where
    E: sea_orm::EntityTrait,
    C: ConnectionTrait,
{
    query.all(conn).await?.into_iter().map(record).collect()
}

/// Refuses a write made against a version other than the stored one.
pub(crate) fn check_version(current: i32, expected: i32) -> StoreResult<()> {
    if current == expected { Ok(()) } else { Err(StoreError::VersionMismatch { current }) }
}

/// A guarded update that touched no row lost a race with another writer.
pub(crate) fn check_updated(rows_affected: u64, expected: i32) -> StoreResult<()> {
    if rows_affected == 1 { Ok(()) } else { Err(StoreError::VersionMismatch { current: expected + 1 }) }
}

/// Starts a write transaction: a savepoint of the request's transaction when
/// the request carries an idempotency key (see [`idempotency`]), otherwise a
/// transaction of its own (see [`write`]).
pub(crate) async fn begin_write(db: &DatabaseConnection) -> StoreResult<Write> {
    match idempotency::nested_write(db).await {
        Some(nested) => nested,
        None => Write::begin(db).await,
    }
}
