//! The end of the cycle over HTTP, on SQLite and PostgreSQL: the completion
//! report (roles, workflow, hand-checked figures, the project closed only by
//! an accepted report), the ex-post evaluation (experts named, sign-off,
//! immutability after it, due dates and overdue ones in the tasks), the
//! initiator's track record, and the conclusion as DOCX read back by LibreOffice.

use portfel_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::office::{self, plain};
use crate::common::*;
use crate::monitoring::in_implementation;

/// The lyceum's repair (planned 2027–2028, 10 000 000 UAH, O&M 150 000 a
/// year) as it went: 9 500 000 spent (−5 %), ended 30 days late, 760 of 800
/// pupils served (0.95), no heating failures kept at zero (1), upkeep 140 000.
pub fn completed_report() -> Value {
    json!({
        "outcome": "completed", "actual_start": "2027-03-01", "actual_end": "2029-01-30",
        "costs": [
            {"year": 2027, "item": "design", "source": "localBudget", "amount": "480000.00"},
            {"year": 2028, "item": "construction", "source": "localBudget", "amount": "1400000.00"},
            {"year": 2028, "item": "construction", "source": "stateSubsidies", "amount": "7620000.00"}
        ],
        "indicators": [
            {"name": "Кількість отримувачів послуг", "unit": "осіб", "baseline": "0", "target": "800", "actual": "760"},
            {"name": "Аварії системи опалення", "unit": "од.", "baseline": "0", "target": "0", "actual": "0"}
        ],
        "handover": {"balance_holder": {"name": "Управління освіти", "edrpou": "40000001"},
            "act_number": "17", "act_date": "2029-02-05", "value": "9500000.00"},
        "upkeep": {"cost_per_year": "140000.00", "source": "localBudget", "arranged_by": "Програма утримання закладів освіти"}
    })
}

/// Writes, submits and accepts the completion report `body` of project `id`;
/// the project is then closed in the state its outcome names.
pub async fn closed_by_report(app: &TestApp, w: &World, id: &str, body: &Value) -> String {
    let (ini, pim) = (w.initiator_a(app), w.pim(app));
    let (s, r) = send(app.req(Method::POST, &format!("/api/v1/passports/{id}/completion"), &ini).json(body)).await;
    assert_eq!(s, 201, "[{}] {r}", app.backend);
    let cid = r["id"].as_str().unwrap().to_owned();
    let (s, _) = send(app.req(Method::POST, &format!("/api/v1/completions/{cid}/submit"), &ini).if_match(1)).await;
    assert_eq!(s, 200);
    let (s, r) = send(app.req(Method::POST, &format!("/api/v1/completions/{cid}/accept"), &pim).if_match(2)).await;
    assert_eq!(s, 200, "{r}");
    cid
}

async fn passport_status(app: &TestApp, token: &str, id: &str) -> (String, i32) {
    let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), token)).await;
    (p["status"].as_str().unwrap().to_owned(), p["version"].as_i64().unwrap() as i32)
}

