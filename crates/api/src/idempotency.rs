//! `Idempotency-Key` support for `POST`: a retried request with the same key
//! and body gets the first response back instead of creating anything twice.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use portfel_store::idempotency::{self, Claim};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::problem::ApiError;
use crate::state::AppState;

/// Request header carrying the key.
pub const HEADER: &str = "idempotency-key";
/// Response header set on replays.
pub const REPLAYED: &str = "idempotent-replayed";
/// Response headers kept with a stored response.
const KEPT_HEADERS: [&str; 3] = ["content-type", "etag", "location"];

#[derive(Serialize, Deserialize)]
struct StoredResponse {
    headers: Vec<(String, String)>,
    body: String,
}

/// Middleware: claims the key, runs the request once, stores and replays its response.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let key = match key.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 255 => k.to_owned(),
        _ => {
            return ApiError::bad_field("Idempotency-Key", "invalid_key", "must be 1 to 255 visible ASCII characters")
                .into_response();
        }
    };
    let token =
        request.headers().get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let Some(sub) = token.and_then(|t| state.jwt.verify(t.trim()).ok()).map(|c| c.sub) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, state.body_limit).await {
        Ok(b) => b,
        Err(_) => return ApiError::PayloadTooLarge(state.body_limit).into_response(),
    };
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update(parts.uri.to_string());
    hasher.update([0]);
    hasher.update(&bytes);
    let hash = hex::encode(hasher.finalize());
    let db = state.store.db();
    match idempotency::claim(db, &sub, &key, &hash).await {
        Err(e) => ApiError::from(e).into_response(),
        Ok(Claim::Mismatch) => ApiError::Validation(vec![portfel_domain::FieldError::new(
            "Idempotency-Key",
            "key_reused",
            "this key was used with a different request; use a new key for a new request",
        )])
        .into_response(),
        Ok(Claim::InProgress) => {
            ApiError::Conflict("a request with this Idempotency-Key is still being processed; retry later".into())
                .into_response()
        }
        Ok(Claim::Replay { status, response }) => replay(status, &response),
        Ok(Claim::Fresh) => {
            let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            remember(&state, &sub, &key, response).await
        }
    }
}

async fn remember(state: &AppState, sub: &str, key: &str, response: Response) -> Response {
    let db = state.store.db();
    let status = response.status();
    if status.is_server_error() {
        if let Err(e) = idempotency::release(db, sub, key).await {
            tracing::warn!(error = %e, "could not release an idempotency key");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let stored = StoredResponse {
        headers: KEPT_HEADERS
            .iter()
            .filter_map(|h| parts.headers.get(*h).and_then(|v| v.to_str().ok()).map(|v| (h.to_string(), v.to_owned())))
            .collect(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let json = serde_json::to_string(&stored).expect("stored response serialises");
    if let Err(e) = idempotency::complete(db, sub, key, status.as_u16(), &json).await {
        tracing::warn!(error = %e, "could not store an idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(status: u16, stored: &str) -> Response {
    let Ok(stored) = serde_json::from_str::<StoredResponse>(stored) else {
        return ApiError::Unavailable("stored idempotent response is unreadable".into()).into_response();
    };
    let mut response = Response::new(Body::from(stored.body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    for (name, value) in stored.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::from_str(&value)) {
            headers.insert(n, v);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
