//! Notification fan-out and the outbox on SQLite: how long writing one
//! notice takes (finding its audience among the registered users), how fast
//! the sender's side of the outbox (claim, record as sent) goes, and — when
//! Python's `aiosmtpd` is installed — how fast the sender delivers to a real
//! SMTP server on this machine.
//!
//! `cargo bench --bench notices` (`BENCH_USERS`, 1 000 by default; `BENCH_NOTICES`, 500;
//! `BENCH_MAILS`, the notices sent through SMTP, 40 — about 2 000 e-mails).

use std::time::Instant;

use chrono::{TimeDelta, Utc};
use portfel_api::mail::{MailSettings, Mailer, Security};
use portfel_domain::Role;
use portfel_domain::comeback::Return;
use portfel_domain::notices::Notice;
use portfel_domain::reference::{OrganisationInput, UserInput};
use portfel_store::{Actor, Store};
use uuid::Uuid;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let (users, notices) = (env("BENCH_USERS", 1000), env("BENCH_NOTICES", 500));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("n.db").display())).await.unwrap();
    let db = store.db().clone();
    let admin = Actor { sub: "admin".into(), organisation: None, request_id: None };
    let mut organisations = Vec::new();
    for i in 0..20 {
        let input = OrganisationInput {
            name: format!("Організація {i}"),
            edrpou: format!("4{i:07}"),
            kind: "localBody".into(),
        };
        organisations.push(portfel_store::organisations::create(&db, &admin, &input).await.unwrap().meta.id);
    }
    for i in 0..users {
        let input = UserInput {
            sub: format!("user-{i}"),
            full_name: format!("Користувач {i}"),
            organisation_id: organisations[i % organisations.len()],
            roles: vec![if i % 10 == 0 { Role::PimUnit } else { Role::Initiator }],
            email: Some(format!("user-{i}@gromada.example")),
        };
        portfel_store::users::create(&db, &admin, &input).await.unwrap();
    }
    println!("Portfel notices benchmark: SQLite, {users} registered users in 20 organisations, {notices} notices");
    let started = Instant::now();
    let mut told = 0;
    for n in 0..notices {
        let org = organisations[n % organisations.len()];
        let notice = Notice::passport_returned(
            Uuid::now_v7(),
            2,
            org,
            "Капітальний ремонт ліцею №3",
            Return::for_reason("Немає кошторису"),
        );
        told += portfel_store::notices::raise(&db, &notice).await.unwrap();
    }
    let raising = started.elapsed();
    println!(
        "raise: {told} rows for {notices} notices in {:.0} ms, {:.2} ms a notice",
        raising.as_secs_f64() * 1000.0,
        raising.as_secs_f64() * 1000.0 / notices as f64
    );
    let started = Instant::now();
    let mut sent = 0;
    loop {
        let due = portfel_store::notices::claim_due(&db, Utc::now(), TimeDelta::minutes(2), 50).await.unwrap();
        if due.is_empty() {
            break;
        }
        for o in due {
            portfel_store::notices::mark_sent(&db, o.notification.id).await.unwrap();
            sent += 1;
        }
    }
    let sending = started.elapsed();
    println!(
        "outbox: {sent} e-mails claimed and recorded as sent in {:.0} ms, {:.0} a second (SMTP itself not included)",
        sending.as_secs_f64() * 1000.0,
        sent as f64 / sending.as_secs_f64()
    );
    through_smtp(&store, &organisations, env("BENCH_MAILS", 40)).await;
    store.close().await.unwrap();
}

/// Writes `notices` more notices and has the server's sender deliver their
/// e-mails to `aiosmtpd` (which discards them), timing it.
async fn through_smtp(store: &Store, organisations: &[Uuid], notices: usize) {
    let installed = std::process::Command::new("python3").args(["-c", "import aiosmtpd"]).status();
    if !installed.is_ok_and(|s| s.success()) {
        println!("smtp: not measured (Python's aiosmtpd is not installed)");
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Sink"])
        .spawn()
        .expect("start aiosmtpd");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let db = store.db();
    for n in 0..notices {
        let org = organisations[n % organisations.len()];
        let returned = Return::for_reason("Немає кошторису");
        let notice = Notice::passport_returned(Uuid::now_v7(), 2, org, "Капітальний ремонт ліцею №3", returned);
        portfel_store::notices::raise(db, &notice).await.unwrap();
    }
    let settings = MailSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        credentials: None,
        from: "Портфель <portfel@gromada.example>".into(),
        public_url: "https://portfel.gromada.example".into(),
        poll: std::time::Duration::from_secs(1),
    };
    let mailer = Mailer::new(&settings).unwrap();
    let started = Instant::now();
    let (mut sent, mut failed) = (0, 0);
    loop {
        let pass = mailer.deliver_due(store, Utc::now()).await.unwrap();
        if pass.sent + pass.failed == 0 {
            break;
        }
        (sent, failed) = (sent + pass.sent, failed + pass.failed);
    }
    let took = started.elapsed();
    println!(
        "smtp: {sent} e-mails delivered to aiosmtpd ({failed} failed) in {:.0} ms, {:.0} a second",
        took.as_secs_f64() * 1000.0,
        sent as f64 / took.as_secs_f64()
    );
    let _ = server.kill();
    let _ = server.wait();
}
