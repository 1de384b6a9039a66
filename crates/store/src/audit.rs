//! The append-only audit log: every change is written with the one who made
//! it (reading it is [`crate::audit_log`]'s).

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::Serialize;

use crate::entity::audit_event::{self, Entity};
use crate::{Actor, StoreResult};

/// A change to record.
#[derive(Debug)]
pub struct Change<'a, B: Serialize, A: Serialize> {
    /// What was done, e.g. `passport.create`.
    pub action: &'a str,
    /// Kind of resource.
    pub entity_type: &'a str,
    /// Identifier of the resource.
    pub entity_id: String,
    /// State before.
    pub before: Option<&'a B>,
    /// State after.
    pub after: Option<&'a A>,
    /// Reason given.
    pub reason: Option<&'a str>,
}

/// Appends one event, inside the caller's transaction.
pub async fn record<C: ConnectionTrait, B: Serialize, A: Serialize>(
    conn: &C,
    actor: &Actor,
    change: Change<'_, B, A>,
) -> StoreResult<()> {
    Entity::insert(event(actor, change)?).exec(conn).await?;
    Ok(())
}

/// The row of an event.
fn event<B: Serialize, A: Serialize>(actor: &Actor, change: Change<'_, B, A>) -> StoreResult<audit_event::ActiveModel> {
    Ok(audit_event::ActiveModel {
        at: Set(crate::now()),
        actor: Set(actor.sub.clone()),
        actor_organisation: Set(actor.organisation),
        action: Set(change.action.to_owned()),
        entity_type: Set(change.entity_type.to_owned()),
        entity_id: Set(change.entity_id),
        before: Set(change.before.map(serde_json::to_string).transpose()?),
        after: Set(change.after.map(serde_json::to_string).transpose()?),
        reason: Set(change.reason.map(str::to_owned)),
        request_id: Set(actor.request_id.clone()),
        ..Default::default()
    })
}

/// The row of the event recording the creation of `entity_type` `entity_id` as `record`.
pub(crate) fn creation<A: Serialize>(
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: String,
    record: &A,
) -> StoreResult<audit_event::ActiveModel> {
    event(actor, Change::<(), A> { action, entity_type, entity_id, before: None, after: Some(record), reason: None })
}

/// Records the creation of `entity_type` `entity_id` as `record`.
pub async fn created<C: ConnectionTrait, A: Serialize>(
    conn: &C,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: String,
    record: &A,
) -> StoreResult<()> {
    Entity::insert(creation(actor, action, entity_type, entity_id, record)?).exec(conn).await?;
    Ok(())
}

/// Records a change of `entity_type` `entity_id` from `before` to `after`.
pub async fn updated<C: ConnectionTrait, T: Serialize>(
    conn: &C,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: String,
    before: &T,
    after: &T,
) -> StoreResult<()> {
    let change = Change { action, entity_type, entity_id, before: Some(before), after: Some(after), reason: None };
    record(conn, actor, change).await
}
