//! DREAM interoperability: import DREAM project documents (single and batch),
//! export passports as DREAM documents, and the change feed for sync scripts.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use portfel_domain::{FieldError, Permission, Status};
use portfel_store::dream::{Outcome, Project, ProjectResult};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Auth;
use crate::extract::{JsonBody, QueryParams};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// A DREAM project as DREAM lists and serves it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DreamProject {
    /// DREAM's internal id.
    #[schema(example = "3f0c4a2e-8d1b-4c55-9a61-0b4b5a7d2e10")]
    pub id: String,
    /// DREAM's code, e.g. `DREAM-UA-070825-07BFF93A`.
    #[serde(default)]
    pub code: Option<String>,
    /// The `GET /ideas/{id}` document.
    #[schema(value_type = Object)]
    #[serde(deserialize_with = "object")]
    pub document: Value,
}

/// Reads a JSON object (and nothing else), as the schema says a document is.
fn object<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    serde_json::Map::deserialize(deserializer).map(Value::Object)
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// DREAM's id.
    pub id: String,
    /// The linked passport (absent when the import failed).
    pub passport_id: Option<Uuid>,
    /// `new`, `updated`, `unchanged`, or `failed`.
    #[schema(example = "new")]
    pub outcome: String,
    /// Why it failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// A batch of DREAM projects.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBatch {
    /// Up to 500 projects; each is imported atomically on its own.
    pub items: Vec<DreamProject>,
}

/// Counts of a batch import.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct BatchSummary {
    /// New passports.
    pub new: usize,
    /// Updated passports.
    pub updated: usize,
    /// Documents seen before.
    pub unchanged: usize,
    /// Failures.
    pub failed: usize,
    /// Result per item, in order.
    pub results: Vec<ImportResult>,
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::New => "new",
        Outcome::Updated => "updated",
        Outcome::Unchanged => "unchanged",
    }
}

/// DREAM's id, checked: 1 to 200 characters.
fn checked_id(id: &str) -> Result<(), Vec<FieldError>> {
    if id.trim().is_empty() || id.len() > 200 {
        return Err(vec![FieldError::new("id", "invalid", "DREAM's id is 1 to 200 characters")]);
    }
    Ok(())
}

fn project(item: &DreamProject) -> Project<'_> {
    Project { dream_id: &item.id, code: item.code.as_deref(), document: &item.document }
}

/// What importing `item` did, counted for the metrics.
fn result(item: &DreamProject, imported: ProjectResult) -> ImportResult {
    crate::metrics::dream_imported(imported.as_ref().map_or("failed", |(_, o)| outcome_name(*o)));
    match imported {
        Ok((passport_id, outcome)) => ImportResult {
            id: item.id.clone(),
            passport_id: Some(passport_id),
            outcome: outcome_name(outcome).into(),
            errors: vec![],
        },
        Err(errors) => ImportResult { id: item.id.clone(), passport_id: None, outcome: "failed".into(), errors },
    }
}

/// Import a DREAM project
#[utoipa::path(post, path = "/api/v1/dream/import", tag = "dream", description = "Creates the passport linked to DREAM's id, or updates it; the same document again changes nothing. \
        Fields Portfel does not model are kept and given back on export. An invalid document gets a per-field report and changes nothing.",
    request_body = DreamProject,
    responses((status = 200, description = "Imported", body = ImportResult)))]
pub async fn import_project(
    auth: Auth,
    State(state): State<AppState>,
    item: JsonBody<DreamProject>,
) -> ApiResult<Json<ImportResult>> {
    auth.require(Permission::SyncDream)?;
    let item = item.value()?;
    checked_id(&item.id).map_err(ApiError::Validation)?;
    let (passport_id, outcome) = portfel_store::dream::import(state.store.db(), &auth.actor(), project(&item)).await?;
    Ok(Json(result(&item, Ok((passport_id, outcome)))))
}

/// Import a batch of DREAM projects
#[utoipa::path(post, path = "/api/v1/dream/import/batch", tag = "dream", description = "The batch is committed at once, each project atomically in a savepoint of its own: a failing one is reported and changes nothing, the others go on.",
    request_body = ImportBatch,
    responses((status = 200, description = "Counts and per-item results", body = BatchSummary)))]
