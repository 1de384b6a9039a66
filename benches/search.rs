//! Word search over passports: the store's search (on PostgreSQL with its
//! `pg_trgm` index) against the same question asked by reading every row in id
//! order (`search_text || '' LIKE '%word%'`, which no index can answer).
//!
//! `cargo bench --bench search` (`BENCH_PASSPORTS`, default 10,000; `BENCH_REPEATS`, default 200).
//! SQLite in a temporary file; PostgreSQL too when `DATABASE_URL` names one (in a database of
//! its own beside it, dropped at the end). Passports are seeded through the store; each query is asked
//! `BENCH_REPEATS` times, one at a time, and its median and 95th percentile are printed.

use std::time::{Duration, Instant};

use portfel_domain::PassportContent;
use portfel_domain::access::Visibility;
use portfel_store::Store;
use portfel_store::passports::{PassportFilter, summaries};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

#[allow(dead_code, reason = "this benchmark seeds through the store alone")]
mod support;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const OBJECTS: [&str; 8] = ["ліцею", "водогону", "амбулаторії", "мосту", "укриття", "ЦНАП", "стадіону", "бібліотеки"];
const WORKS: [&str; 5] = ["Капітальний ремонт", "Реконструкція", "Будівництво", "Термомодернізація", "Облаштування"];
const STREETS: [&str; 6] = ["Центральній", "Шевченка", "Грушевського", "Садовій", "Миру", "Лесі Українки"];

/// Passport `i`: a title and a description of some 300 characters from the
/// vocabularies above, so common words match thousands and rare ones a few.
fn content(i: usize) -> PassportContent {
    let title = format!("{} {} №{i} по вул. {}", WORKS[i % 5], OBJECTS[i % 8], STREETS[i % 6]);
    let description = format!(
        "Об'єкт №{i}: утеплення фасаду, заміна вікон і дверей, модернізація системи опалення, \
         облаштування інклюзивного входу, ремонт покрівлі та мереж; будівля {} року, площа {} м², \
         користуються {} мешканців громади.",
        1950 + i % 60,
        300 + i % 4000,
        100 + i % 9000
    );
    serde_json::from_value(json!({"title": {"uk": title}, "description": {"uk": description}})).unwrap()
}

/// Median and 95th percentile of `times`.
fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() * 95 / 100])
}

async fn measure(store: &Store, backend: &str, passports: usize, repeats: usize) {
    let org = support::organisation(store, "Управління капітального будівництва", "40000001").await;
    let started = Instant::now();
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..8 {
        let db = store.db().clone();
        writers.spawn(async move {
            for i in (w..passports).step_by(8) {
                portfel_store::passports::create(&db, &support::actor(), org, &content(i)).await.unwrap();
            }
        });
    }
    while writers.join_next().await.is_some() {}
    println!("{backend}: {passports} passports seeded in {:.1} s", started.elapsed().as_secs_f64());
    println!("| query | found | search p50 | p95 | every row read, p50 | p95 |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for words in ["ліцею", "№4321", "модернізація опалення", "бібліотеки шевченка", "інклюзивного"]
    {
        let filter = PassportFilter {
            visibility: Visibility { all: true, ..Default::default() },
            text: Some(words.into()),
            limit: 50,
            ..Default::default()
        };
        let mut indexed = Vec::new();
        let mut found = 0;
        for _ in 0..repeats {
            let t = Instant::now();
            found = summaries(store.db(), &filter).await.unwrap().0.len();
            indexed.push(t.elapsed());
        }
        // The same words asked of every row's text: the first page of 50, in id order.
        let like: Vec<String> = portfel_domain::passport::search_words(words)
            .iter()
            .map(|w| format!("search_text || '' LIKE '%{w}%'"))
            .collect();
        let sql = format!("SELECT id FROM passports WHERE {} ORDER BY id LIMIT 51", like.join(" AND "));
        let mut scanned = Vec::new();
        for _ in 0..repeats {
            let t = Instant::now();
            let backend = store.db().get_database_backend();
            store.db().query_all_raw(Statement::from_string(backend, sql.clone())).await.unwrap();
            scanned.push(t.elapsed());
        }
        let ((i50, i95), (s50, s95)) = (percentiles(indexed), percentiles(scanned));
        println!("| «{words}» | {found} | {i50:.1?} | {i95:.1?} | {s50:.1?} | {s95:.1?} |");
    }
}

/// The PostgreSQL database the benchmark makes beside the one `DATABASE_URL` names, and drops.
const DATABASE: &str = "portfel_search_benchmark";

#[tokio::main]
async fn main() {
    let (passports, repeats) = (env("BENCH_PASSPORTS", 10_000), env("BENCH_REPEATS", 200));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    let store = Store::connect(&url).await.unwrap();
    measure(&store, "SQLite", passports, repeats).await;
    store.close().await.unwrap();
    if let Ok(url) = std::env::var("DATABASE_URL") {
        let admin = sea_orm::Database::connect(&url).await.unwrap();
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {DATABASE}")).await.unwrap();
        admin.execute_unprepared(&format!("CREATE DATABASE {DATABASE}")).await.unwrap();
        let (server, _) = url.rsplit_once('/').expect("a database URL names its database");
        let store = Store::connect(&format!("{server}/{DATABASE}")).await.unwrap();
        measure(&store, "PostgreSQL", passports, repeats).await;
        store.close().await.unwrap();
        admin.execute_unprepared(&format!("DROP DATABASE {DATABASE}")).await.unwrap();
        admin.close().await.unwrap();
    }
}
