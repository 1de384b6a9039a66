//! Monitoring over HTTP: implementation reports (roles, workflow, immutability
//! of accepted reports) and target programmes with their annual report in
//! JSON, CSV and XLSX (read back), on SQLite and PostgreSQL.

use crate::common::*;
use calamine::{Data, Reader, Xlsx};
use portfel_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

/// A submitted passport of organisation A walked to `in_plan` through the API.
pub async fn in_plan(app: &TestApp, w: &World) -> String {
    let ini = w.initiator_a(app);
    let (id, v) = create_passport(app, &ini, &complete_passport(w.goal)).await;
    let (s, mut v, p) = transition(app, &ini, &id, v, "submitted", None).await;
    assert_eq!(s, 200, "{p}");
    let council = app.token("council", Some(w.pim_org), &[Role::Council]);
    for (to, token) in [
        ("screening", w.pim(app)),
        ("under_evaluation", w.pim(app)),
        ("evaluated", w.pim(app)),
        ("in_portfolio", w.pim(app)),
        ("in_plan", council),
    ] {
        let (s, nv, p) = transition(app, &token, &id, v.unwrap(), to, None).await;
        assert_eq!(s, 200, "-> {to}: {p}");
        v = nv;
    }
    id
}

/// A passport of organisation A walked on to `implementation`: only there are flags raised.
pub async fn in_implementation(app: &TestApp, w: &World) -> String {
    let id = in_plan(app, w).await;
    let pim = w.pim(app);
    let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &pim)).await;
    let (s, _, p) = transition(app, &pim, &id, p["version"].as_i64().unwrap() as i32, "implementation", None).await;
    assert_eq!(s, 200, "{p}");
    id
}

/// Writes, submits and accepts a report; its id.
async fn accepted_report(app: &TestApp, w: &World, passport: &str, body: &Value) -> String {
    let (ini, pim) = (w.initiator_a(app), w.pim(app));
    let (s, r) = send(app.req(Method::POST, &format!("/api/v1/passports/{passport}/reports"), &ini).json(body)).await;
    assert_eq!(s, 201, "{r}");
    let rid = r["id"].as_str().unwrap().to_owned();
    let (s, _) = send(app.req(Method::POST, &format!("/api/v1/reports/{rid}/submit"), &ini).if_match(1)).await;
    assert_eq!(s, 200);
    let (s, _) = send(app.req(Method::POST, &format!("/api/v1/reports/{rid}/accept"), &pim).if_match(2)).await;
    assert_eq!(s, 200);
    rid
}

fn report(quarter: u8, spent: &str) -> Value {
    json!({
        "period": {"year": 2027, "quarter": quarter},
        "financing": [{"source": "localBudget", "received": spent, "spent": spent}],
        "progress_percent": "35",
        "milestones": [{"name": "Договір підряду укладено", "planned": "2027-04-30", "actual": "2027-05-12"}],
        "indicators": [{"name": "Площа утепленого фасаду", "unit": "м²", "baseline": "0", "target": "1800", "actual": "600"}],
        "narrative": "Утеплено фасад з північного боку"
    })
}

#[tokio::test]
async fn reports_are_written_by_the_initiator_and_accepted_reports_never_change() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, other, pim) = (w.initiator_a(&app), w.initiator_b(&app), w.pim(&app));
        let (draft, _) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let path = |id: &str| format!("/api/v1/passports/{id}/reports");
        let (s, p) = send(app.req(Method::POST, &path(&draft), &ini).json(&report(2, "420000.00"))).await;
        assert_eq!(s, 409, "no reports on a draft: {p}");

        let id = in_plan(&app, &w).await;
        let (s, _) = send(app.req(Method::POST, &path(&id), &other).json(&report(2, "420000.00"))).await;
        assert_eq!(s, 403, "[{}] another organisation's project", app.backend);
        let (s, _) = send(app.req(Method::POST, &path(&id), &pim).json(&report(2, "420000.00"))).await;
        assert_eq!(s, 403, "the PIM unit checks reports, it does not write them");
        let mut bad = report(2, "420000.00");
        bad["progress_percent"] = json!("140");
        bad["financing"][0]["source"] = json!("lottery");
        let (s, p) = send(app.req(Method::POST, &path(&id), &ini).json(&bad)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["progress_percent".into(), "financing[0].source".into()]));

        let (s, v, r) = send_tagged(app.req(Method::POST, &path(&id), &ini).json(&report(2, "420000.00"))).await;
        assert_eq!(s, 201, "{r}");
        let rid = r["id"].as_str().unwrap().to_owned();
        assert_eq!((r["status"].as_str(), r["revision"].as_i64(), v), (Some("draft"), Some(1), Some(1)));
        let (s, _) = send(app.req(Method::POST, &path(&id), &ini).json(&report(2, "1.00"))).await;
        assert_eq!(s, 409, "one open report per period");
        let step = |action: &str, token: &str, version: i32| {
            app.req(Method::POST, &format!("/api/v1/reports/{rid}/{action}"), token).if_match(version)
        };
        let (s, _) = send(step("accept", &pim, 1)).await;
        assert_eq!(s, 409, "a draft is not accepted");
        let (s, _, r) = send_tagged(step("submit", &ini, 1)).await;
        assert_eq!((s, r["status"].as_str()), (200, Some("submitted")));
        let (s, _) = send(step("accept", &ini, 2)).await;
        assert_eq!(s, 403, "initiators do not accept their own reports");
        let (s, _, r) =
            send_tagged(step("return", &pim, 2).json(&json!({"reason": "Додайте акт виконаних робіт"}))).await;
        assert_eq!(
            (s, r["status"].as_str(), r["return_reason"].as_str()),
            (200, Some("returned"), Some("Додайте акт виконаних робіт"))
        );
        let mut fixed = report(2, "420000.00");
        fixed["documents"] = json!([{"title": "Акт КБ-2в №4", "url": "https://example.gov.ua/akt-4.pdf"}]);
        let put = |body: &Value, version: i32| {
            app.req(Method::PUT, &format!("/api/v1/reports/{rid}"), &ini).if_match(version).json(body)
        };
        let (s, _, r) = send_tagged(put(&fixed, 3)).await;
        assert_eq!((s, r["version"].as_i64()), (200, Some(4)), "{r}");
        send(step("submit", &ini, 4)).await;
        let (s, _, r) = send_tagged(step("accept", &pim, 5)).await;
        assert_eq!((s, r["status"].as_str(), r["decided_by"].as_str()), (200, Some("accepted"), Some("pim")));
        let (s, p) = send(put(&report(2, "1.00"), 6)).await;
        assert_eq!(s, 409, "accepted reports are immutable: {p}");

        let (s, r) = send(app.req(Method::POST, &path(&id), &ini).json(&report(2, "430000.00"))).await;
        assert_eq!((s, r["revision"].as_i64()), (201, Some(2)), "a correction is the period's next revision");
        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        let (s, list) = send(app.req(Method::GET, &path(&id), &council)).await;
        assert_eq!(s, 200, "the council reads reports");
        assert_eq!(list.as_array().unwrap().len(), 2);
        let (s, _) = send(app.req(Method::GET, &path(&id), &app.token("exp", Some(w.pim_org), &[Role::Expert]))).await;
        assert_eq!(s, 403, "experts do not");
        let (_, original) = send(app.req(Method::GET, &format!("/api/v1/reports/{rid}"), &pim)).await;
        assert_eq!(original["financing"][0]["spent"], "420000.00", "the accepted report is as it was");
    }
}

