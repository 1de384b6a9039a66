//! Attached files through a running `portfel serve` (release build): a 20 MB
//! PDF uploaded and downloaded over HTTP, for the throughput of each and the
//! server's peak resident memory (`VmHWM`), on SQLite (files in a folder)
//! and, when `DATABASE_URL` names a PostgreSQL server, PostgreSQL (files in
//! the database).
//!
//! `cargo bench --bench uploads` (set `BENCH_RUNS` to change the runs, 5 by default).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use portfel_api::JwtSettings;
use portfel_domain::Role;
use reqwest::multipart::{Form, Part};
use serde_json::json;

const SECRET: &str = "bench-secret-bench-secret-bench-secret-0123456789";
/// Size of the uploaded file, bytes.
const SIZE: usize = 20 * 1024 * 1024;

fn runs() -> usize {
    std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5)
}

/// Peak and current resident memory of process `pid`, MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn run(label: &str, database_url: &str) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_portfel"))
            .arg("serve")
            .env("PORTFEL_DATABASE_URL", database_url)
            .env("PORTFEL_BIND", format!("127.0.0.1:{port}"))
            .env("PORTFEL_JWT_SECRET", SECRET)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start portfel serve"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let jwt = JwtSettings {
        secret: SECRET.as_bytes().to_vec(),
        previous_secret: None,
        issuer: "portfel".into(),
        audience: "portfel-api".into(),
    };
    let pim = jwt.issue("pim", Some(uuid::Uuid::now_v7()), &[Role::PimUnit], chrono::Duration::hours(1));
    let programme = json!({
        "title": "Програма", "decision_number": "1/1", "decision_date": "2026-01-15",
        "period_start": 2026, "period_end": 2027, "responsible": "Відділ",
        "sections": [{"number": "1", "title": "Розділ", "measures": [{"number": "1.1", "text": "Захід",
            "planned": [{"year": 2026, "source": "localBudget", "amount": "1000.00"}]}]}]
    });
    let created: serde_json::Value = client
        .post(format!("{base}/api/v1/programmes"))
        .bearer_auth(&pim)
        .json(&programme)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let owner = created["id"].as_str().expect("a programme").to_owned();
    let (idle_peak, _) = memory(server.0.id());

    let (mut up, mut down) = (Vec::new(), Vec::new());
    for n in 0..runs() {
        // Each run's content differs, so each is stored (none is found stored already).
        let mut content = format!("%PDF-1.7\n% run {n}\n").into_bytes();
        content.resize(SIZE, b'0' + (n % 10) as u8);
        let form = Form::new().part("file", Part::bytes(content).file_name(format!("Кошторис {n}.pdf")));
        let start = Instant::now();
        let response = client
            .post(format!("{base}/api/v1/attachments?owner_kind=programme&owner_id={owner}"))
            .bearer_auth(&pim)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        let added: serde_json::Value = response.json().await.unwrap();
        up.push(start.elapsed());
        let id = added[0]["id"].as_str().unwrap();
        let start = Instant::now();
        let bytes = client
            .get(format!("{base}/api/v1/attachments/{id}/content"))
            .bearer_auth(&pim)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        down.push(start.elapsed());
        assert_eq!(bytes.len(), SIZE);
    }
    let (peak, rss) = memory(server.0.id());
    let rate = |times: &mut Vec<Duration>| {
        times.sort();
        let median = times[times.len() / 2].as_secs_f64();
        (SIZE as f64 / 1024.0 / 1024.0 / median, median * 1000.0)
    };
    let ((up_rate, up_ms), (down_rate, down_ms)) = (rate(&mut up), rate(&mut down));
    println!(
        "{label}: 20 MB upload median {up_ms:.0} ms ({up_rate:.0} MB/s), download median {down_ms:.0} ms ({down_rate:.0} MB/s); \
         server peak RSS {peak:.1} MiB (idle peak {idle_peak:.1} MiB, now {rss:.1} MiB) over {} runs",
        up.len()
    );
}

#[tokio::main]
async fn main() {
    portfel::dream_sync::install_tls();
    let dir = tempfile::tempdir().unwrap();
    run("SQLite, files in a folder", &format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display())).await;
    if let Ok(url) = std::env::var("DATABASE_URL")
        && url.starts_with("postgres")
    {
        run("PostgreSQL, files in the database", &url).await;
    }
}
