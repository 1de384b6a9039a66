//! Sign-in state of the web workspace: password hashes (set by an
//! administrator or the user, never served) and sessions, stored by the hash
//! of their token so a copy of the database opens no session.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::entity::{credential, session};
use crate::{Actor, StoreError, StoreResult, audit};

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `sub` of the signed-in user.
    pub sub: String,
    /// The token every state-changing form of this session must carry.
    pub csrf: String,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
}

/// Stores `hash` as the password of the user `sub` and ends that user's
/// sessions; the audit log records that the password changed, not the hash.
pub async fn set_password(db: &DatabaseConnection, actor: &Actor, sub: &str, hash: &str) -> StoreResult<()> {
    let txn = crate::begin_write(db).await?;
    crate::users::by_sub(&txn, sub).await?.ok_or(StoreError::NotFound("user"))?;
    let row = credential::ActiveModel {
        sub: Set(sub.to_owned()),
        password_hash: Set(hash.to_owned()),
        updated_at: Set(crate::now()),
    };
    credential::Entity::insert(row)
        .on_conflict(
            OnConflict::column(credential::Column::Sub)
                .update_columns([credential::Column::PasswordHash, credential::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
    session::Entity::delete_many().filter(session::Column::Sub.eq(sub)).exec(&txn).await?;
    let change = audit::Change::<(), ()> {
        action: "user.password",
        entity_type: "user",
        entity_id: sub.to_owned(),
        before: None,
        after: None,
        reason: None,
    };
    audit::record(&txn, actor, change).await?;
    txn.commit().await?;
    Ok(())
}

/// The stored password hash of `sub`, if a password was set.
pub async fn password_hash<C: ConnectionTrait>(conn: &C, sub: &str) -> StoreResult<Option<String>> {
    Ok(credential::Entity::find_by_id(sub.to_owned()).one(conn).await?.map(|c| c.password_hash))
}

/// Opens a session for `sub` under the hash of its token.
pub async fn open(
    db: &DatabaseConnection,
    token_hash: &str,
    sub: &str,
    csrf: &str,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    let now = crate::now();
    session::Entity::delete_many().filter(session::Column::ExpiresAt.lt(now)).exec(db).await?;
    let row = session::ActiveModel {
        token_hash: Set(token_hash.to_owned()),
        sub: Set(sub.to_owned()),
        csrf: Set(csrf.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
    };
    session::Entity::insert(row).exec(db).await?;
    Ok(())
}

/// The session under `token_hash`, unless it ended.
pub async fn find<C: ConnectionTrait>(conn: &C, token_hash: &str) -> StoreResult<Option<Session>> {
    let row = session::Entity::find_by_id(token_hash.to_owned()).one(conn).await?;
    Ok(row.filter(|s| s.expires_at > Utc::now()).map(|s| Session {
        sub: s.sub,
        csrf: s.csrf,
        expires_at: s.expires_at,
    }))
}

/// Ends the session under `token_hash` (signing out).
pub async fn revoke(db: &DatabaseConnection, token_hash: &str) -> StoreResult<()> {
    session::Entity::delete_by_id(token_hash.to_owned()).exec(db).await?;
    Ok(())
}