#[tokio::test]
async fn a_project_closes_only_with_its_accepted_completion_report() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, other, pim) = (w.initiator_a(&app), w.initiator_b(&app), w.pim(&app));
        let id = in_implementation(&app, &w).await;
        let path = format!("/api/v1/passports/{id}/completion");
        let (s, r) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}/closing"), &pim)).await;
        assert_eq!((s, r), (200, json!({"completion": null, "evaluation": null})), "nothing written yet is no error");

        let (_, v) = passport_status(&app, &pim, &id).await;
        let (s, _, p) = transition(&app, &pim, &id, v, "completed", None).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("completion_required")), "[{}] {p}", app.backend);
        let (s, _, p) = transition(&app, &pim, &id, v, "cancelled", Some("Немає коштів")).await;
        assert_eq!(s, 409, "stopping it needs the report too: {p}");

        let (s, _) = send(app.req(Method::POST, &path, &other).json(&completed_report())).await;
        assert_eq!(s, 403, "another organisation's project");
        let (s, _) = send(app.req(Method::POST, &path, &pim).json(&completed_report())).await;
        assert_eq!(s, 403, "the PIM unit checks the report, it does not write it");
        let mut bad = completed_report();
        bad["costs"][0]["source"] = json!("lottery");
        bad["costs"][1]["amount"] = json!("-1.00");
        bad["actual_end"] = json!("2026-01-01");
        let (s, p) = send(app.req(Method::POST, &path, &ini).json(&bad)).await;
        assert_eq!(
            (s, problem_fields(&p)),
            (422, vec!["actual_end".into(), "costs[0].source".into(), "costs[1].amount".into()]),
            "{p}"
        );

        let (s, v, r) = send_tagged(app.req(Method::POST, &path, &ini).json(&completed_report())).await;
        assert_eq!((s, v, r["status"].as_str()), (201, Some(1), Some("draft")), "{r}");
        let cid = r["id"].as_str().unwrap().to_owned();
        let f = &r["figures"];
        assert_eq!(
            (f["cost"]["planned"].as_str(), f["cost"]["actual"].as_str()),
            (Some("10000000.00"), Some("9500000.00"))
        );
        assert_eq!(
            (f["cost"]["difference"].as_str(), f["cost"]["ratio"].as_str()),
            (Some("-500000.00"), Some("-0.05"))
        );
        let by_source: Vec<(&str, &str)> = f["by_source"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["key"].as_str().unwrap(), s["difference"].as_str().unwrap()))
            .collect();
        assert_eq!(by_source, [("localBudget", "-120000.00"), ("stateSubsidies", "-380000.00")]);
        assert_eq!(f["schedule"]["end_delay_days"], 30);
        let achieved: Vec<&str> =
            f["indicators"].as_array().unwrap().iter().map(|i| i["achievement"].as_str().unwrap()).collect();
        assert_eq!(achieved, ["0.95", "1"], "a target of zero kept is achieved in full");
        assert_eq!(
            (f["mean_achievement"].as_str(), f["upkeep"]["difference"].as_str()),
            (Some("0.975"), Some("-10000.00"))
        );
        let (s, _) = send(app.req(Method::POST, &path, &ini).json(&completed_report())).await;
        assert_eq!(s, 409, "a project has one completion report");

        let step = |action: &str, token: &str, version: i32| {
            app.req(Method::POST, &format!("/api/v1/completions/{cid}/{action}"), token).if_match(version)
        };
        let (s, _) = send(step("accept", &pim, 1)).await;
        assert_eq!(s, 409, "a draft is not accepted");
        send(step("submit", &ini, 1)).await;
        let (s, _) = send(step("accept", &ini, 2)).await;
        assert_eq!(s, 403, "initiators do not accept their own report");
        let (s, r) =
            send(step("return", &pim, 2).json(&json!({"reason": "Додайте акт введення в експлуатацію"}))).await;
        assert_eq!((s, r["status"].as_str()), (200, Some("returned")));
        assert_eq!(passport_status(&app, &pim, &id).await.0, "implementation", "a returned report closes nothing");
        let mut fixed = completed_report();
        fixed["documents"] = json!([{"title": "Акт введення в експлуатацію", "url": "https://example.gov.ua/akt.pdf"}]);
        let (s, r) =
            send(app.req(Method::PUT, &format!("/api/v1/completions/{cid}"), &ini).if_match(3).json(&fixed)).await;
        assert_eq!((s, r["version"].as_i64()), (200, Some(4)), "{r}");
        send(step("submit", &ini, 4)).await;
        let (s, r) = send(step("accept", &pim, 5)).await;
        assert_eq!((s, r["status"].as_str(), r["decided_by"].as_str()), (200, Some("accepted"), Some("pim")), "{r}");
        assert_eq!(passport_status(&app, &pim, &id).await.0, "completed", "accepting the report closed the project");
        let (s, _) =
            send(app.req(Method::PUT, &format!("/api/v1/completions/{cid}"), &ini).if_match(6).json(&fixed)).await;
        assert_eq!(s, 409, "an accepted report never changes");

        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        let closing = format!("/api/v1/passports/{id}/closing");
        let (s, r) = send(app.req(Method::GET, &closing, &council)).await;
        assert_eq!((s, r["completion"]["documents"][0]["title"].as_str()), (200, Some("Акт введення в експлуатацію")));
        assert!(r["evaluation"].is_null(), "not begun: {r}");
        let (s, _) = send(app.req(Method::GET, &closing, &other)).await;
        assert_eq!(s, 403, "nor does another organisation read it");

        let (s, summary) = send(app.req(Method::GET, "/api/v1/monitoring/summary", &pim)).await;
        assert_eq!(s, 200);
        let line = summary["projects"].as_array().unwrap().iter().find(|p| p["id"] == id.as_str()).unwrap();
        assert_eq!(
            (
                line["result"]["completion"].as_str(),
                line["result"]["cost_ratio"].as_str(),
                line["result"]["evaluation"].as_str()
            ),
            (Some("accepted"), Some("-0.05"), None),
            "the monitoring summary tells how the project ended: {line}"
        );

        // A project stopped in implementation says what was spent and what remains.
        let stopped = in_implementation(&app, &w).await;
        let mut cancelled = completed_report();
        cancelled["outcome"] = json!("cancelled");
        cancelled["actual_end"] = json!("2028-05-15");
        let (s, p) =
            send(app.req(Method::POST, &format!("/api/v1/passports/{stopped}/completion"), &ini).json(&cancelled))
                .await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["remaining".into()]), "{p}");
        cancelled["remaining"] = json!("Не виконано заміну покрівлі; об'єкт законсервовано");
        closed_by_report(&app, &w, &stopped, &cancelled).await;
        assert_eq!(passport_status(&app, &pim, &stopped).await.0, "cancelled");
    }
}

