//! An evaluation round end to end through HTTP: 11 projects, 4 experts, the
//! default methodology; screening, assignment with a conflict of interest and
//! a replacement, blind scoring, a disagreement resolved by consensus, a
//! reopened score, closing, results, score cards and sensitivity.

use crate::common::*;
use portfel_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

const EXPERT_CRITERIA: [&str; 5] = ["SE1", "SE2", "SE4", "FE1", "FE6"];

fn scores(values: [i64; 5]) -> Value {
    let list: Vec<Value> = EXPERT_CRITERIA
        .iter()
        .zip(values)
        .map(|(c, v)| json!({"criterion": c, "score": v, "justification": if v == 0 || v == 5 { Some("Обґрунтовано у висновку") } else { None }}))
        .collect();
    Value::Array(list)
}

#[tokio::test]
async fn a_round_from_opening_to_results() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (admin, pim) = (app.admin(), w.pim(&app));
        // Experts: one works for organisation A, three for the PIM unit's organisation.
        let experts = [
            ("exp-a", w.org_a),
            ("exp-1", w.pim_org),
            ("exp-2", w.pim_org),
            ("exp-3", w.pim_org),
            ("exp-4", w.pim_org),
        ];
        for (sub, org) in experts {
            let (s, p) = send(
                app.req(Method::POST, "/api/v1/users", &admin)
                    .json(&json!({"sub": sub, "full_name": sub, "organisation_id": org, "roles": ["expert"]})),
            )
            .await;
            assert_eq!(s, 201, "{p}");
        }
        let token = |sub: &str, org| app.token(sub, Some(org), &[Role::Expert]);

        // 11 submitted passports: 6 of A, 5 of B; the last has outdated design documentation.
        let mut ids = Vec::new();
        for i in 0..11 {
            let (org_token, mut body) = if i < 6 {
                (w.initiator_a(&app), complete_passport(w.goal))
            } else {
                (w.initiator_b(&app), complete_passport(w.goal))
            };
            body["title"]["uk"] = json!(format!("Проєкт №{i}"));
            if i == 10 {
                body["readiness"]["design_documentation"] = json!("outdated");
            }
            let (id, v) = create_passport(&app, &org_token, &body).await;
            let (s, _, p) = transition(&app, &org_token, &id, v, "submitted", None).await;
            assert_eq!(s, 200, "{p}");
            ids.push(id);
        }

        // The seeded default methodology is approved and frozen.
        let (_, list) = send(app.req(Method::GET, "/api/v1/methodologies", &pim)).await;
        let default = &list[0];
        assert_eq!(default["status"], "approved");
        assert!(default["definition"]["name"].as_str().unwrap().contains("не офіційне"));
        let mid = default["id"].as_str().unwrap();
        let (s, _) = send(
            app.req(Method::PUT, &format!("/api/v1/methodologies/{mid}"), &pim)
                .if_match(1)
                .json(&default["definition"].clone()),
        )
        .await;
        assert_eq!(s, 409, "approved methodologies are frozen");

        // Open, add, screen.
        let (s, round) = send(
            app.req(Method::POST, "/api/v1/rounds", &pim)
                .json(&json!({"name": "Оцінювання 2027", "methodology_id": mid, "deadline": "2026-12-15"})),
        )
        .await;
        assert_eq!(s, 201, "{round}");
        let rid = round["id"].as_str().unwrap().to_owned();
        let r = |suffix: &str| format!("/api/v1/rounds/{rid}{suffix}");
        let (s, p) =
            send(app.req(Method::POST, &r("/projects"), &pim).if_match(1).json(&json!({"passport_ids": ids}))).await;
        assert_eq!((s, p.as_array().map(Vec::len)), (200, Some(11)), "{p}");
        let (s, _) = send(app.req(Method::POST, &r("/screen"), &pim).if_match(1)).await;
        assert_eq!(s, 412, "stale round version");
        let (s, screened) = send(app.req(Method::POST, &r("/screen"), &pim).if_match(2)).await;
        assert_eq!(s, 200, "{screened}");
        let ineligible: Vec<&Value> = screened.as_array().unwrap().iter().filter(|p| p["eligible"] == false).collect();
        assert_eq!(ineligible.len(), 1);
        assert_eq!(ineligible[0]["passport_id"], ids[10].as_str());
        assert!(
            ineligible[0]["screening"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["gate"]["gate"] == "design_documentation_current" && g["reason"].is_string())
        );

        // Assign three experts per eligible project, never exp-a on organisation A's projects.
        let all_experts = json!({"experts": ["exp-a", "exp-1", "exp-2", "exp-3"]});
        let (s, assigned) =
            send(app.req(Method::POST, &r("/assign"), &pim).if_match(3).json(&all_experts.clone())).await;
        assert_eq!(s, 200, "{assigned}");
        let assigned = assigned.as_array().unwrap();
        assert_eq!(assigned.len(), 30);
        for a in assigned {
            let index = ids.iter().position(|id| a["passport_id"] == id.as_str()).unwrap();
            assert!(!(index < 6 && a["expert"] == "exp-a"), "an expert of the initiating organisation was assigned");
        }
        let load = |sub: &str| assigned.iter().filter(|a| a["expert"] == sub).count();
        assert_eq!(load("exp-a"), 4, "exp-a takes every project it may");
        assert_eq!(load("exp-1") + load("exp-2") + load("exp-3"), 26);
        assert!(load("exp-1").abs_diff(load("exp-3")) <= 1, "balanced");

        // Before declaring, an expert cannot see the passport; a conflict blocks the assignment.
        let on_org_a = |a: &&Value| ids[..6].iter().any(|id| a["passport_id"] == id.as_str());
        let conflicted = assigned.iter().filter(on_org_a).find(|a| a["expert"] == "exp-1").unwrap()["passport_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let e1 = token("exp-1", w.pim_org);
        let (s, _) = send(app.req(Method::GET, &format!("/api/v1/passports/{conflicted}"), &e1)).await;
        assert_eq!(s, 403);
        let (s, a) = send(
            app.req(Method::POST, &r(&format!("/projects/{conflicted}/declaration")), &e1)
                .json(&json!({"conflict": true, "note": "Мій брат — директор підрядника"})),
        )
        .await;
        assert_eq!((s, a["status"].as_str()), (200, Some("conflict")));
        let (s, _) = send(app.req(Method::GET, &format!("/api/v1/passports/{conflicted}"), &e1)).await;
        assert_eq!(s, 403);
        // The PIM unit must find a replacement: none of the same experts qualifies (the round version
        // did not move on the refusal), a new expert does.
        let (s, p) = send(app.req(Method::POST, &r("/assign"), &pim).if_match(4).json(&all_experts)).await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (422, Some("not_enough_experts")), "{p}");
        let (s, replacement) = send(
            app.req(Method::POST, &r("/assign"), &pim)
                .if_match(4)
                .json(&json!({"experts": ["exp-1", "exp-2", "exp-3", "exp-4"]})),
        )
        .await;
        assert_eq!(s, 200, "{replacement}");
        assert_eq!(replacement.as_array().unwrap().len(), 1);
        assert_eq!(
            (replacement[0]["passport_id"].as_str(), replacement[0]["expert"].as_str()),
            (Some(conflicted.as_str()), Some("exp-4"))
        );

        // Everyone else declares no conflict and scores. Project 0 gets a disagreement on SE1.
        let (_, all) = send(app.req(Method::GET, &r("/assignments"), &pim)).await;
        let active: Vec<(String, String)> = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["status"] == "awaiting_declaration")
            .map(|a| (a["expert"].as_str().unwrap().to_owned(), a["passport_id"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(active.len(), 30);
        let org_of = |sub: &str| if sub == "exp-a" { w.org_a } else { w.pim_org };
        assert!(active.iter().all(|(sub, pid)| !(sub == "exp-1" && pid == &conflicted)));
        for (n, (sub, pid)) in active.iter().enumerate() {
            let t = token(sub, org_of(sub));
            let (s, a) = send(
                app.req(Method::POST, &r(&format!("/projects/{pid}/declaration")), &t)
                    .json(&json!({"conflict": false})),
            )
            .await;
            assert_eq!(s, 200, "{a}");
            let (s, _) = send(app.req(Method::GET, &format!("/api/v1/passports/{pid}"), &t)).await;
            assert_eq!(s, 200, "an active expert sees the passport");
            let index = ids.iter().position(|id| id == pid).unwrap() as i64;
            let base = 1 + index % 4;
            let se1 = if index == 0 { [0, 3, 5][n % 3] } else { base };
            let values = [se1, base, (base + 1).min(5), 5 - base % 3, 3];
            if index == 1 && n % 3 == 0 {
                // An extreme score without justification is refused, naming the field.
                let mut bad = scores(values);
                bad[0]["score"] = json!(5);
                bad[0]["justification"] = Value::Null;
                let (s, p) = send(
                    app.req(Method::PUT, &r(&format!("/projects/{pid}/scores")), &t)
                        .json(&json!({"scores": bad, "submit": true})),
                )
                .await;
                assert_eq!((s, problem_fields(&p)), (422, vec!["scores[0].justification".to_owned()]), "{p}");
                // A draft first: blind, only one's own scores are visible.
                let (s, _) = send(
                    app.req(Method::PUT, &r(&format!("/projects/{pid}/scores")), &t)
                        .json(&json!({"scores": scores(values)})),
                )
                .await;
                assert_eq!(s, 200);
                let (_, visible) = send(app.req(Method::GET, &r(&format!("/projects/{pid}/scores")), &t)).await;
                assert_eq!(visible.as_array().unwrap().len(), 1);
                assert_eq!(visible[0]["expert"], sub.as_str());
            }
            let path = r(&format!("/projects/{pid}/scores"));
            let submit =
                || send(app.req(Method::PUT, &path, &t).json(&json!({"scores": scores(values), "submit": true})));
            let (s, a) = submit().await;
            assert_eq!(s, 200, "[{}] {a}", app.backend);
            let (s, _) = submit().await;
            assert_eq!(s, 409, "submitted scores are final");
        }
        // After submitting, an expert sees the others' submitted scores.
        let (sub, pid) = &active[0];
        let (_, visible) =
            send(app.req(Method::GET, &r(&format!("/projects/{pid}/scores")), &token(sub, org_of(sub)))).await;
        assert_eq!(visible.as_array().unwrap().len(), 3);

        // Closing is refused while experts disagree on project 0.
        let (_, round) = send(app.req(Method::GET, &r(""), &pim)).await;
        let version = round["version"].as_i64().unwrap();
        let (s, p) = send(app.req(Method::POST, &r("/close"), &pim).if_match(version).json(&json!({}))).await;
        assert_eq!(s, 422, "{p}");
        assert!(p["errors"].as_array().unwrap().iter().any(|e| e["code"] == "unresolved_disagreement"), "{p}");
        let (_, d) = send(app.req(Method::GET, &r("/disagreements"), &pim)).await;
        assert_eq!(d.as_array().unwrap().len(), 1);
        assert_eq!((d[0]["criterion"].as_str(), d[0]["passport_id"].as_str()), (Some("SE1"), Some(ids[0].as_str())));
        let (s, _) =
            send(app.req(Method::POST, &r(&format!("/projects/{}/consensus", ids[0])), &pim).json(
                &json!({"criterion": "SE1", "note": "Експерти погодили, що проєкт частково відповідає цілі 1.1"}),
            ))
            .await;
        assert_eq!(s, 200);

        // The PIM unit reopens one expert's scores; the expert submits again.
        let (sub, pid) = &active[5];
        let (s, a) = send(
            app.req(Method::POST, &r(&format!("/projects/{pid}/experts/{sub}/reopen")), &pim)
                .json(&json!({"reason": "Описка в оцінці FE1"})),
        )
        .await;
        assert_eq!((s, a["submitted_at"].is_null()), (200, true), "{a}");
        let (s, p) = send(app.req(Method::POST, &r("/close"), &pim).if_match(version).json(&json!({}))).await;
        assert_eq!(s, 422, "a reopened score is missing: {p}");
        let index = ids.iter().position(|id| id == pid).unwrap() as i64;
        let base = 1 + index % 4;
        let (s, _) = send(
            app.req(Method::PUT, &r(&format!("/projects/{pid}/scores")), &token(sub, org_of(sub)))
                .json(&json!({"scores": scores([base, base, (base + 1).min(5), 5 - base % 3, 3]), "submit": true})),
        )
        .await;
        assert_eq!(s, 200);

        // Close.
        let (s, results) = send(
            app.req(Method::POST, &r("/close"), &pim)
                .if_match(version)
                .json(&json!({"trials": 300, "top_k": 3, "seed": 11})),
        )
        .await;
        assert_eq!(s, 200, "[{}] {results}", app.backend);
        let ranking = results["ranking"].as_array().unwrap();
        assert_eq!(ranking.len(), 11);
        let ranks: Vec<i64> = ranking.iter().filter_map(|r| r["rank"].as_i64()).collect();
        assert_eq!(ranks, (1..=10).collect::<Vec<_>>());
        assert_eq!(ranking[10]["id"], ids[10].as_str());
        assert!(ranking[10]["rank"].is_null());
        let scores_in_order: Vec<f64> =
            ranking[..10].iter().map(|r| r["final_score"].as_str().unwrap().parse().unwrap()).collect();
        assert!(scores_in_order.windows(2).all(|p| p[0] >= p[1]), "{scores_in_order:?}");
        assert_eq!(results["sensitivity"]["projects"].as_array().unwrap().len(), 10);
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{}", ids[0]), &pim)).await;
        assert_eq!(p["status"], "evaluated");
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{}", ids[10]), &pim)).await;
        assert_eq!(p["status"], "screening", "ineligible projects wait for the PIM unit's decision");

        // Score cards: JSON for the initiator, Markdown for the council.
        let (s, card) =
            send(app.req(Method::GET, &r(&format!("/projects/{}/scorecard", ids[0])), &w.initiator_a(&app))).await;
        assert_eq!(s, 200, "{card}");
        assert_eq!(card["criteria"].as_array().unwrap().len(), 11);
        let se1 = card["criteria"].as_array().unwrap().iter().find(|c| c["code"] == "SE1").unwrap();
        assert_eq!(se1["raw_scores"].as_array().unwrap().len(), 3);
        assert_eq!(se1["disagreement"], true);
        assert!(card["consensus"]["SE1"]["note"].is_string());
        let points: f64 = card["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["points"].as_str().unwrap().parse::<f64>().unwrap())
            .sum();
        assert!((points - card["final_score"].as_str().unwrap().parse::<f64>().unwrap()).abs() < 0.01);
        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        let response = app
            .req(Method::GET, &r(&format!("/projects/{}/scorecard?format=markdown", ids[0])), &council)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-type"], "text/markdown; charset=utf-8");
        let text = response.text().await.unwrap();
        assert!(text.contains("# Картка оцінювання: Проєкт №0") && text.contains("| SE1 "), "{text}");
        let (s, _) =
            send(app.req(Method::GET, &r(&format!("/projects/{}/scorecard", ids[0])), &w.initiator_b(&app))).await;
        assert_eq!(s, 403, "another organisation's initiator cannot read the card");

        // Sensitivity on demand is reproducible.
        let body = json!({"trials": 200, "top_k": 3, "seed": 5});
        let (s, a) = send(app.req(Method::POST, &r("/sensitivity"), &council).json(&body.clone())).await;
        let (_, b) = send(app.req(Method::POST, &r("/sensitivity"), &council).json(&body)).await;
        assert_eq!((s, &a), (200, &b));
        let (s, p) = send(app.req(Method::POST, &r("/sensitivity"), &council).json(&json!({"trials": 0}))).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["trials".to_owned()]));

        // A closed round is frozen.
        let (sub, pid) = &active[0];
        let (s, _) = send(
            app.req(Method::PUT, &r(&format!("/projects/{pid}/scores")), &token(sub, org_of(sub)))
                .json(&json!({"scores": scores([3; 5])})),
        )
        .await;
        assert_eq!(s, 409);
    }
}

