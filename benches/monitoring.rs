//! The monitoring summary for a large portfolio in implementation: projects
//! with four quarterly reports each, on SQLite.
//!
//! `cargo bench --bench monitoring` (set `BENCH_PROJECTS` to change the size, `BENCH_VIEWS` the
//! views of the page, 5 by default).
//! The projects and reports are seeded through the store; then the summary is
//! asked for over HTTP (JSON and CSV), and the pure rules are timed alone.

use std::time::{Duration, Instant};

use portfel_domain::reference::UserInput;
use portfel_domain::{PassportContent, Role, Status};
use portfel_monitoring::deviation::{ProjectFacts, Thresholds};
use portfel_monitoring::period::Period;
use portfel_monitoring::report::{ReportAction, ReportContent, SourceFact};
use portfel_monitoring::summary::{MonitoredProject, summary};
use portfel_store::{Actor, Store};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

mod support;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn passport(goal: Uuid, i: usize) -> PassportContent {
    let build = 1_000_000 * (1 + i as i64 % 7);
    serde_json::from_value(json!({
        "title": {"uk": format!("Реконструкція об'єкта №{i}")},
        "problem": "Зношені мережі", "goals": ["Надійне водопостачання"],
        "project_type": "rehabilitation", "purpose": "development", "nature": ["construction"], "sector": "WC",
        "balance_holder": {"name": "КП «Водоканал»", "edrpou": "40000002"},
        "locations": [{"katottg": "UA46060250010015970"}], "strategy_goal_ids": [goal],
        "start_year": 2027, "duration_years": 1,
        "costs": [{"year": 2027, "item": "construction", "cost_type": "capex", "amount": format!("{build}.00")}],
        "financing": [{"year": 2027, "source": "localBudget", "amount": format!("{build}.00")}],
        "beneficiaries": {"total": 1000, "idps": 100}
    }))
    .expect("a passport")
}

fn report(q: u8, i: usize) -> ReportContent {
    let spent = Decimal::from(150_000 * (1 + (i + usize::from(q)) % 5) as i64);
    let spent = portfel_domain::Uah::new(spent).expect("an amount");
    ReportContent {
        period: Period::quarter(2027, q),
        financing: vec![SourceFact { source: "localBudget".into(), received: spent, spent }],
        progress_percent: Decimal::from(20 * i64::from(q)),
        milestones: Vec::new(),
        indicators: Vec::new(),
        narrative: "Виконано роботи за графіком".into(),
        estimated_cost: None,
        documents: Vec::new(),
    }
}

