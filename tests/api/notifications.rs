//! Notifications over HTTP, on SQLite and PostgreSQL: each event reaches
//! exactly the people whose role and organisation it concerns, once; the
//! inbox counts, lists and marks read; settings are the caller's own.

use portfel_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::*;
use crate::completion::{closed_by_report, completed_report};
use crate::monitoring::in_implementation;

/// Registers the people of the world who read notices: two initiators of
/// organisation A, one of B, the PIM unit, the council and an expert of A.
pub async fn register_people(app: &TestApp, w: &World) {
    let admin = app.caller(app.admin());
    for (sub, org, roles) in [
        ("ini-a", w.org_a, &["initiator"][..]),
        ("ini-a2", w.org_a, &["initiator"]),
        ("ini-b", w.org_b, &["initiator"]),
        ("pim", w.pim_org, &["pim_unit"]),
        ("council", w.pim_org, &["council"]),
        ("exp-a", w.org_a, &["expert"]),
    ] {
        admin.create_user(sub, org, roles).await.unwrap_or_else(|r| panic!("[{}] {sub}: {r:?}", app.backend));
    }
}

/// The kinds of the notices in `sub`'s inbox, newest first.
async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    let (s, inbox) = send(app.req(Method::GET, "/api/v1/notifications", token)).await;
    assert_eq!(s, 200, "{inbox}");
    inbox["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn each_event_reaches_exactly_the_people_it_concerns() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        register_people(&app, &w).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let everyone = [
            ("ini-a", ini.clone()),
            ("ini-a2", app.token("ini-a2", Some(w.org_a), &[Role::Initiator])),
            ("ini-b", w.initiator_b(&app)),
            ("pim", pim.clone()),
            ("council", app.token("council", Some(w.pim_org), &[Role::Council])),
            ("exp-a", app.token("exp-a", Some(w.org_a), &[Role::Expert])),
        ];
        let inboxes = || async {
            let mut out = Vec::new();
            for (sub, token) in &everyone {
                out.push((*sub, kinds(&app, token).await));
            }
            out
        };

        // Returned: A's initiators hear the reason; nobody else hears anything.
        let (id, v) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let (_, v, _) = transition(&app, &ini, &id, v, "submitted", None).await;
        let (s, v, p) = transition(&app, &pim, &id, v.unwrap(), "draft", Some("Немає кошторису")).await;
        assert_eq!(s, 200, "[{}] {p}", app.backend);
        let returned = vec!["passport_returned".to_owned()];
        let none: Vec<String> = vec![];
        assert_eq!(
            inboxes().await,
            [
                ("ini-a", returned.clone()),
                ("ini-a2", returned.clone()),
                ("ini-b", none.clone()),
                ("pim", none.clone()),
                ("council", none.clone()),
                ("exp-a", none.clone())
            ]
        );
        let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &ini)).await;
        let notice = &inbox["items"][0];
        assert!(notice["title"].as_str().unwrap().contains("«Капітальний ремонт ліцею №3»"), "{notice}");
        assert!(notice["body"].as_str().unwrap().contains("Немає кошторису"), "{notice}");
        assert_eq!(notice["link"], format!("/passports/{id}"));
        assert_eq!((inbox["unread"].as_u64(), notice["read_at"].clone()), (Some(1), Value::Null));

        // Resubmitted and taken into screening: accepted, to the same two.
        let (_, v, _) = transition(&app, &ini, &id, v.unwrap(), "submitted", None).await;
        let (s, _, _) = transition(&app, &pim, &id, v.unwrap(), "screening", None).await;
        assert_eq!(s, 200);
        assert_eq!(kinds(&app, &everyone[1].1).await, ["passport_accepted", "passport_returned"]);
        assert_eq!(kinds(&app, &everyone[2].1).await, none);

        // Marked read: one's own only; the count follows; all at once.
        let nid = notice["id"].as_str().unwrap();
        let (s, _) = send(app.req(Method::POST, &format!("/api/v1/notifications/{nid}/read"), &everyone[1].1)).await;
        assert_eq!(s, 404, "another person's notice is not found");
        let (s, read) = send(app.req(Method::POST, &format!("/api/v1/notifications/{nid}/read"), &ini)).await;
        assert_eq!((s, read["read_at"].is_string()), (200, true), "{read}");
        let (_, unread) = send(app.req(Method::GET, "/api/v1/notifications?unread=true", &ini)).await;
        assert_eq!((unread["unread"].as_u64(), unread["items"].as_array().unwrap().len()), (Some(1), 1));
        assert_eq!(unread["items"][0]["kind"], "passport_accepted");
        let (s, marked) = send(app.req(Method::POST, "/api/v1/notifications/read", &ini)).await;
        assert_eq!((s, marked["marked"].as_u64()), (200, Some(1)));
        let (_, after) = send(app.req(Method::GET, "/api/v1/notifications", &everyone[1].1)).await;
        assert_eq!(after["unread"].as_u64(), Some(2), "another person's notices stay unread");

        // A project closed by its accepted completion report: A's initiators are told.
        let project = in_implementation(&app, &w).await;
        closed_by_report(&app, &w, &project, &completed_report()).await;
        assert_eq!(kinds(&app, &everyone[1].1).await[0], "completion_accepted");
        assert_eq!(kinds(&app, &everyone[2].1).await, none);

        // Experts assigned in a round hear it with the deadline; the council's approval reaches the PIM unit.
        let (rid, ids) = closed_round(&app, &w, &[complete_passport(w.goal)]).await;
        for expert in ["exp-1", "exp-2", "exp-3"] {
            let token = app.token(expert, Some(w.pim_org), &[Role::Expert]);
            let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &token)).await;
            assert_eq!(inbox["items"].as_array().unwrap().len(), 1, "{expert}: {inbox}");
            assert_eq!(inbox["items"][0]["kind"], "expert_assigned");
            assert_eq!(inbox["items"][0]["link"], format!("/rounds/{rid}/projects/{}/score", ids[0]));
            assert!(inbox["items"][0]["body"].as_str().unwrap().contains("15.12.2026"), "{inbox}");
        }
        assert_eq!(kinds(&app, &everyone[5].1).await, none, "an expert not assigned");
        approved_portfolio(&app, &w, &rid).await;
        assert_eq!(kinds(&app, &pim).await, ["council_approved"]);
        assert_eq!(kinds(&app, &everyone[4].1).await, none, "the council made the decision");
        assert_eq!(kinds(&app, &everyone[2].1).await, none);
    }
}

