//! `dream pull` and `dream push` against a local stub that serves DREAM-shaped
//! data: pagination by modification time, transient server errors (retried),
//! a failure that stops a run, and a restart that resumes from the checkpoint.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use portfel::dream_sync::{SyncOptions, SyncReport, pull, push};
use portfel::progress::Progress;
use serde_json::{Value, json};

#[derive(Default)]
struct Stub {
    projects: Vec<(String, String, Value)>,
    page_size: usize,
    fail_once: HashMap<String, u32>,
    fail_always: Option<String>,
    pushed: Vec<Value>,
    list_calls: u32,
}

type Shared = Arc<Mutex<Stub>>;

async fn list(State(stub): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Json<Value> {
    let mut s = stub.lock().unwrap();
    s.list_calls += 1;
    let from = q.get("from").map(|f| chrono::DateTime::parse_from_rfc3339(f).unwrap());
    let mut items: Vec<&(String, String, Value)> = s
        .projects
        .iter()
        .filter(|(_, updated, _)| from.is_none_or(|f| chrono::DateTime::parse_from_rfc3339(updated).unwrap() >= f))
        .collect();
    items.sort_by(|a, b| a.1.cmp(&b.1));
    let data: Vec<Value> = items
        .into_iter()
        .take(s.page_size)
        .map(|(id, updated, _)| json!({"internal": {"id": id, "code": format!("DREAM-UA-{id}")}, "external": {"updated": updated}}))
        .collect();
    Json(json!({"data": data}))
}

async fn project(State(stub): State<Shared>, Path(id): Path<String>) -> Result<Json<Value>, StatusCode> {
    let mut s = stub.lock().unwrap();
    if s.fail_always.as_deref() == Some(id.as_str()) {
        return Err(StatusCode::BAD_GATEWAY);
    }
    if let Some(n) = s.fail_once.get_mut(&id)
        && *n > 0
    {
        *n -= 1;
        return Err(StatusCode::SERVICE_UNAVAILABLE);
    }
    s.projects.iter().find(|(pid, _, _)| *pid == id).map(|(_, _, doc)| Json(doc.clone())).ok_or(StatusCode::NOT_FOUND)
}

async fn receive(State(stub): State<Shared>, Json(body): Json<Value>) -> StatusCode {
    stub.lock().unwrap().pushed.push(body);
    StatusCode::NO_CONTENT
}

async fn stub_server(stub: Shared) -> String {
    let app = Router::new()
        .route("/marketplace/public/dream/ideas", get(list))
        .route("/marketplace/public/dream/ideas/{id}", get(project))
        .route("/receiver", post(receive))
        .with_state(stub);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

fn fast() -> SyncOptions {
    SyncOptions {
        rate_per_second: 1000.0,
        max_retries: 2,
        backoff: Duration::from_millis(5),
        timeout: Duration::from_secs(5),
        ..SyncOptions::default()
    }
}

#[tokio::test]
async fn pull_resumes_after_a_failure_and_push_sends_changes_once() {
    for (backend, url, _dir) in backends().await {
        let store = portfel_store::Store::connect(&url).await.unwrap();
        let stub: Shared = Arc::new(Mutex::new(Stub { page_size: 3, ..Default::default() }));
        {
            let mut s = stub.lock().unwrap();
            for n in 0..8 {
                let updated = format!("2025-06-0{}T10:00:00Z", n / 2 + 1);
                s.projects.push((format!("p{n}"), updated.clone(), dream_document(n, &updated)));
            }
            s.fail_once.insert("p1".into(), 2);
            s.fail_always = Some("p5".into());
        }
        let base = stub_server(stub.clone()).await;

        // First run: p1 fails twice then succeeds (retried); p5 keeps failing, so the run stops.
        let err = pull(&store, &base, None, fast(), &Progress::hidden()).await.unwrap_err();
        assert!(err.to_string().contains("502"), "[{backend}] {err:#}");
        let done = portfel_store::dream::changes(store.db(), None, 100).await.unwrap().len();
        assert_eq!(done, 5, "[{backend}] p0..p4 were imported before the failure");

        // DREAM recovers; the restart resumes from the checkpoint and imports the rest.
        stub.lock().unwrap().fail_always = None;
        let report = pull(&store, &base, None, fast(), &Progress::hidden()).await.unwrap();
        assert_eq!(
            report,
            SyncReport { new: 3, updated: 0, unchanged: 1, failed: 0 },
            "[{backend}] p4 again (same time), then p5..p7"
        );
        assert_eq!(portfel_store::dream::changes(store.db(), None, 100).await.unwrap().len(), 8);
        // How each run ended is kept for the server's /metrics.
        let runs = portfel_store::dream::checkpoints(store.db()).await.unwrap();
        let run = |suffix: &str| runs.iter().find(|(n, _, _)| n.ends_with(suffix)).map(|r| r.2.clone());
        assert!(run(" failed").is_some_and(|e| e.contains("502")), "[{backend}] {runs:?}");
        let counts: Value = serde_json::from_str(&run(" ok").unwrap()).unwrap();
        assert_eq!(counts, json!({"new": 3, "updated": 0, "unchanged": 1, "failed": 0}), "[{backend}]");

        // Nothing new: a third run changes nothing. A changed project is updated.
        let report = pull(&store, &base, None, fast(), &Progress::hidden()).await.unwrap();
        assert_eq!((report.new, report.updated, report.failed), (0, 0, 0));
        {
            let mut s = stub.lock().unwrap();
            let updated = "2025-07-01T10:00:00Z".to_owned();
            let mut doc = dream_document(2, &updated);
            doc["title"][0]["translation"] = json!("Проєкт DREAM №2, нова редакція");
            s.projects[2] = ("p2".into(), updated, doc);
            s.projects.push(("bad".into(), "2025-07-02T10:00:00Z".into(), json!({"title": []})));
        }
        let report = pull(&store, &base, None, fast(), &Progress::hidden()).await.unwrap();
        assert_eq!(
            report,
            SyncReport { new: 0, updated: 1, unchanged: 2, failed: 1 },
            "[{backend}] p6 and p7 sit at the checkpoint time and are re-checked"
        );

        // Push sends every changed passport once; a second push sends nothing.
        let receiver = format!("{base}/receiver");
        let sent = push(&store, &receiver, None, fast(), &Progress::hidden()).await.unwrap();
        assert_eq!(sent.updated, 8);
        let pushed = stub.lock().unwrap().pushed.clone();
        assert_eq!(pushed.len(), 8);
        assert!(
            pushed
                .iter()
                .all(|p| p["document"]["targets"].is_array() && p["code"].as_str().unwrap().starts_with("DREAM-UA-p"))
        );
        assert_eq!(push(&store, &receiver, None, fast(), &Progress::hidden()).await.unwrap().updated, 0);
        store.close().await.unwrap();
    }
}

#[tokio::test]
async fn https_endpoints_are_supported() {
    let (_, url, _dir) = backends().await.into_iter().next().unwrap();
    let store = portfel_store::Store::connect(&url).await.unwrap();
    // Nothing listens on this port: the request must get as far as connecting (TLS is built in).
    let options = SyncOptions { max_retries: 0, ..fast() };
    let err = pull(&store, "https://127.0.0.1:9", None, options, &Progress::hidden()).await.unwrap_err();
    let text = format!("{err:#}");
    assert!(!text.contains("scheme") && !text.contains("builder"), "{text}");
}

#[tokio::test]
async fn pull_respects_the_rate_limit() {
    let (_, url, _dir) = backends().await.into_iter().next().unwrap();
    let store = portfel_store::Store::connect(&url).await.unwrap();
    let stub: Shared = Arc::new(Mutex::new(Stub { page_size: 10, ..Default::default() }));
    for n in 0..3 {
        let updated = format!("2025-06-0{}T10:00:00Z", n + 1);
        stub.lock().unwrap().projects.push((format!("r{n}"), updated.clone(), dream_document(n, &updated)));
    }
    let base = stub_server(stub.clone()).await;
    let started = std::time::Instant::now();
    let report =
        pull(&store, &base, None, SyncOptions { rate_per_second: 10.0, ..fast() }, &Progress::hidden()).await.unwrap();
    assert_eq!(report.new, 3);
    // A list, three documents and a final list: five requests, at least 100 ms apart.
    assert_eq!(stub.lock().unwrap().list_calls, 2);
    assert!(started.elapsed() >= Duration::from_millis(400), "{:?}", started.elapsed());
}

#[tokio::test]
async fn the_pull_command_reports_progress_in_log_lines_unless_quiet() {
    let stub: Shared = Arc::new(Mutex::new(Stub { page_size: 3, ..Default::default() }));
    for n in 0..5 {
        let updated = format!("2025-06-0{}T10:00:00Z", n + 1);
        stub.lock().unwrap().projects.push((format!("p{n}"), updated.clone(), dream_document(n, &updated)));
    }
    let base = stub_server(stub).await;
    for quiet in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_portfel"));
        command
            .args(["dream", "pull", "--base-url", &base, "--rate", "1000"])
            .args(quiet.then_some("--quiet"))
            .env("PORTFEL_DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.path().join("p.db").display()))
            .env("RUST_LOG", "info");
        let out = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{stderr}");
        assert_eq!(stdout.trim(), "new 5, updated 0, unchanged 0, failed 0", "the final counts, quiet or not");
        // Not on a terminal: plain log lines, the last one at the end of the work.
        let progress: Vec<&str> = stderr.lines().filter(|l| l.contains(r#"work="dream pull""#)).collect();
        if quiet {
            assert!(progress.is_empty(), "{stderr}");
        } else {
            let last = progress.last().unwrap_or_else(|| panic!("no progress line: {stderr}"));
            assert!(last.contains("new 5, updated 0") && last.contains("percent=100"), "{last}");
        }
    }
}
