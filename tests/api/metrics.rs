//! `/metrics`: off unless configured; on the main address only with the
//! metrics token; open on a separate address; requests counted by route
//! template, with the pool, round closings and latency histograms.

use crate::common::*;
use portfel::config::Config;
use portfel_api::AppState;
use reqwest::Method;

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(portfel::server::run(listener, router, CONNECTIONS, std::future::pending()));
    base
}

async fn get(url: String, token: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn metrics_are_served_only_as_configured_and_count_by_route() {
    let app = TestApp::all().await.remove(0);
    let w = World::create(&app).await;
    closed_round(&app, &w, &[complete_passport(w.goal)]).await;
    let (s, _) = send(app.req(Method::GET, "/api/v1/passports", &app.admin())).await;
    assert_eq!(s, 200);
    let stranger = uuid::Uuid::now_v7();
    let (s, _) = send(app.req(Method::GET, &format!("/api/v1/passports/{stranger}"), &app.admin())).await;
    assert_eq!(s, 404);

    let db = app.store.db();
    portfel_store::dream::set_checkpoint(db, "dream.pull https://dream.gov.ua", "2026-11-01T00:00:00Z").await.unwrap();
    let counts = r#"{"new":3,"updated":1,"unchanged":7,"failed":0}"#;
    portfel_store::dream::set_checkpoint(db, "dream.pull https://dream.gov.ua ok", counts).await.unwrap();
    let state = AppState {
        store: app.store.clone(),
        jwt: app.jwt.clone(),
        body_limit: BODY_LIMIT,
        upload_limit: UPLOAD_LIMIT,
        public_url: "http://127.0.0.1".into(),
        timeouts: TIMEOUTS,
        expost_after_days: portfel_api::state::EXPOST_AFTER_DAYS,
    };
    // Not configured: no metrics anywhere.
    let mut config = Config::default();
    let (main, separate) = portfel::server::routers(&config, state.clone());
    assert!(separate.is_none());
    assert_eq!(get(format!("{}/metrics", serve(main).await), None).await.0, 404);

    config.metrics_token = Some("metrics-token-of-the-hromada".parse().unwrap());
    config.metrics_bind = Some("127.0.0.1:0".into());
    let (main, separate) = portfel::server::routers(&config, state);
    let (main, separate) = (serve(main).await, serve(separate.unwrap()).await);
    assert_eq!(get(format!("{main}/metrics"), None).await.0, 401);
    assert_eq!(get(format!("{main}/metrics"), Some("a-guess")).await.0, 401);
    let (s, text) = get(format!("{main}/metrics"), Some("metrics-token-of-the-hromada")).await;
    assert_eq!(s, 200);
    let (s, open) = get(format!("{separate}/metrics"), None).await;
    assert_eq!(s, 200, "the separate address serves metrics openly");
    assert!(open.contains("portfel_http_requests_total"));
    assert_eq!(get(format!("{separate}/api/v1/passports"), None).await.0, 404, "and nothing else");

    let line =
        |name: &str, parts: &[&str]| text.lines().any(|l| l.starts_with(name) && parts.iter().all(|p| l.contains(p)));
    assert!(line("portfel_http_requests_total{", &[r#"route="/api/v1/passports""#, r#"status="2xx""#]), "{text}");
    assert!(line("portfel_http_requests_total{", &[r#"route="/api/v1/passports/{id}""#, r#"status="4xx""#]), "{text}");
    assert!(!text.contains(&stranger.to_string()), "routes are templates, never concrete paths");
    assert!(line("portfel_http_request_duration_seconds_bucket{", &[r#"le="0.005""#]), "{text}");
    assert!(line("portfel_round_closings_total", &[]), "{text}");
    assert!(line("portfel_db_pool_connections{", &[r#"state="idle""#]), "{text}");
    let (queued, sent, failed) = portfel_store::notices::outbox_counts(app.store.db()).await.unwrap();
    for (state, count) in [("queued", queued), ("sent", sent), ("failed", failed)] {
        let labels = format!(r#"state="{state}"}} {count}"#);
        assert!(line("portfel_outbox_emails{", &[&labels]), "{text}");
    }
    let sync = r#"sync="dream.pull https://dream.gov.ua""#;
    assert!(line("portfel_sync_checkpoint_timestamp_seconds{", &[sync]), "{text}");
    assert!(line("portfel_sync_last_success_timestamp_seconds{", &[sync]), "{text}");
    assert!(line("portfel_sync_last_run_projects{", &[sync, r#"outcome="unchanged""#, "} 7"]), "{text}");
}
