//! `Idempotency-Key` support for `POST`: a retried request with the same key
//! and body gets the first response back instead of creating anything twice.
//!
//! The response is stored in the same transaction as the request's writes
//! (see [`portfel_store::idempotency`]), so a crash leaves the key either
//! complete or unused, and a retry always resolves it.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use portfel_store::idempotency::{self, Completion, Lookup, Stored};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::problem::ApiError;
use crate::state::AppState;

/// Request header carrying the key.
pub const HEADER: &str = "idempotency-key";
/// Response header set on replays.
pub const REPLAYED: &str = "idempotent-replayed";
/// Pattern of a valid key: 1 to 255 visible ASCII characters.
pub const KEY_PATTERN: &str = "^[\\x21-\\x7E]{1,255}$";
/// Response headers kept with a stored response.
const KEPT_HEADERS: [&str; 3] = ["content-type", "etag", "location"];

#[derive(Serialize, Deserialize)]
struct StoredResponse {
    headers: Vec<(String, String)>,
    body: String,
}

/// Middleware: replays a completed key, or runs the request once and stores
/// its response together with its writes.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    // An upload is streamed, never buffered to be fingerprinted; its content is kept once anyway.
    if request.method() != Method::POST || crate::limits::is_upload(&request) {
        return next.run(request).await;
    }
    let key = match key.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => k.to_owned(),
        _ => {
            return ApiError::bad_field("Idempotency-Key", "invalid_key", "must be 1 to 255 visible ASCII characters")
                .into_response();
        }
    };
    let token = crate::auth::bearer_token(request.headers());
    let Some(sub) = token.and_then(|t| state.jwt.verify(t).ok()).map(|c| c.sub) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let bytes = match crate::extract::read_body(Request::from_parts(parts.clone(), body), &state).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let hash = fingerprint(&parts, &bytes);
    let db = state.store.db();
    match idempotency::lookup(db, &sub, &key, &hash).await {
        Err(e) => return ApiError::from(e).into_response(),
        Ok(Lookup::Mismatch) => return key_reused(),
        Ok(Lookup::Replay { status, response }) => return replay(status, &response),
        Ok(Lookup::Absent) => {}
    }
    let (response, txn) = idempotency::run_scoped(next.run(Request::from_parts(parts, Body::from(bytes)))).await;
    if response.status().is_server_error() {
        // Dropping the transaction rolls back whatever the request wrote; the key stays unused.
        drop(txn);
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        return ApiError::Internal("the response could not be read".into()).into_response();
    };
    let stored = StoredResponse {
        headers: KEPT_HEADERS
            .iter()
            .filter_map(|h| parts.headers.get(*h).and_then(|v| v.to_str().ok()).map(|v| (h.to_string(), v.to_owned())))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let json = serde_json::to_string(&stored).expect("stored response serialises");
    let done = Completion { actor: &sub, key: &key, hash: &hash, status: parts.status.as_u16(), response: &json };
    match idempotency::complete(db, txn, done).await {
        Ok(Stored::Committed) => Response::from_parts(parts, Body::from(body)),
        Ok(Stored::Taken(Lookup::Replay { status, response })) => replay(status, &response),
        Ok(Stored::Taken(Lookup::Mismatch)) => key_reused(),
        Ok(Stored::Taken(Lookup::Absent)) => {
            ApiError::Internal("the key was neither stored nor found after the write".into()).into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Fingerprint of a request: method, target, `If-Match` and body. A JSON body
/// counts by its value, so the same document with other spacing or key order
/// is the same request; another `If-Match` is another request.
fn fingerprint(parts: &axum::http::request::Parts, body: &Bytes) -> String {
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update(parts.uri.to_string());
    hasher.update([0]);
    hasher.update(parts.headers.get(axum::http::header::IF_MATCH).map_or(&b""[..], |v| v.as_bytes()));
    hasher.update([0]);
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => hasher.update(serde_json::to_vec(&value).expect("a JSON value serialises")),
        Err(_) => hasher.update(body),
    }
    hex::encode(hasher.finalize())
}

fn key_reused() -> Response {
    ApiError::Validation(vec![portfel_domain::FieldError::new(
        "Idempotency-Key",
        "key_reused",
        "this key was used with a different request; use a new key for a new request",
    )])
    .into_response()
}

fn replay(status: u16, stored: &str) -> Response {
    let Ok(stored) = serde_json::from_str::<StoredResponse>(stored) else {
        return ApiError::Internal("stored idempotent response is unreadable".into()).into_response();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_json_spacing_and_key_order() {
        let parts = |if_match: Option<&str>| {
            let mut request = axum::http::Request::post("/api/v1/passports");
            if let Some(v) = if_match {
                request = request.header("if-match", v);
            }
            request.body(()).unwrap().into_parts().0
        };
        let a = fingerprint(&parts(None), &Bytes::from_static(br#"{"a":1,"b":[1,2]}"#));
        let b = fingerprint(&parts(None), &Bytes::from_static(b"{ \"b\" : [1, 2],\n \"a\": 1 }"));
        let c = fingerprint(&parts(None), &Bytes::from_static(br#"{"a":2,"b":[1,2]}"#));
        assert_eq!(a, b);
        assert_ne!(a, c);
        let stale = fingerprint(&parts(Some("\"1\"")), &Bytes::from_static(br#"{"a":1,"b":[1,2]}"#));
        assert_ne!(a, stale, "another If-Match is another request");
    }
}