pub fn programme() -> Value {
    let measure = |number: &str, planned: &[(&str, &str)]| {
        let planned: Vec<Value> =
            planned.iter().map(|(s, a)| json!({"year": 2027, "source": s, "amount": a})).collect();
        json!({"number": number, "text": format!("Захід {number}"), "executors": ["Управління освіти"], "planned": planned})
    };
    json!({
        "title": "Програма розвитку освіти на 2027–2029 роки",
        "decision_number": "12/2026", "decision_date": "2026-12-18",
        "period_start": 2027, "period_end": 2029, "responsible": "Управління освіти",
        "sections": [
            {"number": "1", "title": "Інфраструктура", "measures": [
                measure("1.1", &[("localBudget", "120000.00"), ("stateSubsidies", "30000.00")]),
                measure("1.2", &[("localBudget", "1234550.00")])]},
            {"number": "2", "title": "Заходи", "measures": [measure("2.1", &[("localBudget", "50.00")]), measure("2.2", &[])]}
        ]
    })
}

#[tokio::test]
async fn a_programme_reports_plan_and_fact_in_thousand_uah() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let (s, _) = send(app.req(Method::POST, "/api/v1/programmes", &w.initiator_a(&app)).json(&programme())).await;
        assert_eq!(s, 403);
        let mut bad = programme();
        bad["sections"][1]["measures"][0]["number"] = json!("1.1");
        bad["sections"][0]["measures"][0]["planned"][0]["source"] = json!("lottery");
        let (s, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&bad)).await;
        assert_eq!(
            (s, problem_fields(&p)),
            (422, vec!["sections[1].measures[0].number".into(), "sections[0].measures[0].planned[0].source".into()])
        );
        let (s, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&programme())).await;
        assert_eq!(s, 201, "[{}] {p}", app.backend);
        let id = p["id"].as_str().unwrap().to_owned();
        let fact = |measure: &str, amount: &str, narrative: &str| {
            app.req(Method::POST, &format!("/api/v1/programmes/{id}/facts"), &pim)
                .json(&json!({"measure": measure, "year": 2027, "amount": amount, "narrative": narrative}))
        };
        for (m, a, n) in
            [("1.1", "1.00", "чернетка"), ("1.1", "99950.00", "Замінено вікна"), ("2.2", "10000.00", "Семінар")]
        {
            let (s, p) = send(fact(m, a, n)).await;
            assert_eq!(s, 200, "{p}");
        }
        let (s, p) = send(fact("9.9", "1.00", "")).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["measure".into()]));

        let url = |format: &str| format!("/api/v1/programmes/{id}/report?year=2027{format}");
        let (s, r) = send(app.req(Method::GET, &url(""), &app.token("c", None, &[Role::Council]))).await;
        assert_eq!(s, 200, "{r}");
        let line = |v: &Value| (v["plan"].clone(), v["fact"].clone(), v["rate"].clone());
        assert_eq!(
            line(&r["sections"][0]["rows"][0]),
            (json!("150.0"), json!("100.0"), json!("66.6")),
            "a fact replaced, not added"
        );
        assert_eq!(r["sections"][0]["rows"][0]["narrative"], "Замінено вікна");
        assert_eq!(line(&r["sections"][0]["subtotal"]), (json!("1384.6"), json!("100.0"), json!("7.2")));
        assert_eq!(line(&r["sections"][1]["rows"][1]), (json!("0.0"), json!("10.0"), Value::Null));
        assert_eq!(line(&r["total"]), (json!("1384.6"), json!("110.0"), json!("7.9")));

        let csv = app.req(Method::GET, &url("&format=csv"), &pim).send().await.unwrap().text().await.unwrap();
        let last = csv.lines().last().unwrap();
        assert_eq!(last, ";Усього;;1384,6;110,0;7,9", "semicolons and decimal commas");
        assert!(csv.starts_with('\u{feff}'), "a byte order mark, so spreadsheets read UTF-8");
        assert!(csv.lines().any(|l| l == "1.1;Захід 1.1;Замінено вікна;150,0;100,0;66,6"), "{csv}");
        let xlsx = app.req(Method::GET, &url("&format=xlsx"), &pim).send().await.unwrap().bytes().await.unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
        let sheet = book.worksheet_range("Звіт 2027").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows[5][3], Data::String("Обсяг фінансування, тис. гривень".into()), "the council's layout");
        assert_eq!((&rows[6][3], &rows[6][4]), (&Data::String("План".into()), &Data::String("Факт".into())));
        let total = rows.iter().find(|r| r[1] == Data::String("Усього".into())).expect("a total row");
        assert_eq!(
            (&total[1], &total[3], &total[4]),
            (&Data::String("Усього".into()), &Data::Float(1384.6), &Data::Float(110.0))
        );
        let (s, _) = send(app.req(Method::GET, &format!("/api/v1/programmes/{id}/report?year=3000"), &pim)).await;
        assert_eq!(s, 400);
    }
}

