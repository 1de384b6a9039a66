//! Limits checked before a request reaches a handler: a declared body over
//! the limit is refused at once (413), and so is a header section over
//! [`MAX_HEADER_BYTES`] (431), each as a problem document.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::problem::ApiError;
use crate::state::AppState;

/// Largest header section accepted, bytes (names, values and separators).
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Middleware: refuses oversize declared bodies and header sections.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let header_bytes: usize = request.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return ApiError::HeadersTooLarge(MAX_HEADER_BYTES).into_response();
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > state.body_limit as u64) {
        return ApiError::PayloadTooLarge(state.body_limit).into_response();
    }
    next.run(request).await
}
