//! RFC 9457 problem details: every error the API returns.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portfel_domain::access::EditRefusal;
use portfel_domain::{FieldError, TransitionError};
use portfel_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Media type of problem responses.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem details document.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem.
    #[schema(example = "urn:portfel:problem:validation")]
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind of problem.
    #[schema(example = "Invalid input")]
    pub title: String,
    /// HTTP status.
    #[schema(example = 422)]
    pub status: u16,
    /// Explanation of this occurrence.
    #[schema(example = "2 fields are invalid")]
    pub detail: String,
    /// Failing fields, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Version the resource is at, for `412 Precondition Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i32>,
}

/// Everything that can go wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Valid credentials, insufficient rights.
    #[error("{0}")]
    Forbidden(String),
    /// No such resource (or not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// Unparseable request (syntax, query, headers).
    #[error("{detail}")]
    BadRequest {
        /// Explanation.
        detail: String,
        /// Field concerned, if any.
        errors: Vec<FieldError>,
    },
    /// Body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Body over the configured limit.
    #[error("request body exceeds the limit of {0} bytes")]
    PayloadTooLarge(usize),
    /// Header section over the limit.
    #[error("the request's headers exceed the limit of {0} bytes")]
    HeadersTooLarge(usize),
    /// The body did not arrive in time.
    #[error("the request body did not arrive within {0} seconds")]
    RequestTimeout(u64),
    /// Input breaks field or domain rules.
    #[error("{} field(s) are invalid", .0.len())]
    Validation(Vec<FieldError>),
    /// `If-Match` missing on a write that needs it.
    #[error("this write needs an If-Match header with the resource's ETag")]
    PreconditionRequired,
    /// `If-Match` names an old version.
    #[error("the resource has changed: it is at version {current}; reload it and apply your change again")]
    PreconditionFailed {
        /// Version now stored.
        current: i32,
    },
    /// The write conflicts with the resource's state.
    #[error("{}", .0.message)]
    Conflict(FieldError),
    /// The database cannot be reached now; the reason is logged, never sent.
    #[error("the database is unavailable; retry later")]
    Unavailable(String),
    /// A failure on the server's side; the reason is logged with the request
    /// id, never sent.
    #[error("internal error; the request id (x-request-id) identifies it in the server's log")]
    Internal(String),
}

impl ApiError {
    /// A 400 naming one field.
    pub fn bad_field(field: &str, code: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::BadRequest {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", "Authentication required"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            ApiError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "bad-request", "Malformed request"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type")
            }
            ApiError::PayloadTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large", "Request body too large")
            }
            ApiError::HeadersTooLarge(_) => {
                (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large", "Request headers too large")
            }
            ApiError::RequestTimeout(_) => (StatusCode::REQUEST_TIMEOUT, "request-timeout", "Request timeout"),
            ApiError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation", "Invalid input"),
            ApiError::PreconditionRequired => {
                (StatusCode::PRECONDITION_REQUIRED, "precondition-required", "If-Match header required")
            }
            ApiError::PreconditionFailed { .. } => {
                (StatusCode::PRECONDITION_FAILED, "precondition-failed", "Resource has changed")
            }
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict with the resource's state"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Service unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error"),
        }
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let (status, slug, title) = self.parts();
        let errors = match self {
            ApiError::Validation(e) | ApiError::BadRequest { errors: e, .. } => e.clone(),
            ApiError::Conflict(e) => vec![e.clone()],
            _ => Vec::new(),
        };
        let detail = match self {
            ApiError::Validation(e) => {
                e.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
            }
            other => other.to_string(),
        };
        Problem {
            kind: format!("urn:portfel:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            current_version: match self {
                ApiError::PreconditionFailed { current } => Some(*current),
                _ => None,
            },
        }
    }
}

impl Problem {
    /// The same problem with every control character and text-direction
    /// control in its text written as an escape (`\u{1}`, `\u{202e}`), so
    /// echoed input never puts one in a response.
    pub fn printable(mut self) -> Problem {
        self.title = printable(&self.title);
        self.detail = printable(&self.detail);
        for error in &mut self.errors {
            error.field = printable(&error.field);
            error.message = printable(&error.message);
        }
        self
    }
}

fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if portfel_domain::text::is_forbidden_control(c) || portfel_domain::text::is_direction_control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Unavailable(reason) => tracing::error!(%reason, "the database is unavailable"),
            ApiError::Internal(reason) => tracing::error!(%reason, "request failed on the server side"),
            _ => {}
        }
        let problem = self.problem().printable();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            StoreError::VersionMismatch { current } => ApiError::PreconditionFailed { current },
            StoreError::Conflict(m) => ApiError::Conflict(m),
            StoreError::Invalid(errors) => ApiError::Validation(errors),
            StoreError::Corrupt(m) => ApiError::Internal(format!("stored data could not be read: {m}")),
            StoreError::Unavailable(reason) => ApiError::Unavailable(reason),
            StoreError::Files(reason) => ApiError::Internal(format!("file store error: {reason}")),
            StoreError::Db(e) => ApiError::Internal(format!("database error: {e}")),
        }
    }
}

impl From<EditRefusal> for ApiError {
    fn from(e: EditRefusal) -> Self {
        match e {
            EditRefusal::Forbidden(_) => ApiError::Forbidden(e.to_string()),
            EditRefusal::Frozen(s) => {
                ApiError::Conflict(FieldError::of("state", "passport_frozen", &[("state", s.as_str().to_owned())]))
            }
            EditRefusal::OrganisationRequired => ApiError::bad_field("organisation_id", "required", e.to_string()),
        }
    }
}

impl From<TransitionError> for ApiError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::Illegal { from, to } => ApiError::Conflict(FieldError::of(
                "to",
                "illegal_transition",
                &[("from", from.as_str().to_owned()), ("to", to.as_str().to_owned())],
            )),
            TransitionError::RoleNotAllowed { .. } | TransitionError::OtherOrganisation { .. } => {
                ApiError::Forbidden(e.to_string())
            }
            TransitionError::ReasonRequired { .. } => {
                ApiError::Validation(vec![FieldError::new("reason", "required", e.to_string())])
            }
        }
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_side_failures_never_show_their_reason() {
        let errors = [
            ApiError::from(StoreError::Unavailable("pool closed at db:5432".into())),
            ApiError::from(StoreError::Corrupt("column x".into())),
            ApiError::Internal("panic in worker".into()),
        ];
        for error in &errors {
            let text = serde_json::to_string(&error.problem()).unwrap();
            for secret in ["db:5432", "column x", "panic"] {
                assert!(!text.contains(secret), "{text}");
            }
        }
        let statuses: Vec<u16> = errors.iter().map(|e| e.problem().status).collect();
        assert_eq!(statuses, [503, 500, 500]);
    }

    #[test]
    fn echoed_control_characters_are_escaped() {
        let problem = ApiError::bad_field("a\u{1}b", "invalid_parameter", "value \u{7f} refused").problem().printable();
        assert_eq!(problem.errors[0].field, "a\\u{1}b");
        assert_eq!(problem.detail, "a\\u{1}b: value \\u{7f} refused");
        assert!(!serde_json::to_string(&problem).unwrap().contains("\\u0001"));
    }
}