#[tokio::test]
async fn settings_are_the_callers_own_and_checked() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        register_people(&app, &w).await;
        let ini = w.initiator_a(&app);
        let (s, settings) = send(app.req(Method::GET, "/api/v1/notifications/settings", &ini)).await;
        assert_eq!((s, settings), (200, json!({"email": null, "delivery": "each"})));
        let put = |body: Value, version: i32| {
            app.req(Method::PUT, "/api/v1/notifications/settings", &ini).if_match(version).json(&body)
        };
        let (s, p) = send(put(json!({"email": "не адреса", "delivery": "each"}), 1)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["email".to_owned()]), "{p}");
        let (s, p) = send(put(json!({"email": "o@example.gov.ua", "delivery": "weekly"}), 1)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["delivery".to_owned()]), "{p}");
        let (s, _) = send(put(json!({"email": " o@example.gov.ua ", "delivery": "digest"}), 1)).await;
        assert_eq!(s, 200);
        let (s, _) = send(put(json!({"email": null, "delivery": "none"}), 1)).await;
        assert_eq!(s, 412, "a stale version is refused");
        let (_, settings) = send(app.req(Method::GET, "/api/v1/notifications/settings", &ini)).await;
        assert_eq!(settings, json!({"email": "o@example.gov.ua", "delivery": "digest"}));
        let (_, other) = send(app.req(Method::GET, "/api/v1/notifications/settings", &w.initiator_b(&app))).await;
        assert_eq!(other["delivery"], "each", "another person's settings are untouched");
        let unknown = app.token("nobody", Some(w.org_a), &[Role::Initiator]);
        let (s, _) = send(app.req(Method::GET, "/api/v1/notifications/settings", &unknown)).await;
        assert_eq!(s, 404, "a token without a registered user has no settings");
    }
}

