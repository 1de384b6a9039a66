//! What the HTTP benchmarks share: reference data seeded through the store, and the server.

use std::sync::Arc;

use portfel_api::{AppState, JwtSettings};
use portfel_domain::reference::{GoalLevel, OrganisationInput, StrategyDocumentInput, StrategyGoalInput};
use portfel_store::{Actor, Store};
use uuid::Uuid;

/// The binary's allocator, so the server measured here allocates as it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Token settings of the benchmarks' servers.
pub fn jwt() -> Arc<JwtSettings> {
    Arc::new(JwtSettings {
        secret: b"benchmark-secret-benchmark-secret".to_vec(),
        previous_secret: None,
        issuer: "portfel".into(),
        audience: "portfel-api".into(),
    })
}

/// The state of a benchmark's server on `store`.
pub fn state(store: Store, jwt: Arc<JwtSettings>) -> AppState {
    AppState {
        store,
        jwt,
        body_limit: 1024 * 1024,
        upload_limit: 64 * 1024 * 1024,
        public_url: "http://127.0.0.1".into(),
        timeouts: Default::default(),
        expost_after_days: portfel_api::state::EXPOST_AFTER_DAYS,
    }
}

/// Serves `app` from a loopback port as `portfel serve` does; returns its base address.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = portfel::server::Connections { header_timeout: std::time::Duration::from_secs(10), max: 1024 };
    tokio::spawn(portfel::server::run(listener, app, connections, std::future::pending()));
    portfel::dream_sync::install_tls();
    base
}

/// The actor benchmarks seed as.
pub fn actor() -> Actor {
    Actor { sub: "bench".into(), organisation: None, request_id: None }
}

/// A local body named `name` with EDRPOU code `edrpou`.
pub async fn organisation(store: &Store, name: &str, edrpou: &str) -> Uuid {
    let input = OrganisationInput { name: name.into(), edrpou: edrpou.into(), kind: "localBody".into() };
    portfel_store::organisations::create(store.db(), &actor(), &input).await.unwrap().meta.id
}

/// A strategic goal of a community development strategy, for passports to serve.
pub async fn strategy_goal(store: &Store) -> Uuid {
    let document = StrategyDocumentInput {
        kind: "communityDevelopmentStrategy".into(),
        title: "Стратегія".into(),
        approved_by: None,
        approved_on: None,
        period_start: 2021,
        period_end: 2030,
    };
    let document = portfel_store::strategy::create_document(store.db(), &actor(), &document).await.unwrap();
    let goal =
        StrategyGoalInput { level: GoalLevel::Strategic, parent_id: None, code: "1".into(), title: "Ціль".into() };
    portfel_store::strategy::create_goal(store.db(), &actor(), document.meta.id, &goal).await.unwrap().meta.id
}

/// A signed-in browser session's cookie header for `sub`, through the sign-in form.
#[allow(dead_code, reason = "the page benchmarks sign in; the API ones do not")]
pub async fn sign_in(base: &str, sub: &str, password: &str) -> String {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = client.get(format!("{base}/login")).send().await.unwrap();
    let cookies = |r: &reqwest::Response| -> Vec<String> {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
            .collect()
    };
    let login_cookies = cookies(&page).join("; ");
    let html = page.text().await.unwrap();
    let marker = "name=\"_login\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let token = &html[start..start + html[start..].find('"').unwrap()];
    let form = [("_login", token), ("sub", sub), ("password", password), ("next", "/")];
    let r = client
        .post(format!("{base}/login"))
        .header("cookie", login_cookies)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "{sub} signs in");
    cookies(&r).join("; ")
}
