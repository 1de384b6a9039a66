//! E-mail notices through a real SMTP server (aiosmtpd), on SQLite and
//! PostgreSQL: each notice reaches the right address once, with a stable
//! Message-ID and a link to its page; SMTP down delays it and never fails the
//! request; a server killed between the event's commit and the sending
//! delivers after its restart, exactly once; two replicas send each once.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use portfel_api::mail::{MailSettings, Mailer, Security};
use portfel_domain::Role;
use reqwest::Method;
use serde_json::json;

use crate::common::process::ServerProcess;
use crate::common::smtp::{self, SmtpServer, free_port};
use crate::common::*;

const FROM: &str = "Портфель <portfel@gromada.example>";

fn settings(port: u16, public_url: &str) -> MailSettings {
    MailSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        credentials: None,
        from: FROM.into(),
        public_url: public_url.into(),
        poll: Duration::from_millis(200),
    }
}

/// A started SMTP server and a sender to it with the workspace at `app`.
fn listening(app: &TestApp) -> (SmtpServer, Mailer) {
    let mut server = SmtpServer::on(free_port());
    server.start();
    let mailer = Mailer::new(&settings(server.port, &app.base)).unwrap();
    (server, mailer)
}

/// Registers initiators of organisation A who want each notice, a daily
/// digest, and no e-mail, and one of B who wants each notice.
async fn people_with_addresses(app: &TestApp, w: &World) {
    for (sub, org, delivery) in [
        ("ini-a", w.org_a, "each"),
        ("ini-a2", w.org_a, "digest"),
        ("ini-a3", w.org_a, "none"),
        ("ini-b", w.org_b, "each"),
    ] {
        let body = json!({"sub": sub, "full_name": format!("Ініціатор {sub}"), "organisation_id": org,
            "roles": ["initiator"], "email": format!("{sub}@gromada.example")});
        let (s, r) = send(app.req(Method::POST, "/api/v1/users", &app.admin()).json(&body)).await;
        assert_eq!(s, 201, "[{}] {r}", app.backend);
        let token = app.token(sub, Some(org), &[Role::Initiator]);
        let (s, r) = send(
            app.req(Method::PUT, "/api/v1/notifications/settings", &token)
                .if_match(1)
                .json(&json!({"email": format!("{sub}@gromada.example"), "delivery": delivery})),
        )
        .await;
        assert_eq!(s, 200, "{r}");
    }
}

/// A passport of organisation A submitted and returned by the PIM unit; its id.
async fn returned_passport(app: &TestApp, w: &World) -> String {
    let (ini, pim) = (w.initiator_a(app), w.pim(app));
    let (id, v) = create_passport(app, &ini, &complete_passport(w.goal)).await;
    let (_, v, _) = transition(app, &ini, &id, v, "submitted", None).await;
    let (s, _, p) = transition(app, &pim, &id, v.unwrap(), "draft", Some("Немає кошторису")).await;
    assert_eq!(s, 200, "the return succeeds whatever the mail does: {p}");
    id
}

/// The outbox's e-mails, as `/metrics` reports them: (queued, sent, failed).
async fn outbox(app: &TestApp) -> (u64, u64, u64) {
    portfel_store::notices::outbox_counts(app.store.db()).await.unwrap()
}

#[tokio::test]
async fn a_notice_is_mailed_once_after_smtp_comes_back() {
    if !smtp::available() {
        return;
    }
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        people_with_addresses(&app, &w).await;
        let mut server = SmtpServer::on(free_port());
        let mailer = Mailer::new(&settings(server.port, &app.base)).unwrap();
        // SMTP is down: the event was written all the same, the e-mail waits.
        let id = returned_passport(&app, &w).await;
        let now = Utc::now();
        let pass = mailer.deliver_due(&app.store, now).await.unwrap();
        assert_eq!((pass.sent, pass.failed), (0, 1), "[{}] only the one who wants each notice", app.backend);
        assert_eq!(outbox(&app).await, (1, 0, 0));
        // Back up: not before the wait, then once.
        server.start();
        assert_eq!(mailer.deliver_due(&app.store, now + TimeDelta::seconds(10)).await.unwrap().sent, 0);
        assert_eq!(mailer.deliver_due(&app.store, now + TimeDelta::seconds(31)).await.unwrap().sent, 1);
        assert_eq!(mailer.deliver_due(&app.store, now + TimeDelta::hours(2)).await.unwrap().sent, 0, "never twice");
        let got = server.received();
        assert_eq!(got.len(), 1, "{got:?}");
        let mail = &got[0];
        assert_eq!(mail.to, "ini-a@gromada.example");
        assert_eq!(mail.subject, "Паспорт повернуто на доопрацювання: «Капітальний ремонт ліцею №3»");
        assert!(mail.body.contains("Причина: Немає кошторису."), "{}", mail.body);
        assert!(mail.body.contains(&format!("{}/passports/{id}", app.base)), "a link to the page: {}", mail.body);
        let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &w.initiator_a(&app))).await;
        let notice = inbox["items"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(mail.message_id, format!("<{notice}@gromada.example>"), "the notice's own Message-ID");
        assert_eq!(outbox(&app).await, (0, 1, 0));
        // The digest and no-mail people and the other organisation got no e-mail; the inboxes have it.
        let token = app.token("ini-a2", Some(w.org_a), &[Role::Initiator]);
        let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &token)).await;
        assert_eq!(inbox["unread"].as_u64(), Some(1));
    }
}

