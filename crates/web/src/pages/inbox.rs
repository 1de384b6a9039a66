//! "Повідомлення": the signed-in person's notices, newest first, each with
//! the page it concerns; marking them read; and how the person wants them
//! by e-mail (the API's `/api/v1/notifications`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::QueryParams;
use portfel_api::problem::ApiError;
use portfel_api::routes::notifications as api;
use portfel_domain::calendar::local_time;
use portfel_domain::notices::Delivery;
use serde_json::json;
use uuid::Uuid;

use crate::error::PageResult;
use crate::forms::{Errors, Values};
use crate::session::{Posted, Signed};
use crate::widgets::input;
use crate::{WebState, layout};

/// The choices of delivery, as people read them.
const DELIVERIES: [(Delivery, &str); 3] = [
    (Delivery::Each, "лист на кожне повідомлення"),
    (Delivery::Digest, "один лист на день з усіма повідомленнями"),
    (Delivery::None, "без листів, лише тут"),
];

/// GET /inbox, `?before=` for older notices.
pub async fn list(
    State(state): State<WebState>,
    user: Signed,
    QueryParams(q): QueryParams<api::InboxQuery>,
) -> PageResult<Markup> {
    // A person signed in has a user record; its settings are always there.
    let settings = api::notification_settings(user.auth.clone(), State(state.app.clone())).await?;
    let version = settings.version();
    let settings = settings.into_body();
    let mut values = Values::default();
    values.set("email", settings.email.unwrap_or_default());
    values.set("delivery", settings.delivery.as_str());
    page(&state, &user, &q, (&values, version, &Errors::default())).await
}

/// The settings form's values, version and errors.
type SettingsForm<'a> = (&'a Values, i32, &'a Errors);

async fn page(state: &WebState, user: &Signed, q: &api::InboxQuery, form: SettingsForm<'_>) -> PageResult<Markup> {
    let (values, version, errors) = form;
    let inbox = api::inbox(&state.app, &user.auth, q).await?;
    Ok(layout::page(
        user,
        "Повідомлення",
        html! {
            h1 { "Повідомлення" }
            @if inbox.items.is_empty() && q.before.is_none() { p.notice { "Повідомлень немає." } }
            @else {
                p { "Непрочитаних: " strong { (inbox.unread) } "." }
                @if inbox.unread > 0 {
                    form method="post" action="/inbox/read" {
                        (layout::csrf(user))
                        button type="submit" { "Позначити всі прочитаними" }
                    }
                }
                ul.notices {
                    @for n in &inbox.items {
                        li.card.unread[n.read_at.is_none()] {
                            h2 { a href=(n.link) { (n.title) } }
                            p { (n.body) }
                            p.muted {
                                (local_time(n.created_at).format("%d.%m.%Y %H:%M"))
                                @if n.read_at.is_none() { " · " strong { "не прочитано" } }
                            }
                            @if n.read_at.is_none() {
                                form method="post" action=(format!("/inbox/{}/read", n.id)) {
                                    (layout::csrf(user))
                                    button.link type="submit" { "Позначити прочитаним" }
                                }
                            }
                        }
                    }
                }
            }
            @if q.before.is_some() || inbox.next_before.is_some() {
                nav.pages aria-label="Сторінки повідомлень" {
                    @if q.before.is_some() { a href="/inbox" rel="first" { "← Найновіші" } }
                    @if let Some(older) = inbox.next_before { a href=(format!("/inbox?before={older}")) rel="next" { "Старіші →" } }
                }
            }
            {
                section.card aria-labelledby="mail" {
                    h2 #mail { "Листи електронною поштою" }
                    (layout::error_summary(errors))
                    form method="post" action="/inbox/settings" novalidate {
                        (layout::guarded(user, version))
                        (input("Адреса електронної пошти", "email", "email", values, errors))
                        fieldset { legend { "Як надсилати повідомлення" }
                            @for (delivery, label) in DELIVERIES {
                                @let id = format!("delivery-{}", delivery.as_str());
                                div {
                                    input type="radio" id=(id) name="delivery" value=(delivery.as_str())
                                        checked[values.get("delivery") == delivery.as_str()];
                                    label.inline for=(id) { (label) }
                                }
                            }
                        }
                        button type="submit" { "Зберегти" }
                    }
                }
            }
        },
    ))
}

/// POST /inbox/{id}/read.
pub async fn read(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, .. }: Posted,
) -> PageResult<Response> {
    api::read_notification(user.auth.clone(), State(state.app.clone()), Path(id)).await.map(drop)?;
    Ok(Redirect::to("/inbox").into_response())
}

/// POST /inbox/read.
pub async fn read_all(State(state): State<WebState>, Posted { user, .. }: Posted) -> PageResult<Response> {
    api::read_all_notifications(user.auth.clone(), State(state.app.clone())).await.map(drop)?;
    Ok(Redirect::to("/inbox").into_response())
}

/// POST /inbox/settings.
pub async fn settings(State(state): State<WebState>, Posted { user, fields }: Posted) -> PageResult<Response> {
    let version = fields.version()?;
    let body = json!({"email": fields.text("email"), "delivery": fields.text("delivery").unwrap_or_default()});
    let saved = api::update_notification_settings(
        user.auth.clone(),
        State(state.app.clone()),
        version,
        portfel_api::extract::JsonBody::from_value(body),
    )
    .await;
    match saved {
        Ok(_) => Ok(Redirect::to("/inbox").into_response()),
        Err(ApiError::Validation(errors)) => {
            let form = (&fields.values(), version.0, &Errors(errors));
            let page = page(&state, &user, &api::InboxQuery::default(), form).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
