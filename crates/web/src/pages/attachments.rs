//! Attached files on the pages of their owners: the list with downloads,
//! an upload form (several files at once; with the script, a progress bar),
//! replacing a file by a new version and removing one — all through the
//! API's handlers, so the owner's rules decide what is shown and allowed.

use axum::extract::multipart::Multipart;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::routes::attachments::{self as api, Asked, OwnerQuery};
use portfel_domain::attachment::{Attachment, FileChange, FileType, OwnerKind};
use portfel_domain::choices::DOCUMENT_KINDS;
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use crate::WebState;
use crate::error::{PageError, PageResult};
use crate::format;
use crate::layout;
use crate::session::{CSRF_FIELD, Posted, Signed, safe_next, same_secret};

/// Where the browser goes back to after a change.
#[derive(Debug, Deserialize)]
pub struct Back {
    /// A path of this site.
    back: Option<String>,
}

/// The owner and where to go back to.
#[derive(Debug, Deserialize)]
pub struct UploadTarget {
    owner_kind: OwnerKind,
    owner_id: Uuid,
    back: Option<String>,
}

/// The types the file inputs offer (the server still reads each file's content).
fn accepted() -> String {
    FileType::ALL.iter().map(|t| format!(".{}", t.label().to_lowercase())).collect::<Vec<_>>().join(",")
}

/// A size as people read it: «12,5 КБ», «3,2 МБ».
fn size(bytes: i64) -> String {
    let (value, unit) = match bytes {
        b if b < 1024 => return format!("{b} Б"),
        b if b < 1024 * 1024 => (Decimal::from(b) / Decimal::from(1024), "КБ"),
        b => (Decimal::from(b) / Decimal::from(1024 * 1024), "МБ"),
    };
    format!("{} {unit}", format::number(value.round_dp(1), 1))
}

fn kind_label(a: &Attachment) -> &'static str {
    let code = a.kind.and_then(|k| serde_json::to_value(k).ok()).and_then(|v| v.as_str().map(str::to_owned));
    code.and_then(|c| DOCUMENT_KINDS.iter().find(|(k, _)| *k == c).map(|(_, label)| *label)).unwrap_or("")
}

/// The «Файли» section of an owner's page at `back`: what it has now, and
/// — when the user may change them — the forms to add, replace and remove.
pub async fn section(state: &WebState, user: &Signed, owner: OwnerQuery, back: &str) -> PageResult<Markup> {
    let app = &state.app;
    if api::authorise(app, &user.auth, owner, Asked::Read).await.is_err() {
        return Ok(html! {});
    }
    let files = portfel_store::attachments::current(app.store.db(), owner.owner_kind, owner.owner_id).await?;
    let may_add = api::authorise(app, &user.auth, owner, Asked::Change(FileChange::Add)).await.is_ok();
    let may_change = api::authorise(app, &user.auth, owner, Asked::Change(FileChange::ReplaceOrRemove)).await.is_ok();
    let back_query = form_urlencoded::Serializer::new(String::new()).append_pair("back", back).finish();
    let upload_action = form_urlencoded::Serializer::new(String::from("/attachments?"))
        .append_pair("owner_kind", owner.owner_kind.as_str())
        .append_pair("owner_id", &owner.owner_id.to_string())
        .append_pair("back", back)
        .finish();
    let limit = size(i64::try_from(app.upload_limit).unwrap_or(i64::MAX));
    Ok(html! {
        section #files aria-labelledby="files-heading" {
            h2 #files-heading { "Файли" }
            @if files.is_empty() {
                p { "Файлів немає." }
            } @else {
                div.scroll { table {
                    thead { tr { th { "Файл" } @if owner.owner_kind == OwnerKind::Passport { th { "Вид документа" } } th { "Тип" } th { "Розмір" } th { "Додано" }
                        @if may_change { th { "Дії" } } } }
                    tbody { @for a in &files { tr {
                        td { a href=(format!("/attachments/{}", a.id)) download { (a.name) }
                            @if a.replaces.is_some() { " " span.muted { "(нова версія)" } } }
                        @if owner.owner_kind == OwnerKind::Passport { td { (kind_label(a)) } }
                        td { (a.file_type.label()) }
                        td { (size(a.size)) }
                        td { (a.uploaded_at.format("%d.%m.%Y %H:%M")) ", " (a.uploaded_by) }
                        @if may_change { td {
                            form.file-action method="post" action=(format!("/attachments/{}/replace?{back_query}", a.id)) enctype="multipart/form-data" data-upload {
                                (layout::csrf(user))
                                input id=(format!("replace-{}", a.id)) type="file" name="file" required accept=(accepted())
                                    aria-label=(format!("Нова версія файлу «{}»", a.name));
                                button.secondary type="submit" { "Замінити" }
                                progress hidden max="100" value="0" aria-label=(format!("Завантаження нової версії «{}»", a.name)) {}
                            }
                            form.file-action method="post" action=(format!("/attachments/{}/remove?{back_query}", a.id)) {
                                (layout::csrf(user))
                                button.secondary type="submit" aria-label=(format!("Вилучити «{}»", a.name)) { "Вилучити" }
                            }
                        } }
                    } } }
                } }
            }
            @if may_add {
                form method="post" action=(upload_action) enctype="multipart/form-data" data-upload {
                    (layout::csrf(user))
                    @if owner.owner_kind == OwnerKind::Passport {
                        label for="file-kind" { "Вид документа" }
                        select #file-kind name="kind" {
                            option value="" { "—" }
                            @for (code, label) in DOCUMENT_KINDS { option value=(code) { (label) } }
                        }
                    }
                    label for="file-input" { "Додати файли" }
                    input #file-input type="file" name="file" multiple required accept=(accepted()) aria-describedby="file-hint";
                    p.muted #file-hint { "PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, ZIP або P7S, до " (limit) " кожен; можна обрати кілька." }
                    button type="submit" { "Завантажити" }
                    progress hidden max="100" value="0" aria-label="Завантаження файлів" {}
                }
            }
        }
    })
}

