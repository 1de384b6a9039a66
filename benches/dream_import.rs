//! Bulk import of 16,000 DREAM projects (DREAM's current size) on SQLite:
//! through the store (one transaction per project, and batches as `portfel
//! dream pull` commits them) and through the HTTP batch endpoint. `cargo bench --bench dream_import` (`BENCH_PROJECTS` to change the count).

use std::sync::Arc;
use std::time::Instant;

use portfel::dream_sync::PULL_BATCH;
use portfel_api::{AppState, JwtSettings};
use portfel_domain::Role;
use portfel_store::dream::Project;
use portfel_store::{Actor, Store};
use serde_json::{Value, json};

fn document(n: usize) -> Value {
    let year = 2025 + (n % 4) as i32;
    let amount = 100_000 + (n * 7919) % 50_000_000;
    json!({
        "date": "2025-01-10T08:00:00Z", "updated": format!("2025-{:02}-{:02}T10:{:02}:00Z", 1 + n % 12, 1 + n % 28, n % 60),
        "type": (["construction", "rehabilitation", "equipment"][n % 3]),
        "title": [{"lang": "uk", "translation": format!("Відновлення об'єкта №{n}")}, {"lang": "en", "translation": format!("Restoration of facility {n}")}],
        "description": [{"lang": "uk", "translation": "Відновлення пошкодженої інфраструктури громади"}],
        "purpose": (["restoration", "development"][n % 2]), "status": "pending", "statusDetails": "initiated",
        "parties": [{"id": format!("UA-EDR-{:08}", 41_000_000 + n % 1500), "roles": ["initiator", "balancer"],
                     "identifier": {"scheme": "UA-EDR", "id": format!("{:08}", 41_000_000 + n % 1500), "legalName": format!("Громада {}", n % 1500)}}],
        "metrics": [{"id": "initiationMetricsSocialAndEconomic", "observations": [
            {"id": "00000000-0000-4000-8000-000000000010", "dimensions": {"basicValue": 0, "targetValue": 100 + n % 5000, "characteristic": "numberOfConsumers"}}]}],
        "approaches": [{"id": "00000000-0000-4000-8000-000000000001", "title": "Основний варіант",
            "items": [{"id": "00000000-0000-4000-8000-000000000002", "locations": [{"gazetteer": {"scheme": "UA-CATOTTG", "identifiers": [format!("UA{:017}", 46_060_250_010_015_970u64 + n as u64)]}}]}],
            "budget": {"budgetBreakdown": [
                {"id": "b1", "amount": {"amount": amount / 10, "currency": "UAH"}, "period": {"startDate": format!("{year}-01-01T00:00:00Z"), "endDate": format!("{year}-12-31T23:59:59Z")}, "classifications": {"costItem": "design", "costType": "capex"}},
                {"id": "b2", "amount": {"amount": amount, "currency": "UAH"}, "period": {"startDate": format!("{}-01-01T00:00:00Z", year + 1), "endDate": format!("{}-12-31T23:59:59Z", year + 1)}, "classifications": {"costItem": "construction", "costType": "capex"}}],
             "finance": [{"id": "00000000-0000-4000-8000-000000000003", "value": {"amount": amount / 10, "currency": "UAH"}, "period": {"startDate": format!("{year}-01-01T00:00:00Z"), "endDate": format!("{year}-12-31T23:59:59Z")}, "financeType": "stateFunds", "financeCategory": "localBudget"}]}}],
        "additionalClassifications": [{"scheme": "WB-ECO", "id": (["ES", "WC", "HQ", "TI"][n % 4])}],
        "relatedProcesses": [{"scheme": "UA-PROZORRO", "id": format!("UA-2025-01-01-{n:06}-a"), "relationship": "procurement"}]
    })
}

async fn fresh_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display())).await.unwrap();
    (store, dir)
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("BENCH_PROJECTS").ok().and_then(|v| v.parse().ok()).unwrap_or(16_000);
    let documents: Vec<Value> = (0..n).map(document).collect();
    println!("bulk import of {n} DREAM projects on SQLite");

    let actor = Actor { sub: "bench".into(), organisation: None, request_id: None };
    let ids: Vec<String> = (0..n).map(|i| format!("dream-{i}")).collect();
    let projects: Vec<Project<'_>> =
        ids.iter().zip(&documents).map(|(id, document)| Project { dream_id: id, code: None, document }).collect();

    let (store, _dir) = fresh_store().await;
    let single = n.min(2_000);
    let started = Instant::now();
    for project in &projects[..single] {
        portfel_store::dream::import(store.db(), &actor, *project).await.unwrap();
    }
    let s = started.elapsed().as_secs_f64();
    println!("  store, one transaction per project (first {single}): {:5.0} projects/s", single as f64 / s);

    let (store, _dir) = fresh_store().await;
    let started = Instant::now();
    for (b, batch) in projects.chunks(PULL_BATCH).enumerate() {
        let checkpoint = format!("{b}");
        let results =
            portfel_store::dream::import_many(store.db(), &actor, batch, Some(("bench", &checkpoint))).await.unwrap();
        assert!(results.iter().all(Result::is_ok));
    }
    let s = started.elapsed().as_secs_f64();
    println!(
        "  store, {PULL_BATCH} per transaction (dream pull path): {s:6.1} s, {:5.0} projects/s (target < 10 s)",
        n as f64 / s
    );
    let started = Instant::now();
    for batch in projects.chunks(PULL_BATCH) {
        portfel_store::dream::import_many(store.db(), &actor, batch, None).await.unwrap();
    }
    let s = started.elapsed().as_secs_f64();
    println!("  store, same documents again (all unchanged): {s:6.1} s");

    let (store, _dir) = fresh_store().await;
    let jwt = Arc::new(JwtSettings {
        secret: b"benchmark-secret-benchmark-secret".to_vec(),
        previous_secret: None,
        issuer: "portfel".into(),
        audience: "portfel-api".into(),
    });
    let token = jwt.issue("dream-sync", None, &[Role::Integration], chrono::Duration::hours(1));
    let state = AppState {
        store,
        jwt,
        body_limit: 64 * 1024 * 1024,
        upload_limit: 64 * 1024 * 1024,
        public_url: "http://127.0.0.1".into(),
        timeouts: Default::default(),
        expost_after_days: portfel_api::state::EXPOST_AFTER_DAYS,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, portfel_api::app(state)).await.unwrap() });
    portfel::dream_sync::install_tls();
    let client = reqwest::Client::new();
    let started = Instant::now();
    for (b, chunk) in documents.chunks(500).enumerate() {
        let items: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, d)| json!({"id": format!("dream-{}", b * 500 + i), "document": d}))
            .collect();
        let r = client
            .post(format!("{base}/api/v1/dream/import/batch"))
            .bearer_auth(&token)
            .json(&json!({"items": items}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let summary: Value = r.json().await.unwrap();
        assert_eq!(summary["failed"], 0);
    }
    let s = started.elapsed().as_secs_f64();
    println!("  HTTP batches of 500: {s:6.1} s, {:5.0} projects/s", n as f64 / s);
}
