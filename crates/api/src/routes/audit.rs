//! The audit log.

use axum::Json;
use axum::extract::State;
use portfel_domain::Permission;
use portfel_domain::records::AuditEvent;
use portfel_store::audit_log::AuditFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::passports::ListView;

use crate::auth::Auth;
use crate::extract::QueryParams;
use crate::problem::ApiResult;
use crate::state::AppState;

/// Filters of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only this kind of resource, e.g. `passport`.
    pub entity_type: Option<String>,
    /// Only this resource.
    pub entity_id: Option<String>,
    /// Only this actor (`sub`).
    pub actor: Option<String>,
    /// Only events with a greater sequence number (cursor from `next_after`).
    pub after: Option<i64>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// `full` adds each event's states before and after the change.
    pub view: Option<ListView>,
}

/// A page of audit events.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Events, oldest first.
    pub items: Vec<AuditEvent>,
    /// Pass as `after` to read on; absent on the last page.
    pub next_after: Option<i64>,
}

/// Read the audit log
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", description = "PIM unit or admin. Append-only record of every write: who, when, what, reason, and with `view=full` the states before and after. \
        Events about a passport the caller may not read are left out, so a page may hold fewer than `limit` events; \
        read on while `next_after` is present.",
    params(AuditQuery),
    responses((status = 200, description = "A page of events", body = AuditPage)))]
pub async fn list_audit(
    auth: Auth,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    auth.require(Permission::ReadAudit)?;
    let limit = super::page_limit(q.limit)?;
    let with_changes = q.view == Some(ListView::Full);
    let filter = AuditFilter {
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        actor: q.actor,
        after_id: q.after,
        limit,
        with_changes,
    };
    let (items, next_after) = portfel_store::audit_log::list(state.store.db(), &auth.viewer(), &filter).await?;
    Ok(Json(AuditPage { items, next_after }))
}