/// A closed project whose works ended long ago: its evaluation is overdue.
/// A new version of the default methodology whose FE5 (effective weight
/// 0.05) reads the initiator's record: indicators achieved up to 0.9 earn
/// 0.3, above 1, and an initiator with no completed project 0.5; approved.
async fn methodology_reading_records(app: &TestApp, pim: &str) -> uuid::Uuid {
    let (_, list) = send(app.req(Method::GET, "/api/v1/methodologies", pim)).await;
    let default_id = list[0]["id"].as_str().unwrap().to_owned();
    let (s, draft) = send(app.req(Method::POST, &format!("/api/v1/methodologies/{default_id}/versions"), pim)).await;
    assert_eq!(s, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    let mut definition = draft["definition"].clone();
    let fe5 =
        definition["groups"][1]["criteria"].as_array_mut().unwrap().iter_mut().find(|c| c["code"] == "FE5").unwrap();
    *fe5 = json!({"code": "FE5", "name": "Результати попередніх проєктів ініціатора", "weight": fe5["weight"].clone(),
        "kind": "computed", "formula": "initiator_achievement", "undefined_points": "0.5",
        "bands": [{"up_to": "0.9", "points": "0.3"}, {"up_to": null, "points": "1"}]});
    let (s, r) =
        send(app.req(Method::PUT, &format!("/api/v1/methodologies/{id}"), pim).if_match(1).json(&definition)).await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = send(app.req(Method::POST, &format!("/api/v1/methodologies/{id}/approve"), pim).if_match(2)).await;
    assert_eq!(s, 200, "{r}");
    id.parse().unwrap()
}

#[tokio::test]
async fn a_methodology_scores_the_initiators_record_and_the_round_freezes_it() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        // Organisation A has completed the lyceum: 0.95 and 1 achieved, 0.975 on average; B nothing yet.
        let id = in_implementation(&app, &w).await;
        closed_by_report(&app, &w, &id, &completed_report()).await;
        let methodology = methodology_reading_records(&app, &pim).await;
        let passports =
            [(w.initiator_a(&app), complete_passport(w.goal)), (w.initiator_b(&app), complete_passport(w.goal))];
        let (rid, ids) = closed_round_under(&app, &w, methodology, &passports).await;
        let (s, results) = send(app.req(Method::GET, &format!("/api/v1/rounds/{rid}/results"), &pim)).await;
        assert_eq!(s, 200, "{results}");
        let fe5 = |passport: &str| {
            let e = results["evaluations"].as_array().unwrap().iter().find(|e| e["id"] == passport).unwrap();
            e["criteria"].as_array().unwrap().iter().find(|c| c["code"] == "FE5").unwrap().clone()
        };
        let (a, b) = (fe5(&ids[0]), fe5(&ids[1]));
        // A: 0.975 lies above 0.9 → 1 × 0.05 × 100 = 5 points; B has no value → 0.5 → 2.5.
        let number = |v: &Value| v.as_str().map(|s| s.parse::<rust_decimal::Decimal>().unwrap());
        assert_eq!(number(&a["value"]), Some("0.975".parse().unwrap()), "[{}] {a}", app.backend);
        assert_eq!((number(&a["normalised"]), number(&a["points"])), (Some(1.into()), Some(5.into())));
        assert_eq!(b["value"], Value::Null);
        assert_eq!(number(&b["points"]), Some("2.5".parse().unwrap()), "{b}");
        // The round keeps the record as it was at the close: A's next project, serving half its pupils
        // (0.5 and 1: 0.75), lowers A's record to 0.8625, and the results stay as they were.
        let next = in_implementation(&app, &w).await;
        let mut half = completed_report();
        half["indicators"][0]["actual"] = json!("400");
        closed_by_report(&app, &w, &next, &half).await;
        let (_, record) =
            send(app.req(Method::GET, &format!("/api/v1/organisations/{}/track-record", w.org_a), &pim)).await;
        assert_eq!(
            (number(&record["mean_achievement"]), record["completed"].as_i64()),
            (Some("0.8625".parse().unwrap()), Some(2))
        );
        let (s, again) = send(app.req(Method::GET, &format!("/api/v1/rounds/{rid}/results"), &pim)).await;
        assert_eq!((s, &again), (200, &results));
    }
}

