//! Static assets compiled into the binary: the style sheet, the icon and the
//! one script (print buttons; every page works without it).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::WebState;

const CSS: &str = include_str!("../assets/portfel.css");
const ICON: &str = include_str!("../assets/icon.svg");
const SCRIPT: &str = include_str!("../assets/portfel.js");

/// `/assets/...`.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/assets/portfel.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), CACHE], CSS) }),
        )
        .route(
            "/assets/portfel.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), CACHE], SCRIPT) }),
        )
        .route(
            "/assets/icon.svg",
            get(|| async { ([(header::CONTENT_TYPE, "image/svg+xml"), CACHE], ICON).into_response() }),
        )
}

const CACHE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "public, max-age=3600");