#[tokio::test]
async fn the_inbox_is_read_and_settings_kept_from_the_pages() {
    use crate::common::html::{form, parse, select, text};
    use crate::web::Browser;
    use axum::http::StatusCode;
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let mut b = Browser::signed_in(&app, "ini-web", w.org_a, &[Role::Initiator]).await;
        let (_, _, page) = b.get("/inbox").await;
        assert!(text(&select(&parse(&page), "main")[0]).contains("Повідомлень немає."));
        // The PIM unit returns a passport of organisation A: its initiator reads why.
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let (id, v) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let (_, v, _) = transition(&app, &ini, &id, v, "submitted", None).await;
        transition(&app, &pim, &id, v.unwrap(), "draft", Some("Немає кошторису")).await;
        let (s, _, page) = b.get("/inbox").await;
        assert_eq!(s, StatusCode::OK);
        let doc = parse(&page);
        let unread = select(&doc, "main li.unread");
        assert_eq!(unread.len(), 1, "{page}");
        assert!(text(&unread[0]).contains("Немає кошторису"));
        let links: Vec<&str> =
            select(&doc, "main li.unread h2 a").iter().filter_map(|a| a.value().attr("href")).collect();
        assert_eq!(links, [format!("/passports/{id}").as_str()]);
        let count: Vec<String> = select(&doc, r#"nav a[href="/inbox"] .count"#).iter().map(text).collect();
        assert_eq!(count, ["1"], "the menu counts it");
        let action = select(&doc, "main li.unread form")[0].value().attr("action").unwrap().to_owned();
        let read = form(&page, &action);
        let (s, location, _) = b.post(&action, &read.pairs()).await;
        assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/inbox"));
        let (_, _, page) = b.get("/inbox").await;
        let doc = parse(&page);
        assert_eq!((select(&doc, "main li.unread").len(), select(&doc, "main li").len()), (0, 1));
        assert!(select(&doc, r#"nav a[href="/inbox"] .count"#).is_empty(), "nothing unread, no count");

        // Settings: a bad address is refused beside its field; a good one is kept with the choice.
        let mut settings = form(&page, "/inbox/settings");
        assert_eq!(settings.get("delivery"), Some("each"));
        settings.set("email", "не адреса");
        let (s, _, refused) = b.post("/inbox/settings", &settings.pairs()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(select(&parse(&refused), "#err-email").len(), 1, "{refused}");
        settings.set("email", "ini@example.gov.ua");
        settings.set("delivery", "digest");
        let (s, _, _) = b.post("/inbox/settings", &settings.pairs()).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, _, page) = b.get("/inbox").await;
        let kept = form(&page, "/inbox/settings");
        assert_eq!((kept.get("email"), kept.get("delivery")), (Some("ini@example.gov.ua"), Some("digest")));
    }
}

/// `portfel remind` on `url`, for `day`: its standard output.
fn remind(url: &str, day: &str, dry_run: bool) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_portfel"));
    command.args(["remind", "--on", day]).env("PORTFEL_DATABASE_URL", url).env_remove("DATABASE_URL");
    if dry_run {
        command.arg("--dry-run");
    }
    let out = command.env("PORTFEL_JWT_SECRET", SECRET).output().expect("run portfel remind");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn reminders_reach_experts_before_and_after_the_deadline_and_initiators_of_a_missing_report() {
    for (backend, url, _dir) in backends().await {
        let app = TestApp::start(backend, &url, None).await;
        let w = World::create(&app).await;
        register_people(&app, &w).await;
        // An open round whose deadline is 15.12.2026, three experts assigned, none has scored.
        let (admin, pim) = (app.caller(app.admin()), app.caller(w.pim(&app)));
        let experts = ["exp-1", "exp-2", "exp-3"];
        for sub in experts {
            admin.create_user(sub, w.pim_org, &["expert"]).await.unwrap();
        }
        let initiator = app.caller(w.initiator_a(&app));
        let draft = initiator.create_passport(&complete_passport(w.goal)).await.unwrap();
        let id = initiator.move_passport(draft.meta.id, draft.meta.version, "submitted").await.unwrap().meta.id;
        let methodology = pim.methodologies().await.unwrap()[0].meta.id;
        let rid = pim.open_round("Раунд 2027", methodology, "2026-12-15").await.unwrap().meta.id;
        pim.add_to_round(rid, 1, &[id]).await.unwrap();
        pim.screen(rid, 2).await.unwrap();
        pim.assign(rid, 3, &experts).await.unwrap();
        let expert = |sub: &str| app.token(sub, Some(w.pim_org), &[Role::Expert]);
        let scores: Vec<Value> =
            ["SE1", "SE2", "SE4", "FE1", "FE6"].iter().map(|c| json!({"criterion": c, "score": 3})).collect();
        let exp3 = app.caller(expert("exp-3"));
        exp3.declare(rid, id, false, None).await.unwrap();
        exp3.put_scores(rid, id, &Value::from(scores), true).await.unwrap();

        // The deadline is on the expert's tasks too (the tests run before it).
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &expert("exp-1"))).await;
        assert_eq!(
            (tasks[0]["kind"].as_str(), tasks[0]["due"].as_str()),
            (Some("declare"), Some("2026-12-15")),
            "{tasks}"
        );
        let today = portfel_domain::calendar::local_date(chrono::Utc::now());
        assert_eq!(tasks[0]["overdue"], json!(today > chrono::NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()));
        assert_eq!(remind(&url, "2026-12-11", true).trim(), "nothing to remind of on 2026-12-11", "[{backend}]");
        let listed = remind(&url, "2026-12-12", true);
        assert_eq!(listed.lines().count(), 2, "{listed}");
        assert!(listed.lines().all(|l| l.starts_with("deadline_soon → exp-")), "{listed}");
        assert!(!listed.contains("exp-3"), "exp-3 has scored");
        assert_eq!(kinds(&app, &expert("exp-1")).await, ["expert_assigned"], "a dry run writes nothing");
        assert_eq!(remind(&url, "2026-12-12", false).trim(), "2 reminders written for 2026-12-12");
        assert_eq!(remind(&url, "2026-12-14", false).trim(), "0 reminders written for 2026-12-14", "once before");
        assert_eq!(kinds(&app, &expert("exp-1")).await, ["deadline_soon", "expert_assigned"]);
        assert_eq!(remind(&url, "2026-12-16", false).trim(), "2 reminders written for 2026-12-16");
        assert_eq!(kinds(&app, &expert("exp-2")).await[0], "deadline_passed");
        assert_eq!(kinds(&app, &expert("exp-3")).await, ["expert_assigned"]);

        // A project in implementation: its first quarter's report is due on 20.04.2027 —
        // its initiators are reminded on the 17th, and told on the 21st that it is missing;
        // the other organisation and the PIM unit are not.
        let project = in_implementation(&app, &w).await;
        remind(&url, "2027-04-16", false);
        let a2 = app.token("ini-a2", Some(w.org_a), &[Role::Initiator]);
        assert_ne!(kinds(&app, &a2).await[0], "deadline_soon", "four days before");
        remind(&url, "2027-04-17", false);
        assert_eq!(kinds(&app, &a2).await[0], "deadline_soon");
        remind(&url, "2027-04-21", false);
        assert_eq!(kinds(&app, &a2).await[0], "report_missing", "[{backend}]");
        assert!(!kinds(&app, &w.initiator_b(&app)).await.contains(&"report_missing".to_owned()));
        assert!(!kinds(&app, &w.pim(&app)).await.iter().any(|k| k == "report_missing"));
        // A draft report of that quarter waits on the initiator's tasks with its due date.
        let draft = json!({"period": {"year": 2027, "quarter": 1}, "financing": [], "progress_percent": "10"});
        let (s, r) = send(
            app.req(Method::POST, &format!("/api/v1/passports/{project}/reports"), &w.initiator_a(&app)).json(&draft),
        )
        .await;
        assert_eq!(s, 201, "{r}");
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &w.initiator_a(&app))).await;
        let finish = tasks.as_array().unwrap().iter().find(|t| t["kind"] == "finish_report").expect("the draft report");
        assert_eq!(finish["due"], "2027-04-20", "20 days after the quarter");
    }
}

