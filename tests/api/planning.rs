//! From evaluated projects to an approved portfolio and an approved plan,
//! with the council's return, amendments, diffs, scenarios and exports — all
//! through HTTP.

use crate::common::*;
use portfel_domain::{Role, Status};
use portfel_planning::council::{DocumentStatus, PortfolioDiff};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// A complete passport whose 2028 construction costs `million` million UAH.
fn body(goal: uuid::Uuid, n: usize, million: i64) -> Value {
    let mut b = complete_passport(goal);
    b["title"]["uk"] = json!(format!("Проєкт {n}"));
    b["costs"][1]["amount"] = json!(format!("{}.00", million * 1_000_000));
    b["financing"][1]["amount"] = json!(format!("{}.00", million * 200_000));
    b["financing"][2]["amount"] = json!(format!("{}.00", million * 800_000));
    b
}

#[tokio::test]
async fn portfolio_and_plan_through_the_council() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (admin, pim) = (app.admin(), w.pim(&app));
        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        let bodies: Vec<Value> = (0..5).map(|i| body(w.goal, i, 4 + i as i64)).collect();
        let (rid, ids) = closed_round(&app, &w, &bodies).await;

        // A continuing project, already in implementation.
        let (cont, mut v) = create_passport(&app, &w.initiator_a(&app), &body(w.goal, 9, 3)).await;
        for to in
            ["submitted", "screening", "under_evaluation", "evaluated", "in_portfolio", "in_plan", "implementation"]
        {
            let (s, nv, p) = transition(&app, &admin, &cont, v, to, None).await;
            assert_eq!(s, 200, "{to}: {p}");
            v = nv.unwrap();
        }

        // Build the portfolio: continuing apart, then by rank.
        let (pim_caller, council_caller) = (app.caller(pim.clone()), app.caller(council.clone()));
        let draft = pim_caller.build_portfolio(&rid, "0").await.unwrap_or_else(|r| panic!("[{}] {r:?}", app.backend));
        let items = &draft.content.items;
        assert_eq!(items.len(), 6);
        assert_eq!((items[0].passport_id.to_string(), items[0].continuing, items[0].rank), (cont.clone(), true, None));
        let scores: Vec<Decimal> = items[1..].iter().map(|i| i.score.unwrap()).collect();
        assert!(scores.windows(2).all(|p| p[0] >= p[1]), "{scores:?}");
        assert_eq!(items[1..].iter().map(|i| i.rank.unwrap()).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
        let third = items[3].score.unwrap().to_string();
        let top = items[1].passport_id.to_string();
        let pid = draft.workflow.id.to_string();

        // Rebuild with a threshold, submit, the council returns it, fix, resubmit, approve.
        let rebuilt = pim_caller.rebuild_portfolio(&draft, &third).await.unwrap();
        assert!(
            rebuilt.content.items.iter().filter(|i| !i.continuing).all(|i| i.score.unwrap() >= third.parse().unwrap())
        );
        let submitted = pim_caller.submit_portfolio(&rebuilt).await.unwrap();
        assert_eq!(
            pim_caller.rebuild_portfolio(&submitted, "0").await.unwrap_err().status,
            409,
            "submitted versions cannot change"
        );
        let returned =
            council_caller.return_portfolio(&submitted, "Включіть усі проєкти, що пройшли оцінювання").await.unwrap();
        assert_eq!((returned.workflow.status, returned.workflow.comment.is_some()), (DocumentStatus::Returned, true));
        let fixed = pim_caller.rebuild_portfolio(&returned, "0").await.unwrap();
        let resubmitted = pim_caller.submit_portfolio(&fixed).await.unwrap();
        let refused = pim_caller.approve_portfolio(&resubmitted, "7/2026", "2026-11-20").await.unwrap_err();
        assert_eq!(refused.status, 403, "only the council approves");
        let approved = council_caller.approve_portfolio(&resubmitted, "7/2026", "2026-11-20").await.unwrap();
        assert_eq!(
            (approved.workflow.status, approved.workflow.decision.as_ref().map(|d| d.number.as_str())),
            (DocumentStatus::Approved, Some("7/2026"))
        );
        for id in &ids {
            assert_eq!(pim_caller.passport(id.parse().unwrap()).await.unwrap().status, Status::InPortfolio);
        }
        assert_eq!(
            pim_caller.rebuild_portfolio(&approved, "0").await.unwrap_err().status,
            409,
            "approved versions are frozen"
        );

        // An amendment is a new version; the diff shows what changed.
        let mut threshold = approved.content.clone();
        threshold.min_score = third.parse().unwrap();
        let amended = pim_caller.amend_portfolio(&approved, &threshold).await.unwrap();
        assert_eq!((amended.workflow.number, amended.workflow.previous_id), (2, Some(approved.workflow.id)));
        let diff: PortfolioDiff = council_caller
            .call(Method::GET, &format!("/api/v1/portfolios/{pid}/diff/{}", amended.workflow.id), None, None)
            .await
            .unwrap();
        assert!(diff.added.is_empty());
        assert!(!diff.removed.is_empty(), "{diff:?}");

        // The plan: 2027 has room for the continuing project and two new ones; the rest shift to 2028.
        let request = json!({
            "portfolio_id": pid, "first_year": 2027, "last_year": 2029, "builder": "optimal", "start_window": 1,
            "ceilings": {"total": {"2027": "1600000.00", "2028": "60000000.00", "2029": "60000000.00"},
                          "by_source": {"2029/stateSubsidies": "12000000.00"}}
        });
        let (s, plan) = send(app.req(Method::POST, "/api/v1/plans", &pim).json(&request.clone())).await;
        assert_eq!(s, 201, "[{}] {plan}", app.backend);
        let plan_id = plan["id"].as_str().unwrap().to_owned();
        let result = &plan["result"];
        assert!(
            result["usage"].as_array().unwrap().iter().all(|u| !u["remaining"].as_str().unwrap().starts_with('-')),
            "{result}"
        );
        assert!(
            result["excluded"].as_array().unwrap().iter().all(|e| e["code"].is_string() && e["reason"].is_string())
        );
        let included = result["included"].as_array().unwrap();
        assert!(included.iter().any(|i| i["id"] == cont.as_str() && i["continuing"] == true));
        assert!(included.iter().any(|i| i["start_year"] == 2028), "some projects start a year later: {result}");
        assert_eq!(result["optimal"], true);
        // A hromada's programme is microlp's in every build (HiGHS takes large ones).
        assert_eq!(result["solver"], "microlp", "the plan says which solver built it");
        let (s, p) = send(app.req(Method::POST, "/api/v1/plans", &pim).json(&json!({"portfolio_id": amended.workflow.id, "first_year": 2027, "last_year": 2029, "builder": "optimal", "ceilings": {"total": {}}}))).await;
        assert_eq!(
            (s, problem_fields(&p)),
            (422, vec!["portfolio_id".to_owned()]),
            "a draft portfolio cannot feed a plan"
        );
        // Years beyond any budget (found by fuzzing: their difference overflowed) are named, not built.
        let far = json!({"portfolio_id": pid, "first_year": -5_878_606, "last_year": i32::MAX, "builder": "rank_order", "ceilings": {"total": {}}});
        let (s, p) = send(app.req(Method::POST, "/api/v1/plans", &pim).json(&far)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["first_year".to_owned(), "last_year".to_owned()]), "{p}");

        // Scenarios: both builders side by side, and a variant forcing the top project out.
        // Another approved methodology: only the social-environmental index counts.
        let (_, methodologies) = send(app.req(Method::GET, "/api/v1/methodologies", &pim)).await;
        let copy = format!("/api/v1/methodologies/{}/versions", methodologies[0]["id"].as_str().unwrap());
        let (_, m2) = send(app.req(Method::POST, &copy, &pim)).await;
        let mut definition = m2["definition"].clone();
        definition["groups"][0]["weight"] = json!("1");
        definition["groups"][1]["weight"] = json!("0");
        let m2_id = m2["id"].as_str().unwrap();
        let (s, _) =
            send(app.req(Method::PUT, &format!("/api/v1/methodologies/{m2_id}"), &pim).if_match(1).json(&definition))
                .await;
        assert_eq!(s, 200);
        let (s, _) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{m2_id}/approve"), &pim).if_match(2)).await;
        assert_eq!(s, 200);
        let variants = json!([
            {"name": "без першого", "constraints": {"forced_out": [top]}},
            {"name": "лише соціальний індекс", "methodology_id": m2_id}
        ]);
        let scenario = json!({"base": request, "variants": variants});
        let (s, sc) = send(app.req(Method::POST, "/api/v1/plans/scenarios", &council).json(&scenario)).await;
        assert_eq!(s, 200, "{sc}");
        assert_eq!(sc.as_array().unwrap().len(), 3);
        assert_eq!(sc[2]["name"], "лише соціальний індекс");
        assert_ne!(
            sc[2]["optimal"]["objective_value"], sc[0]["optimal"]["objective_value"],
            "other weights, other scores"
        );
        for v in sc.as_array().unwrap() {
            let (ro, op) = (
                v["rank_order"]["objective_value"].as_str().unwrap().parse::<f64>().unwrap(),
                v["optimal"]["objective_value"].as_str().unwrap().parse::<f64>().unwrap(),
            );
            assert!(op >= ro, "{v}");
        }
        assert!(
            sc[1]["optimal"]["excluded"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["id"] == top && e["code"] == "forced_out")
        );

        // Council approval moves the new projects to in_plan.
        let (s, _) = send(app.req(Method::POST, &format!("/api/v1/plans/{plan_id}/submit"), &pim).if_match(1)).await;
        assert_eq!(s, 200);
        let (s, plan) = send(
            app.req(Method::POST, &format!("/api/v1/plans/{plan_id}/approve"), &council)
                .if_match(2)
                .json(&json!({"number": "9/2026", "date": "2026-11-27"})),
        )
        .await;
        assert_eq!(s, 200, "{plan}");
        for i in plan["result"]["included"].as_array().unwrap().iter().filter(|i| i["continuing"] == false) {
            let (_, p) =
                send(app.req(Method::GET, &format!("/api/v1/passports/{}", i["id"].as_str().unwrap()), &pim)).await;
            assert_eq!(p["status"], "in_plan");
        }

        // Exports.
        let response =
            app.req(Method::GET, &format!("/api/v1/plans/{plan_id}/export?format=csv"), &council).send().await.unwrap();
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = response.text().await.unwrap();
        let header = csv.lines().next().unwrap();
        assert!(header.contains("Джерело фінансування") && header.contains("2027, тис. грн"), "{header}");
        let last = csv.lines().last().unwrap();
        assert!(last.contains("Усього"), "{last}");
        let grand: f64 = last.split(';').next_back().unwrap().replace(',', ".").parse().unwrap();
        let planned: f64 = plan["result"]["total_allocated"].as_str().unwrap().parse::<f64>().unwrap() / 1000.0;
        assert!((grand - planned).abs() < 0.01, "{grand} vs {planned}");
        let xlsx = app
            .req(Method::GET, &format!("/api/v1/plans/{plan_id}/export?format=xlsx"), &council)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(&xlsx[..2], b"PK");
        let response = app
            .req(Method::GET, &format!("/api/v1/portfolios/{pid}/export?format=csv"), &w.initiator_a(&app))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "approved portfolios are open to every role");
        assert!(response.text().await.unwrap().contains("Вартість, тис. грн"));
        // Open data needs no token; drafts are not published.
        let open = app.client.get(format!("{}/open-data/plans/{plan_id}", app.base)).send().await.unwrap();
        let (s, records) = read(open).await;
        assert_eq!(s, 200);
        assert!(
            records.as_array().unwrap().iter().all(|r| r["decision_number"] == "9/2026" && r["amount_uah"].is_string())
        );
        let sum: f64 = records
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| (2027..=2029).contains(&r["year"].as_i64().unwrap()))
            .map(|r| r["amount_uah"].as_str().unwrap().parse::<f64>().unwrap())
            .sum();
        assert!((sum / 1000.0 - planned).abs() < 0.01);
        let open_csv = app
            .client
            .get(format!("{}/open-data/plans/{plan_id}?format=csv", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(open_csv.starts_with("plan_number,decision_number,decision_date,project_id"));
        let (s, _) = send(app.req(Method::POST, &format!("/api/v1/plans/{plan_id}/amendments"), &pim).json(&json!({"portfolio_id": pid, "first_year": 2027, "last_year": 2029, "builder": "rank_order", "ceilings": {"total": {"2027": "1600000.00"}}}))).await;
        assert_eq!(s, 201);
        let (_, plans) = send(app.req(Method::GET, "/api/v1/plans", &pim)).await;
        let draft = plans.as_array().unwrap().iter().find(|p| p["status"] == "draft").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (s, _) = send(app.client.get(format!("{}/open-data/plans/{draft}", app.base))).await;
        assert_eq!(s, 404);
        // Approving the amendment supersedes the first version: one version is in force.
        let (s, _) = send(app.req(Method::POST, &format!("/api/v1/plans/{draft}/submit"), &pim).if_match(1)).await;
        assert_eq!(s, 200);
        let decision = json!({"number": "11/2027", "date": "2026-11-28"});
        let approve = format!("/api/v1/plans/{draft}/approve");
        let (s, p) = send(app.req(Method::POST, &approve, &council).if_match(2).json(&decision)).await;
        assert_eq!((s, p["status"].as_str()), (200, Some("approved")), "{p}");
        let (_, first) = send(app.req(Method::GET, &format!("/api/v1/plans/{plan_id}"), &council)).await;
        assert_eq!(first["status"], "superseded", "{first}");
        assert_eq!(first["decision"]["number"], "9/2026", "the record of the first decision stays");
        let (_, plans) = send(app.req(Method::GET, "/api/v1/plans", &pim)).await;
        let in_force: Vec<_> = plans.as_array().unwrap().iter().filter(|p| p["status"] == "approved").collect();
        assert_eq!(in_force.len(), 1);
        assert_eq!(in_force[0]["id"], draft.as_str());
        let (s, _) = send(
            app.req(Method::PUT, &format!("/api/v1/plans/{plan_id}"), &pim)
                .if_match(first["version"].as_i64().unwrap())
                .json(&request),
        )
        .await;
        assert_eq!(s, 409, "a superseded version stays frozen");
    }
}
