//! The caller's inbox: notices of the events that concern them (an expert
//! assigned, a passport or report returned or accepted, a council decision),
//! each written with its event, and how the caller wants them by e-mail.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::Permission;
use portfel_domain::notices::{Delivery, Notification};
use portfel_domain::rules::validation_errors;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::Versioned;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody, QueryParams};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// How many notices a page of the inbox holds unless asked otherwise.
pub const INBOX_PAGE: u64 = 50;

/// The caller's inbox, a page at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Inbox {
    /// Notices not read yet (of all, not only this page's).
    pub unread: u64,
    /// A page of notices, newest first.
    pub items: Vec<Notification>,
    /// When there are older notices: pass it as `before` for the next page.
    pub next_before: Option<Uuid>,
}

/// Which notices to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Only the unread ones.
    #[serde(default)]
    pub unread: bool,
    /// Only notices older than this one (`next_before` of the previous page).
    pub before: Option<Uuid>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}

/// My notifications
#[utoipa::path(get, path = "/api/v1/notifications", tag = "workspace",
    description = "The caller's notices, newest first, a page at a time (`next_before` leads to the older ones), with the number unread. \
        Each is written in the same transaction as its event, only for people whose role and organisation it concerns.",
    params(InboxQuery),
    responses((status = 200, description = "The inbox", body = Inbox)))]
pub async fn my_notifications(
    auth: Auth,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<InboxQuery>,
) -> ApiResult<Json<Inbox>> {
    auth.require(Permission::FollowTasks)?;
    Ok(Json(inbox(&state, &auth, &q).await?))
}

/// A page of the caller's inbox.
pub async fn inbox(state: &AppState, auth: &Auth, q: &InboxQuery) -> ApiResult<Inbox> {
    let db = state.store.db();
    let sub = &auth.claims.sub;
    let limit = super::bounded_limit(q.limit, INBOX_PAGE, super::MAX_LIMIT)?;
    // One more than the page, to know whether older ones follow.
    let mut items = portfel_store::notices::inbox(db, sub, q.unread, q.before, limit + 1).await?;
    let more = items.len() as u64 > limit;
    items.truncate(limit as usize);
    let next_before = items.last().filter(|_| more).map(|n| n.id);
    Ok(Inbox { unread: portfel_store::notices::unread(db, sub).await?, items, next_before })
}

/// How many notices the caller has not read.
pub async fn unread_of(state: &AppState, auth: &Auth) -> ApiResult<u64> {
    Ok(portfel_store::notices::unread(state.store.db(), &auth.claims.sub).await?)
}

/// Mark a notification read
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "workspace",
    description = "Marks one of the caller's notices read; marking it again changes nothing. Another person's notice is not found.",
    params(("id" = Uuid, Path, description = "Notification id")),
    responses((status = 200, description = "The notice, read", body = Notification)))]
pub async fn read_notification(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Notification>> {
    auth.require(Permission::FollowTasks)?;
    Ok(Json(portfel_store::notices::mark_read(state.store.db(), &auth.claims.sub, id).await?))
}

/// How many notices were marked read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MarkedRead {
    /// The number.
    pub marked: u64,
}

/// Mark every notification read
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "workspace",
    responses((status = 200, description = "How many were unread", body = MarkedRead)))]
pub async fn read_all_notifications(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<MarkedRead>> {
    auth.require(Permission::FollowTasks)?;
    Ok(Json(MarkedRead { marked: portfel_store::notices::mark_all_read(state.store.db(), &auth.claims.sub).await? }))
}

/// How the caller is told by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
pub struct NotificationSettings {
    /// The address; none for no e-mail.
    #[validate(email)]
    #[serde(default)]
    pub email: Option<String>,
    /// An e-mail for each notice, a daily digest, or none.
    pub delivery: Delivery,
}

/// My notification settings
#[utoipa::path(get, path = "/api/v1/notifications/settings", tag = "workspace",
    description = "The caller's e-mail address and choice; a token without a registered user has none (404).",
    responses((status = 200, description = "The caller's address and choice", body = NotificationSettings, headers(("ETag" = String)))))]
pub async fn notification_settings(
    auth: Auth,
    State(state): State<AppState>,
) -> ApiResult<Versioned<NotificationSettings>> {
    auth.require(Permission::FollowTasks)?;
    let (email, delivery, version) = portfel_store::notices::delivery_of(state.store.db(), &auth.claims.sub).await?;
    Ok(Versioned::ok(version, NotificationSettings { email, delivery }))
}

/// Change my notification settings
#[utoipa::path(put, path = "/api/v1/notifications/settings", tag = "workspace",
    description = "Sets the caller's e-mail address and whether they get an e-mail for each notice, a daily digest, or none. \
        Notices written afterwards follow the new choice.",
    params(IfMatch),
    request_body = NotificationSettings,
    responses((status = 200, description = "Saved", body = NotificationSettings, headers(("ETag" = String)))))]
pub async fn update_notification_settings(
    auth: Auth,
    State(state): State<AppState>,
    IfMatch(version): IfMatch,
    input: JsonBody<NotificationSettings>,
) -> ApiResult<Versioned<NotificationSettings>> {
    auth.require(Permission::FollowTasks)?;
    let mut input = input.value()?;
    input.email = input.email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
    input.validate().map_err(|e| ApiError::Validation(validation_errors(&e)))?;
    let db = state.store.db();
    let version =
        portfel_store::notices::set_delivery(db, &auth.claims.sub, version, input.email.as_deref(), input.delivery)
            .await?;
    Ok(Versioned::ok(version, input))
}
