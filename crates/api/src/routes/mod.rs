//! HTTP handlers, grouped by resource.

pub mod attachments;
pub mod audit;
pub mod codelists;
pub mod completions;
pub mod council;
pub mod dream;
pub mod evaluations;
pub mod health;
pub mod methodologies;
pub mod monitoring;
pub mod notifications;
pub mod organisations;
pub mod passports;
pub mod plans;
pub mod portfolios;
pub mod programmes;
pub mod quarters;
pub mod reports;
pub mod rounds;
pub mod strategy;
pub mod tasks;
pub mod users;
pub mod years;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::extract::etag;

/// A single resource with its `ETag` (and `Location` when just created).
pub struct Versioned<T> {
    status: StatusCode,
    version: i32,
    location: Option<String>,
    body: T,
}

impl<T> Versioned<T> {
    /// 200 OK.
    pub fn ok(version: i32, body: T) -> Self {
        Versioned { status: StatusCode::OK, version, location: None, body }
    }

    /// 201 Created at `location`.
    pub fn created(version: i32, location: String, body: T) -> Self {
        Versioned { status: StatusCode::CREATED, version, location: Some(location), body }
    }

    /// The version sent as `ETag`.
    pub fn version(&self) -> i32 {
        self.version
    }

    /// The body.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl<T: Serialize> IntoResponse for Versioned<T> {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        let headers = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&etag(self.version)) {
            headers.insert(header::ETAG, v);
        }
        if let Some(v) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            headers.insert(header::LOCATION, v);
        }
        response
    }
}

/// Default page size of list endpoints.
pub const DEFAULT_LIMIT: u64 = 50;
/// Largest page size of list endpoints.
pub const MAX_LIMIT: u64 = 200;

/// Checks a requested page size against the usual bounds.
pub fn page_limit(limit: Option<u64>) -> Result<u64, crate::problem::ApiError> {
    bounded_limit(limit, DEFAULT_LIMIT, MAX_LIMIT)
}

/// Checks a requested page size: `default` when absent, otherwise 1 to `max`.
pub fn bounded_limit(limit: Option<u64>, default: u64, max: u64) -> Result<u64, crate::problem::ApiError> {
    match limit.unwrap_or(default) {
        l if (1..=max).contains(&l) => Ok(l),
        _ => Err(crate::problem::ApiError::bad_field(
            "limit",
            "out_of_range",
            format!("limit must be between 1 and {max}"),
        )),
    }
}
