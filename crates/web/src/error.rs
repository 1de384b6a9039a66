//! What a page shows when an action cannot be done: the API's problem,
//! in words, with the status the API would give; never a stack trace.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use portfel_api::problem::ApiError;

use crate::labels;
use crate::layout;
use crate::session::safe_next;

/// Why a page cannot be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page, then back to this path.
    SignIn(String),
    /// The API refused (403, 404, 409, 412, 422, ...).
    Api(ApiError),
    /// A form without the session's CSRF token.
    Csrf,
    /// A body that is not a form.
    BadForm,
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError::Api(e)
    }
}

impl From<serde_json::Error> for PageError {
    fn from(e: serde_json::Error) -> Self {
        PageError::Api(ApiError::Internal(e.to_string()))
    }
}

impl From<portfel_store::StoreError> for PageError {
    fn from(e: portfel_store::StoreError) -> Self {
        PageError::Api(e.into())
    }
}

/// Result of a page handler.
pub type PageResult<T> = Result<T, PageError>;

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, headline, detail, errors) = match self {
            PageError::SignIn(next) => {
                let next: String = form_urlencoded::byte_serialize(safe_next(Some(&next)).as_bytes()).collect();
                let target = format!("/login?next={next}");
                return (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response();
            }
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "Форму відхилено",
                "Форма не містить чинного токена захисту (CSRF). Оновіть сторінку й надішліть форму ще раз.".to_owned(),
                Vec::new(),
            ),
            PageError::BadForm => {
                (StatusCode::BAD_REQUEST, "Хибний запит", "Дані форми не вдалося прочитати.".to_owned(), Vec::new())
            }
            PageError::Api(e) => {
                match &e {
                    ApiError::Unavailable(reason) => tracing::error!(%reason, "the database is unavailable"),
                    ApiError::Internal(reason) => tracing::error!(%reason, "a page failed on the server side"),
                    _ => {}
                }
                let problem = e.problem();
                let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (
                    status,
                    labels::status_headline(status),
                    labels::problem_detail(status, &problem.detail),
                    problem.errors,
                )
            }
        };
        let body = layout::bare(
            headline,
            html! {
                h1 { (headline) }
                p.problem role="alert" { (detail) }
                @if !errors.is_empty() {
                    ul.errors { @for e in &errors { li { strong { (labels::field(&e.field)) } ": " (labels::message(e)) } } }
                }
                p { a href="/" { "На головну" } }
            },
        );
        (status, body).into_response()
    }
}
