//! Portfel REST API: axum handlers, JWT auth, problem details, OpenAPI.

pub mod auth;
pub mod cursor;
pub mod export;
pub mod extract;
pub mod headers;
pub mod idempotency;
pub mod language;
pub mod limits;
pub mod mail;
pub mod metrics;
mod openapi;
pub mod problem;
pub mod reminders;
#[allow(unused_qualifications, reason = "utoipa's `params(..)` expansion qualifies the IntoParams types it names")]
pub mod routes;
pub mod state;
mod unique_keys;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware;
use axum::response::Response;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

pub use auth::JwtSettings;
pub use openapi::openapi;
pub use state::AppState;

use problem::PROBLEM_JSON;
use routes::{
    attachments, audit, codelists, completions, council, dream, evaluations, health, methodologies, monitoring,
    notifications, organisations, passports, plans, portfolios, programmes, quarters, reports, rounds, strategy, tasks,
    users, years,
};

/// Every documented route.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(codelists::list_codelists))
        .routes(routes!(codelists::get_codelist))
        .routes(routes!(organisations::list_organisations, organisations::create_organisation))
        .routes(routes!(organisations::get_organisation, organisations::update_organisation))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(strategy::list_documents, strategy::create_document))
        .routes(routes!(strategy::get_document, strategy::update_document))
        .routes(routes!(strategy::list_goals, strategy::create_goal))
        .routes(routes!(years::list_years, years::create_year))
        .routes(routes!(years::get_year, years::update_year))
        .routes(routes!(passports::list_passports, passports::create_passport))
        .routes(routes!(passports::get_passport, passports::update_passport))
        .routes(routes!(passports::submit_passport))
        .routes(routes!(passports::list_transitions, passports::transition_passport))
        .routes(routes!(passports::list_revisions))
        .routes(routes!(passports::passport_history))
        .routes(routes!(passports::get_revision))
        .routes(routes!(passports::passport_document))
        .routes(routes!(audit::list_audit))
        .routes(routes!(reports::list_reports, reports::create_report))
        .routes(routes!(reports::get_report, reports::update_report))
        .routes(routes!(reports::submit_report))
        .routes(routes!(reports::accept_report))
        .routes(routes!(reports::return_report))
        .routes(routes!(completions::project_closing))
        .routes(routes!(completions::create_completion))
        .routes(routes!(completions::get_completion, completions::update_completion))
        .routes(routes!(completions::submit_completion))
        .routes(routes!(completions::accept_completion))
        .routes(routes!(completions::return_completion))
        .routes(routes!(evaluations::list_evaluations))
        .routes(routes!(evaluations::create_evaluation))
        .routes(routes!(evaluations::get_evaluation, evaluations::update_evaluation))
        .routes(routes!(evaluations::sign_off_evaluation))
        .routes(routes!(evaluations::evaluation_conclusion))
        .routes(routes!(evaluations::track_record))
        .routes(routes!(monitoring::project_flags))
        .routes(routes!(monitoring::monitoring_summary))
        .routes(routes!(programmes::list_programmes, programmes::create_programme))
        .routes(routes!(programmes::get_programme, programmes::update_programme))
        .routes(routes!(programmes::record_fact))
        .routes(routes!(programmes::programme_report))
        .routes(routes!(programmes::programme_versions))
        .routes(routes!(programmes::programme_diff))
        .routes(routes!(quarters::list_quarters, quarters::submit_quarter))
        .routes(routes!(quarters::accept_quarter))
        .routes(routes!(quarters::return_quarter))
        .routes(routes!(methodologies::list_methodologies, methodologies::create_methodology))
        .routes(routes!(methodologies::get_methodology, methodologies::update_methodology))
        .routes(routes!(methodologies::approve_methodology))
        .routes(routes!(methodologies::new_methodology_version))
        .routes(routes!(rounds::setup::list_rounds, rounds::setup::create_round))
        .routes(routes!(rounds::setup::get_round))
        .routes(routes!(rounds::setup::list_round_projects, rounds::setup::add_round_projects))
        .routes(routes!(rounds::setup::screen_round))
        .routes(routes!(rounds::setup::assign_experts))
        .routes(routes!(rounds::setup::list_assignments))
        .routes(routes!(tasks::my_tasks))
        .routes(routes!(notifications::my_notifications))
        .routes(routes!(notifications::read_notification))
        .routes(routes!(notifications::read_all_notifications))
        .routes(routes!(notifications::notification_settings, notifications::update_notification_settings))
        .routes(routes!(rounds::setup::add_project_expert))
        .routes(routes!(rounds::setup::withdraw_project))
        .routes(routes!(rounds::setup::project_brief))
        .routes(routes!(rounds::scoring::declare))
        .routes(routes!(rounds::scoring::read_scores, rounds::scoring::save_scores))
        .routes(routes!(rounds::scoring::reopen_scores))
        .routes(routes!(rounds::scoring::list_disagreements))
        .routes(routes!(rounds::scoring::resolve_disagreement))
        .routes(routes!(rounds::results::close_round))
        .routes(routes!(rounds::results::round_results))
        .routes(routes!(rounds::results::scorecard))
        .routes(routes!(rounds::results::run_sensitivity))
        .routes(routes!(portfolios::list_portfolios, portfolios::create_portfolio))
        .routes(routes!(portfolios::get_portfolio, portfolios::update_portfolio))
        .routes(routes!(portfolios::submit_portfolio))
        .routes(routes!(portfolios::approve_portfolio))
        .routes(routes!(portfolios::return_portfolio))
        .routes(routes!(portfolios::schedule_portfolio))
        .routes(routes!(council::list_meetings))
        .routes(routes!(portfolios::amend_portfolio))
        .routes(routes!(portfolios::diff_portfolio))
        .routes(routes!(portfolios::export_portfolio))
        .routes(routes!(portfolios::portfolio_decision))
        .routes(routes!(plans::versions::list_plans, plans::versions::create_plan))
        .routes(routes!(plans::scenarios::scenarios))
        .routes(routes!(plans::versions::get_plan, plans::versions::update_plan))
        .routes(routes!(plans::versions::submit_plan))
        .routes(routes!(plans::versions::approve_plan))
        .routes(routes!(plans::versions::return_plan))
        .routes(routes!(plans::versions::schedule_plan))
        .routes(routes!(plans::versions::amend_plan))
        .routes(routes!(plans::versions::diff_plan))
        .routes(routes!(plans::exports::export_plan))
        .routes(routes!(plans::exports::plan_decision))
        .routes(routes!(plans::exports::open_data_plan))
        .routes(routes!(dream::import_project))
        .routes(routes!(dream::import_batch))
        .routes(routes!(dream::export_project))
        .routes(routes!(dream::feed))
        .routes(routes!(attachments::list_attachments))
        .routes(routes!(attachments::get_attachment, attachments::remove_attachment))
        .routes(routes!(attachments::download_attachment))
        .merge(
            // Uploads are streamed and bounded by the upload limit, not the body limit.
            OpenApiRouter::new()
                .routes(routes!(attachments::upload_attachments))
                .routes(routes!(attachments::replace_attachment))
                .layer(DefaultBodyLimit::disable()),
        )
}

