//! `Idempotency-Key` records: the first request with a key runs, later ones
//! with the same key and body get the stored response back.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::entity::idempotency_key::{self, Column, Entity};
use crate::{StoreError, StoreResult};

/// What to do with a request carrying an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First time: run the request, then [`complete`] or [`release`].
    Fresh,
    /// Done before: answer with the stored status and response.
    Replay {
        /// HTTP status.
        status: u16,
        /// Stored response (serialised by the caller).
        response: String,
    },
    /// The same key is being processed by another request right now.
    InProgress,
    /// The key was used with a different request.
    Mismatch,
}

/// Claims `key` for `actor` and a request whose fingerprint is `hash`.
pub async fn claim<C: ConnectionTrait>(conn: &C, actor: &str, key: &str, hash: &str) -> StoreResult<Claim> {
    let row = idempotency_key::ActiveModel {
        actor: Set(actor.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(hash.to_owned()),
        status_code: Set(None),
        response: Set(None),
        created_at: Set(crate::now()),
    };
    match Entity::insert(row).exec(conn).await {
        Ok(_) => return Ok(Claim::Fresh),
        Err(e) => match StoreError::unique(e, "idempotency key") {
            StoreError::Conflict(_) => {}
            other => return Err(other),
        },
    }
    let existing = Entity::find_by_id((actor.to_owned(), key.to_owned()))
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound("idempotency key"))?;
    Ok(match (existing.request_hash == hash, existing.status_code, existing.response) {
        (false, _, _) => Claim::Mismatch,
        (true, Some(status), Some(response)) => Claim::Replay { status: status as u16, response },
        _ => Claim::InProgress,
    })
}

/// Stores the response of a request that ran.
pub async fn complete<C: ConnectionTrait>(
    conn: &C,
    actor: &str,
    key: &str,
    status: u16,
    response: &str,
) -> StoreResult<()> {
    Entity::update_many()
        .col_expr(Column::StatusCode, i32::from(status).into())
        .col_expr(Column::Response, response.into())
        .filter(Column::Actor.eq(actor))
        .filter(Column::Key.eq(key))
        .exec(conn)
        .await?;
    Ok(())
}

/// Forgets a claim whose request failed on the server side, so it may be retried.
pub async fn release<C: ConnectionTrait>(conn: &C, actor: &str, key: &str) -> StoreResult<()> {
    Entity::delete_many().filter(Column::Actor.eq(actor)).filter(Column::Key.eq(key)).exec(conn).await?;
    Ok(())
}
