//! What a page shows when an action cannot be done: the API's problem,
//! in words, with the status the API would give; never a stack trace.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use portfel_api::problem::ApiError;

use crate::error::PageError;
use crate::labels;
use crate::layout;
use crate::session::safe_next;

/// A browser's request (it accepts HTML) outside the API whose answer is a
/// problem document — an unknown address, a wrong method, a server error —
/// gets a page in Ukrainian with the same status instead of the JSON.
pub async fn browser_errors(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/") || path == "/openapi.json" || path.starts_with("/open-data/");
    let browser = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let response = next.run(request).await;
    let problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == portfel_api::problem::PROBLEM_JSON.as_bytes());
    if api || !browser || !problem {
        return response;
    }
    let status = response.status();
    let headline = labels::status_headline(status);
    let detail = match status.as_u16() {
        404 => "Такої сторінки немає. Перевірте адресу або почніть з головної.".to_owned(),
        405 => "Ця сторінка не приймає такого запиту.".to_owned(),
        _ => labels::problem_detail(status, ""),
    };
    (status, page(headline, &detail, &[])).into_response()
}

/// The page of a refusal: headline, what happened, the fields at fault.
fn page(headline: &str, detail: &str, errors: &[portfel_domain::FieldError]) -> maud::Markup {
    layout::bare(
        headline,
        html! {
            h1 { (headline) }
            p.problem role="alert" { (detail) }
            @if !errors.is_empty() {
                ul.errors { @for e in errors { li { strong { (labels::field(&e.field)) } ": " (labels::message(e)) } } }
            }
            p { a href="/" { "На головну" } }
        },
    )
}

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
                "Форма не містить чинного токена захисту. Оновіть сторінку й надішліть форму ще раз.".to_owned(),
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
                let mut errors = problem.errors;
                let detail = match (status, errors.first()) {
                    (StatusCode::CONFLICT, Some(refusal)) => {
                        let text = labels::message(refusal);
                        errors.clear();
                        labels::problem_detail(status, &text)
                    }
                    _ => labels::problem_detail(status, &problem.detail),
                };
                (status, labels::status_headline(status), detail, errors)
            }
        };
        (status, page(headline, &detail, &errors)).into_response()
    }
}