#[tokio::test]
async fn methodology_drafts_are_checked_on_approval() {
    for app in TestApp::all().await {
        let pim = app.token("pim", None, &[Role::PimUnit]);
        let (_, list) = send(app.req(Method::GET, "/api/v1/methodologies", &pim)).await;
        let default_id = list[0]["id"].as_str().unwrap().to_owned();
        // A new version starts as a draft copy.
        let (s, draft) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{default_id}/versions"), &pim)).await;
        assert_eq!((s, draft["status"].as_str(), draft["number"].as_i64()), (201, Some("draft"), Some(2)));
        let id = draft["id"].as_str().unwrap().to_owned();
        // Break the weights: approval is refused, naming the group.
        let mut definition = draft["definition"].clone();
        definition["groups"][0]["weight"] = json!("0.6");
        let (s, _) = send(
            app.req(Method::PUT, &format!("/api/v1/methodologies/{id}"), &pim).if_match(1).json(&definition.clone()),
        )
        .await;
        assert_eq!(s, 200);
        let (s, p) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{id}/approve"), &pim).if_match(2)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["definition.groups".to_owned()]), "{p}");
        // A round cannot use a draft.
        let (s, p) = send(
            app.req(Method::POST, "/api/v1/rounds", &pim)
                .json(&json!({"name": "x", "methodology_id": id, "deadline": "2026-12-01"})),
        )
        .await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["methodology_id".to_owned()]));
        // Fixed, it approves and freezes.
        definition["groups"][1]["weight"] = json!("0.4");
        let (s, _) =
            send(app.req(Method::PUT, &format!("/api/v1/methodologies/{id}"), &pim).if_match(2).json(&definition))
                .await;
        assert_eq!(s, 200);
        let (s, m) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{id}/approve"), &pim).if_match(3)).await;
        assert_eq!((s, m["status"].as_str(), m["approved_by"].as_str()), (200, Some("approved"), Some("pim")));
        let (s, _) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{id}/approve"), &pim).if_match(4)).await;
        assert_eq!(s, 409);
        // Experts and initiators cannot write methodologies.
        let expert = app.token("e", None, &[Role::Expert]);
        let (s, _) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{default_id}/versions"), &expert)).await;
        assert_eq!(s, 403);
    }
}
