//! kill -9 under write load, on SQLite and PostgreSQL: every acknowledged
//! write is there after a restart, none is duplicated, and every request that
//! was in flight is resolved by retrying it with its Idempotency-Key. Half the
//! writers send no key (on SQLite their creates share transactions): what
//! was acknowledged to them is there too, and what was in flight at most once.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::common::process::ServerProcess;
use crate::common::*;
use serde_json::{Value, json};

/// Writers sending creates at once.
const WRITERS: usize = 8;
/// Acknowledged creates to wait for before the kill.
const ACKNOWLEDGED_BEFORE_KILL: usize = 120;

/// One create: its key (if sent with one), its body, and the id if the server acknowledged it.
struct Attempt {
    key: Option<String>,
    body: Value,
    acknowledged: Option<String>,
}

async fn create(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Result<(u16, bool, Value)> {
    let mut request = client.post(format!("{base}/api/v1/passports")).bearer_auth(token);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.json(body).send().await?;
    let replayed = response.headers().contains_key("idempotent-replayed");
    let status = response.status().as_u16();
    Ok((status, replayed, response.json().await?))
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9_and_retries_resolve_the_rest() {
    for (backend, url, _dir) in backends().await {
        let app = TestApp::start(backend, &url, None).await;
        let w = World::create(&app).await;
        let token = w.initiator_a(&app);
        let mut server = ServerProcess::start(&url).await;
        let attempts = Arc::new(std::sync::Mutex::new(Vec::<Attempt>::new()));
        let acknowledged = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for writer in 0..WRITERS {
            let (attempts, acknowledged, stop) = (attempts.clone(), acknowledged.clone(), stop.clone());
            let (base, token, goal) = (server.base.clone(), token.clone(), w.goal);
            writers.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                for n in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let key = (writer % 2 == 0).then(|| format!("crash-{writer}-{n}"));
                    let mut body = complete_passport(goal);
                    body["title"]["uk"] = json!(format!("Аварія {writer}-{n}"));
                    let outcome = create(&client, &base, &token, key.as_deref(), &body).await;
                    let id = match &outcome {
                        Ok((201, _, p)) => Some(p["id"].as_str().unwrap().to_owned()),
                        Ok((status, _, p)) => panic!("[{backend}] {key:?}: {status} {p}"),
                        Err(_) => None,
                    };
                    let failed = id.is_none();
                    if !failed {
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                    }
                    attempts.lock().unwrap().push(Attempt { key, body, acknowledged: id });
                    if failed {
                        break;
                    }
                }
            }));
        }
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        while acknowledged.load(Ordering::SeqCst) < ACKNOWLEDGED_BEFORE_KILL && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        server.kill();
        stop.store(true, Ordering::SeqCst);
        for writer in writers {
            writer.await.unwrap();
        }

        // Restart on the same database and retry every request sent with a key.
        let server = ServerProcess::start(&url).await;
        let client = reqwest::Client::new();
        let attempts = std::mem::take(&mut *attempts.lock().unwrap());
        let (mut in_flight, mut replayed_in_flight) = (0, 0);
        let mut expected = HashMap::new();
        for attempt in &attempts {
            let title = attempt.body["title"]["uk"].as_str().unwrap().to_owned();
            let Some(key) = &attempt.key else {
                if let Some(id) = &attempt.acknowledged {
                    expected.insert(title, id.clone());
                }
                continue;
            };
            let (status, replayed, p) = create(&client, &server.base, &token, Some(key), &attempt.body).await.unwrap();
            assert_eq!(status, 201, "[{backend}] retry of {key}: {p}");
            let id = p["id"].as_str().unwrap().to_owned();
            match &attempt.acknowledged {
                Some(first) => {
                    assert!(replayed, "[{backend}] {key} was acknowledged, so its retry is a replay");
                    assert_eq!(&id, first, "[{backend}] {key}");
                }
                None => {
                    in_flight += 1;
                    replayed_in_flight += usize::from(replayed);
                }
            }
            expected.insert(title, id);
        }

        // Every acknowledged or retried passport is there once, with its id;
        // a keyless create in flight at the kill is there at most once.
        let mut found = HashMap::<String, Vec<String>>::new();
        let mut cursor = String::new();
        loop {
            let path = format!("/api/v1/passports?limit=200{cursor}");
            let (_, page) = send(app.req(reqwest::Method::GET, &path, &app.admin())).await;
            for p in page["items"].as_array().unwrap() {
                let (title, id) = (p["title"].as_str().unwrap(), p["id"].as_str().unwrap());
                found.entry(title.to_owned()).or_default().push(id.to_owned());
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        let acknowledged = attempts.iter().filter(|a| a.acknowledged.is_some()).count();
        let keyless = attempts.iter().filter(|a| a.key.is_none() && a.acknowledged.is_some()).count();
        assert!(acknowledged >= ACKNOWLEDGED_BEFORE_KILL, "[{backend}] only {acknowledged} writes before the kill");
        assert!(keyless > 0, "[{backend}] no keyless create was acknowledged");
        for (title, id) in &expected {
            assert_eq!(found.get(title), Some(&vec![id.clone()]), "[{backend}] {title}");
        }
        let titles: Vec<&str> = attempts.iter().map(|a| a.body["title"]["uk"].as_str().unwrap()).collect();
        assert!(found.keys().all(|t| titles.contains(&t.as_str())), "[{backend}] a passport nobody sent");
        assert!(found.values().all(|ids| ids.len() == 1), "[{backend}] duplicates: {found:?}");
        println!(
            "[{backend}] kill -9: {acknowledged} acknowledged ({keyless} without a key) and found, {in_flight} in \
             flight resolved by retry ({replayed_in_flight} had committed), {} passports, no duplicate",
            found.len()
        );
        drop(server);
    }
}
