//! Attached files: uploaded as `multipart/form-data` and streamed to the file
//! store as they arrive (never whole in memory), typed by their content
//! against the allow-list, listed and downloaded by whoever may see their
//! owner, replaced by a new version or removed while the owner may change.

use axum::Json;
use axum::body::Body;
use axum::extract::multipart::{Field, Multipart, MultipartError};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use portfel_domain::attachment::{self, Attachment, FileChange, FileType, OwnerKind, OwnerState, SNIFF_BYTES};
use portfel_domain::passport::DocumentKind;
use portfel_domain::{FieldError, Permission};
use portfel_monitoring::expost::EvaluationStatus;
use portfel_monitoring::report::ReportStatus;
use portfel_planning::workflow::DocumentStatus;
use portfel_store::attachments::NewAttachment;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::council;
use super::passports::visible;
use crate::auth::Auth;
use crate::extract::QueryParams;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// The owner a request names.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnerQuery {
    /// What the files are attached to.
    pub owner_kind: OwnerKind,
    /// Id of the owner.
    pub owner_id: Uuid,
}

/// Which of an owner's files to list.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// What the files are attached to.
    pub owner_kind: OwnerKind,
    /// Id of the owner.
    pub owner_id: Uuid,
    /// A passport's revision: the files it had.
    pub revision: Option<i32>,
    /// Every file the owner ever had, removed and replaced ones included.
    #[serde(default)]
    pub history: bool,
}

/// What may be asked of an owner: to read its files, or to change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// Read.
    Read,
    /// Change.
    Change(FileChange),
}

/// Checks the caller may do `asked` with the files of `owner`: they see a
/// file exactly when they see its owner (the owner's own read rule), and
/// change it when they may change the owner and it is not frozen.
pub async fn authorise(state: &AppState, auth: &Auth, owner: OwnerQuery, asked: Asked) -> ApiResult<()> {
    let (id, roles, org) = (owner.owner_id, &auth.claims.roles, auth.claims.org);
    let owner_state = match owner.owner_kind {
        OwnerKind::Passport => {
            let passport = visible(state, auth, id).await?;
            if asked != Asked::Read {
                portfel_domain::access::may_edit(roles, org, passport.organisation_id, passport.status)?;
            }
            OwnerState::Passport(passport.status)
        }
        OwnerKind::Report => {
            let report = super::reports::readable(state, auth, id).await?;
            if asked != Asked::Read {
                auth.require_reporter(report.organisation_id)?;
            }
            OwnerState::Report { editable: matches!(report.status, ReportStatus::Draft | ReportStatus::Returned) }
        }
        OwnerKind::Completion => {
            let (_, report) = super::completions::readable(state, auth, id).await?;
            if asked != Asked::Read {
                auth.require_reporter(report.organisation_id)?;
            }
            OwnerState::Report { editable: report.status.editable() }
        }
        OwnerKind::Evaluation => {
            let (_, evaluation) = super::evaluations::readable(state, auth, id).await?;
            if asked != Asked::Read {
                super::evaluations::require_evaluator(auth, &evaluation)?;
            }
            OwnerState::Report { editable: evaluation.status == EvaluationStatus::Draft }
        }
        OwnerKind::Programme => {
            portfel_store::programmes::get(state.store.db(), id).await?;
            if asked != Asked::Read {
                auth.require(Permission::KeepProgrammes)?;
            }
            OwnerState::Programme
        }
        OwnerKind::Portfolio | OwnerKind::Plan => {
            let status = if owner.owner_kind == OwnerKind::Portfolio {
                council::read::<portfel_planning::council::PortfolioContent>(state, auth, id).await?.workflow.status
            } else {
                council::read::<portfel_planning::council::PlanContent>(state, auth, id).await?.workflow.status
            };
            if asked != Asked::Read {
                auth.require(Permission::PrepareDecisions)?;
            }
            OwnerState::Council {
                approved: matches!(status, DocumentStatus::Approved | DocumentStatus::Superseded),
                draft: matches!(status, DocumentStatus::Draft | DocumentStatus::Returned),
            }
        }
    };
    match asked {
        Asked::Read => Ok(()),
        Asked::Change(change) => attachment::may_change(owner_state, change)
            .map_err(|frozen| ApiError::Conflict(FieldError::of("owner", frozen.code(), &[]))),
    }
}

