//! Portfel's web workspace: server-rendered pages in Ukrainian for the
//! investment council, the PIM unit, experts and initiators.
//!
//! Every page and action goes through the API's handlers (`portfel_api::routes`)
//! with the signed-in user's roles and organisation, so a rule is checked in
//! one place whichever door a request comes in by. Sign-in is by password
//! (argon2id) into a server-side session held in an HttpOnly, SameSite=Strict
//! cookie; every state-changing form carries the session's CSRF token.

mod alternatives;
mod assets;
mod charts;
pub mod client;
mod error;
mod error_page;
mod format;
mod forms;
mod labels;
mod layout;
mod pages;
mod passport_view;
pub mod password;
mod returns;
mod session;
pub mod throttle;
mod widgets;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{Request, StatusCode};
use portfel_api::AppState;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

pub use error_page::browser_errors;
pub use throttle::Throttle;

/// Settings of the web workspace.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Marks the session cookie `Secure` (the workspace is served over https).
    pub cookie_secure: bool,
    /// How long a session lasts after sign-in.
    pub session_ttl: chrono::Duration,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` name the client.
    pub trusted_proxies: client::TrustedProxies,
    /// The hromada's name heading printed documents (empty: the first registered organisation's).
    pub hromada: String,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            cookie_secure: false,
            session_ttl: chrono::Duration::hours(8),
            trusted_proxies: client::TrustedProxies::default(),
            hromada: String::new(),
        }
    }
}

/// What every page handler can reach.
#[derive(Clone)]
pub struct WebState {
    /// The API's state: store, token settings, limits.
    pub app: AppState,
    /// Web settings.
    pub settings: Arc<WebSettings>,
    /// Failed sign-in attempts per account and per address.
    pub throttle: Arc<Throttle>,
    /// Plans of the other builder, for the side-by-side view.
    pub alternatives: Arc<alternatives::Alternatives>,
}

impl FromRef<WebState> for AppState {
    fn from_ref(state: &WebState) -> AppState {
        state.app.clone()
    }
}

/// Largest form a page accepts.
const FORM_LIMIT: usize = 1024 * 1024;

/// The workspace's routes, at `/` beside the API's `/api/v1`, with request
/// ids, tracing (method and path only: never a form or a cookie), a form size
/// limit and the API's time limits.
pub fn router(app: AppState, settings: WebSettings) -> Router {
    let timeouts = app.timeouts;
    let state = WebState {
        app,
        settings: Arc::new(settings),
        throttle: Arc::new(Throttle::default()),
        alternatives: Arc::default(),
    };
    pages::routes()
        .merge(assets::routes())
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(RequestBodyTimeoutLayer::new(timeouts.body))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeouts.request))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("page", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