#[tokio::test]
async fn the_annual_programme_report_says_how_its_projects_ended() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let id = in_implementation(&app, &w).await;
        closed_by_report(&app, &w, &id, &completed_report()).await;
        let mut body = crate::monitoring::programme();
        body["sections"][0]["measures"][0]["passport_ids"] = json!([id]);
        let (s, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&body)).await;
        assert_eq!(s, 201, "[{}] {p}", app.backend);
        let pid = p["id"].as_str().unwrap().to_owned();
        let (s, _) = send(
            app.req(Method::POST, &format!("/api/v1/programmes/{pid}/facts"), &pim)
                .json(&json!({"measure": "1.1", "year": 2027, "amount": "99950.00", "narrative": "Замінено вікна"})),
        )
        .await;
        assert_eq!(s, 200);
        let url = |format: &str| format!("/api/v1/programmes/{pid}/report?year=2027{format}");
        let (s, r) = send(app.req(Method::GET, &url(""), &pim)).await;
        assert_eq!(s, 200, "{r}");
        let said = "«Капітальний ремонт ліцею №3»: завершено (звіт прийнято)";
        assert_eq!(r["sections"][0]["rows"][0]["results"], json!([said]), "{r}");
        assert_eq!(r["sections"][0]["rows"][1]["results"], json!([]));
        let csv = app.req(Method::GET, &url("&format=csv"), &pim).send().await.unwrap().text().await.unwrap();
        let record = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .flexible(true)
            .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(Result::unwrap)
            .find(|r| r.get(0) == Some("1.1"))
            .expect("measure 1.1");
        assert_eq!(record.get(2), Some(format!("Замінено вікна\n{said}").as_str()));
    }
}

fn long_ago() -> Value {
    let mut r = completed_report();
    r["actual_start"] = json!("2024-03-01");
    r["actual_end"] = json!("2025-06-30");
    r
}

fn judged(rating: &str) -> Value {
    let sections: Vec<Value> = ["efficiency", "effectiveness", "economic", "social", "environmental"]
        .iter()
        .map(|k| json!({"key": k, "rating": rating, "judgement": format!("Розділ {k}: результати відповідають концепції"), "evidence": "Акт № 17"}))
        .collect();
    json!({"sections": sections, "overall": rating, "conclusion": "Проєкт досяг цілей концепції з економією коштів.",
        "lessons": ["Закладати резерв часу на опалювальний сезон"], "experts": ["exp1"]})
}