#[tokio::test]
async fn one_replica_at_a_time_holds_the_reminders_lease() {
    for app in TestApp::all().await {
        let db = app.store.db();
        let now = chrono::Utc::now();
        let hour = chrono::TimeDelta::hours(1);
        let take = |holder: &'static str, at: chrono::DateTime<chrono::Utc>| {
            portfel_store::leases::acquire(db, "reminders", holder, at, at + hour)
        };
        assert!(take("a", now).await.unwrap(), "[{}] the first takes it", app.backend);
        assert!(!take("b", now + chrono::TimeDelta::minutes(30)).await.unwrap(), "not while a holds it");
        assert!(take("a", now + chrono::TimeDelta::minutes(30)).await.unwrap(), "a renews it");
        assert!(!take("b", now + hour).await.unwrap(), "renewed until 1 h 30");
        assert!(take("b", now + chrono::TimeDelta::minutes(91)).await.unwrap(), "b once it ran out");
        assert!(!take("a", now + chrono::TimeDelta::minutes(92)).await.unwrap());
    }
}

#[tokio::test]
async fn a_failing_dream_sync_tells_the_administrators_once_a_day() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        register_people(&app, &w).await;
        app.caller(app.admin()).create_user("adm", w.pim_org, &["admin"]).await.unwrap();
        let db = app.store.db();
        for _ in 0..2 {
            let failed = portfel_store::dream::RunEnd::Failed;
            portfel_store::dream::record_run(db, "dream.pull https://dream.gov.ua", failed, "HTTP 502").await.unwrap();
        }
        let admin = app.token("adm", Some(w.pim_org), &[Role::Admin]);
        let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &admin)).await;
        assert_eq!(inbox["items"].as_array().unwrap().len(), 1, "[{}] once a day: {inbox}", app.backend);
        assert_eq!(inbox["items"][0]["kind"], "sync_failed");
        assert!(inbox["items"][0]["body"].as_str().unwrap().contains("HTTP 502"));
        assert_eq!(kinds(&app, &w.pim(&app)).await, Vec::<String>::new(), "administrators only");
    }
}

