//! Static assets compiled into the binary: the style sheet and the icon.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::WebState;

const CSS: &str = include_str!("../assets/portfel.css");
const ICON: &str = include_str!("../assets/icon.svg");

/// `/assets/...`.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/assets/portfel.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), CACHE], CSS) }),
        )
        .route(
            "/assets/icon.svg",
            get(|| async { ([(header::CONTENT_TYPE, "image/svg+xml"), CACHE], ICON).into_response() }),
        )
}

const CACHE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "public, max-age=3600");