#[tokio::test]
async fn the_evaluation_is_written_with_named_experts_and_frozen_once_signed() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let (exp1, exp2) =
            (app.token("exp1", Some(w.pim_org), &[Role::Expert]), app.token("exp2", Some(w.pim_org), &[Role::Expert]));
        let open = in_implementation(&app, &w).await;
        let (s, p) = send(app.req(Method::POST, &format!("/api/v1/passports/{open}/evaluation"), &pim)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("not_closed")), "{p}");

        let id = in_implementation(&app, &w).await;
        closed_by_report(&app, &w, &id, &completed_report()).await;
        let late = in_implementation(&app, &w).await;
        closed_by_report(&app, &w, &late, &long_ago()).await;

        // The PIM unit's tasks show both evaluations due, the old one overdue.
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &pim)).await;
        let due: Vec<(&str, &str, bool)> = tasks
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == "evaluate_project")
            .map(|t| (t["subject_id"].as_str().unwrap(), t["due"].as_str().unwrap(), t["overdue"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            due,
            [(late.as_str(), "2026-06-30", true), (id.as_str(), "2030-01-30", false)],
            "[{}] {tasks}",
            app.backend
        );

        let path = format!("/api/v1/passports/{id}/evaluation");
        let (s, _) = send(app.req(Method::POST, &path, &ini)).await;
        assert_eq!(s, 403, "the PIM unit evaluates");
        let (s, v, e) = send_tagged(app.req(Method::POST, &path, &pim)).await;
        assert_eq!(
            (s, v, e["status"].as_str(), e["due"].as_str()),
            (201, Some(1), Some("draft"), Some("2030-01-30")),
            "{e}"
        );
        let eid = e["id"].as_str().unwrap().to_owned();
        let suggested: Vec<(&str, &str)> = e["suggested"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["key"].as_str().unwrap(), s["rating"].as_str().unwrap()))
            .collect();
        assert_eq!(suggested, [("efficiency", "high"), ("effectiveness", "high")], "under cost, 97.5 % achieved");
        assert_eq!(e["sections"].as_array().unwrap().len(), 5);
        let (s, _) = send(app.req(Method::POST, &path, &pim)).await;
        assert_eq!(s, 409, "one evaluation per project");

        let at = format!("/api/v1/evaluations/{eid}");
        let (s, _) = send(app.req(Method::GET, &at, &exp1)).await;
        assert_eq!(s, 403, "an expert not named reads nothing");
        let mut draft = judged("satisfactory");
        draft["sections"][4]["rating"] = Value::Null;
        let (s, r) = send(app.req(Method::PUT, &at, &pim).if_match(1).json(&draft)).await;
        assert_eq!(s, 200, "{r}");
        let (s, r) = send(app.req(Method::GET, &at, &exp1)).await;
        assert_eq!((s, r["experts"][0].as_str()), (200, Some("exp1")), "the named expert reads it");
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &exp1)).await;
        let joined: Vec<&str> = tasks
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == "join_evaluation")
            .map(|t| t["subject_id"].as_str().unwrap())
            .collect();
        assert_eq!(joined, [eid.as_str()], "and finds it among its tasks: {tasks}");
        let (s, _) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &exp1)).await;
        assert_eq!(s, 200, "and the passport it judges");
        let (s, _) = send(app.req(Method::GET, &at, &exp2)).await;
        assert_eq!(s, 403);
        let mut widened = draft.clone();
        widened["experts"] = json!(["exp1", "exp2"]);
        let (s, p) = send(app.req(Method::PUT, &at, &exp1).if_match(2).json(&widened)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (422, Some("experts_changed")), "{p}");
        draft["sections"][0]["evidence"] = json!("Акт № 17; звіт про енергоаудит");
        let (s, r) = send(app.req(Method::PUT, &at, &exp1).if_match(2).json(&draft)).await;
        assert_eq!((s, r["sections"][0]["evidence"].as_str()), (200, Some("Акт № 17; звіт про енергоаудит")), "{r}");
        let mut unknown = draft.clone();
        unknown["sections"][0]["key"] = json!("beauty");
        let (s, p) = send(app.req(Method::PUT, &at, &pim).if_match(3).json(&unknown)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (422, Some("unknown_section")));

        let sign = |version: i32| app.req(Method::POST, &format!("{at}/sign-off"), &pim).if_match(version);
        let (s, p) = send(sign(3)).await;
        assert_eq!(
            (s, problem_fields(&p)),
            (422, vec!["sections[4]".into()]),
            "the environmental section is unrated: {p}"
        );
        let (s, _) = send(app.req(Method::POST, &format!("{at}/sign-off"), &exp1).if_match(3)).await;
        assert_eq!(s, 403, "experts do not sign off");
        send(app.req(Method::PUT, &at, &pim).if_match(3).json(&judged("high"))).await;
        let (s, r) = send(sign(4)).await;
        assert_eq!(
            (s, r["status"].as_str(), r["signed_by"].as_str(), r["overall"].as_str()),
            (200, Some("signed_off"), Some("pim"), Some("high")),
            "{r}"
        );
        let (s, p) = send(app.req(Method::PUT, &at, &pim).if_match(5).json(&judged("low"))).await;
        assert_eq!(
            (s, p["errors"][0]["code"].as_str()),
            (409, Some("evaluation_signed")),
            "a signed conclusion is frozen"
        );
        let (s, _) = send(sign(5)).await;
        assert_eq!(s, 409);
        let (s, r) = send(app.req(Method::GET, &at, &ini)).await;
        assert_eq!((s, r["overall"].as_str()), (200, Some("high")), "the initiator reads its project's conclusion");
        let (s, _) = send(app.req(Method::PUT, &at, &ini).if_match(5).json(&judged("high"))).await;
        assert_eq!(s, 403);

        let (_, register) = send(app.req(Method::GET, "/api/v1/evaluations", &pim)).await;
        let rows: Vec<(&str, bool, Option<&str>)> = register
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["passport_id"].as_str().unwrap(), c["overdue"].as_bool().unwrap(), c["status"].as_str()))
            .collect();
        assert_eq!(rows, [(late.as_str(), true, None), (id.as_str(), false, Some("signed_off"))], "{register}");
        let (_, tasks) = send(app.req(Method::GET, "/api/v1/tasks", &pim)).await;
        let left: Vec<&str> = tasks
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == "evaluate_project")
            .map(|t| t["subject_id"].as_str().unwrap())
            .collect();
        assert_eq!(left, [late.as_str()], "a signed-off evaluation leaves the tasks");

        // The initiator's record: two completed projects, −5 % each, 30 days late and on time... as measured.
        let (s, rec) =
            send(app.req(Method::GET, &format!("/api/v1/organisations/{}/track-record", w.org_a), &pim)).await;
        assert_eq!(s, 200, "{rec}");
        assert_eq!((rec["completed"].as_u64(), rec["cancelled"].as_u64()), (Some(2), Some(0)));
        assert_eq!((rec["mean_cost_ratio"].as_str(), rec["mean_achievement"].as_str()), (Some("-0.05"), Some("0.975")));
        // 2029-01-30 is 30 days after the planned end; 2025-06-30 is 1280 days before it: (30 − 1280) / 2.
        assert_eq!(rec["mean_end_delay_days"].as_str(), Some("-625"));
        let (s, _) = send(app.req(
            Method::GET,
            &format!("/api/v1/organisations/{}/track-record", w.org_a),
            &w.initiator_b(&app),
        ))
        .await;
        assert_eq!(s, 403, "another initiator does not read it");
        let (s, _) =
            send(app.req(Method::GET, &format!("/api/v1/organisations/{}/track-record", w.org_a), &exp2)).await;
        assert_eq!(s, 200, "experts see it beside the passports they score");
    }
}

