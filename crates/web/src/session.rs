//! Sessions: the cookie, the signed-in user as the API sees a caller, and
//! the CSRF check of every state-changing form.

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use chrono::Utc;
use cookie::{Cookie, SameSite};
use portfel_api::auth::{Auth, Claims};
use portfel_domain::Permission;
use portfel_store::sessions;
use sha2::{Digest, Sha256};

use crate::WebState;
use crate::error::PageError;
use crate::forms::Fields;

/// Name of the session cookie.
pub const COOKIE: &str = "portfel_session";
/// Name of the CSRF field of every form.
pub const CSRF_FIELD: &str = "_csrf";

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The user as the API's handlers see a caller.
    pub auth: Auth,
    /// Full name, for the page header.
    pub name: String,
    /// The session's CSRF token, put in every form.
    pub csrf: String,
    /// Hash of the session token (to sign out).
    pub token_hash: String,
    /// How many tasks wait for the user, for the menu (counted for pages, not for posts).
    pub waiting: Option<u64>,
    /// How many notices the user has not read, for the menu (likewise).
    pub unread: Option<u64>,
}

impl Signed {
    /// True when the user's roles grant `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        self.auth.may(permission)
    }
}

/// A random token of 32 bytes, hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the system has randomness");
    hex::encode(bytes)
}

/// The stored form of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The value of cookie `name` in the request's headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path `/`, `Secure` when
/// configured; `max_age` of `None` deletes the cookie.
pub fn set_cookie(state: &WebState, name: &str, value: &str, max_age: Option<chrono::Duration>) -> String {
    let mut c = Cookie::build((name.to_owned(), value.to_owned()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.cookie_secure)
        .path("/");
    c = match max_age {
        Some(age) => c.max_age(cookie::time::Duration::seconds(age.num_seconds())),
        None => c.max_age(cookie::time::Duration::ZERO),
    };
    c.build().to_string()
}

/// Where to go after signing in: a path of this site, or the home page.
///
/// The one redirect rule: a path that begins with a single `/` and holds no
/// `\\`, no white space and no control character — as given (only visible
/// ASCII, so it is always a valid `Location`) and, its path, once more
/// percent-decoded (a query may hold encoded spaces). Browsers drop tabs and
/// line breaks from a URL, so `/\t/evil` would lead to `//evil`, another host.
/// Anything else goes home.
pub fn safe_next(next: Option<&str>) -> String {
    fn same_site(path: &str) -> bool {
        path.starts_with('/')
            && !path[1..].starts_with(['/', '\\'])
            && !path.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    }
    let decoded = |n: &str| {
        let path = n.split(['?', '#']).next().unwrap_or_default();
        percent_encoding::percent_decode_str(path).decode_utf8().is_ok_and(|d| same_site(&d))
    };
    match next {
        Some(n) if n.bytes().all(|b| b.is_ascii_graphic()) && same_site(n) && decoded(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Loads the signed-in user of a request, if any.
pub async fn current(state: &WebState, headers: &HeaderMap) -> Result<Option<Signed>, PageError> {
    let Some(token) = cookie_value(headers, COOKIE) else { return Ok(None) };
    let hash = token_hash(&token);
    let db = state.app.store.db();
    let Some(session) = sessions::find(db, &hash).await? else {
        return Ok(None);
    };
    let Some(user) = portfel_store::users::by_sub(db, &session.sub).await? else {
        return Ok(None);
    };
    let claims = Claims {
        sub: user.data.sub,
        org: Some(user.data.organisation_id),
        roles: user.data.roles,
        exp: session.expires_at.timestamp(),
        iat: Utc::now().timestamp(),
        aud: state.app.jwt.audience.clone(),
        iss: state.app.jwt.issuer.clone(),
    };
    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    Ok(Some(Signed {
        auth: Auth { claims, request_id },
        name: user.data.full_name,
        csrf: session.csrf,
        token_hash: hash,
        waiting: None,
        unread: None,
    }))
}

impl FromRequestParts<WebState> for Signed {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let next = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let mut user = current(state, &parts.headers).await?.ok_or(PageError::SignIn(next))?;
        if parts.method == axum::http::Method::GET && user.may(Permission::FollowTasks) {
            let tasks = portfel_api::routes::tasks::my_tasks(user.auth.clone(), State(state.app.clone())).await;
            user.waiting = tasks.ok().map(|axum::Json(list)| list.len() as u64);
            user.unread = portfel_api::routes::notifications::unread_of(&state.app, &user.auth).await.ok();
        }
        Ok(user)
    }
}

/// A form posted by a signed-in user with the session's CSRF token; a post
/// without a valid token is refused (403) before anything else happens.
#[derive(Debug)]
pub struct Posted {
    /// Who posted.
    pub user: Signed,
    /// The form's fields.
    pub fields: Fields,
}

impl FromRequest<WebState> for Posted {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = Signed::from_request_parts(&mut parts, state).await.map_err(|e| match e {
            PageError::SignIn(_) => PageError::SignIn("/".into()),
            other => other,
        })?;
        let FormBody(fields) = FormBody::from_request(Request::from_parts(parts, body), state).await?;
        match fields.get(CSRF_FIELD) {
            Some(token) if same_secret(token, &user.csrf) => Ok(Posted { user, fields }),
            _ => Err(PageError::Csrf),
        }
    }
}

/// The fields of a posted form, read as the API reads a body: 413 over the
/// limit, 408 when the body stops arriving, 400 when it is not a form.
#[derive(Debug)]
pub struct FormBody(pub Fields);

impl FromRequest<WebState> for FormBody {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        let bytes = portfel_api::extract::read_body(req, &state.app).await?;
        Ok(FormBody(Fields::parse(&bytes)?))
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for good in
            ["/", "/passports", "/passports?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0%20%E2%84%963&status=draft", "/a/b#c"]
        {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "//evil.example/",
            "/\\evil.example/",
            "/\t/evil/",
            "/%09/evil/",
            "/%2F/evil/",
            "/%5Cevil",
            "/\n/evil",
            "/a\r\nSet-Cookie: x=1",
            "/\u{b}x",
            "/\u{c}x",
            "/\u{1f}x",
            "/\u{7f}x",
            "/ x",
            "https://evil.example/",
            "evil",
            "",
            "/%0a/evil",
            "/%FF",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