#[tokio::test]
async fn a_returned_passport_carries_the_day_to_come_back_by() {
    for (backend, url, _dir) in backends().await {
        let app = TestApp::start(backend, &url, None).await;
        let w = World::create(&app).await;
        register_people(&app, &w).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let (id, v) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let (_, v, _) = transition(&app, &ini, &id, v, "submitted", None).await;
        let v = v.unwrap();
        let move_ = |body: Value, version: i32| {
            app.req(Method::POST, &format!("/api/v1/passports/{id}/transitions"), &pim).if_match(version).json(&body)
        };
        let by = (portfel_domain::calendar::local_date(chrono::Utc::now()) + chrono::Days::new(14)).to_string();
        let (s, p) =
            send(move_(json!({"to": "draft", "reason": "Немає кошторису", "resubmit_by": "2020-01-01"}), v)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["resubmit_by".to_owned()]), "[{}] {p}", app.backend);
        let (s, p) = send(move_(json!({"to": "screening", "resubmit_by": by}), v)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["resubmit_by".to_owned()]), "only on a return: {p}");
        let (s, returned) =
            send(move_(json!({"to": "draft", "reason": "Немає кошторису", "resubmit_by": by}), v)).await;
        assert_eq!((s, returned["resubmit_by"].as_str()), (200, Some(by.as_str())), "{returned}");
        let day = chrono::NaiveDate::parse_from_str(&by, "%Y-%m-%d").unwrap().format("%d.%m.%Y").to_string();
        let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &ini)).await;
        assert!(inbox["items"][0]["body"].as_str().unwrap().ends_with(&format!("знову до {day}.")), "{inbox}");
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &ini)).await;
        let draft = tasks.as_array().unwrap().iter().find(|t| t["subject_id"] == id.as_str()).expect("the draft");
        assert_eq!((draft["kind"].as_str(), draft["due"].as_str()), (Some("submit_draft"), Some(by.as_str())));
        // Reminded three days before and once the day has passed; the other organisation is not.
        let on = |offset: i64| {
            (chrono::NaiveDate::parse_from_str(&by, "%Y-%m-%d").unwrap() + chrono::TimeDelta::days(offset)).to_string()
        };
        remind(&url, &on(-3), false);
        remind(&url, &on(1), false);
        assert_eq!(
            kinds(&app, &ini).await[..3],
            ["deadline_passed", "deadline_soon", "passport_returned"],
            "[{backend}]"
        );
        assert!(kinds(&app, &w.initiator_b(&app)).await.is_empty());
        let (_, v, again) =
            transition(&app, &ini, &id, returned["version"].as_i64().unwrap() as i32, "submitted", None).await;
        assert!(v.is_some());
        assert_eq!(again["resubmit_by"], Value::Null, "submitted again: no day left to come back by");
    }
}

#[tokio::test]
async fn the_pim_unit_is_reminded_of_an_evaluation_due() {
    for (backend, url, _dir) in backends().await {
        let app = TestApp::start(backend, &url, None).await;
        let w = World::create(&app).await;
        register_people(&app, &w).await;
        // The lyceum's works ended on 30.01.2029: its evaluation is due 365 days later, 30.01.2030.
        let id = in_implementation(&app, &w).await;
        closed_by_report(&app, &w, &id, &completed_report()).await;
        let pim = w.pim(&app);
        let evaluations =
            |kinds: Vec<String>| kinds.into_iter().filter(|k| k.starts_with("deadline_")).collect::<Vec<_>>();
        remind(&url, "2030-01-26", false);
        assert_eq!(evaluations(kinds(&app, &pim).await), Vec::<String>::new(), "[{backend}] four days before");
        remind(&url, "2030-01-28", false);
        remind(&url, "2030-02-01", false);
        assert_eq!(evaluations(kinds(&app, &pim).await), ["deadline_passed", "deadline_soon"]);
        let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &pim)).await;
        assert_eq!(inbox["items"][0]["link"], format!("/passports/{id}"));
        assert!(inbox["items"][0]["body"].as_str().unwrap().contains("30.01.2030"), "{inbox}");
        assert!(evaluations(kinds(&app, &w.initiator_a(&app)).await).is_empty(), "the PIM unit's work");
    }
}

