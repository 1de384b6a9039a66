//! Throughput of passport create and list over HTTP on SQLite.
//!
//! `cargo bench --bench http` (set `BENCH_PASSPORTS` and `BENCH_CLIENTS` to change the load).
//! A real server on a loopback port, a real SQLite file, concurrent clients.

use std::time::{Duration, Instant};

use portfel_domain::Role;
use portfel_store::Store;
use serde_json::{Value, json};

mod support;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn passport(goal: &str, i: usize) -> Value {
    json!({
        "title": {"uk": format!("Капітальний ремонт об'єкта №{i}")},
        "description": {"uk": "Утеплення фасаду, заміна вікон і системи опалення"},
        "problem": "Високі тепловтрати будівлі", "goals": ["Зменшити споживання тепла"],
        "project_type": "rehabilitation", "purpose": "development", "sector": if i.is_multiple_of(2) { "ES" } else { "WC" },
        "balance_holder": {"name": "Управління освіти", "edrpou": "40000001"},
        "locations": [{"katottg": "UA46060250010015970"}], "strategy_goal_ids": [goal],
        "start_year": 2027, "duration_years": 2,
        "costs": [{"year": 2027, "item": "design", "amount": "500000.00"}, {"year": 2028, "item": "construction", "amount": "9500000.00"}],
        "financing": [{"year": 2027, "source": "localBudget", "amount": "500000.00"}, {"year": 2028, "source": "stateSubsidies", "amount": "9500000.00"}],
        "beneficiaries": {"total": 800, "idps": 120}, "om_cost_per_year": "150000.00",
        "contacts": [{"name": "Олена Коваленко"}]
    })
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

fn report(what: &str, total: Duration, mut latencies: Vec<Duration>) {
    latencies.sort();
    println!(
        "{what:<34} {:>6} requests  {:>8.0} req/s  p50 {:>6.2} ms  p95 {:>6.2} ms  p99 {:>6.2} ms",
        latencies.len(),
        latencies.len() as f64 / total.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99)
    );
}

#[tokio::main]
async fn main() {
    let passports = env("BENCH_PASSPORTS", 5000);
    let clients = env("BENCH_CLIENTS", 8);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display())).await.unwrap();
    let org = support::organisation(&store, "Управління освіти", "40000001").await;
    let goal = support::strategy_goal(&store).await;
    let jwt = support::jwt();
    let token = jwt.issue("ini", Some(org), &[Role::Initiator], chrono::Duration::hours(1));
    let base = support::serve(portfel_api::app(support::state(store, jwt))).await;
    let client = reqwest::Client::new();
    println!(
        "Portfel HTTP benchmark: SQLite, {passports} passports, {clients} concurrent clients, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // Create.
    let goal = goal.to_string();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..clients {
        let (client, base, token, goal) = (client.clone(), base.clone(), token.clone(), goal.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            for i in (c..passports).step_by(clients) {
                let t = Instant::now();
                let r = client
                    .post(format!("{base}/api/v1/passports"))
                    .bearer_auth(&token)
                    .json(&passport(&goal, i))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
                r.bytes().await.unwrap();
                latencies.push(t.elapsed());
            }
            latencies
        });
    }
    let latencies: Vec<Duration> = tasks.join_all().await.into_iter().flatten().collect();
    report("create passport (POST)", started.elapsed(), latencies);

    // List: every client pages through the whole set, 50 per page.
    let mut first_page = Vec::new();
    for (what, query) in [
        ("list, 50 per page (GET)", ""),
        ("list, text + sector filter (GET)", "&q=%D0%BE%D0%B1%27%D1%94%D0%BA%D1%82%D0%B0&sector=ES"),
        ("list, whole passports (view=full)", "&view=full"),
    ] {
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..clients {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            tasks.spawn(async move {
                let (mut latencies, mut sizes) = (Vec::new(), 0);
                let mut cursor = String::new();
                loop {
                    let t = Instant::now();
                    let url = format!("{base}/api/v1/passports?limit=50{query}{cursor}");
                    let body = client.get(url).bearer_auth(&token).send().await.unwrap().bytes().await.unwrap();
                    let page: Value = serde_json::from_slice(&body).unwrap();
                    latencies.push(t.elapsed());
                    sizes += body.len();
                    match page["next_cursor"].as_str() {
                        Some(c) => cursor = format!("&cursor={c}"),
                        None => break (latencies, sizes),
                    }
                }
            });
        }
        let done = tasks.join_all().await;
        let bytes: usize = done.iter().map(|(_, size)| size).sum();
        let pages: usize = done.iter().map(|(l, _)| l.len()).sum();
        if first_page.is_empty() && query.is_empty() {
            let url = format!("{base}/api/v1/passports?limit=50");
            first_page = client.get(url).bearer_auth(&token).send().await.unwrap().bytes().await.unwrap().to_vec();
        }
        let latencies: Vec<Duration> = done.into_iter().flat_map(|(l, _)| l).collect();
        report(what, started.elapsed(), latencies);
        println!("{:<34} {:>6.1} KB per page", "", bytes as f64 / pages as f64 / 1024.0);
    }

    // The same bytes from memory through a bare axum handler, loaded by the same client.
    let portfel = list_rate(&client, &format!("{base}/api/v1/passports?limit=50"), &token, clients, passports).await;
    let bare = bare_axum(first_page).await;
    let bare = list_rate(&client, &bare, &token, clients, passports).await;
    println!(
        "first page again and again: Portfel {portfel:.0} pages/s, bare axum (same bytes from memory) {bare:.0} pages/s: {:.0} %",
        portfel / bare * 100.0
    );
}

/// A bare axum server answering every request with `page`; returns its address.
async fn bare_axum(page: Vec<u8>) -> String {
    let page = axum::body::Bytes::from(page);
    let app = axum::Router::new().route(
        "/page",
        axum::routing::get(move || {
            let page = page.clone();
            async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], page) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/page", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// Pages per second when `clients` clients ask for `url` (as many pages as
/// paging through `passports` 50 at a time takes, per client), each reading
/// the whole body and parsing it as JSON.
async fn list_rate(client: &reqwest::Client, url: &str, token: &str, clients: usize, passports: usize) -> f64 {
    let per_client = passports.div_ceil(50);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (client, url, token) = (client.clone(), url.to_owned(), token.to_owned());
        tasks.spawn(async move {
            for _ in 0..per_client {
                let body = client.get(&url).bearer_auth(&token).send().await.unwrap().bytes().await.unwrap();
                let page: Value = serde_json::from_slice(&body).unwrap();
                assert!(page["items"].is_array());
            }
        });
    }
    tasks.join_all().await;
    (per_client * clients) as f64 / started.elapsed().as_secs_f64()
}
