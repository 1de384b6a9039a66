//! `Idempotency-Key` records, written in the same transaction as the work
//! they protect.
//!
//! A request carrying a key runs inside a [`Scope`]: every write the store
//! begins during that request joins one transaction (each write function in a
//! savepoint of its own), and the request's response is stored under the key in
//! that same transaction before it commits. After a crash the key is therefore
//! either complete, with the response to replay, or absent together with all of
//! the request's writes; nothing is ever left "in progress". Two requests racing
//! with the same key both run, but only one can commit the key: the other's
//! transaction rolls back and it replays the winner's response.

use std::future::Future;
use std::sync::Arc;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use tokio::sync::Mutex;

use crate::entity::idempotency_key::{self, Column, Entity};
use crate::{StoreError, StoreResult, Write};

tokio::task_local! {
    static SCOPE: Arc<Scope>;
}

/// What is stored under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Never used (or its request never committed): run the request.
    Absent,
    /// Done before: answer with the stored status and response.
    Replay {
        /// HTTP status.
        status: u16,
        /// Stored response (serialised by the caller).
        response: String,
    },
    /// The key was used with a different request.
    Mismatch,
}

/// The writes of one keyed request: one transaction, opened by its first write.
#[derive(Debug, Default)]
pub struct Scope {
    outer: Mutex<Option<Write>>,
}

impl Scope {
    /// A savepoint inside the request's transaction, which the first call opens.
    async fn begin_nested(&self, db: &DatabaseConnection) -> StoreResult<Write> {
        let mut outer = self.outer.lock().await;
        if outer.is_none() {
            *outer = Some(Write::begin(db).await?);
        }
        let txn = outer.as_ref().expect("opened above");
        Ok(Write::nested(txn.begin().await?))
    }
}

/// The request's transaction, when a write of the current keyed request has begun one.
pub(crate) async fn nested_write(db: &DatabaseConnection) -> Option<StoreResult<Write>> {
    let scope = SCOPE.try_with(Arc::clone).ok()?;
    Some(scope.begin_nested(db).await)
}

/// Whether the current task runs a keyed request.
pub(crate) fn in_scope() -> bool {
    SCOPE.try_with(|_| ()).is_ok()
}

/// Runs `work` (the request) with every store write joining one transaction,
/// which is returned uncommitted, if any write began.
pub async fn run_scoped<F: Future>(work: F) -> (F::Output, Option<Write>) {
    let scope = Arc::new(Scope::default());
    let output = SCOPE.scope(Arc::clone(&scope), work).await;
    let txn = scope.outer.lock().await.take();
    (output, txn)
}

/// Reads what is stored under `key` for `actor`, for a request whose fingerprint is `hash`.
pub async fn lookup<C: ConnectionTrait>(conn: &C, actor: &str, key: &str, hash: &str) -> StoreResult<Lookup> {
    let Some(existing) = Entity::find_by_id((actor.to_owned(), key.to_owned())).one(conn).await? else {
        return Ok(Lookup::Absent);
    };
    Ok(match (existing.request_hash == hash, existing.status_code, existing.response) {
        (false, _, _) => Lookup::Mismatch,
        (true, Some(status), Some(response)) => Lookup::Replay { status: status as u16, response },
        // A claim left by an earlier version that stored claims before the work: its
        // request never completed, so it is forgotten.
        (true, _, _) => {
            Entity::delete_many().filter(Column::Actor.eq(actor)).filter(Column::Key.eq(key)).exec(conn).await?;
            Lookup::Absent
        }
    })
}

/// A response to store under a key.
#[derive(Debug, Clone, Copy)]
pub struct Completion<'a> {
    /// `sub` of the caller.
    pub actor: &'a str,
    /// The key.
    pub key: &'a str,
    /// Fingerprint of the request.
    pub hash: &'a str,
    /// HTTP status of the response.
    pub status: u16,
    /// The response, serialised by the caller.
    pub response: &'a str,
}

/// How storing a response under a key ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// The response and the request's writes are committed.
    Committed,
    /// Another request committed the same key first; this one's writes were
    /// rolled back, and this is what is stored under the key.
    Taken(Lookup),
}

/// Stores the response under the key inside `txn` (the request's writes, or a
/// new transaction when it wrote nothing) and commits both. When another
/// request committed the same key first, `txn` is rolled back and what that
/// request stored is returned instead.
pub async fn complete(db: &DatabaseConnection, txn: Option<Write>, done: Completion<'_>) -> StoreResult<Stored> {
    let txn = match txn {
        Some(txn) => txn,
        None => Write::begin(db).await?,
    };
    let row = idempotency_key::ActiveModel {
        actor: Set(done.actor.to_owned()),
        key: Set(done.key.to_owned()),
        request_hash: Set(done.hash.to_owned()),
        status_code: Set(Some(i32::from(done.status))),
        response: Set(Some(done.response.to_owned())),
        created_at: Set(crate::now()),
    };
    match Entity::insert(row).exec(&txn).await {
        Ok(_) => {
            txn.commit().await?;
            Ok(Stored::Committed)
        }
        Err(e) => match StoreError::unique(e, "idempotency key") {
            StoreError::Conflict(_) => {
                txn.rollback().await?;
                Ok(Stored::Taken(lookup(db, done.actor, done.key, done.hash).await?))
            }
            other => Err(other),
        },
    }
}