/// An attachment the caller may see (404 for one that does not exist, 403 for another's).
pub async fn readable(state: &AppState, auth: &Auth, id: Uuid) -> ApiResult<Attachment> {
    let found = portfel_store::attachments::get(state.store.db(), id).await?;
    authorise(state, auth, owner_of(&found), Asked::Read).await?;
    Ok(found)
}

fn owner_of(a: &Attachment) -> OwnerQuery {
    OwnerQuery { owner_kind: a.owner_kind, owner_id: a.owner_id }
}

fn upload_refused(e: MultipartError) -> ApiError {
    ApiError::bad_field("body", "malformed", format!("not a readable multipart/form-data body: {}", e.body_text()))
}

/// Streams one file part into the store: its first bytes decide its type, and
/// nothing is kept of a refused or interrupted one.
async fn store_part(
    state: &AppState,
    field: &mut Field<'_>,
    name: &str,
    limit: u64,
) -> ApiResult<(FileType, portfel_store::files::Stored)> {
    let mut head = Vec::new();
    let mut more = true;
    while head.len() < SNIFF_BYTES {
        match field.chunk().await.map_err(upload_refused)? {
            Some(chunk) => head.extend_from_slice(&chunk),
            None => {
                more = false;
                break;
            }
        }
    }
    if head.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::of(name, "file_empty", &[])]));
    }
    let Some(file_type) = attachment::sniff(&head) else {
        return Err(ApiError::Validation(vec![FieldError::of(name, "file_type_refused", &[])]));
    };
    let too_large = || ApiError::PayloadTooLarge(usize::try_from(limit).unwrap_or(usize::MAX));
    if head.len() as u64 > limit {
        return Err(too_large());
    }
    let mut upload = state.store.files().begin().await?;
    let written: ApiResult<()> = async {
        upload.write(&head).await?;
        while more {
            match field.chunk().await.map_err(upload_refused)? {
                Some(chunk) => {
                    if upload.size() + chunk.len() as u64 > limit {
                        return Err(too_large());
                    }
                    upload.write(&chunk).await?;
                }
                None => more = false,
            }
        }
        Ok(())
    }
    .await;
    match written {
        Ok(()) => Ok((file_type, upload.finish().await?)),
        Err(e) => {
            if let Err(abort) = upload.abort().await {
                tracing::warn!(error = %abort, "an abandoned upload could not be removed; `portfel files check` will");
            }
            Err(e)
        }
    }
}