#[tokio::test]
async fn a_version_before_the_council_is_put_on_a_meetings_agenda() {
    for (backend, url, _dir) in backends().await {
        let app = TestApp::start(backend, &url, None).await;
        let w = World::create(&app).await;
        register_people(&app, &w).await;
        let (rid, _) = closed_round(&app, &w, &[complete_passport(w.goal)]).await;
        let pim = app.caller(w.pim(&app));
        let draft = pim.build_portfolio(&rid, "0").await.unwrap();
        let meeting = |id: uuid::Uuid, version: i32, date: &str| {
            app.req(Method::POST, &format!("/api/v1/portfolios/{id}/meeting"), &w.pim(&app))
                .if_match(version)
                .json(&json!({"date": date}))
        };
        let later = (portfel_domain::calendar::local_date(chrono::Utc::now()) + chrono::Days::new(10)).to_string();
        let (s, p) = send(meeting(draft.workflow.id, draft.workflow.version, &later)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("not_before_council")), "[{}] {p}", app.backend);
        let submitted = pim.submit_portfolio(&draft).await.unwrap();
        let (id, version) = (submitted.workflow.id, submitted.workflow.version);
        let (s, p) = send(meeting(id, version, "2020-01-01")).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["date".to_owned()]), "{p}");
        let (s, on_agenda) = send(meeting(id, version, &later)).await;
        assert_eq!((s, on_agenda["meeting_on"].as_str()), (200, Some(later.as_str())), "{on_agenda}");
        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &council)).await;
        assert_eq!(inbox["items"][0]["kind"], "council_meeting", "{inbox}");
        assert_eq!(inbox["items"][0]["link"], format!("/portfolios/{id}"));
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &council)).await;
        let decide = tasks.as_array().unwrap().iter().find(|t| t["kind"] == "decide").expect("the version to decide");
        assert_eq!((decide["due"].as_str(), decide["overdue"].as_bool()), (Some(later.as_str()), Some(false)));
        assert_eq!(kinds(&app, &w.initiator_a(&app)).await.iter().filter(|k| *k == "council_meeting").count(), 0);
        // Three days before the meeting the council is reminded, once.
        let day = |offset: i64| {
            (chrono::NaiveDate::parse_from_str(&later, "%Y-%m-%d").unwrap() + chrono::TimeDelta::days(offset))
                .to_string()
        };
        remind(&url, &day(-4), false);
        assert_eq!(kinds(&app, &council).await[0], "council_meeting", "four days before: nothing yet");
        remind(&url, &day(-3), false);
        remind(&url, &day(-1), false);
        let told = kinds(&app, &council).await;
        assert_eq!(told[..2], ["deadline_soon", "council_meeting"], "{told:?}");

        // The meeting, with the version on its agenda: for the council and the PIM unit, not initiators.
        let (s, meetings) = send(app.req(Method::GET, "/api/v1/meetings", &council)).await;
        assert_eq!(s, 200, "{meetings}");
        let agenda = |m: &Value| -> Vec<(String, String, String)> {
            m["agenda"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    (
                        i["kind"].as_str().unwrap().into(),
                        i["id"].as_str().unwrap().into(),
                        i["status"].as_str().unwrap().into(),
                    )
                })
                .collect()
        };
        assert_eq!(meetings.as_array().unwrap().len(), 1, "{meetings}");
        assert_eq!(
            (meetings[0]["date"].as_str(), meetings[0]["overdue"].as_bool()),
            (Some(later.as_str()), Some(false))
        );
        assert_eq!(agenda(&meetings[0]), [("portfolio".into(), id.to_string(), "submitted".into())]);
        assert_eq!(send(app.req(Method::GET, "/api/v1/meetings", &w.initiator_a(&app))).await.0, 403);
        // The same on the page «Засідання ради», from the council's menu.
        {
            use crate::common::html::{parse, select, text};
            let mut b = crate::web::Browser::signed_in(&app, "council-web", w.pim_org, &[Role::Council]).await;
            let (s, _, page) = b.get("/tasks").await;
            assert_eq!(s, 200);
            assert_eq!(select(&parse(&page), r#"nav a[href="/meetings"]"#).len(), 1, "in the menu");
            let (s, _, page) = b.get("/meetings").await;
            assert_eq!(s, 200, "{page}");
            let doc = parse(&page);
            let day = chrono::NaiveDate::parse_from_str(&later, "%Y-%m-%d").unwrap().format("%d.%m.%Y").to_string();
            let headings: Vec<String> = select(&doc, "main section h2").iter().map(text).collect();
            assert_eq!(headings, [format!("Засідання {day}")]);
            let items: Vec<(String, Option<&str>)> =
                select(&doc, "main section ol li a").iter().map(|a| (text(a), a.value().attr("href"))).collect();
            let link = format!("/portfolios/{id}");
            assert_eq!(
                items,
                [(format!("Єдиний проєктний портфель, версія {}", submitted.workflow.number), Some(link.as_str()))]
            );
            let mut ini = crate::web::Browser::signed_in(&app, "ini-web", w.org_a, &[Role::Initiator]).await;
            let (_, _, page) = ini.get("/tasks").await;
            assert!(select(&parse(&page), r#"nav a[href="/meetings"]"#).is_empty(), "not an initiator's");
            assert_eq!(ini.get("/meetings").await.0, 403);
        }
        // Returned by the council, it stays on that meeting's agenda; submitted again, it waits for a new day.
        let version = on_agenda["version"].as_i64().unwrap() as i32;
        let back = app.req(Method::POST, &format!("/api/v1/portfolios/{id}/return"), &council).if_match(version);
        let (s, returned) = send(back.json(&json!({"comment": "Уточніть рейтинг"}))).await;
        assert_eq!(s, 200, "{returned}");
        let (_, meetings) = send(app.req(Method::GET, "/api/v1/meetings", &w.pim(&app))).await;
        assert_eq!(agenda(&meetings[0]), [("portfolio".into(), id.to_string(), "returned".into())]);
        let version = returned["version"].as_i64().unwrap() as i32;
        let again = app.req(Method::POST, &format!("/api/v1/portfolios/{id}/submit"), &w.pim(&app)).if_match(version);
        let (s, again) = send(again).await;
        assert_eq!((s, again["meeting_on"].clone()), (200, Value::Null), "{again}");
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &council)).await;
        let decide = tasks.as_array().unwrap().iter().find(|t| t["kind"] == "decide").expect("the version to decide");
        assert_eq!(decide["due"], Value::Null, "not due at the meeting that returned it");
    }
}