#[tokio::test]
async fn flags_follow_the_facts_and_the_summary_adds_them_up() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let id = in_implementation(&app, &w).await;
        let flags = |on: &str| app.req(Method::GET, &format!("/api/v1/passports/{id}/flags?on={on}"), &ini);
        let (s, f) = send(flags("2027-04-20")).await;
        assert_eq!((s, f), (200, json!([])), "[{}] the first quarter's report is due on 20 April", app.backend);
        let (_, f) = send(flags("2027-04-21")).await;
        assert_eq!(f[0]["rule"], "report_missing", "{f}");
        assert_eq!(f.as_array().unwrap().len(), 1);

        let mut q1 = report(1, "300000.00");
        q1["estimated_cost"] = json!("11500000.00");
        q1["milestones"] = json!([{"name": "Експертиза", "planned": "2027-03-31"}]);
        let (_, r) = send(app.req(Method::POST, &format!("/api/v1/passports/{id}/reports"), &ini).json(&q1)).await;
        let rid = r["id"].as_str().unwrap();
        let (_, f) = send(flags("2027-04-21")).await;
        assert_eq!(f[0]["rule"], "report_missing", "a draft is not a filed report");
        let (s, _) = send(app.req(Method::POST, &format!("/api/v1/reports/{rid}/submit"), &ini).if_match(1)).await;
        assert_eq!(s, 200);
        let (_, f) = send(flags("2027-04-21")).await;
        let rules: Vec<&str> = f.as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
        assert_eq!(rules, ["cost_overrun", "milestone_late"], "{f}");
        assert!(f[0]["reason"].as_str().unwrap().contains("11500,0 тис. грн"), "{f}");

        let url = "/api/v1/monitoring/summary?on=2027-04-21";
        let (s, _) = send(app.req(Method::GET, url, &ini)).await;
        assert_eq!(s, 403, "the summary is the PIM unit's and the council's");
        let (s, sum) = send(app.req(Method::GET, url, &pim)).await;
        assert_eq!(s, 200, "{sum}");
        assert_eq!(
            sum["by_year_and_source"],
            json!([{"year": 2027, "source": "localBudget", "planned": "0", "received": "300000.00", "spent": "300000.00", "rate": null}])
        );
        let project = &sum["projects"][0];
        assert_eq!((project["spent"].as_str(), project["progress_percent"].as_str()), (Some("300000.00"), Some("35")));
        assert_eq!(project["flags"].as_array().unwrap().len(), 2);
        let csv = app.req(Method::GET, &format!("{url}&format=csv"), &pim).send().await.unwrap().text().await.unwrap();
        let line = csv.lines().nth(1).unwrap();
        assert!(line.starts_with("2027;Місцевий бюджет") && line.ends_with(";;0,0;300,0;300,0;;;;"), "{csv}");
        assert!(csv.lines().nth(2).unwrap().contains(";реалізація;"), "states in words: {csv}");
    }
}

#[tokio::test]
async fn the_rolling_plan_schedules_what_a_continuing_project_did_not_spend() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        // 10,000,000 UAH: 2027 500,000 from the local budget; 2028 1,500,000 local and 8,000,000 state.
        let id = in_plan(&app, &w).await;
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &pim)).await;
        let (s, _, p) =
            transition(&app, &pim, &id, p["version"].as_i64().unwrap() as i32, "implementation", None).await;
        assert_eq!(s, 200, "{p}");
        let (round, _) = closed_round(&app, &w, &[complete_passport(w.goal)]).await;
        let (_, portfolio) =
            send(app.req(Method::POST, "/api/v1/portfolios", &pim).json(&json!({"round_id": round, "min_score": "0"})))
                .await;
        let pid = portfolio["id"].as_str().unwrap();
        send(app.req(Method::POST, &format!("/api/v1/portfolios/{pid}/submit"), &pim).if_match(1)).await;
        let decision = json!({"number": "3/2027", "date": "2026-11-25"});
        let (s, _) = send(
            app.req(Method::POST, &format!("/api/v1/portfolios/{pid}/approve"), &council).if_match(2).json(&decision),
        )
        .await;
        assert_eq!(s, 200);
        let request = json!({"portfolio_id": pid, "first_year": 2028, "last_year": 2030, "builder": "rank_order", "ceilings": {"total": {}}});
        let plan = |request: &Value| app.req(Method::POST, "/api/v1/plans", &pim).json(request);
        let amounts = |plan: &Value| -> Vec<(i64, String, String)> {
            let included = plan["result"]["included"].as_array().unwrap();
            let mine = included.iter().find(|i| i["id"] == json!(id)).expect("the continuing project is in the plan");
            mine["amounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    (
                        a["year"].as_i64().unwrap(),
                        a["source"].as_str().unwrap().to_owned(),
                        a["amount"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        };
        let (s, before) = send(plan(&request)).await;
        assert_eq!(s, 201, "{before}");
        let unreported = amounts(&before);
        assert_eq!(
            unreported[0],
            (2028, "localBudget".into(), "2000000.00".into()),
            "nothing reported: 2027's line is still to spend"
        );

        let year = json!({"period": {"year": 2027}, "financing": [{"source": "localBudget", "received": "500000.00", "spent": "300000.00"}],
            "progress_percent": "5", "narrative": "Виготовлено проєктну документацію"});
        accepted_report(&app, &w, &id, &year).await;
        let (s, after) = send(plan(&request)).await;
        assert_eq!(s, 201, "{after}");
        let total: rust_decimal::Decimal =
            amounts(&after).iter().map(|a| a.2.parse::<rust_decimal::Decimal>().unwrap()).sum();
        assert_eq!(
            amounts(&after),
            [(2028, "localBudget".into(), "1700000.00".into()), (2028, "stateSubsidies".into(), "8000000.00".into())],
            "[{}] 60 % of 2027 spent: the other 200,000 UAH move into 2028",
            app.backend
        );
        assert_eq!(total, "9700000".parse().unwrap(), "the approved 10,000,000 less the 300,000 spent");
        let mut lapsing = request.clone();
        lapsing["carry_unspent"] = json!(false);
        let (s, lapsed) = send(plan(&lapsing)).await;
        assert_eq!(s, 201, "{lapsed}");
        assert_eq!(
            amounts(&lapsed),
            [(2028, "localBudget".into(), "1500000.00".into()), (2028, "stateSubsidies".into(), "8000000.00".into())],
            "not carried: 2027's unspent 200,000 UAH lapse"
        );
        let (b, a) = (before["id"].as_str().unwrap(), after["id"].as_str().unwrap());
        let (s, diff) = send(app.req(Method::GET, &format!("/api/v1/plans/{b}/diff/{a}"), &pim)).await;
        assert_eq!(s, 200, "{diff}");
        assert_eq!(diff["amounts_changed"], json!([{"passport_id": id, "from": "10000000.00", "to": "9700000.00"}]));
    }
}

