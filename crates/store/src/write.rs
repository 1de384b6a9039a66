//! Write transactions. SQLite lets one writer in at a time and makes the
//! others poll its lock with growing sleeps (up to 100 ms between tries), so
//! under concurrent writes some waited far longer than the lock was held. The
//! store's writers to one SQLite file therefore take turns in a queue of the
//! process, first come first served, before `BEGIN IMMEDIATE`; SQLite's own
//! lock still guards against other processes. PostgreSQL needs no turns.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use sea_orm::prelude::async_trait::async_trait;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{StoreError, StoreResult};

/// How long a writer waits for its turn. A write is never refused while the
/// database is healthy: a request's writer waits as long as the request may
/// take (its own time limit, 120 s by default, ends it sooner), so only a
/// turn stuck for ten minutes — a database that no longer answers — is
/// refused as busy.
const TURN_TIMEOUT: Duration = Duration::from_secs(600);

/// A write transaction, holding its writer's turn until it ends.
#[derive(Debug)]
pub struct Write {
    // Declared first, so it ends (rolls back when not committed) before the turn passes on.
    txn: DatabaseTransaction,
    _turn: Turn,
}

/// A writer's turn at `db`'s file (nothing to wait for on PostgreSQL).
#[derive(Debug)]
pub(crate) struct Turn {
    // Held until the turn ends.
    _guard: Option<OwnedMutexGuard<()>>,
}

impl Turn {
    /// Waits for the turn, first come first served.
    pub(crate) async fn wait(db: &DatabaseConnection) -> StoreResult<Turn> {
        match turns(db) {
            Some(queue) => Ok(Turn {
                _guard: Some(
                    tokio::time::timeout(TURN_TIMEOUT, queue.lock_owned())
                        .await
                        .map_err(|_| StoreError::Unavailable("the database is busy with other writes".into()))?,
                ),
            }),
            None => Ok(Turn { _guard: None }),
        }
    }
}

impl Write {
    /// Starts a transaction of its own. On SQLite it waits for its turn, then
    /// takes the write lock at once (`BEGIN IMMEDIATE`).
    pub(crate) async fn begin(db: &DatabaseConnection) -> StoreResult<Write> {
        Write::begin_in(db, Turn::wait(db).await?).await
    }

    /// Starts a transaction in a turn already had.
    pub(crate) async fn begin_in(db: &DatabaseConnection, turn: Turn) -> StoreResult<Write> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(Write { txn: db.begin_with_options(options).await?, _turn: turn })
    }

    /// A savepoint of a transaction that already holds the turn.
    pub(crate) fn nested(txn: DatabaseTransaction) -> Write {
        Write { txn, _turn: Turn { _guard: None } }
    }

    /// Commits (or releases the savepoint).
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls back (to the savepoint).
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl Deref for Write {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait]
impl ConnectionTrait for Write {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// The queue of writers to `db`'s file, on SQLite.
fn turns(db: &DatabaseConnection) -> Option<Arc<Mutex<()>>> {
    static QUEUES: PerFile<Mutex<()>> = LazyLock::new(Default::default);
    per_sqlite_file(&QUEUES, db)
}

/// One `T` for each SQLite file the process writes to.
pub(crate) type PerFile<T> = LazyLock<std::sync::Mutex<HashMap<PathBuf, Arc<T>>>>;

/// The `T` of `db`'s file in `map`, made on first use; `None` unless `db` is SQLite.
pub(crate) fn per_sqlite_file<T: Default>(map: &PerFile<T>, db: &DatabaseConnection) -> Option<Arc<T>> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let file = db.get_sqlite_connection_pool().connect_options().get_filename().to_owned();
    let mut entries = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    Some(Arc::clone(entries.entry(file).or_default()))
}
