//! Programmes with history and quarterly reporting: every amendment is a
//! version with its decision, a year's report reads the version in force
//! then, a measure with facts is closed, never removed; the executive bodies
//! report quarters, the PIM unit accepts or returns, the annual report counts
//! the accepted ones — through the API and through the pages.

use chrono::Datelike;
use portfel_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{IfMatchExt, TestApp, World, html, send};

/// A programme over the year before this one to the year after, its measure
/// 1.1 carried out by `executor`, decided on 15 January of its first year.
pub fn programme(executor: &str) -> (Value, i32) {
    let first = chrono::Utc::now().year() - 1;
    let measure = |number: &str, amount: &str| {
        json!({"number": number, "text": format!("Захід {number}"), "organisation_ids": [executor],
               "planned": [{"year": first, "source": "localBudget", "amount": amount}]})
    };
    let body = json!({
        "title": "Програма підтримки малого підприємництва",
        "decision_number": "7/1", "decision_date": format!("{first}-01-15"),
        "period_start": first, "period_end": first + 2, "responsible": "Відділ економічного розвитку",
        "sections": [{"number": "1", "title": "Підтримка", "measures": [measure("1.1", "400000.00"), measure("1.2", "90000.00")]}]
    });
    (body, first)
}

#[tokio::test]
async fn a_programme_keeps_every_version_and_reports_against_the_one_in_force() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let (body, first) = programme(&w.org_a.to_string());
        let (s, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&body)).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_str().unwrap().to_owned();
        let put = |body: &Value, version: i64| {
            app.req(Method::PUT, &format!("/api/v1/programmes/{id}"), &pim).if_match(version).json(body)
        };
        // An amendment a year later raises measure 1.1's plan, adds 1.3 and drops 1.2 (no facts).
        let mut amended = body.clone();
        amended["decision_number"] = json!("31/4");
        amended["decision_date"] = json!(format!("{}-03-01", first + 1));
        amended["sections"][0]["measures"][0]["planned"][0]["amount"] = json!("450000.00");
        amended["sections"][0]["measures"].as_array_mut().unwrap().remove(1);
        amended["sections"][0]["measures"].as_array_mut().unwrap().push(json!({
            "number": "1.3", "text": "Бізнес-інкубатор",
            "planned": [{"year": first + 1, "source": "localBudget", "amount": "70000.00"}]}));
        let (s, p) = send(put(&amended, 1)).await;
        assert_eq!(s, 200, "[{}] {p}", app.backend);
        // Decided before the version it amends: refused, by field, and nothing changes.
        let mut earlier = amended.clone();
        earlier["decision_date"] = json!(format!("{}-02-01", first + 1));
        earlier["title"] = json!("Інша назва");
        let (s, p) = send(put(&earlier, 2)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (422, Some("decision_before_previous")), "{p}");
        // Posting the same text again records no new version.
        assert_eq!(send(put(&amended, 2)).await.0, 200);

        let (_, versions) = send(app.req(Method::GET, &format!("/api/v1/programmes/{id}/versions"), &pim)).await;
        let decisions: Vec<(i64, &str)> = versions
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["number"].as_i64().unwrap(), v["decision_number"].as_str().unwrap()))
            .collect();
        assert_eq!(decisions, [(1, "7/1"), (2, "31/4")], "[{}] {versions}", app.backend);

        let (_, d) = send(app.req(Method::GET, &format!("/api/v1/programmes/{id}/diff"), &pim)).await;
        assert_eq!((d["from"].as_i64(), d["to"].as_i64()), (Some(1), Some(2)));
        assert_eq!(d["fields"], json!(["decision_number", "decision_date"]));
        let changes: Vec<(&str, &str)> = d["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["number"].as_str().unwrap(), m["kind"].as_str().unwrap()))
            .collect();
        assert_eq!(changes, [("1.1", "changed"), ("1.3", "added"), ("1.2", "removed")], "{d}");
        assert_eq!(d["measures"][0]["planned"], json!([{"year": first, "before": "400000.00", "after": "450000.00"}]));
        let (s, p) = send(app.req(Method::GET, &format!("/api/v1/programmes/{id}/diff?from=1&to=9"), &pim)).await;
        assert_eq!(s, 404, "no version 9: {p}");

        // The first year's report reads version 1 (1.2 still there, 400 planned); the next, version 2.
        let report = |year: i32| app.req(Method::GET, &format!("/api/v1/programmes/{id}/report?year={year}"), &pim);
        let (_, r) = send(report(first)).await;
        assert_eq!((r["version"].as_i64(), r["decision_number"].as_str()), (Some(1), Some("7/1")), "{r}");
        let numbers = |r: &Value| -> Vec<String> {
            r["sections"][0]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["number"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(numbers(&r), ["1.1", "1.2"]);
        assert_eq!(r["total"]["plan"], "490.0");
        let (_, r) = send(report(first + 1)).await;
        assert_eq!((r["version"].as_i64(), numbers(&r)), (Some(2), vec!["1.1".to_owned(), "1.3".to_owned()]));
        assert_eq!(r["total"]["plan"], "70.0");
    }
}

#[tokio::test]
async fn a_measure_with_facts_is_closed_after_its_last_year_never_before() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let (body, first) = programme(&w.org_a.to_string());
        let (_, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&body)).await;
        let id = p["id"].as_str().unwrap().to_owned();
        let fact = |year: i32| json!({"measure": "1.2", "year": year, "amount": "80000.00", "narrative": "Проведено навчання"});
        let facts = format!("/api/v1/programmes/{id}/facts");
        assert_eq!(send(app.req(Method::POST, &facts, &pim).json(&fact(first + 1))).await.0, 200);
        let put = |body: &Value| {
            app.req(Method::PUT, &format!("/api/v1/programmes/{id}"), &pim)
                .if_match(1)
                .header("Accept-Language", "uk")
                .json(body)
        };
        let closing = |after: i32| {
            let mut b = body.clone();
            b["decision_number"] = json!("44/2");
            b["decision_date"] = json!(format!("{}-11-20", first + 1));
            b["sections"][0]["measures"][1]["closed_after"] = json!(after);
            b
        };
        let (s, p) = send(put(&closing(first))).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("closed_before_fact")), "{p}");
        let mut removed = body.clone();
        removed["sections"][0]["measures"].as_array_mut().unwrap().remove(1);
        let (s, p) = send(put(&removed)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("measure_has_facts")));
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("лише закрити"), "{p}");
        let (s, p) = send(put(&closing(first + 1))).await;
        assert_eq!(s, 200, "[{}] closed after its last year with a fact: {p}", app.backend);
        let (s, p) = send(app.req(Method::POST, &facts, &pim).json(&fact(first + 2))).await;
        assert_eq!((s, p["errors"][0]["field"].as_str()), (422, Some("year")), "no fact after closing: {p}");
        let (_, r) =
            send(app.req(Method::GET, &format!("{}/report?year={}", &facts[..facts.len() - 6], first + 1), &pim)).await;
        let row = r["sections"][0]["rows"].as_array().unwrap().iter().find(|m| m["number"] == "1.2").cloned();
        assert_eq!(row.map(|m| m["fact"].clone()), Some(json!("80.0")), "the closed measure's fact still counts: {r}");
    }
}

