//! Sessions: the cookie, the signed-in user as the API sees a caller, and
//! the CSRF check of every state-changing form.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use chrono::Utc;
use cookie::{Cookie, SameSite};
use portfel_api::auth::{Auth, Claims};
use portfel_domain::Role;
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
}

impl Signed {
    /// True when the user has any of `roles`.
    pub fn is(&self, roles: &[Role]) -> bool {
        self.auth.has_any(roles)
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

/// Where to go after signing in: only paths of this site are followed.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
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
    }))
}

impl FromRequestParts<WebState> for Signed {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let next = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        current(state, &parts.headers).await?.ok_or(PageError::SignIn(next))
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
        let req = Request::from_parts(parts, body);
        let bytes = Bytes::from_request(req, state).await.map_err(|_| PageError::BadForm)?;
        let fields = Fields::parse(&bytes)?;
        match fields.get(CSRF_FIELD) {
            Some(token) if same_secret(token, &user.csrf) => Ok(Posted { user, fields }),
            _ => Err(PageError::Csrf),
        }
    }
}

/// The client's address, when the server recorded it on the connection.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(Peer(info.map(|c| c.0.ip())))
    }
}