#[tokio::test]
async fn the_conclusion_opens_in_libreoffice_with_its_figures_and_judgements() {
    if !office::available() {
        return;
    }
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let id = in_implementation(&app, &w).await;
        closed_by_report(&app, &w, &id, &completed_report()).await;
        let (_, e) = send(app.req(Method::POST, &format!("/api/v1/passports/{id}/evaluation"), &pim)).await;
        let eid = e["id"].as_str().unwrap().to_owned();
        send(app.req(Method::PUT, &format!("/api/v1/evaluations/{eid}"), &pim).if_match(1).json(&judged("high"))).await;
        let dir = tempfile::tempdir().unwrap();
        let download = || app.req(Method::GET, &format!("/api/v1/evaluations/{eid}/conclusion"), &pim);
        let draft = download().send().await.unwrap().bytes().await.unwrap();
        let text = plain(&office::to_pdf(dir.path(), &format!("draft-{}.docx", app.backend), &draft).text);
        assert!(text.contains("ПРОЄКТ"), "a draft is marked as one: {text}");
        send(app.req(Method::POST, &format!("/api/v1/evaluations/{eid}/sign-off"), &pim).if_match(2)).await;
        let response = download().send().await.unwrap();
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        let converted =
            office::to_pdf(dir.path(), &format!("conclusion-{}.docx", app.backend), &response.bytes().await.unwrap());
        let text = plain(&converted.text);
        for expected in [
            "Висновок за результатами оцінки результативності публічного інвестиційного проєкту",
            "«Капітальний ремонт ліцею №3»",
            "Ініціатор: Управління освіти.",
            "10 000,0",
            "9 500,0",
            "−500,0",
            "−5 %",
            "із запізненням на 30 дн.",
            "95 %",
            "97,5 %",
            "за актом № 17 від 05.02.2029",
            "Ефективність",
            "Вплив на довкілля",
            "Оцінка: висока.",
            "Загальна оцінка результатів проєкту: висока.",
            "Проєкт досяг цілей концепції з економією коштів.",
            "1) Закладати резерв часу на опалювальний сезон",
            "Оцінювання проведено за участі експертів: exp1.",
            "Керівник підрозділу з питань публічних інвестицій",
        ] {
            assert!(text.contains(expected), "[{}] the conclusion says {expected:?}:\n{text}", app.backend);
        }
        assert!(!text.contains("ПРОЄКТ"), "a signed conclusion is not a draft");
        let keep = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("documents");
        std::fs::create_dir_all(&keep).unwrap();
        if let Some(png) = office::first_page_png(&converted.pdf) {
            std::fs::copy(&png, keep.join(png.file_name().unwrap())).unwrap();
        }
    }
}

