//! Shared state of the HTTP server.

use std::sync::Arc;

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
}