#[tokio::test]
async fn an_e_mail_that_keeps_failing_is_given_up_and_counted() {
    if !smtp::available() {
        return;
    }
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        people_with_addresses(&app, &w).await;
        let (mut server, mailer) = listening(&app);
        // Only the one who wants each notice gets e-mail here (no digest).
        let digest = app.token("ini-a2", Some(w.org_a), &[Role::Initiator]);
        let body = json!({"email": "ini-a2@gromada.example", "delivery": "none"});
        let put = app.req(Method::PUT, "/api/v1/notifications/settings", &digest).if_match(2).json(&body);
        assert_eq!(send(put).await.0, 200);
        returned_passport(&app, &w).await;
        let pass = mailer.deliver_due(&app.store, Utc::now()).await.unwrap();
        assert_eq!((pass.sent, pass.failed), (1, 0), "[{}]", app.backend);
        // SMTP stays down: ten attempts, waits doubling, then it is given up; the request never failed.
        server.stop();
        let later = Utc::now();
        returned_passport(&app, &w).await;
        for attempt in 0..portfel_api::mail::MAX_ATTEMPTS {
            let at = later + TimeDelta::hours(i64::from(attempt) + 1);
            assert_eq!(mailer.deliver_due(&app.store, at).await.unwrap().failed, 1, "attempt {attempt}");
        }
        assert_eq!(mailer.deliver_due(&app.store, later + TimeDelta::days(2)).await.unwrap().failed, 0, "given up");
        assert_eq!(outbox(&app).await, (0, 1, 1));
    }
}

#[tokio::test]
async fn a_crash_before_sending_and_two_replicas_deliver_each_once() {
    if !smtp::available() {
        return;
    }
    for (backend, url, _dir) in backends().await {
        let mut server = SmtpServer::on(free_port());
        server.start();
        let mail_env = |poll: &str| {
            vec![
                ("PORTFEL_SMTP_HOST", "127.0.0.1".to_owned()),
                ("PORTFEL_SMTP_PORT", server.port.to_string()),
                ("PORTFEL_SMTP_SECURITY", "none".to_owned()),
                ("PORTFEL_SMTP_FROM", FROM.to_owned()),
                ("PORTFEL_MAIL_POLL", poll.to_owned()),
            ]
        };
        let app = TestApp::start(backend, &url, None).await;
        let w = World::create(&app).await;
        people_with_addresses(&app, &w).await;
        // A server whose sender looked at the outbox at its start and not again for an hour:
        // ten events are committed, then it is killed before sending any.
        let mut first = ServerProcess::start_with(&url, &mail_env("3600")).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let mut ids = Vec::new();
        for _ in 0..10 {
            ids.push(returned_passport(&app, &w).await);
        }
        first.kill();
        assert!(server.received().is_empty(), "[{backend}] nothing was sent before the crash");
        // Two replicas on the same database after the restart: each notice arrives once.
        let _a = ServerProcess::start_with(&url, &mail_env("1")).await;
        let _b = ServerProcess::start_with(&url, &mail_env("1")).await;
        server.wait_for(10, Duration::from_secs(60)).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let got = server.received();
        assert_eq!(got.len(), 10, "[{backend}] {got:?}");
        let mut message_ids: Vec<&str> = got.iter().map(|m| m.message_id.as_str()).collect();
        message_ids.sort_unstable();
        message_ids.dedup();
        assert_eq!(message_ids.len(), 10, "each notice once");
        assert!(got.iter().all(|m| m.to == "ini-a@gromada.example"));
        for id in &ids {
            assert_eq!(got.iter().filter(|m| m.body.contains(&format!("/passports/{id}"))).count(), 1);
        }
    }
}

#[tokio::test]
async fn a_digest_brings_the_days_notices_in_one_message_the_next_day() {
    if !smtp::available() {
        return;
    }
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        people_with_addresses(&app, &w).await;
        let (server, mailer) = listening(&app);
        let (first, second) = (returned_passport(&app, &w).await, returned_passport(&app, &w).await);
        let now = Utc::now();
        mailer.deliver_due(&app.store, now).await.unwrap();
        let to_digest = |m: &&smtp::Received| m.to == "ini-a2@gromada.example";
        assert_eq!(server.received().iter().filter(to_digest).count(), 0, "[{}] not the same day", app.backend);
        let tomorrow = now + TimeDelta::days(1);
        mailer.deliver_due(&app.store, tomorrow).await.unwrap();
        mailer.deliver_due(&app.store, tomorrow + TimeDelta::hours(1)).await.unwrap();
        let got = server.received();
        let digests: Vec<&smtp::Received> = got.iter().filter(to_digest).collect();
        assert_eq!(digests.len(), 1, "one digest: {got:?}");
        let day = portfel_domain::calendar::local_date(tomorrow).format("%d.%m.%Y").to_string();
        assert_eq!(digests[0].subject, format!("Повідомлення Портфеля до {day}: 2"));
        for id in [&first, &second] {
            assert!(digests[0].body.contains(&format!("{}/passports/{id}", app.base)), "{}", digests[0].body);
        }
        assert!(digests[0].message_id.starts_with("<digest-"), "{}", digests[0].message_id);
        assert!(!got.iter().any(|m| m.to == "ini-a3@gromada.example"), "no e-mail for one who wants none");
        assert_eq!(got.iter().filter(|m| m.to == "ini-a@gromada.example").count(), 2, "each, for one who wants each");
    }
}