pub async fn import_batch(
    auth: Auth,
    State(state): State<AppState>,
    batch: JsonBody<ImportBatch>,
) -> ApiResult<Json<BatchSummary>> {
    auth.require(Permission::SyncDream)?;
    let batch = batch.value()?;
    if batch.items.len() > 500 {
        return Err(ApiError::Validation(vec![FieldError::new("items", "too_many", "at most 500 projects per batch")]));
    }
    let checks: Vec<_> = batch.items.iter().map(|item| checked_id(&item.id)).collect();
    let valid: Vec<Project<'_>> =
        batch.items.iter().zip(&checks).filter(|(_, check)| check.is_ok()).map(|(item, _)| project(item)).collect();
    let mut imported =
        portfel_store::dream::import_many(state.store.db(), &auth.actor(), &valid, None).await?.into_iter();
    let mut summary = BatchSummary::default();
    for (item, check) in batch.items.iter().zip(checks) {
        let outcome = match check {
            Ok(()) => imported.next().expect("one result per valid project"),
            Err(errors) => Err(errors),
        };
        match &outcome {
            Ok((_, Outcome::New)) => summary.new += 1,
            Ok((_, Outcome::Updated)) => summary.updated += 1,
            Ok((_, Outcome::Unchanged)) => summary.unchanged += 1,
            Err(_) => summary.failed += 1,
        }
        summary.results.push(result(item, outcome));
    }
    Ok(Json(summary))
}

/// Export a passport as a DREAM document
#[utoipa::path(get, path = "/api/v1/dream/export/{id}", tag = "dream", description = "The `GET /ideas/{id}` shape of DREAM's public API; validates against DREAM's schema.",
    params(("id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "The DREAM document", body = Object)))]
pub async fn export_project(auth: Auth, State(state): State<AppState>, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    super::passports::visible(&state, &auth, id).await?;
    Ok(Json(portfel_store::dream::export(state.store.db(), id, &state.public_url).await?))
}

/// Order of the change feed.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedOrder {
    /// Oldest change first (the only order that pages without gaps).
    Asc,
}

/// Change feed parameters, as DREAM's `?from=&order=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// Changes after this time (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// `asc`.
    pub order: Option<FeedOrder>,
    /// Cursor from `next_cursor`.
    #[param(pattern = "^[0-9a-f]{48}$")]
    pub cursor: Option<String>,
    /// Page size, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
}

/// DREAM's `internal` part of a list entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct Internal {
    /// Passport id.
    pub id: Uuid,
    /// DREAM code, when linked.
    pub code: Option<String>,
}

/// DREAM's `external` part of a list entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct External {
    /// When the passport last changed.
    pub updated: DateTime<Utc>,
}

/// One changed passport.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedEntry {
    /// Identity.
    pub internal: Internal,
    /// Modification time.
    pub external: External,
    /// Lifecycle state.
    pub status: Status,
    /// True for withdrawn (cancelled) projects: a tombstone.
    pub deleted: bool,
}

/// A page of the change feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Feed {
    /// Changes, oldest first.
    pub data: Vec<FeedEntry>,
    /// Pass as `cursor` for the next page; absent at the end.
    pub next_cursor: Option<String>,
}

/// Change feed
#[utoipa::path(get, path = "/api/v1/dream/ideas", tag = "dream", description = "Mirrors DREAM's `GET /ideas?from=&order=`: passports past the draft stage changed after `from`, oldest first, \
        paginated by cursor without gaps or repeats; cancelled projects come as tombstones (`deleted: true`).",
    params(FeedQuery),
    responses((status = 200, description = "A page of changes", body = Feed)))]
pub async fn feed(
    auth: Auth,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<FeedQuery>,
) -> ApiResult<Json<Feed>> {
    auth.require(Permission::ReadDreamFeed)?;
    let limit = super::bounded_limit(q.limit, 100, 1000)?;
    let after = match (&q.cursor, q.from) {
        (Some(c), _) => Some(crate::cursor::decode_time_id(c).map(|(at, id)| (at, Some(id)))?),
        (None, Some(from)) => Some((from, None)),
        (None, None) => None,
    };
    let changes = portfel_store::dream::changes(state.store.db(), after, limit).await?;
    let next_cursor = (changes.len() as u64 == limit).then(|| {
        let last = changes.last().expect("a full page");
        crate::cursor::encode_time_id(last.updated, last.id)
    });
    let data = changes
        .into_iter()
        .map(|c| FeedEntry {
            internal: Internal { id: c.id, code: c.code },
            external: External { updated: c.updated },
            status: c.status,
            deleted: c.deleted,
        })
        .collect();
    Ok(Json(Feed { data, next_cursor }))
}