/// The facts of a DREAM document's Portfel process: (period end, category, source, measure).
fn dream_facts(doc: &Value) -> Vec<(String, String, String, String)> {
    let processes = doc["contractingProcesses"].as_array().unwrap();
    let ours =
        processes.iter().find(|p| p["summary"]["title"][0]["translation"].as_str().unwrap().starts_with("Реалізація"));
    let metrics =
        ours.expect("Portfel's process")["summary"]["contract"]["implementation"]["metrics"].as_array().unwrap();
    metrics[0]["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            let end = text(&o["period"]["endDate"]);
            (
                end[..10].to_owned(),
                text(&o["dimensions"]["workCategory"]),
                text(&o["dimensions"]["workItem"]),
                text(&o["measure"]),
            )
        })
        .collect()
}

#[tokio::test]
async fn implementation_facts_go_to_dream_and_come_back_as_accepted_reports() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let sync = app.token("dream-sync", None, &[Role::Integration]);
        let id = in_plan(&app, &w).await;
        accepted_report(&app, &w, &id, &report(1, "420000.50")).await;
        let (s, _) =
            send(app.req(Method::POST, &format!("/api/v1/passports/{id}/reports"), &ini).json(&report(2, "1.00")))
                .await;
        assert_eq!(s, 201, "a draft for Q2 stays in Portfel");
        let (s, doc) = send(app.req(Method::GET, &format!("/api/v1/dream/export/{id}"), &sync)).await;
        assert_eq!(s, 200, "{doc}");
        let q1 = |category: &str, source: &str, measure: &str| {
            ("2027-03-31".to_owned(), category.to_owned(), source.to_owned(), measure.to_owned())
        };
        assert_eq!(
            dream_facts(&doc),
            [
                q1("received", "localBudget", "420000.5"),
                q1("spent", "localBudget", "420000.5"),
                q1("progress", "", "35")
            ],
            "[{}] accepted facts only",
            app.backend
        );

        // Another Portfel (here: the same one under a new DREAM id) takes the project with its facts.
        let import = |doc: &Value| {
            app.req(Method::POST, "/api/v1/dream/import", &sync).json(&json!({"id": "dream-impl", "document": doc}))
        };
        let (s, r) = send(import(&doc)).await;
        assert_eq!((s, r["outcome"].as_str()), (200, Some("new")), "{r}");
        let copy = r["passport_id"].as_str().unwrap().to_owned();
        let reports = |passport: String| {
            let app = &app;
            let pim = pim.clone();
            async move {
                let (s, list) =
                    send(app.req(Method::GET, &format!("/api/v1/passports/{passport}/reports"), &pim)).await;
                assert_eq!(s, 200, "{list}");
                list.as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        let quarter = r["period"]["quarter"].as_i64().unwrap();
                        let spent = r["financing"][0]["spent"].as_str().unwrap_or_default().to_owned();
                        (quarter, r["revision"].as_i64().unwrap(), r["status"].as_str().unwrap().to_owned(), spent)
                    })
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(reports(copy.clone()).await, [(1, 1, "accepted".to_owned(), "420000.50".to_owned())]);
        // The copy's initiator corrects Q1 with a narrative, and starts Q2 in Portfel.
        let mut corrected = report(1, "420000.50");
        corrected["narrative"] = json!("Акт КБ-2в №1");
        accepted_report(&app, &w, &copy, &corrected).await;
        let (s, _) =
            send(app.req(Method::POST, &format!("/api/v1/passports/{copy}/reports"), &ini).json(&report(2, "7.00")))
                .await;
        assert_eq!(s, 201);

        // DREAM then holds a corrected Q1 spending and Q2 and Q3 figures.
        let mut changed = doc.clone();
        changed["updated"] = json!("2027-10-02T09:00:00Z");
        let facts =
            changed["contractingProcesses"][0]["summary"]["contract"]["implementation"]["metrics"][0]["observations"]
                .as_array_mut()
                .unwrap();
        facts[1]["measure"] = json!("400000");
        for quarter in [("2027-04-01", "2027-06-30"), ("2027-07-01", "2027-09-30")] {
            let mut spent = facts[1].clone();
            spent["period"] =
                json!({"startDate": format!("{}T00:00:00Z", quarter.0), "endDate": format!("{}T23:59:59Z", quarter.1)});
            spent["measure"] = json!("99");
            facts.push(spent);
        }
        let (s, r) = send(import(&changed)).await;
        assert_eq!((s, r["outcome"].as_str()), (200, Some("updated")), "{r}");
        let accepted = |spent: &str, revision: i64| (1, revision, "accepted".to_owned(), spent.to_owned());
        assert_eq!(
            reports(copy.clone()).await,
            [
                accepted("420000.50", 1),
                accepted("420000.50", 2),
                accepted("400000.00", 3),
                (2, 1, "draft".to_owned(), "7.00".to_owned()),
                (3, 1, "accepted".to_owned(), "99.00".to_owned()),
            ],
            "[{}] Q1 corrected as the next revision, the open Q2 left to Portfel, Q3 recorded",
            app.backend
        );
        let (_, list) = send(app.req(Method::GET, &format!("/api/v1/passports/{copy}/reports"), &pim)).await;
        assert_eq!(list[2]["narrative"], "Акт КБ-2в №1", "the correction keeps what DREAM does not carry");
        assert_eq!(list[2]["financing"][0]["received"], "420000.50");
        let (s, r) = send(import(&changed)).await;
        assert_eq!((s, r["outcome"].as_str()), (200, Some("unchanged")));
        assert_eq!(reports(copy).await.len(), 5, "importing the same document again writes nothing");
    }
}

