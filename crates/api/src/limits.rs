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

/// Room in an upload's body for its part headers and boundaries, bytes.
const UPLOAD_OVERHEAD: usize = 64 * 1024;

/// The largest declared body of an upload of files up to `upload_limit` each.
fn upload_body_limit(upload_limit: usize) -> usize {
    upload_limit.saturating_add(UPLOAD_OVERHEAD)
}

/// True for a file upload, whose body the upload limit bounds (each file is
/// checked again as it streams in).
pub fn is_upload(request: &Request) -> bool {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    multipart && request.uri().path().starts_with("/api/v1/attachments")
}

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
    let limit = if is_upload(&request) { upload_body_limit(state.upload_limit) } else { state.body_limit };
    if declared.is_some_and(|length| length > limit as u64) {
        return ApiError::PayloadTooLarge(limit).into_response();
    }
    next.run(request).await
}
