//! Sustained passport creates: refused answers, throughput and latency, and
//! the bytes stored per passport, on SQLite and (with `DATABASE_URL` naming a
//! PostgreSQL server) on a scratch PostgreSQL database.
//!
//! `cargo bench --bench sustained_writes` (`BENCH_SECONDS`, default 60;
//! `BENCH_CLIENTS`, default `8,32`). Each run starts from an empty database:
//! a real server on a loopback port, clients creating passports one after
//! another for the whole time, without and with an `Idempotency-Key`.

use std::time::{Duration, Instant};

use portfel_domain::Role;
use portfel_store::Store;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

mod support;

fn passport(goal: &str, i: usize) -> Value {
    json!({
        "title": {"uk": format!("Капітальний ремонт об'єкта №{i}")},
        "description": {"uk": "Утеплення фасаду, заміна вікон і системи опалення в будівлі закладу освіти"},
        "problem": "Високі тепловтрати будівлі, аварійний стан покрівлі", "goals": ["Зменшити споживання тепла на 40 %"],
        "project_type": "rehabilitation", "purpose": "development", "sector": if i.is_multiple_of(2) { "ES" } else { "WC" },
        "balance_holder": {"name": "Управління освіти", "edrpou": "40000001"},
        "locations": [{"katottg": "UA46060250010015970", "address": "вул. Шевченка, 12"}], "strategy_goal_ids": [goal],
        "start_year": 2027, "duration_years": 2,
        "costs": [{"year": 2027, "item": "design", "amount": "500000.00"}, {"year": 2028, "item": "construction", "amount": "9500000.00"}],
        "financing": [{"year": 2027, "source": "localBudget", "amount": "500000.00"}, {"year": 2028, "source": "stateSubsidies", "amount": "9500000.00"}],
        "beneficiaries": {"total": 800, "idps": 120}, "om_cost_per_year": "150000.00",
        "risks": [{"description": "Зростання цін на будівельні матеріали", "likelihood": "medium", "impact": "high"}],
        "contacts": [{"name": "Олена Коваленко", "email": "o.kovalenko@example.gov.ua"}]
    })
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// One run: `clients` clients creating for `seconds`, each create with an
/// `Idempotency-Key` of its own when `keyed` (a transaction per request) or
/// without (creates committed in groups on SQLite).
async fn run(backend: &str, url: &str, clients: usize, keyed: bool, seconds: u64, file: Option<&std::path::Path>) {
    let store = Store::connect(url).await.unwrap();
    let org = support::organisation(&store, "Управління освіти", "40000001").await;
    let goal = support::strategy_goal(&store).await.to_string();
    let jwt = support::jwt();
    let token = jwt.issue("ini", Some(org), &[Role::Initiator], chrono::Duration::hours(1));
    let app = portfel::server::app(support::state(store.clone(), jwt), portfel_web::WebSettings::default());
    let base = support::serve(app).await;
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..clients {
        let (client, base, token, goal) = (client.clone(), base.clone(), token.clone(), goal.clone());
        tasks.spawn(async move {
            let (mut latencies, mut refused, mut i) = (Vec::new(), Vec::new(), c);
            while Instant::now() < deadline {
                let t = Instant::now();
                let mut request = client.post(format!("{base}/api/v1/passports")).bearer_auth(&token);
                if keyed {
                    request = request.header("Idempotency-Key", format!("create-{i}"));
                }
                let r = request.json(&passport(&goal, i)).send().await.unwrap();
                let status = r.status().as_u16();
                let body = r.bytes().await.unwrap();
                if status == 201 {
                    latencies.push(t.elapsed());
                } else {
                    refused.push((status, String::from_utf8_lossy(&body).chars().take(160).collect::<String>()));
                }
                i += clients;
            }
            (latencies, refused)
        });
    }
    let done = tasks.join_all().await;
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = done.iter().flat_map(|(l, _)| l.iter().copied()).collect();
    let refused: Vec<&(u16, String)> = done.iter().flat_map(|(_, r)| r).collect();
    latencies.sort();
    let db = store.db();
    let count = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM passports"))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    println!(
        "{backend:<10} {clients:>2} clients{} {seconds} s: {:>7} created, {:>4} refused, {:>6.0} creates/s, p50 {:>6.1} ms, p99 {:>7.1} ms, max {:>7.1} ms",
        if keyed { ", keyed" } else { "" },
        latencies.len(),
        refused.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
    if let Some((status, body)) = refused.first() {
        println!("           first refusal: {status} {body}");
    }
    let per = |bytes: i64| bytes as f64 / count.max(1) as f64;
    match file {
        Some(path) => {
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.unwrap();
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as i64;
            let wal = std::fs::metadata(path.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0) as i64;
            println!(
                "           {count} passports: file {:.1} MB + WAL {:.1} MB, {:.0} bytes per passport",
                size as f64 / 1e6,
                wal as f64 / 1e6,
                per(size)
            );
        }
        None => {
            let sql = "SELECT relname AS name, pg_total_relation_size(oid) AS bytes FROM pg_class \
                       WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC";
            let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
            let total: i64 = rows.iter().map(|r| r.try_get::<i64>("", "bytes").unwrap()).sum();
            println!(
                "           {count} passports: {:.1} MB in tables and indexes, {:.0} bytes per passport",
                total as f64 / 1e6,
                per(total)
            );
        }
    }
    store.close().await.unwrap();
}

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::var("BENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    let clients: Vec<usize> = std::env::var("BENCH_CLIENTS")
        .unwrap_or_else(|_| "8,32".into())
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    println!(
        "Sustained creates: {seconds} s per run, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for keyed in [false, true] {
        for &n in &clients {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("bench.db");
            run("SQLite", &format!("sqlite://{}?mode=rwc", file.display()), n, keyed, seconds, Some(&file)).await;
        }
    }
    if let Ok(admin) = std::env::var("DATABASE_URL") {
        for keyed in [false, true] {
            for &n in &clients {
                let name = format!("portfel_bench_{}", uuid::Uuid::new_v4().simple());
                let server = sea_orm::Database::connect(&admin).await.unwrap();
                server.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
                let url = format!("{}/{name}", &admin[..admin.rfind('/').unwrap()]);
                run("PostgreSQL", &url, n, keyed, seconds, None).await;
                server.execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)")).await.unwrap();
                server.close().await.unwrap();
            }
        }
    }
}