/// Reads the session's CSRF token, the first part of every upload form.
async fn checked(user: &Signed, multipart: &mut Multipart) -> PageResult<()> {
    let Ok(Some(field)) = multipart.next_field().await else { return Err(PageError::Csrf) };
    if field.name() != Some(CSRF_FIELD) {
        return Err(PageError::Csrf);
    }
    match field.text().await {
        Ok(token) if same_secret(&token, &user.csrf) => Ok(()),
        _ => Err(PageError::Csrf),
    }
}

fn back_to(back: Option<&str>) -> Response {
    Redirect::to(&format!("{}#files", safe_next(back))).into_response()
}

/// POST /attachments?owner_kind=&owner_id=&back=: the files chosen in the form.
pub async fn upload(
    State(state): State<WebState>,
    user: Signed,
    Query(target): Query<UploadTarget>,
    mut multipart: Multipart,
) -> PageResult<Response> {
    checked(&user, &mut multipart).await?;
    let owner = OwnerQuery { owner_kind: target.owner_kind, owner_id: target.owner_id };
    api::receive(&state.app, &user.auth, owner, None, &mut multipart).await?;
    Ok(back_to(target.back.as_deref()))
}

/// POST /attachments/{id}/replace?back=: a new version of a file.
pub async fn replace(
    State(state): State<WebState>,
    user: Signed,
    Path(id): Path<Uuid>,
    Query(back): Query<Back>,
    mut multipart: Multipart,
) -> PageResult<Response> {
    checked(&user, &mut multipart).await?;
    let found = api::readable(&state.app, &user.auth, id).await?;
    let owner = OwnerQuery { owner_kind: found.owner_kind, owner_id: found.owner_id };
    api::receive(&state.app, &user.auth, owner, Some(id), &mut multipart).await?;
    Ok(back_to(back.back.as_deref()))
}

/// POST /attachments/{id}/remove?back=.
pub async fn remove(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Query(back): Query<Back>,
    posted: Posted,
) -> PageResult<Response> {
    let axum::Json(_removed) =
        api::remove_attachment(posted.user.auth.clone(), State(state.app.clone()), Path(id)).await?;
    Ok(back_to(back.back.as_deref()))
}

/// GET /attachments/{id}: the download.
pub async fn download(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Response> {
    Ok(api::download_attachment(user.auth.clone(), State(state.app.clone()), Path(id)).await?)
}