/// The pages the reminders of `kind` to submit something again link to, sorted.
async fn comeback_links(app: &TestApp, token: &str, kind: &str) -> Vec<String> {
    let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", token)).await;
    let mut links: Vec<String> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind && n["title"].as_str().unwrap().starts_with("Повторне подання"))
        .map(|n| n["link"].as_str().unwrap().to_owned())
        .collect();
    links.sort();
    links
}

#[tokio::test]
async fn a_returned_report_carries_the_day_to_come_back_by() {
    for (backend, url, _dir) in backends().await {
        let app = TestApp::start(backend, &url, None).await;
        let w = World::create(&app).await;
        register_people(&app, &w).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let today = portfel_domain::calendar::local_date(chrono::Utc::now());
        let by = today + chrono::Days::new(14);
        let returned = |by: &str| json!({"reason": "Додайте акт КБ-2в", "resubmit_by": by});
        let post = |path: String, token: &str, version: i32, body: Value| {
            send(app.req(Method::POST, &path, token).if_match(version).json(&body))
        };

        // An implementation report, a completion report and a programme's quarterly report, each submitted.
        let project = in_implementation(&app, &w).await;
        let draft = json!({"period": {"year": 2027, "quarter": 1}, "financing": [], "progress_percent": "10"});
        let (_, r) =
            send(app.req(Method::POST, &format!("/api/v1/passports/{project}/reports"), &ini).json(&draft)).await;
        let report = r["id"].as_str().unwrap().to_owned();
        assert_eq!(post(format!("/api/v1/reports/{report}/submit"), &ini, 1, json!({})).await.0, 200);
        let closing = in_implementation(&app, &w).await;
        let (_, c) = send(
            app.req(Method::POST, &format!("/api/v1/passports/{closing}/completion"), &ini).json(&completed_report()),
        )
        .await;
        let completion = c["id"].as_str().unwrap().to_owned();
        assert_eq!(post(format!("/api/v1/completions/{completion}/submit"), &ini, 1, json!({})).await.0, 200);
        let (body, first) = crate::programme_history::programme(&w.org_a.to_string());
        let (_, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&body)).await;
        let programme = p["id"].as_str().unwrap().to_owned();
        let fact =
            json!({"measure": "1.1", "year": first, "quarter": 4, "amount": "100000.00", "narrative": "Виконано"});
        let (_, q) =
            send(app.req(Method::POST, &format!("/api/v1/programmes/{programme}/quarters"), &ini).json(&fact)).await;
        let quarter = q["id"].as_str().unwrap().to_owned();

        // Each is returned with a day to come back by; a day already passed is refused, naming the field.
        for (path, version) in [
            (format!("/api/v1/reports/{report}/return"), 2),
            (format!("/api/v1/completions/{completion}/return"), 2),
            (format!("/api/v1/programme-quarters/{quarter}/return"), 1),
        ] {
            let (s, p) = post(path.clone(), &pim, version, returned("2020-01-01")).await;
            assert_eq!((s, problem_fields(&p)), (422, vec!["resubmit_by".to_owned()]), "[{backend}] {path}: {p}");
            let (s, r) = post(path.clone(), &pim, version, returned(&by.to_string())).await;
            assert_eq!((s, r["resubmit_by"].as_str()), (200, Some(by.to_string().as_str())), "{path}: {r}");
        }
        let day = by.format("%d.%m.%Y").to_string();
        let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &ini)).await;
        let returns: Vec<&Value> = inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"].as_str().unwrap().ends_with("_returned"))
            .collect();
        assert_eq!(returns.len(), 3, "{inbox}");
        assert!(returns.iter().all(|n| n["body"].as_str().unwrap().ends_with(&format!("знову до {day}."))), "{inbox}");

        // The day is each one's due date on the initiator's tasks.
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &ini)).await;
        let due = |kind: &str, subject: &str| {
            let task = tasks.as_array().unwrap().iter().find(|t| t["kind"] == kind && t["subject_id"] == subject);
            task.unwrap_or_else(|| panic!("{kind} {subject}: {tasks}"))["due"].as_str().map(str::to_owned)
        };
        assert_eq!(due("finish_report", &report), Some(by.to_string()));
        assert_eq!(due("write_completion", &closing), Some(by.to_string()));
        let owed = tasks.as_array().unwrap().iter().find(|t| {
            t["kind"] == "report_quarter" && t["measure"] == "1.1" && t["year"] == first && t["quarter"] == 4
        });
        assert_eq!(owed.expect("the returned quarter")["due"].as_str(), Some(by.to_string().as_str()), "{tasks}");

        // Reminded three days before and once it has passed, each on its own page; nobody of B.
        let on = |offset: i64| (by + chrono::TimeDelta::days(offset)).to_string();
        remind(&url, &on(-4), false);
        assert!(comeback_links(&app, &ini, "deadline_soon").await.is_empty(), "[{backend}] four days before");
        remind(&url, &on(-3), false);
        remind(&url, &on(-2), false);
        let mut pages = vec![
            format!("/completions/{completion}"),
            format!("/programmes/{programme}/quarters?year={first}"),
            format!("/reports/{report}"),
        ];
        pages.sort();
        assert_eq!(comeback_links(&app, &ini, "deadline_soon").await, pages, "once each");
        remind(&url, &on(1), false);
        assert_eq!(comeback_links(&app, &ini, "deadline_passed").await, pages);
        let (_, b) = send(app.req(Method::GET, "/api/v1/notifications", &w.initiator_b(&app))).await;
        assert_eq!(b["items"].as_array().unwrap().len(), 0, "{b}");

        // Submitted again: no day is left to come back by.
        let (s, again) = post(format!("/api/v1/reports/{report}/submit"), &ini, 3, json!({})).await;
        assert_eq!((s, again["resubmit_by"].clone()), (200, Value::Null), "{again}");
        let (s, again) =
            send(app.req(Method::POST, &format!("/api/v1/programmes/{programme}/quarters"), &ini).json(&fact)).await;
        assert_eq!((s, again["resubmit_by"].clone()), (200, Value::Null), "{again}");
    }
}