/// The application: documented routes, docs UI, and the middleware stack
/// (request ids, tracing, problem details, size limits, timeouts, idempotency).
pub fn app(state: AppState) -> Router {
    let (router, spec) = api_routes().split_for_parts();
    let spec = openapi::finish(spec);
    router
        .merge(SwaggerUi::new("/docs").url("/openapi.json", spec))
        .fallback(|| async { problem::ApiError::NotFound("no such resource".into()) })
        .layer(middleware::from_fn_with_state(state.clone(), idempotency::layer))
        .layer(DefaultBodyLimit::max(state.body_limit))
        .layer(RequestBodyTimeoutLayer::new(state.timeouts.body))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, state.timeouts.request))
        .layer(middleware::from_fn_with_state(state.clone(), limits::layer))
        .layer(middleware::map_response(problem_fallback))
        .layer(middleware::from_fn(language::layer))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The OpenAPI document of [`api_routes`], before post-processing.
pub(crate) fn raw_spec() -> utoipa::openapi::OpenApi {
    api_routes().split_for_parts().1
}

/// Turns error responses that are not problem documents yet (unknown route,
/// wrong method, bad path parameter, body over the limit) into problems.
async fn problem_fallback(response: Response) -> Response {
    let status = response.status();
    let is_problem =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = to_bytes(body, 64 * 1024).await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    let slug = status.canonical_reason().unwrap_or("error").to_lowercase().replace(' ', "-");
    let problem = problem::Problem {
        kind: format!("urn:portfel:problem:{slug}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: if text.is_empty() { status.canonical_reason().unwrap_or("Error").to_owned() } else { text },
        errors: Vec::new(),
        current_version: None,
    }
    .printable();
    let json = serde_json::to_vec(&problem).expect("problem serialises");
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(json))
}