/// A measure's fact form for 2027.
/// Pairs of text, as the browser helper posts them.
fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The facts form with one measure's amount (thousand UAH) and narrative.
fn fact_form(csrf: &str, measure: &str, amount: &str) -> Vec<(String, String)> {
    vec![
        ("_csrf".into(), csrf.into()),
        ("year".into(), "2027".into()),
        (format!("amount.{measure}"), amount.into()),
        (format!("narrative.{measure}"), "Придбано обладнання".into()),
    ]
}

#[tokio::test]
async fn the_workspace_shows_flags_reports_and_the_printable_programme_report() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let id = in_implementation(&app, &w).await;
        let (_, r) =
            send(app.req(Method::POST, &format!("/api/v1/passports/{id}/reports"), &ini).json(&report(2, "420000.00")))
                .await;
        let rid = r["id"].as_str().unwrap();
        send(app.req(Method::POST, &format!("/api/v1/reports/{rid}/submit"), &ini).if_match(1)).await;
        let (_, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&programme())).await;
        let programme_id = p["id"].as_str().unwrap();
        let body = json!({"measure": "1.1", "year": 2027, "amount": "99950.00", "narrative": "Замінено вікна"});
        send(app.req(Method::POST, &format!("/api/v1/programmes/{programme_id}/facts"), &pim).json(&body)).await;

        let password = app.user_with_password("pim", w.pim_org, &[Role::PimUnit]).await;
        let mut b = crate::web::Browser::new(&app);
        b.sign_in("pim", &password).await;
        let (s, _, page) = b.get("/monitoring?on=2027-10-25").await;
        assert_eq!(s, 200, "[{}] {page}", app.backend);
        assert!(page.contains("звіт за 1 квартал 2027 року не подано"), "the missing report's flag is listed");
        assert!(page.contains("420,0"), "spending in thousand UAH");
        let (s, _, page) = b.get(&format!("/passports/{id}")).await;
        assert_eq!(s, 200);
        assert!(
            page.contains("Моніторинг реалізації") && page.contains("2 квартал 2027 року") && page.contains("подано")
        );
        let (s, _, page) = b.get(&format!("/programmes/{programme_id}?year=2027")).await;
        assert_eq!(s, 200);
        for text in ["Разом за розділом 1", "1\u{202f}384,6", "Усього", "66,6 %", "Замінено вікна"]
        {
            assert!(page.contains(text), "{text} in the annual report page");
        }
        let (s, _, xlsx) = b.get(&format!("/programmes/{programme_id}/report.xlsx?year=2027")).await;
        assert_eq!((s.as_u16(), xlsx.starts_with("PK")), (200, true), "the XLSX downloads with the session");

        // The PIM unit records the measures' facts on one form, in thousand UAH; a wrong amount is
        // refused beside its field.
        let facts = format!("/programmes/{programme_id}/facts");
        let (s, _, page) = b.get(&format!("{facts}?year=2027")).await;
        assert_eq!(s, 200);
        assert!(page.contains("value=\"99,95\""), "the stored fact fills its form in thousand UAH: {page}");
        let csrf = crate::web::hidden(&page, "_csrf");
        let (s, _, page) = b.post(&facts, &pairs(&fact_form(&csrf, "1.2", "сто гривень"))).await;
        assert_eq!(s, 422, "an amount that is not one");
        assert!(page.contains("aria-invalid=\"true\""), "{page}");
        assert_eq!(
            b.post(&facts, &pairs(&fact_form(&csrf, "9.9", "1,00"))).await.0,
            422,
            "a measure the programme lacks"
        );
        let good = fact_form(&csrf, "1.2", "1 000,0");
        let (s, location, _) = b.post(&facts, &pairs(&good)).await;
        assert_eq!((s.as_u16(), location.as_str()), (303, format!("{facts}?year=2027&saved=1").as_str()));
        let (_, report) =
            send(app.req(Method::GET, &format!("/api/v1/programmes/{programme_id}/report?year=2027"), &pim)).await;
        let row = &report["sections"][0]["rows"][1];
        assert_eq!(
            (row["fact"].as_str(), row["narrative"].as_str()),
            (Some("1000.0"), Some("Придбано обладнання")),
            "{row}"
        );
        // "25,1" on the form is 25,1 thousand UAH, as the report reads it: 25 100,00 UAH.
        assert_eq!(b.post(&facts, &pairs(&fact_form(&csrf, "1.2", "25,1"))).await.0, 303);
        let (_, report) =
            send(app.req(Method::GET, &format!("/api/v1/programmes/{programme_id}/report?year=2027"), &pim)).await;
        assert_eq!(report["sections"][0]["rows"][1]["fact"], "25.1", "{report}");

        let ini_password = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
        let mut initiator = crate::web::Browser::new(&app);
        initiator.sign_in("ini-a", &ini_password).await;
        assert_eq!(initiator.get("/monitoring").await.0.as_u16(), 403, "the summary is not the initiator's");
        assert_eq!(initiator.get(&format!("/programmes/{programme_id}/facts")).await.0.as_u16(), 403, "nor the facts");
    }
}