#[tokio::test]
async fn the_inbox_pages_back_through_every_notice() {
    use crate::common::html::{parse, select, text};
    use crate::web::Browser;
    use portfel_domain::comeback::Return;
    use portfel_domain::notices::Notice;
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let mut b = Browser::signed_in(&app, "ini-web", w.org_a, &[Role::Initiator]).await;
        // Sixty returns of one passport, each its own event, written as the events write them.
        let passport = uuid::Uuid::now_v7();
        for version in 1..=60 {
            let reason = format!("Причина {version}");
            let notice = Notice::passport_returned(passport, version, w.org_a, "Ліцей", Return::for_reason(&reason));
            assert_eq!(portfel_store::notices::raise(app.store.db(), &notice).await.unwrap(), 1);
        }
        let token = app.token("ini-web", Some(w.org_a), &[Role::Initiator]);
        let mut seen = Vec::new();
        let mut path = "/api/v1/notifications?limit=25".to_owned();
        loop {
            let (s, inbox) = send(app.req(Method::GET, &path, &token)).await;
            assert_eq!((s, inbox["unread"].as_u64()), (200, Some(60)), "[{}] {inbox}", app.backend);
            let items = inbox["items"].as_array().unwrap();
            seen.extend(items.iter().map(|n| n["body"].as_str().unwrap().to_owned()));
            match inbox["next_before"].as_str() {
                Some(older) => path = format!("/api/v1/notifications?limit=25&before={older}"),
                None => break,
            }
        }
        let expected: Vec<String> =
            (1..=60).rev().map(|v| format!("Причина: Причина {v}. Виправте паспорт і подайте його знову.")).collect();
        assert_eq!(seen, expected, "every notice once, newest first, in pages of 25, 25 and 10");
        for (refused, field) in [("limit=0", "limit"), ("limit=201", "limit"), ("before=yesterday", "before")] {
            let (s, p) = send(app.req(Method::GET, &format!("/api/v1/notifications?{refused}"), &token)).await;
            assert_eq!((s, problem_fields(&p)), (400, vec![field.to_owned()]), "{refused}: {p}");
        }

        // On the page: fifty, then the older ten behind «Старіші →», and back to the newest.
        let (_, _, page) = b.get("/inbox").await;
        let doc = parse(&page);
        assert_eq!(select(&doc, "main ul.notices > li").len(), 50);
        let older = select(&doc, r#"main nav.pages a[rel="next"]"#);
        assert_eq!(older.iter().map(text).collect::<Vec<_>>(), ["Старіші →"]);
        let (s, _, page) = b.get(older[0].value().attr("href").unwrap()).await;
        assert_eq!(s, 200);
        let doc = parse(&page);
        let rest: Vec<String> = select(&doc, "main ul.notices > li p:not(.muted)").iter().map(text).collect();
        assert_eq!(rest.len(), 10, "{page}");
        assert!(rest[9].contains("Причина 1."), "the oldest last: {rest:?}");
        assert!(select(&doc, r#"main nav.pages a[rel="next"]"#).is_empty());
        let newest: Vec<&str> =
            select(&doc, r#"main nav.pages a[rel="first"]"#).iter().filter_map(|a| a.value().attr("href")).collect();
        assert_eq!(newest, ["/inbox"]);
    }
}
