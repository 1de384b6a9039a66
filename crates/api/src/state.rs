//! Shared state of the HTTP server.

use std::sync::Arc;
use std::time::Duration;

use portfel_store::Store;

use crate::auth::JwtSettings;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Token settings.
    pub jwt: Arc<JwtSettings>,
    /// Largest accepted request body, bytes.
    pub body_limit: usize,
    /// Largest accepted attached file, bytes.
    pub upload_limit: usize,
    /// Where this server is reached, for links in exported documents.
    pub public_url: String,
    /// How long a request may take.
    pub timeouts: Timeouts,
    /// Days after a project's works end that its ex-post evaluation is due.
    pub expost_after_days: u32,
}

/// Days after a project's works end that its ex-post evaluation is due, unless configured.
pub const EXPOST_AFTER_DAYS: u32 = 365;

/// Time limits of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Longest wait for the next part of a request body (408 after it).
    pub body: Duration,
    /// Longest time from the request's headers to the response (503 after it).
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { body: Duration::from_secs(30), request: Duration::from_secs(120) }
    }
}

impl axum::extract::FromRef<AppState> for Arc<JwtSettings> {
    fn from_ref(state: &AppState) -> Self {
        state.jwt.clone()
    }
}
