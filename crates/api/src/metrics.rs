//! Metrics in the Prometheus text format: HTTP requests by route template,
//! method and status class with a latency histogram; the database pool; the
//! time of each sync checkpoint's last advance and how each sync's last run
//! ended; DREAM imports through the API;
//! plan builds by builder with solve time and gap; evaluation round closings.
//! Served at `/metrics` only as configured: on a separate address, or on the
//! main one behind a bearer token.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::state::AppState;

/// Latency buckets, seconds: 1 ms to 30 s.
const SECONDS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The process's recorder, installed on first use.
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets(&SECONDS)
            .expect("latency buckets are not empty")
            .install_recorder()
            .expect("no other metrics recorder is installed")
    })
}

/// Counts and times every request by its route template (`/api/v1/passports/{id}`,
/// never the concrete path, so the number of series stays bounded).
pub async fn track(request: Request, next: Next) -> Response {
    recorder();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_owned();
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = format!("{}xx", response.status().as_u16() / 100);
    metrics::counter!("portfel_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("portfel_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Records a plan build: its builder and solver (`none` for rank order), how
/// long it took and the gap it proved.
pub fn plan_built(builder: &str, solver: &str, seconds: f64, gap: Option<f64>) {
    let labels = [("builder", builder.to_owned()), ("solver", solver.to_owned())];
    metrics::counter!("portfel_plan_builds_total", &labels).increment(1);
    metrics::histogram!("portfel_plan_solve_seconds", &labels).record(seconds);
    if let Some(gap) = gap {
        metrics::gauge!("portfel_plan_last_gap_ratio", &labels).set(gap);
    }
}

/// Records an evaluation round's closing and how long it took.
pub fn round_closed(seconds: f64) {
    metrics::counter!("portfel_round_closings_total").increment(1);
    metrics::histogram!("portfel_round_closing_seconds").record(seconds);
}

/// Records the outcome of one DREAM project imported through the API.
pub fn dream_imported(outcome: &str) {
    metrics::counter!("portfel_dream_imports_total", "outcome" => outcome.to_owned()).increment(1);
}

/// `/metrics`: behind `token` when one is given (`Authorization: Bearer ...`), open otherwise.
pub fn router(state: AppState, token: Option<String>) -> Router {
    let route = Router::new().route("/metrics", get(render)).with_state(state);
    match token {
        Some(token) => route.layer(middleware::from_fn_with_state(token, require_token)),
        None => route,
    }
}

async fn require_token(State(token): State<String>, request: Request, next: Next) -> Response {
    let given = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let expected = format!("Bearer {token}");
    if given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes())) {
        next.run(request).await
    } else {
        (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], "metrics need the configured token\n")
            .into_response()
    }
}

/// Gauges of the syncs run by `portfel dream pull` and `push` (other
/// processes): when each checkpoint last advanced, when each sync last ended
/// well (with that run's counts) and when it last failed.
fn sync_state(checkpoints: Vec<(String, chrono::DateTime<chrono::Utc>, String)>) {
    use portfel_store::dream::{RunEnd, sync_of};
    for (name, at, value) in checkpoints {
        let seconds = at.timestamp_millis() as f64 / 1000.0;
        let (sync, run) = sync_of(&name);
        let sync = sync.to_owned();
        match run {
            Some(RunEnd::Succeeded) => {
                metrics::gauge!("portfel_sync_last_success_timestamp_seconds", "sync" => sync.clone()).set(seconds);
                let counts: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&value).unwrap_or_default();
                for (outcome, count) in counts {
                    let count = count.as_f64().unwrap_or_default();
                    metrics::gauge!("portfel_sync_last_run_projects", "sync" => sync.clone(), "outcome" => outcome)
                        .set(count);
                }
            }
            Some(RunEnd::Failed) => {
                metrics::gauge!("portfel_sync_last_failure_timestamp_seconds", "sync" => sync).set(seconds);
            }
            None => metrics::gauge!("portfel_sync_checkpoint_timestamp_seconds", "sync" => sync).set(seconds),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn render(State(state): State<AppState>) -> Response {
    let handle = recorder();
    let pool = state.store.pool();
    metrics::gauge!("portfel_db_pool_connections", "state" => "in_use").set(f64::from(pool.in_use));
    metrics::gauge!("portfel_db_pool_connections", "state" => "idle").set(f64::from(pool.idle));
    match portfel_store::dream::checkpoints(state.store.db()).await {
        Ok(checkpoints) => sync_state(checkpoints),
        Err(e) => tracing::warn!(error = %e, "sync checkpoints could not be read for /metrics"),
    }
    match portfel_store::notices::outbox_counts(state.store.db()).await {
        Ok((queued, sent, failed)) => {
            for (name, count) in [("queued", queued), ("sent", sent), ("failed", failed)] {
                metrics::gauge!("portfel_outbox_emails", "state" => name).set(count as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "the outbox could not be counted for /metrics"),
    }
    handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], Body::from(handle.render())).into_response()
}