#[tokio::test]
async fn initiators_write_reports_in_the_workspace_and_the_pim_unit_decides_there() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let id = in_plan(&app, &w).await;
        let ini_password = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
        let mut ini = crate::web::Browser::new(&app);
        ini.sign_in("ini-a", &ini_password).await;
        let (s, _, page) = ini.get(&format!("/passports/{id}")).await;
        assert_eq!(s, 200);
        assert!(page.contains(&format!("/passports/{id}/reports/new")), "[{}] the initiator may report", app.backend);
        let (s, _, form) = ini.get(&format!("/passports/{id}/reports/new")).await;
        assert_eq!(s, 200, "{form}");
        let csrf = crate::web::hidden(&form, "_csrf");
        let mut fields = vec![
            ("_csrf", csrf.as_str()),
            ("period.year", "2027"),
            ("period.quarter", "2"),
            ("financing[0].source", "localBudget"),
            ("financing[0].received", "500 000,00"),
            ("financing[0].spent", "420 000,50"),
            ("financing[1].source", ""),
            ("financing[1].received", ""),
            ("financing[1].spent", ""),
            ("progress_percent", "140"),
            ("milestones[0].name", "Договір підряду укладено"),
            ("milestones[0].planned", "2027-04-30"),
            ("milestones[0].actual", ""),
            ("narrative", "Утеплено фасад"),
        ];
        let new = format!("/passports/{id}/reports");
        let (s, _, page) = ini.post(&new, &fields).await;
        assert_eq!(s, 422, "progress above 100 % is refused");
        assert!(page.contains("id=\"f-progress_percent\"") && page.contains("aria-invalid=\"true\""), "{page}");
        assert!(page.contains("value=\"420 000,50\""), "what was typed stays in the form");
        assert!(
            page.contains("financing[2].spent") && !page.contains("financing[3].spent"),
            "the filled row and two blank ones, not one more per post"
        );
        fields[9].1 = "35,5";
        let (s, location, page) = ini.post(&new, &fields).await;
        assert_eq!(s, 303, "{page}");
        let report = location.clone();
        let (_, _, page) = ini.get(&report).await;
        assert!(page.contains("чернетка") && page.contains("420\u{202f}000,50") && page.contains("35,5 %"), "{page}");
        let api_path = format!("/api/v1{report}");
        let (_, api_copy) = send(app.req(Method::GET, &api_path, &w.pim(&app))).await;
        assert_eq!(
            (
                api_copy["financing"][0]["spent"].as_str(),
                api_copy["progress_percent"].as_str(),
                api_copy["milestones"][0]["actual"].as_str()
            ),
            (Some("420000.50"), Some("35.5"), None),
            "the amounts are stored exactly, blank rows are left out"
        );

        let (s, _, edit) = ini.get(&format!("{report}/edit")).await;
        assert_eq!(s, 200);
        assert!(
            edit.contains("value=\"420000.50\"") && edit.contains("Договір підряду укладено"),
            "the form is filled back"
        );
        let version = crate::web::hidden(&edit, "_version");
        let mut changed = fields.clone();
        changed[9].1 = "40";
        changed.push(("_version", &version));
        let (s, _, _) = ini.post(&report, &changed).await;
        assert_eq!(s, 303);
        let (_, _, page) = ini.get(&report).await;
        let version = crate::web::hidden(&page, "_version");
        assert_eq!(ini.post(&format!("{report}/submit"), &[("_csrf", &csrf), ("_version", &version)]).await.0, 303);

        let pim_password = app.user_with_password("pim", w.pim_org, &[Role::PimUnit]).await;
        let mut pim = crate::web::Browser::new(&app);
        pim.sign_in("pim", &pim_password).await;
        let (_, _, page) = pim.get(&report).await;
        assert!(page.contains("подано") && page.contains("Прийняти звіт") && page.contains("40,0 %"), "{page}");
        assert!(!page.contains("Змінити"), "the PIM unit does not write reports");
        let pim_csrf = crate::web::hidden(&page, "_csrf");
        let version = crate::web::hidden(&page, "_version");
        let (s, _, page) = pim
            .post(&format!("{report}/return"), &[("_csrf", &pim_csrf), ("_version", &version), ("reason", " ")])
            .await;
        assert_eq!(s, 422, "a return says why");
        assert!(page.contains("Причина"), "{page}");
        // The return form asks for a day to come back by: one already passed is refused beside its field.
        let mut back = html::form(&page, &format!("{report}/return"));
        assert_eq!(back.get("resubmit_by"), Some(""), "{back:?}");
        back.set("reason", "Додайте акт КБ-2в");
        back.set("resubmit_by", "2020-01-01");
        let (s, _, refused) = pim.post(&format!("{report}/return"), &back.pairs()).await;
        assert_eq!(s, 422);
        let kept = html::form(&refused, &format!("{report}/return"));
        assert_eq!(
            (kept.get("reason"), kept.get("resubmit_by")),
            (Some("Додайте акт КБ-2в"), Some("2020-01-01")),
            "as typed"
        );
        let refused = html::parse(&refused);
        let beside = html::select(&refused, "#err-resubmit_by");
        assert_eq!(beside.len(), 1, "the error stands beside the day");
        let by = portfel_domain::calendar::local_date(chrono::Utc::now()) + chrono::Days::new(10);
        back.set("resubmit_by", &by.to_string());
        assert_eq!(pim.post(&format!("{report}/return"), &back.pairs()).await.0, 303);

        let (_, _, page) = ini.get(&report).await;
        assert!(page.contains("повернуто") && page.contains("Додайте акт КБ-2в") && page.contains("Змінити"), "{page}");
        let shown = html::parse(&page);
        let notice = html::text(&html::select(&shown, "div.notice.bad")[0]);
        assert!(notice.ends_with(&format!("подати знову до {}", by.format("%d.%m.%Y"))), "{notice}");
        let version = crate::web::hidden(&page, "_version");
        assert_eq!(ini.post(&format!("{report}/submit"), &[("_csrf", &csrf), ("_version", &version)]).await.0, 303);
        let (_, _, page) = pim.get(&report).await;
        let version = crate::web::hidden(&page, "_version");
        assert_eq!(pim.post(&format!("{report}/accept"), &[("_csrf", &pim_csrf), ("_version", &version)]).await.0, 303);
        let (_, _, page) = ini.get(&report).await;
        assert!(page.contains("прийнято") && !page.contains("Змінити"), "an accepted report is final: {page}");
        assert_eq!(ini.get(&format!("{report}/edit")).await.0, 409, "no form for an accepted report");
        let (_, now) = send(app.req(Method::GET, &api_path, &w.pim(&app))).await;
        let current = now["version"].to_string();
        changed.retain(|(k, _)| *k != "_version");
        changed.push(("_version", &current));
        let (s, _, _) = ini.post(&report, &changed).await;
        assert_eq!(s, 409, "nor a save");

        let other_password = app.user_with_password("ini-b", w.org_b, &[Role::Initiator]).await;
        let mut other = crate::web::Browser::new(&app);
        other.sign_in("ini-b", &other_password).await;
        assert_eq!(other.get(&format!("/passports/{id}/reports/new")).await.0, 403, "another organisation");
        assert_eq!(pim.get(&format!("/passports/{id}/reports/new")).await.0, 403, "the PIM unit");
    }
}

