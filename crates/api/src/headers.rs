//! Security headers on every answer of the server — API, pages, style sheet
//! and documentation alike.
//!
//! - `Content-Security-Policy`: pages run no inline script and load nothing
//!   from elsewhere; the interactive API documentation (`/docs`), whose
//!   viewer sets inline styles and data-URI images, gets its own policy,
//!   still with no inline script. Neither may be framed, post forms
//!   elsewhere or move the base URL.
//! - `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
//!   `Referrer-Policy: same-origin`.
//! - `Cache-Control: no-store` on every answer that does not say otherwise
//!   and is not public (the assets, the documentation, the OpenAPI document,
//!   the published open data and the probes), so personal and unpublished
//!   data stays out of caches.
//! - `Strict-Transport-Security` when the server is reached over https (its
//!   cookie is `Secure`).

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy of every page and API answer.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
     object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The policy of the API documentation viewer (`/docs`).
pub const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; \
     form-action 'self'; base-uri 'none'";

/// `Strict-Transport-Security` sent over https: a year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The API documentation viewer's paths.
fn is_docs(path: &str) -> bool {
    path == "/docs" || path.starts_with("/docs/")
}

/// Paths whose answers are public: cacheable as they say.
fn is_public(path: &str) -> bool {
    is_docs(path)
        || ["/assets/", "/openapi.json", "/open-data/", "/healthz", "/readyz"].iter().any(|p| path.starts_with(p))
}

/// Wraps `router` so that every answer carries the security headers;
/// `https` adds HSTS.
pub fn secure(router: Router, https: bool) -> Router {
    let constant = |name: header::HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let router = router
        .layer(middleware::from_fn(policy))
        .layer(constant(header::X_FRAME_OPTIONS, "DENY"))
        .layer(constant(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(constant(header::REFERRER_POLICY, "same-origin"));
    if https { router.layer(constant(header::STRICT_TRANSPORT_SECURITY, HSTS)) } else { router }
}

/// The content policy and caching rule that depend on the path.
async fn policy(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let csp = if is_docs(&path) { DOCS_CONTENT_SECURITY_POLICY } else { CONTENT_SECURITY_POLICY };
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(csp));
    if !is_public(&path) {
        headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
    response
}