/// The caller's tasks of `kind`, as (measure, year, quarter).
async fn quarter_tasks(app: &TestApp, token: &str, kind: &str) -> Vec<(String, i64, i64)> {
    let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", token)).await;
    tasks
        .as_array()
        .unwrap_or_else(|| panic!("{tasks}"))
        .iter()
        .filter(|t| t["kind"] == kind)
        .map(|t| {
            (t["measure"].as_str().unwrap().to_owned(), t["year"].as_i64().unwrap(), t["quarter"].as_i64().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn executors_report_quarters_the_pim_unit_decides_and_the_year_counts_accepted_ones() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (pim, ini_a, ini_b) = (w.pim(&app), w.initiator_a(&app), w.initiator_b(&app));
        app.caller(app.admin()).create_user("ini-a", w.org_a, &["initiator"]).await.unwrap();
        let (body, first) = programme(&w.org_a.to_string());
        let (_, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&body)).await;
        let id = p["id"].as_str().unwrap().to_owned();
        let quarters = format!("/api/v1/programmes/{id}/quarters");
        let quarter = |measure: &str, q: u8, amount: &str| json!({"measure": measure, "year": first, "quarter": q, "amount": amount, "narrative": format!("Виконано у {q} кварталі")});
        let owed = quarter_tasks(&app, &ini_a, "report_quarter").await;
        assert!(
            owed.contains(&("1.1".to_owned(), i64::from(first), 4)),
            "[{}] last year's Q4 is owed: {owed:?}",
            app.backend
        );
        assert!(quarter_tasks(&app, &ini_b, "report_quarter").await.is_empty(), "not org B's measures");

        // Another organisation's initiator cannot report the measure; the PIM unit cannot report at all.
        let (s, p) = send(app.req(Method::POST, &quarters, &ini_b).json(&quarter("1.1", 1, "100000.00"))).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (422, Some("not_executor")), "{p}");
        assert_eq!(send(app.req(Method::POST, &quarters, &pim).json(&quarter("1.1", 1, "1.00"))).await.0, 403);
        let mut ids = Vec::new();
        for (q, amount) in [(1, "100000.00"), (2, "150000.00"), (4, "60000.00")] {
            let (s, r) = send(app.req(Method::POST, &quarters, &ini_a).json(&quarter("1.1", q, amount))).await;
            assert_eq!((s, r["status"].as_str()), (200, Some("submitted")), "[{}] {r}", app.backend);
            ids.push(r["id"].as_str().unwrap().to_owned());
        }
        assert!(!quarter_tasks(&app, &ini_a, "report_quarter").await.contains(&(
            "1.1".to_owned(),
            i64::from(first),
            4
        )));
        assert_eq!(quarter_tasks(&app, &pim, "check_quarter").await.len(), 3, "the PIM unit has three to check");
        let report = || app.req(Method::GET, &format!("/api/v1/programmes/{id}/report?year={first}"), &pim);
        let (_, r) = send(report()).await;
        assert_eq!(r["sections"][0]["rows"][0]["fact"], "0.0", "nothing counts before it is accepted: {r}");

        // Accepted: Q1 and Q2; returned: Q4 (submitted again, then accepted).
        for rid in &ids[..2] {
            let (s, r) =
                send(app.req(Method::POST, &format!("/api/v1/programme-quarters/{rid}/accept"), &pim).if_match(1))
                    .await;
            assert_eq!((s, r["status"].as_str()), (200, Some("accepted")), "{r}");
        }
        let back = format!("/api/v1/programme-quarters/{}/return", ids[2]);
        let (s, r) = send(app.req(Method::POST, &back, &pim).if_match(1).json(&json!({"reason": "Додайте акт"}))).await;
        assert_eq!((s, r["return_reason"].as_str()), (200, Some("Додайте акт")), "{r}");
        // The executor is told, with the reason and the page to correct it on.
        let (_, inbox) = send(app.req(Method::GET, "/api/v1/notifications", &ini_a)).await;
        let told: Vec<&str> = inbox["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
        assert_eq!(told, ["report_returned", "report_accepted", "report_accepted"], "{inbox}");
        assert!(inbox["items"][0]["body"].as_str().unwrap().contains("Додайте акт"));
        assert_eq!(inbox["items"][0]["link"], format!("/programmes/{id}/quarters?year={first}"));
        let (s, r) =
            send(app.req(Method::POST, &format!("/api/v1/programme-quarters/{}/accept", ids[2]), &pim).if_match(2))
                .await;
        assert_eq!((s, r["errors"][0]["code"].as_str()), (409, Some("quarter_not_submitted")), "{r}");
        let (_, r) = send(report()).await;
        assert_eq!(r["sections"][0]["rows"][0]["fact"], "250.0", "only the accepted quarters count: {r}");
        assert_eq!(
            r["sections"][0]["rows"][0]["narrative"],
            "I квартал: Виконано у 1 кварталі\nII квартал: Виконано у 2 кварталі"
        );
        let (s, r) = send(app.req(Method::POST, &quarters, &ini_a).json(&quarter("1.1", 4, "65000.00"))).await;
        assert_eq!((s, r["id"].as_str(), r["status"].as_str()), (200, Some(ids[2].as_str()), Some("submitted")), "{r}");
        let (s, _) =
            send(app.req(Method::POST, &format!("/api/v1/programme-quarters/{}/accept", ids[2]), &pim).if_match(3))
                .await;
        assert_eq!(s, 200);
        let (_, r) = send(report()).await;
        assert_eq!(r["sections"][0]["rows"][0]["fact"], "315.0", "{r}");

        // An accepted quarter is final; the year reported by quarters takes no annual fact, and
        // a year with an annual fact takes no quarters.
        let (s, p) = send(app.req(Method::POST, &quarters, &ini_a).json(&quarter("1.1", 1, "1.00"))).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("quarter_accepted")), "{p}");
        let facts = format!("/api/v1/programmes/{id}/facts");
        let annual = json!({"measure": "1.1", "year": first, "amount": "300000.00"});
        let (s, p) = send(app.req(Method::POST, &facts, &pim).json(&annual)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("year_by_quarters")), "{p}");
        let annual = json!({"measure": "1.2", "year": first, "amount": "90000.00"});
        assert_eq!(send(app.req(Method::POST, &facts, &pim).json(&annual)).await.0, 200);
        let (s, p) = send(app.req(Method::POST, &quarters, &ini_a).json(&quarter("1.2", 1, "1.00"))).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("year_annual")), "{p}");
        let (_, r) = send(report()).await;
        assert_eq!(r["total"]["fact"], "405.0", "315 by quarters and 90 annual, each once: {r}");

        // A programme ending this year is a renewal task in its last half year; one ending later is not.
        let mut ending = body.clone();
        ending["period_end"] = json!(first + 1);
        ending["title"] = json!("Програма, що завершується");
        send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&ending)).await;
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &pim)).await;
        let renew: Vec<&str> = tasks
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == "renew_programme")
            .map(|t| t["title"].as_str().unwrap())
            .collect();
        let late_in_year = chrono::Utc::now().date_naive().ordinal0() >= 182;
        let expected: &[&str] = if late_in_year { &["Програма, що завершується"] } else { &[] };
        assert_eq!(renew, expected, "{tasks}");
    }
}