#[tokio::test]
async fn the_monitoring_page_shows_flagged_projects_first_a_page_at_a_time() {
    use crate::common::html;
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let mut on_time = Vec::new();
        for _ in 0..2 {
            let id = in_implementation(&app, &w).await;
            for q in 1..=3 {
                accepted_report(&app, &w, &id, &report(q, "100000.00")).await;
            }
            on_time.push(id);
        }
        let late = in_implementation(&app, &w).await;
        accepted_report(&app, &w, &late, &report(2, "100000.00")).await;
        let password = app.user_with_password("pim", w.pim_org, &[Role::PimUnit]).await;
        let mut b = crate::web::Browser::new(&app);
        b.sign_in("pim", &password).await;
        let rows = |page: &str| {
            let doc = html::parse(page);
            let links: Vec<String> = html::select(&doc, "table tbody tr td:first-child a")
                .iter()
                .filter_map(|a| a.value().attr("href").map(str::to_owned))
                .collect();
            let nav: Vec<(String, String)> = html::select(&doc, "nav.pages a")
                .iter()
                .map(|a| {
                    (a.value().attr("rel").unwrap_or_default().to_owned(), a.value().attr("href").unwrap().to_owned())
                })
                .collect();
            (links, nav)
        };
        let base = "/monitoring?on=2027-10-25&per_page=1";
        let (s, _, page) = b.get(base).await;
        assert_eq!(s, 200, "[{}] {page}", app.backend);
        let (links, nav) = rows(&page);
        assert_eq!(links, [format!("/passports/{late}")], "[{}] the flagged project comes first", app.backend);
        assert_eq!(nav, [("next".to_owned(), "/monitoring?on=2027-10-25&per_page=1&page=2".to_owned())]);
        let (_, _, page) = b.get(&format!("{base}&page=99")).await;
        let (links, nav) = rows(&page);
        assert!(links.len() == 1 && on_time.iter().any(|id| links[0] == format!("/passports/{id}")), "{links:?}");
        assert_eq!(
            nav,
            [("prev".to_owned(), "/monitoring?on=2027-10-25&per_page=1&page=2".to_owned())],
            "the last page"
        );
        let (_, _, page) = b.get("/monitoring?on=2027-10-25&flagged=1").await;
        let (links, nav) = rows(&page);
        assert_eq!((links, nav.len()), (vec![format!("/passports/{late}")], 0), "only the flagged project, one page");
        let doc = html::parse(&page);
        let ticked = html::select(&doc, "#flagged").first().and_then(|i| i.value().attr("checked")).is_some();
        assert!(ticked, "the filter shows as ticked");
        let (_, _, page) = b.get("/monitoring?on=2027-10-25").await;
        assert_eq!(rows(&page).0.len(), 3, "all three on the default page");
    }
}