#[tokio::test]
async fn the_whole_end_of_the_cycle_is_done_from_the_pages() {
    use crate::common::html;
    use crate::web::Browser;
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let id = in_implementation(&app, &w).await;
        let mut ini = Browser::signed_in(&app, "ini-web", w.org_a, &[Role::Initiator]).await;
        let (_, _, page) = ini.get(&format!("/passports/{id}")).await;
        let links: Vec<String> = html::select(&html::parse(&page), "a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        assert!(
            links.contains(&format!("/passports/{id}/completion")),
            "[{}] the passport offers the completion report",
            app.backend
        );
        let (s, _, page) = ini.get(&format!("/passports/{id}/completion")).await;
        assert_eq!(s.as_u16(), 200);
        let mut form = html::form(&page, &format!("/passports/{id}/completion"));
        assert_eq!(
            (
                form.get("actual_start"),
                form.get("actual_end"),
                form.get("indicators[0].target"),
                form.get("costs[1].amount")
            ),
            (Some("2027-01-01"), Some("2028-12-31"), Some("800"), Some("1500000.00")),
            "the form starts from the passport's plan"
        );
        form.set("actual_end", "2029-01-30");
        form.set("indicators[0].actual", "760");
        form.set("indicators[1].actual", "95");
        form.set("costs[0].amount", "abc");
        let (s, _, page) = ini.post(&form.action, &form.pairs()).await;
        assert_eq!(s.as_u16(), 422, "a wrong amount is named on the form");
        let mut form = html::form(&page, &format!("/passports/{id}/completion"));
        assert_eq!(form.get("indicators[0].actual"), Some("760"), "nothing typed is lost");
        form.set("costs[0].amount", "480 000,00");
        let (s, location, _) = ini.post(&form.action, &form.pairs()).await;
        assert_eq!(s.as_u16(), 303, "{location}");
        let (_, _, page) = ini.get(&location).await;
        let cid = location.trim_start_matches("/completions/").to_owned();
        let submit = html::form(&page, &format!("/completions/{cid}/submit"));
        assert_eq!(ini.post(&submit.action, &submit.pairs()).await.0.as_u16(), 303);

        let mut pim = Browser::signed_in(&app, "pim-web", w.pim_org, &[Role::PimUnit]).await;
        let (_, _, page) = pim.get("/tasks").await;
        let links: Vec<String> = html::select(&html::parse(&page), "main a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        assert!(
            links.contains(&format!("/passports/{id}/completion")),
            "the PIM unit's tasks hold the report to check: {links:?}"
        );
        let (_, _, page) = pim.get(&format!("/completions/{cid}")).await;
        let accept = html::form(&page, &format!("/completions/{cid}/accept"));
        assert_eq!(pim.post(&accept.action, &accept.pairs()).await.0.as_u16(), 303);
        let (_, _, page) = pim.get(&format!("/passports/{id}")).await;
        let begin = html::form(&page, &format!("/passports/{id}/evaluation"));
        let (s, location, _) = pim.post(&begin.action, &begin.pairs()).await;
        assert_eq!(s.as_u16(), 303);
        let eid = location.trim_start_matches("/evaluations/").to_owned();
        let (_, _, page) = pim.get(&location).await;
        let mut form = html::form(&page, &location);
        for i in 0..5 {
            form.set(&format!("sections[{i}].rating"), "satisfactory");
            form.set(&format!("sections[{i}].judgement"), "Досягнуто більшість показників");
        }
        form.set("overall", "satisfactory");
        form.set("conclusion", "Проєкт загалом результативний");
        form.set("lessons", "Планувати роботи поза опалювальним сезоном");
        assert_eq!(pim.post(&form.action, &form.pairs()).await.0.as_u16(), 303);
        let (_, _, page) = pim.get(&location).await;
        let sign = html::form(&page, &format!("/evaluations/{eid}/sign-off"));
        assert_eq!(pim.post(&sign.action, &sign.pairs()).await.0.as_u16(), 303);
        let (_, _, page) = pim.get("/evaluations").await;
        let register = html::text(&html::select(&html::parse(&page), "main table").remove(0));
        assert!(register.contains("висновок підписано (задовільна)"), "{register}");
        let (s, _, page) = pim.get(&format!("/evaluations/{eid}/print")).await;
        let printed = html::text(&html::select(&html::parse(&page), "main").remove(0));
        assert_eq!(s.as_u16(), 200);
        for expected in [
            "Висновок за результатами оцінки",
            "Загальна оцінка результатів проєкту: задовільна",
            "Проєкт загалом результативний",
        ] {
            assert!(printed.contains(expected), "the printable conclusion says {expected:?}: {printed}");
        }
        assert!(!printed.contains("ПРОЄКТ"), "a signed conclusion is not marked a draft");
        let (s, _, docx) = pim.get(&format!("/evaluations/{eid}/conclusion.docx")).await;
        assert_eq!((s.as_u16(), docx.starts_with("PK")), (200, true));

        let mut council = Browser::signed_in(&app, "council-web", w.pim_org, &[Role::Council]).await;
        let (_, _, page) = council.get(&format!("/passports/{id}")).await;
        let text = html::text(&html::select(&html::parse(&page), "main").remove(0));
        assert!(text.contains("висновок підписано, оцінка — задовільна"), "the council reads the result: {text}");
        let (_, _, page) = council.get(&format!("/evaluations/{eid}")).await;
        assert!(
            html::select(&html::parse(&page), &format!("form[action=\"/evaluations/{eid}\"] textarea")).is_empty(),
            "read only"
        );
    }
}