#[tokio::test]
async fn quarters_are_reported_and_decided_from_the_pages() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim_token = w.pim(&app);
        let (body, first) = programme(&w.org_a.to_string());
        let (_, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim_token).json(&body)).await;
        let id = p["id"].as_str().unwrap().to_owned();
        let page_path = format!("/programmes/{id}/quarters?year={first}");

        let password = app.user_with_password("ini-page", w.org_a, &[Role::Initiator]).await;
        let mut b = crate::web::Browser::new(&app);
        b.sign_in("ini-page", &password).await;
        let (_, _, tasks) = b.get("/tasks").await;
        let links: Vec<String> = html::select(&html::parse(&tasks), "a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        let due = format!("/programmes/{id}/quarters?year={first}#q-1-1-4");
        assert!(links.contains(&due), "[{}] the task opens the quarter: {links:?}", app.backend);
        let named: Vec<String> = html::select(&html::parse(&tasks), "main li a").iter().map(html::text).collect();
        let owed = format!("IV квартал {first} року (до 20.01.{}", first + 1);
        assert!(named.iter().any(|t| t.contains(&owed)), "the task names the due day: {named:?}");
        let (s, _, page) = b.get(&page_path).await;
        assert_eq!(s, 200);
        let doc = html::parse(&page);
        let first_quarter = html::select(&doc, "#q-1-1-1").iter().map(html::text).collect::<String>();
        assert!(
            first_quarter.contains(&format!("до 20.04.{first}")) && first_quarter.contains("прострочено"),
            "a quarter long past its due day: {first_quarter}"
        );
        assert_eq!(html::select(&doc, "#q-1-1-4 form").len(), 1, "a form for the owed quarter");
        let mut form = html::form_in(&page, "#q-1-1-4");
        form.set("amount", "сто");
        form.set("narrative", "Надано 12 грантів");
        let (s, _, page) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 422, "an amount that is no number");
        let summary =
            html::select(&html::parse(&page), ".error-summary").iter().map(html::text).collect::<Vec<_>>().join(" ");
        assert!(summary.contains("Захід 1.1, IV квартал"), "{summary}");
        assert_eq!(html::form_in(&page, "#q-1-1-4").get("amount"), Some("сто"), "what was typed stays");
        form.set("amount", "125,5");
        let (s, location, _) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 303, "{location}");
        let (_, _, page) = b.get(&page_path).await;
        let row = html::select(&html::parse(&page), "#q-1-1-4").iter().map(html::text).collect::<String>();
        assert!(row.contains("подано, чекає на перевірку") && row.contains("125,5"), "{row}");

        // The PIM unit accepts it from the same page; the annual report page shows it.
        let password = app.user_with_password("pim-page", w.pim_org, &[Role::PimUnit]).await;
        let mut pim = crate::web::Browser::new(&app);
        pim.sign_in("pim-page", &password).await;
        let (_, _, page) = pim.get(&page_path).await;
        let accepts: Vec<String> = html::select(&html::parse(&page), "#q-1-1-4 form")
            .iter()
            .filter_map(|f| f.value().attr("action").map(str::to_owned))
            .filter(|a| a.ends_with("/accept"))
            .collect();
        assert_eq!(accepts.len(), 1, "{page}");
        let accept = html::form(&page, &accepts[0]);
        let (s, location, _) = pim.post(&accept.action, &accept.pairs()).await;
        assert_eq!((s.as_u16(), location.contains("done=accepted")), (303, true), "{location}");
        let (_, _, report) = pim.get(&format!("/programmes/{id}?year={first}")).await;
        let cells = html::select(&html::parse(&report), "tbody td").iter().map(html::text).collect::<Vec<_>>();
        assert!(cells.iter().any(|c| c == "125,5"), "[{}] {cells:?}", app.backend);
        assert!(cells.iter().any(|c| c.contains("IV квартал: Надано 12 грантів")), "{cells:?}");
        let (s, _, versions) = pim.get(&format!("/programmes/{id}/versions")).await;
        assert_eq!(s, 200);
        assert!(html::select(&html::parse(&versions), "tbody tr").len() == 1, "one version so far");
    }
}
