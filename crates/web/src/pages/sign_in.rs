//! Signing in and out.

use std::sync::LazyLock;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_store::sessions;
use serde::Deserialize;

use crate::client::Client;
use crate::error::{PageError, PageResult};
use crate::session::{
    self, COOKIE, FormBody, Posted, cookie_value, random_token, safe_next, same_secret, set_cookie, token_hash,
};
use crate::{WebState, layout, password};

/// The cookie that ties the sign-in form to the browser that loaded it.
const LOGIN_COOKIE: &str = "portfel_login";

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

fn login_page(token: &str, next: &str, sub: &str, message: Option<&str>) -> Markup {
    layout::bare(
        "Вхід",
        html! {
            h1 { "Вхід до робочого простору" }
            p.muted { "Портфель публічних інвестиційних проєктів громади" }
            (layout::notice(message, "bad"))
            form.card.narrow method="post" action="/login" {
                input type="hidden" name="_login" value=(token);
                input type="hidden" name="next" value=(next);
                label for="sub" { "Логін" }
                input #sub type="text" name="sub" value=(sub) autocomplete="username" required autofocus;
                label for="password" { "Пароль" }
                input #password type="password" name="password" autocomplete="current-password" required;
                p { button type="submit" { "Увійти" } }
            }
        },
    )
}

/// GET /login: the form (or, when signed in, where the user was going).
pub async fn form(State(state): State<WebState>, headers: HeaderMap, Query(q): Query<Next>) -> PageResult<Response> {
    let next = safe_next(q.next.as_deref());
    if session::current(&state, &headers).await?.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let token = random_token();
    let cookie = set_cookie(&state, LOGIN_COOKIE, &token, Some(chrono::Duration::minutes(30)));
    Ok(([(header::SET_COOKIE, cookie)], login_page(&token, &next, "", None)).into_response())
}

/// Checked when an account has no password, so that a missing account takes
/// as long as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| password::hash("a password nobody has").expect("hashing a constant"));

/// POST /login.
pub async fn sign_in(
    State(state): State<WebState>,
    headers: HeaderMap,
    Client(client): Client,
    FormBody(fields): FormBody,
) -> PageResult<Response> {
    let form_token = fields.get("_login").unwrap_or_default();
    match cookie_value(&headers, LOGIN_COOKIE) {
        Some(cookie) if !form_token.is_empty() && same_secret(&cookie, form_token) => {}
        _ => return Err(PageError::Csrf),
    }
    let sub = fields.text("sub").unwrap_or_default().to_owned();
    let next = safe_next(fields.get("next"));
    let given = fields.get("password").unwrap_or_default();
    let wait = state.throttle.wait(&sub, client, Instant::now());
    if !wait.is_zero() {
        tracing::warn!(sub = %sub, "sign-in refused: too many failed attempts");
        let message = format!("Забагато невдалих спроб. Спробуйте через {} с.", wait.as_secs().max(1));
        let page = login_page(form_token, &next, &sub, Some(&message));
        return Ok((StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, wait.as_secs().max(1).to_string())], page)
            .into_response());
    }
    let db = state.app.store.db();
    let stored = sessions::password_hash(db, &sub).await?;
    let (hash, given) = (stored.clone(), given.to_owned());
    let matches = tokio::task::spawn_blocking(move || password::verify(&given, hash.as_deref().unwrap_or(&DUMMY_HASH)))
        .await
        .map_err(|e| portfel_api::problem::ApiError::Internal(e.to_string()))?;
    if !(matches && stored.is_some()) {
        state.throttle.fail(&sub, client, Instant::now());
        tracing::info!(sub = %sub, "sign-in failed");
        let page = login_page(form_token, &next, &sub, Some("Невірний логін або пароль."));
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    }
    state.throttle.succeed(&sub, client);
    let token = random_token();
    let expires = chrono::Utc::now() + state.settings.session_ttl;
    sessions::open(db, &token_hash(&token), &sub, &random_token(), expires).await?;
    tracing::info!(sub = %sub, "signed in");
    let session_cookie = set_cookie(&state, COOKIE, &token, Some(state.settings.session_ttl));
    let clear_login = set_cookie(&state, LOGIN_COOKIE, "", None);
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().append(header::SET_COOKIE, session_cookie.parse().expect("cookie is a header value"));
    response.headers_mut().append(header::SET_COOKIE, clear_login.parse().expect("cookie is a header value"));
    Ok(response)
}

/// POST /logout: ends the session on the server and in the browser.
pub async fn sign_out(State(state): State<WebState>, posted: Posted) -> PageResult<Response> {
    sessions::revoke(state.app.store.db(), &posted.user.token_hash).await?;
    tracing::info!(sub = %posted.user.auth.claims.sub, "signed out");
    let cookie = set_cookie(&state, COOKIE, "", None);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}