#[tokio::test]
async fn the_completion_goes_to_dream_and_comes_back_accepted() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let sync = app.token("dream-sync", None, &[Role::Integration]);
        let id = in_implementation(&app, &w).await;
        closed_by_report(&app, &w, &id, &completed_report()).await;
        let (s, doc) = send(app.req(Method::GET, &format!("/api/v1/dream/export/{id}"), &sync)).await;
        assert_eq!(s, 200, "{doc}");
        let contract = &doc["contractingProcesses"][0]["summary"]["contract"];
        assert_eq!(
            (doc["status"].as_str(), contract["status"].as_str(), contract["period"]["startDate"].as_str()),
            (Some("complete"), Some("complete"), Some("2027-03-01T00:00:00Z")),
            "[{}] {doc}",
            app.backend
        );
        let body = json!({"id": "dream-closed", "document": doc});
        let (s, r) = send(app.req(Method::POST, "/api/v1/dream/import", &sync).json(&body)).await;
        assert_eq!((s, r["outcome"].as_str()), (200, Some("new")), "{r}");
        let copy = r["passport_id"].as_str().unwrap().to_owned();
        let (s, c) = send(app.req(Method::GET, &format!("/api/v1/passports/{copy}/closing"), &pim)).await;
        assert_eq!(s, 200, "{c}");
        let c = &c["completion"];
        assert!(c.is_object(), "the imported project has its completion report: {c}");
        assert_eq!(
            (c["status"].as_str(), c["outcome"].as_str(), c["actual_end"].as_str()),
            (Some("accepted"), Some("completed"), Some("2029-01-30"))
        );
        assert_eq!(
            (c["figures"]["cost"]["actual"].as_str(), c["figures"]["mean_achievement"].as_str()),
            (Some("9500000.00"), Some("0.975"))
        );
        let (s, _) = send(app.req(Method::POST, &format!("/api/v1/passports/{copy}/evaluation"), &pim)).await;
        assert_eq!(s, 201, "and can be evaluated like one closed here");
        let (_, again) = send(app.req(Method::POST, "/api/v1/dream/import", &sync).json(&body)).await;
        assert_eq!(again["outcome"].as_str(), Some("unchanged"), "{again}");
    }
}
