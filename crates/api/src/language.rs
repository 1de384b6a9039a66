//! Problems in the language the request asks for: field errors carry their
//! code and parameters, and a request with `Accept-Language: uk` gets their
//! messages (and the detail listing them) written from the one catalogue
//! (`portfel_domain::messages`). Every problem names its `Content-Language`.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use portfel_domain::messages::Lang;

use crate::problem::{PROBLEM_JSON, Problem};

/// Largest problem document rewritten (a problem lists at most a few hundred fields).
const MAX_PROBLEM_BYTES: usize = 1 << 20;

/// The middleware: rewrites the messages of a problem answer into the asked language.
pub async fn layer(request: Request, next: Next) -> Response {
    let lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    let response = next.run(request).await;
    let is_problem =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    if !is_problem {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts.headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag()));
    if lang == Lang::En {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = to_bytes(body, MAX_PROBLEM_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut problem) = serde_json::from_slice::<Problem>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    localise(&mut problem, lang);
    let body = serde_json::to_vec(&problem).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// Writes every field error's message in `lang`, and a validation problem's
/// detail from them.
pub fn localise(problem: &mut Problem, lang: Lang) {
    if problem.errors.is_empty() {
        return;
    }
    for e in &mut problem.errors {
        e.message = e.text(lang);
    }
    match problem.status {
        422 => {
            let list: Vec<_> = problem.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            problem.detail = list.join("; ");
        }
        409 => problem.detail = problem.errors[0].message.clone(),
        _ => {}
    }
}