/// Reads the upload's parts: an optional `kind` (a DREAM document type),
/// then one or more `file` parts (one only with `replaces`), each streamed
/// to the store; then attaches them all, or — when one is refused — none,
/// and keeps none of their content. The owner is checked before any byte is kept.
pub async fn receive(
    state: &AppState,
    auth: &Auth,
    owner: OwnerQuery,
    replaces: Option<Uuid>,
    multipart: &mut Multipart,
) -> ApiResult<Vec<Attachment>> {
    let change = if replaces.is_some() { FileChange::ReplaceOrRemove } else { FileChange::Add };
    authorise(state, auth, owner, Asked::Change(change)).await?;
    let mut files = Vec::new();
    let read = read_parts(state, owner, replaces, multipart, &mut files).await;
    let attached = match read {
        Ok(()) if files.is_empty() => Err(ApiError::Validation(vec![FieldError::of("file", "file_required", &[])])),
        Ok(()) => portfel_store::attachments::add(state.store.db(), &auth.actor(), files.clone())
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    if attached.is_err() {
        let hashes: Vec<String> = files.iter().map(|f| f.stored.sha256.clone()).collect();
        if let Err(e) = portfel_store::attachments::discard(&state.store, &hashes).await {
            tracing::warn!(error = %e, "a refused upload's files could not be removed; `portfel files check` finds them");
        }
    }
    attached
}

/// Stores every file part of an upload into `files`, none attached yet.
async fn read_parts(
    state: &AppState,
    owner: OwnerQuery,
    replaces: Option<Uuid>,
    multipart: &mut Multipart,
    files: &mut Vec<NewAttachment>,
) -> ApiResult<()> {
    let limit = state.upload_limit as u64;
    let mut kind: Option<DocumentKind> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(upload_refused)? {
        match field.name() {
            Some("kind") => {
                let text = field.text().await.map_err(upload_refused)?;
                kind = match text.trim() {
                    "" => None,
                    code => Some(serde_json::from_value(serde_json::Value::String(code.to_owned())).map_err(|_| {
                        ApiError::Validation(vec![FieldError::new(
                            "kind",
                            "invalid_value",
                            "not a DREAM document type",
                        )])
                    })?),
                };
            }
            Some("file") => {
                let at = if files.is_empty() { "file".to_owned() } else { format!("file[{}]", files.len()) };
                if replaces.is_some() && !files.is_empty() {
                    return Err(ApiError::Validation(vec![FieldError::new(
                        at,
                        "too_many",
                        "a file is replaced by one file",
                    )]));
                }
                let name = attachment::clean_name(field.file_name().unwrap_or_default());
                let (file_type, stored) = store_part(state, &mut field, &at, limit).await?;
                files.push(NewAttachment {
                    owner_kind: owner.owner_kind,
                    owner_id: owner.owner_id,
                    kind: if owner.owner_kind == OwnerKind::Passport { kind } else { None },
                    name,
                    file_type,
                    stored,
                    replaces,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// A multipart body, or the problem saying why it is not one.
async fn multipart_of(request: Request, state: &AppState) -> ApiResult<Multipart> {
    Multipart::from_request(request, state).await.map_err(|e| ApiError::UnsupportedMediaType(e.body_text()))
}

/// The parts of an upload, as documented.
#[derive(ToSchema)]
#[allow(dead_code, reason = "describes the multipart body for the API document only")]
pub struct UploadForm {
    /// DREAM document type of a passport's readiness evidence (optional; before the files).
    kind: Option<DocumentKind>,
    /// One or more files (PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, ZIP or P7S; the type is read from the content).
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
}

/// List an owner's files
#[utoipa::path(get, path = "/api/v1/attachments", tag = "attachments", params(ListQuery),
    description = "The files an owner has now; with `revision`, those a passport's revision had; with `history`, every file it ever had. \
        Visible to exactly whoever may see the owner.",
    responses((status = 200, description = "Files, oldest first", body = [Attachment])))]
pub async fn list_attachments(
    auth: Auth,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<Vec<Attachment>>> {
    let owner = OwnerQuery { owner_kind: q.owner_kind, owner_id: q.owner_id };
    authorise(&state, &auth, owner, Asked::Read).await?;
    let db = state.store.db();
    let list = match (q.revision, q.history) {
        (Some(revision), _) => portfel_store::attachments::in_revision(db, q.owner_id, revision).await?,
        (None, true) => portfel_store::attachments::history(db, q.owner_kind, q.owner_id).await?,
        (None, false) => portfel_store::attachments::current(db, q.owner_kind, q.owner_id).await?,
    };
    Ok(Json(list))
}

/// Upload files
#[utoipa::path(post, path = "/api/v1/attachments", tag = "attachments", params(OwnerQuery),
    description = "Streams each `file` part to the file store; the type is read from the content (PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, ZIP, P7S), \
        the name kept without its path. A passport's files change while its content may (each change is a revision); an approved \
        portfolio or plan takes new files (its signed decision) but never loses one. Not keyed by `Idempotency-Key`: a file's content \
        is kept once whatever number of times it is sent.",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "Attached, in the order sent", body = [Attachment]),
              (status = 409, description = "The owner's files are frozen", body = crate::problem::Problem, content_type = "application/problem+json"),
              (status = 413, description = "A file over the size limit", body = crate::problem::Problem, content_type = "application/problem+json"),
              (status = 415, description = "Not multipart/form-data", body = crate::problem::Problem, content_type = "application/problem+json"),
              (status = 422, description = "No file, an empty one, or a type off the allow-list", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn upload_attachments(
    auth: Auth,
    State(state): State<AppState>,
    QueryParams(owner): QueryParams<OwnerQuery>,
    request: Request,
) -> ApiResult<(StatusCode, Json<Vec<Attachment>>)> {
    let mut multipart = multipart_of(request, &state).await?;
    let added = receive(&state, &auth, owner, None, &mut multipart).await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// Read a file's record
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "attachments", params(("id" = Uuid, Path, description = "Attachment id")),
    responses((status = 200, description = "The record", body = Attachment)))]
pub async fn get_attachment(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Attachment>> {
    Ok(Json(readable(&state, &auth, id).await?))
}

/// Remove a file
#[utoipa::path(delete, path = "/api/v1/attachments/{id}", tag = "attachments", params(("id" = Uuid, Path, description = "Attachment id")),
    description = "The owner no longer has the file; the versions that had it keep it.",
    responses((status = 200, description = "Removed", body = Attachment),
              (status = 409, description = "Frozen, or removed already", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn remove_attachment(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Attachment>> {
    let found = readable(&state, &auth, id).await?;
    authorise(&state, &auth, owner_of(&found), Asked::Change(FileChange::ReplaceOrRemove)).await?;
    Ok(Json(portfel_store::attachments::remove(state.store.db(), &auth.actor(), id).await?))
}

/// Download a file
#[utoipa::path(get, path = "/api/v1/attachments/{id}/content", tag = "attachments", params(("id" = Uuid, Path, description = "Attachment id")),
    description = "Always `Content-Disposition: attachment` with `X-Content-Type-Options: nosniff`; a removed file stays readable for the versions that had it.",
    responses((status = 200, description = "The file", content_type = "application/octet-stream")))]
pub async fn download_attachment(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Response> {
    let found = readable(&state, &auth, id).await?;
    download(&state, &found).await
}

/// Replace a file with a new version
#[utoipa::path(post, path = "/api/v1/attachments/{id}/versions", tag = "attachments", params(("id" = Uuid, Path, description = "Attachment id")),
    description = "One `file` part: the new version, attached in the old one's place; the old one is kept for the versions that had it. \
        A file is replaced once: a second replacement of the same one is refused (409 `attachment_gone`).",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "The new version", body = Attachment),
              (status = 409, description = "Frozen, or replaced already", body = crate::problem::Problem, content_type = "application/problem+json"),
              (status = 413, description = "Over the size limit", body = crate::problem::Problem, content_type = "application/problem+json"),
              (status = 415, description = "Not multipart/form-data", body = crate::problem::Problem, content_type = "application/problem+json"),
              (status = 422, description = "No file, an empty one, or a type off the allow-list", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn replace_attachment(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    request: Request,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let found = readable(&state, &auth, id).await?;
    let mut multipart = multipart_of(request, &state).await?;
    let mut added = receive(&state, &auth, owner_of(&found), Some(id), &mut multipart).await?;
    Ok((StatusCode::CREATED, Json(added.remove(0))))
}

/// The file as a download: streamed from the store, never shown inline.
pub async fn download(state: &AppState, found: &Attachment) -> ApiResult<Response> {
    let stream = state.store.files().read(&found.sha256).await?;
    let body = Body::from_stream(stream.map_err(|e| std::io::Error::other(e.to_string())));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    let media =
        HeaderValue::from_str(&found.media_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, media);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(found.size));
    if let Ok(v) = HeaderValue::from_str(&disposition(&found.name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", found.sha256)) {
        headers.insert(header::ETAG, v);
    }
    Ok(response)
}

/// `attachment` with the name twice: ASCII for old clients, UTF-8 (RFC 6266) for the rest.
pub fn disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn names_are_given_twice_and_never_break_the_header() {
        assert_eq!(
            disposition("Кошторис \"1\".pdf"),
            "attachment; filename=\"________ _1_.pdf\"; filename*=UTF-8''%D0%9A%D0%BE%D1%88%D1%82%D0%BE%D1%80%D0%B8%D1%81%20%221%22%2Epdf"
        );
    }
}