#[tokio::test]
async fn the_rules_read_the_whole_history_and_count_each_year_once() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let id = in_implementation(&app, &w).await;
        let mut q1 = report(1, "300000.00");
        q1["estimated_cost"] = json!("11500000.00");
        accepted_report(&app, &w, &id, &q1).await;
        accepted_report(&app, &w, &id, &report(2, "100000.00")).await;
        let flags = |on: &str| app.req(Method::GET, &format!("/api/v1/passports/{id}/flags?on={on}"), &ini);
        let (_, f) = send(flags("2027-07-25")).await;
        let rules: Vec<&str> = f.as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
        assert_eq!(
            rules,
            ["cost_overrun"],
            "[{}] the second report gives no estimate: the first one's stands",
            app.backend
        );

        // A year is reported either by quarters or by one annual report.
        let mut annual = report(1, "400000.00");
        annual["period"] = json!({"year": 2027});
        let (s, p) = send(
            app.req(Method::POST, &format!("/api/v1/passports/{id}/reports"), &ini)
                .header("Accept-Language", "uk")
                .json(&annual),
        )
        .await;
        assert_eq!(s, 409, "{p}");
        assert_eq!(p["errors"][0]["code"], "year_by_quarters", "{p}");
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("2027 рік"), "{p}");
        annual["period"] = json!({"year": 2028});
        let (s, r) = send(app.req(Method::POST, &format!("/api/v1/passports/{id}/reports"), &ini).json(&annual)).await;
        assert_eq!(s, 201, "{r}");
        let (s, p) = send(app.req(Method::POST, &format!("/api/v1/passports/{id}/reports"), &ini).json(&json!({
            "period": {"year": 2028, "quarter": 1},
            "financing": [], "progress_percent": "40", "narrative": "Роботи тривають"
        })))
        .await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("year_annual")), "{p}");

        // The day asked for is judged on what was submitted by then.
        let summary = |on: &str| app.req(Method::GET, &format!("/api/v1/monitoring/summary?on={on}"), &pim);
        let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
        let (_, before) = send(summary(&yesterday)).await;
        assert_eq!(before["projects"][0]["spent"], "0", "nothing was submitted yet: {before}");
        let (_, now) = send(summary("2027-07-25")).await;
        assert_eq!(now["projects"][0]["spent"], "400000.00");

        // A completed project is no longer flagged, however late the day.
        crate::completion::closed_by_report(&app, &w, &id, &crate::completion::completed_report()).await;
        let (_, f) = send(flags("2040-01-01")).await;
        assert_eq!(f, json!([]), "[{}] no flags once completed", app.backend);
    }
}

#[tokio::test]
async fn a_portfolio_built_again_from_the_same_round_holds_each_project_once() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        let bodies: Vec<Value> = (0..3).map(|_| complete_passport(w.goal)).collect();
        let (round, ids) = closed_round(&app, &w, &bodies).await;
        let build =
            || app.req(Method::POST, "/api/v1/portfolios", &pim).json(&json!({"round_id": round, "min_score": "0"}));
        let (s, first) = send(build()).await;
        assert_eq!(s, 201, "{first}");
        let walk = |id: String, steps: Vec<(&'static str, String)>| {
            let app = &app;
            let pim = pim.clone();
            async move {
                for (to, token) in steps {
                    let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &pim)).await;
                    let (s, _, p) = transition(app, &token, &id, p["version"].as_i64().unwrap() as i32, to, None).await;
                    assert_eq!(s, 200, "-> {to}: {p}");
                }
            }
        };
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{}", ids[0]), &pim)).await;
        assert_eq!(p["status"], "evaluated", "{p}");
        let to_implementation =
            || vec![("in_portfolio", pim.clone()), ("in_plan", council.clone()), ("implementation", pim.clone())];
        walk(ids[0].clone(), to_implementation()).await;
        walk(ids[1].clone(), to_implementation()).await;
        crate::completion::closed_by_report(&app, &w, &ids[1], &crate::completion::completed_report()).await;
        let (s, again) = send(build()).await;
        assert_eq!(s, 201, "{again}");
        let listed: Vec<(String, bool)> = again["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{again}"))
            .iter()
            .map(|i| (i["passport_id"].as_str().unwrap().to_owned(), i["continuing"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            listed,
            [(ids[0].clone(), true), (ids[2].clone(), false)],
            "[{}] the project in implementation once, as continuing; the completed one never",
            app.backend
        );
    }
}

#[tokio::test]
async fn a_measure_with_facts_stays_in_the_programme() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let (s, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&programme())).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_str().unwrap().to_owned();
        let fact = json!({"measure": "1.2", "year": 2027, "amount": "25100.00", "narrative": "Придбано обладнання"});
        let (s, _) = send(app.req(Method::POST, &format!("/api/v1/programmes/{id}/facts"), &pim).json(&fact)).await;
        assert!((200..300).contains(&s), "{s}");
        let report = || app.req(Method::GET, &format!("/api/v1/programmes/{id}/report?year=2027"), &pim);
        let (_, before) = send(report()).await;
        let mut amended = programme();
        amended["sections"][0]["measures"].as_array_mut().unwrap().remove(1);
        let put = |body: &Value| {
            app.req(Method::PUT, &format!("/api/v1/programmes/{id}"), &pim)
                .if_match(1)
                .header("Accept-Language", "uk")
                .json(body)
        };
        let (s, p) = send(put(&amended)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("measure_has_facts")), "[{}] {p}", app.backend);
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("захід 1.2"), "{p}");
        let mut shorter = programme();
        shorter["period_start"] = json!(2028);
        shorter["period_end"] = json!(2029);
        for section in shorter["sections"].as_array_mut().unwrap() {
            for m in section["measures"].as_array_mut().unwrap() {
                m["planned"] = json!([]);
            }
        }
        let (s, p) = send(put(&shorter)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("year_has_facts")), "{p}");
        let (_, after) = send(report()).await;
        assert_eq!(after["total"], before["total"], "the fact still counts: nothing changed");
        let mut renamed = programme();
        renamed["sections"][0]["measures"][1]["text"] = json!("Обладнання для шкіл");
        assert_eq!(send(put(&renamed)).await.0, 200, "a measure with facts may still be amended");
    }
}
