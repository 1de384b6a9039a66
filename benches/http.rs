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
    for (what, query) in [
        ("list, 50 per page (GET)", ""),
        ("list, text + sector filter (GET)", "&q=%D0%BE%D0%B1%27%D1%94%D0%BA%D1%82%D0%B0&sector=ES"),
    ] {
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..clients {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            tasks.spawn(async move {
                let mut latencies = Vec::new();
                let mut cursor = String::new();
                loop {
                    let t = Instant::now();
                    let page: Value = client
                        .get(format!("{base}/api/v1/passports?limit=50{query}{cursor}"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    latencies.push(t.elapsed());
                    match page["next_cursor"].as_str() {
                        Some(c) => cursor = format!("&cursor={c}"),
                        None => break,
                    }
                }
                latencies
            });
        }
        let latencies: Vec<Duration> = tasks.join_all().await.into_iter().flatten().collect();
        report(what, started.elapsed(), latencies);
    }
}
