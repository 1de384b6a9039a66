//! Reading the audit log: pages of events, oldest first, without the events
//! about passports the reader may not see.

use portfel_domain::records::AuditEvent;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, Iterable, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::StoreResult;
use crate::access::Viewer;
use crate::entity::audit_event::{Column, Entity};

/// Filter for reading the log.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    /// Only this kind of resource.
    pub entity_type: Option<String>,
    /// Only this resource.
    pub entity_id: Option<String>,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only events after this sequence number.
    pub after_id: Option<i64>,
    /// Page size.
    pub limit: u64,
    /// With each event's states before and after the change (else left unread).
    pub with_changes: bool,
}

/// A page of events `viewer` may see, oldest first, and the sequence number
/// to read on from when the log goes on. Events about a passport the viewer
/// may not read (see [`crate::access`]) are left out.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    viewer: &Viewer,
    filter: &AuditFilter,
) -> StoreResult<(Vec<AuditEvent>, Option<i64>)> {
    let mut events = scan(conn, filter, filter.limit + 1).await?;
    let next_after = if events.len() as u64 > filter.limit {
        events.truncate(filter.limit as usize);
        events.last().map(|e| e.id)
    } else {
        None
    };
    let passports: Vec<Uuid> =
        events.iter().filter(|e| e.entity_type == PASSPORT).filter_map(|e| e.entity_id.parse().ok()).collect();
    let visible = crate::access::visible_ids(conn, viewer, &passports).await?;
    events.retain(|e| e.entity_type != PASSPORT || e.entity_id.parse().is_ok_and(|id| visible.contains(&id)));
    Ok((events, next_after))
}

/// Entity type of passport events.
const PASSPORT: &str = "passport";

/// Reads up to `limit` events in order of occurrence.
async fn scan<C: ConnectionTrait>(conn: &C, filter: &AuditFilter, limit: u64) -> StoreResult<Vec<AuditEvent>> {
    let mut query = Entity::find().order_by_asc(Column::Id).limit(limit);
    if let Some(t) = &filter.entity_type {
        query = query.filter(Column::EntityType.eq(t.as_str()));
    }
    if let Some(id) = &filter.entity_id {
        query = query.filter(Column::EntityId.eq(id.as_str()));
    }
    if let Some(a) = &filter.actor {
        query = query.filter(Column::Actor.eq(a.as_str()));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(Column::Id.gt(after));
    }
    if !filter.with_changes {
        // The documents before and after are most of an event's bytes: not read at all.
        query = query
            .select_only()
            .columns(Column::iter().filter(|c| !matches!(c, Column::Before | Column::After)))
            .expr_as(Expr::value(Option::<String>::None), "before")
            .expr_as(Expr::value(Option::<String>::None), "after");
    }
    query
        .all(conn)
        .await?
        .into_iter()
        .map(|m| {
            Ok(AuditEvent {
                id: m.id,
                at: m.at,
                actor: m.actor,
                actor_organisation: m.actor_organisation,
                action: m.action,
                entity_type: m.entity_type,
                entity_id: m.entity_id,
                before: m.before.as_deref().map(serde_json::from_str).transpose()?,
                after: m.after.as_deref().map(serde_json::from_str).transpose()?,
                reason: m.reason,
                request_id: m.request_id,
            })
        })
        .collect()
}