/// The summary's parts timed alone, five times each: reading the reports, reading the
/// passports' briefs, and the rules over what was read.
async fn phases(db: &sea_orm::DatabaseConnection) {
    let mut times = [Duration::MAX; 3];
    for _ in 0..5 {
        let t = Instant::now();
        let mut reports = portfel_store::reports::facts_by_project(db, None).await.unwrap();
        times[0] = times[0].min(t.elapsed());
        let ids: Vec<Uuid> = reports.keys().copied().collect();
        let t = Instant::now();
        let briefs = portfel_store::passports::briefs(db, &ids).await.unwrap();
        times[1] = times[1].min(t.elapsed());
        let projects: Vec<MonitoredProject> = briefs
            .into_iter()
            .map(|b| MonitoredProject {
                id: b.id,
                title: b.title,
                status: b.status.as_str().to_owned(),
                planned: Vec::new(),
                facts: ProjectFacts {
                    approved_cost: b.total_cost.value(),
                    first_year: 2027,
                    reports: reports.remove(&b.id).unwrap_or_default(),
                    ..ProjectFacts::default()
                },
                result: None,
            })
            .collect();
        let t = Instant::now();
        let s = summary(&projects, &Thresholds::default(), chrono::NaiveDate::from_ymd_opt(2028, 1, 25).unwrap());
        times[2] = times[2].min(t.elapsed());
        assert_eq!(s.projects.len(), projects.len());
    }
    println!(
        "best of 5, alone: reports read {:.1} ms, passports' briefs {:.1} ms, rules and sums {:.1} ms",
        ms(times[0]),
        ms(times[1]),
        ms(times[2])
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let projects = env("BENCH_PROJECTS", 5000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display())).await.unwrap();
    let db = store.db().clone();
    let org = support::organisation(&store, "КП «Водоканал»", "40000002").await;
    let goal = support::strategy_goal(&store).await;
    let initiator = Actor { sub: "ini".into(), organisation: Some(org), request_id: None };
    let pim = Actor { sub: "pim".into(), organisation: None, request_id: None };
    println!(
        "Portfel monitoring benchmark: SQLite, {projects} projects in implementation × 4 quarterly reports, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let seeding = Instant::now();
    let path: Vec<Status> = Status::MAIN_LINE.iter().copied().take_while(|s| *s != Status::Completed).collect();
    for i in 0..projects {
        let p = portfel_store::passports::create(&db, &initiator, org, &passport(goal, i)).await.unwrap();
        let mut version = p.meta.version;
        for to in &path[1..] {
            let who = if *to == Status::Submitted { &initiator } else { &pim };
            version = portfel_store::passports::transition(&db, who, p.meta.id, version, *to, (None, None))
                .await
                .unwrap()
                .meta
                .version;
        }
        for q in 1..=4 {
            let r = portfel_store::reports::create(&db, &initiator, p.meta.id, &report(q, i)).await.unwrap();
            let r = portfel_store::reports::decide(&db, &initiator, r.id, r.version, ReportAction::Submit, None)
                .await
                .unwrap();
            portfel_store::reports::decide(&db, &pim, r.id, r.version, ReportAction::Accept, None).await.unwrap();
        }
    }
    println!("seeded through the store in {:.1} s", seeding.elapsed().as_secs_f64());
    phases(&db).await;

    let jwt = support::jwt();
    let token = jwt.issue("pim", None, &[Role::PimUnit], chrono::Duration::hours(1));
    let input = UserInput {
        sub: "pim".into(),
        full_name: "Підрозділ".into(),
        organisation_id: org,
        roles: vec![Role::PimUnit],
        email: None,
    };
    portfel_store::users::create(&db, &pim, &input).await.unwrap();
    let hash = portfel_web::password::hash("pim-password-2026").unwrap();
    portfel_store::sessions::set_password(&db, &pim, "pim", &hash).await.unwrap();
    let app = portfel::server::app(support::state(store, jwt), portfel_web::WebSettings::default());
    let base = support::serve(app).await;
    let cookie = support::sign_in(&base, "pim", "pim-password-2026").await;
    let client = reqwest::Client::new();
    let mut page_times = Vec::new();
    let mut page_size = 0;
    for _ in 0..env("BENCH_VIEWS", 5) {
        let t = Instant::now();
        let r = client.get(format!("{base}/monitoring?on=2028-01-25")).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(r.status(), 200);
        page_size = r.bytes().await.unwrap().len();
        page_times.push(t.elapsed());
    }
    page_times.sort();
    println!(
        "{:<16} best {:>7.1} ms  median {:>7.1} ms  worst {:>7.1} ms  {:>6} KB",
        "page /monitoring",
        ms(page_times[0]),
        ms(page_times[page_times.len() / 2]),
        ms(*page_times.last().unwrap()),
        page_size / 1024
    );
    for (what, query, runs) in [("summary, JSON", "", 5), ("summary, CSV", "&format=csv", 3)] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let r = client
                .get(format!("{base}/api/v1/monitoring/summary?on=2028-01-25{query}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            size = r.bytes().await.unwrap().len();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "{what:<16} best {:>7.1} ms  median {:>7.1} ms  worst {:>7.1} ms  {:>6} KB",
            ms(times[0]),
            ms(times[times.len() / 2]),
            ms(*times.last().unwrap()),
            size / 1024
        );
    }
}
