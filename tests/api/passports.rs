//! Passports end to end: create, read, update with revisions, list with
//! filters and cursors, submit, every main-line transition, refusals, audit.

use crate::common::html;
use crate::common::*;
use portfel_domain::Role;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn full_lifecycle_with_revisions_and_audit() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let pim = w.pim(&app);
        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        let (id, v1) = create_passport(&app, &ini, &complete_passport(w.goal)).await;

        // Edit the draft: a second revision.
        let mut body = complete_passport(w.goal);
        body["title"]["uk"] = json!("Капітальний ремонт ліцею №3 (уточнено)");
        let (s, v2, p) = send_tagged(
            app.req(Method::PUT, &format!("/api/v1/passports/{id}"), &ini)
                .header("If-Match", format!("\"{v1}\""))
                .json(&body),
        )
        .await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["revision"], 2);
        let mut v = v2.unwrap();
        assert_eq!(v, v1 + 1);

        // Submit, then walk the main line.
        let (s, sv, p) = send_tagged(
            app.req(Method::POST, &format!("/api/v1/passports/{id}/submit"), &ini)
                .header("If-Match", format!("\"{v}\"")),
        )
        .await;
        assert_eq!(s, 200, "[{}] {p}", app.backend);
        assert_eq!(
            (p["status"].as_str(), p["dream_status"].as_str(), p["dream_status_details"].as_str()),
            (Some("submitted"), Some("pending"), Some("initiated"))
        );
        assert!(p["submitted_at"].is_string());
        v = sv.unwrap();
        for (to, token) in [
            ("screening", &pim),
            ("under_evaluation", &pim),
            ("evaluated", &pim),
            ("in_portfolio", &pim),
            ("in_plan", &council),
            ("implementation", &pim),
        ] {
            let (s, nv, p) = transition(&app, token, &id, v, to, None).await;
            assert_eq!(s, 200, "[{}] -> {to}: {p}", app.backend);
            assert_eq!(p["status"], to);
            v = nv.unwrap();
        }
        // Completion comes with the accepted completion report, not a click.
        let (s, _, p) = transition(&app, &pim, &id, v, "completed", None).await;
        assert_eq!(s, 409, "{p}");
        crate::completion::closed_by_report(&app, &w, &id, &crate::completion::completed_report()).await;
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &pim)).await;
        assert_eq!(p["status"], "completed");
        v = p["version"].as_i64().unwrap() as i32;
        // Terminal: nothing more is possible.
        let (s, _, p) = transition(&app, &pim, &id, v, "cancelled", Some("пізно")).await;
        assert_eq!(s, 409, "{p}");
        let (s, next) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}/transitions"), &pim)).await;
        assert_eq!((s, next), (200, json!([])));

        // Earlier revisions stay readable.
        let (s, revs) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}/revisions"), &pim)).await;
        assert_eq!(s, 200);
        assert_eq!(revs.as_array().unwrap().len(), 2);
        let (s, r1) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}/revisions/1"), &pim)).await;
        assert_eq!((s, r1["content"]["title"]["uk"].as_str()), (200, Some("Капітальний ремонт ліцею №3")));

        // The audit log tells the whole story, with reasons and, asked for, before/after.
        let path = format!("/api/v1/audit?entity_type=passport&entity_id={id}");
        let (s, audit) = send(app.req(Method::GET, &format!("{path}&view=full"), &pim)).await;
        assert_eq!(s, 200, "{audit}");
        // By default the events come without the states: the same events, smaller.
        let (_, small) = send(app.req(Method::GET, &path, &pim)).await;
        let strip = |e: &serde_json::Value| {
            let mut e = e.clone();
            e.as_object_mut().unwrap().retain(|k, _| k != "before" && k != "after");
            e
        };
        assert_eq!(small["items"], json!(audit["items"].as_array().unwrap().iter().map(strip).collect::<Vec<_>>()));
        assert!(
            small.to_string().len() * 3 < audit.to_string().len(),
            "{} vs {}",
            small.to_string().len(),
            audit.to_string().len()
        );
        let actions: Vec<&str> =
            audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions.len(), 10);
        assert_eq!(&actions[..3], ["passport.create", "passport.update", "passport.transition"]);
        let submit = &audit["items"][2];
        assert_eq!(
            (submit["actor"].as_str(), submit["before"]["status"].as_str(), submit["after"]["status"].as_str()),
            (Some("ini-a"), Some("draft"), Some("submitted"))
        );
        assert!(submit["request_id"].is_string());
    }
}

#[tokio::test]
async fn refusals_returns_and_cancellations_need_reasons() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let (id, v) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let (_, v, _) = transition(&app, &ini, &id, v, "submitted", None).await;
        let v = v.unwrap();
        // Wrong role: only the PIM unit starts screening, not a council member.
        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        let (s, _, p) = transition(&app, &council, &id, v, "screening", None).await;
        assert_eq!(s, 403, "{p}");
        assert!(p["detail"].as_str().unwrap().contains("pim_unit"), "{p}");
        // Return for revision without a reason: refused, naming the field.
        let (s, _, p) = transition(&app, &pim, &id, v, "draft", None).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["reason".to_owned()]));
        // With a reason it works and the reason is audited. Back in draft, the passport
        // and its audit trail are its organisation's (and admins') again, not the PIM unit's.
        let (s, v, p) = transition(&app, &pim, &id, v, "draft", Some("Додайте кошторис")).await;
        assert_eq!(s, 200, "{p}");
        let audit_path = format!("/api/v1/audit?entity_id={id}");
        let (_, audit) = send(app.req(Method::GET, &audit_path, &app.admin())).await;
        assert_eq!(audit["items"].as_array().unwrap().last().unwrap()["reason"], "Додайте кошторис");
        let (_, hidden) = send(app.req(Method::GET, &audit_path, &pim)).await;
        assert_eq!(hidden["items"], json!([]));
        // Illegal edge: draft straight to evaluated.
        let (s, _, p) = transition(&app, &ini, &id, v.unwrap(), "evaluated", None).await;
        assert_eq!(s, 409, "{p}");
        assert_eq!(p["type"], "urn:portfel:problem:conflict");
        // Unknown target state: 422 naming the field, nothing changes.
        let (s, _, p) = transition(&app, &ini, &id, v.unwrap(), "approved_by_magic", None).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["to".to_owned()]));
        let (_, now, _) = send_tagged(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &ini)).await;
        assert_eq!(now, v);
    }
}

#[tokio::test]
async fn incomplete_passports_are_refused_with_every_failing_field() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let (id, v) = create_passport(&app, &ini, &json!({"title": {"uk": "Ідея"}, "sector": "ES", "start_year": 2027, "duration_years": 1,
            "costs": [{"year": 2027, "item": "design", "amount": "100.00"}], "financing": [{"year": 2027, "source": "localBudget", "amount": "90.00"}]})).await;
        let (s, _, p) = send_tagged(
            app.req(Method::POST, &format!("/api/v1/passports/{id}/submit"), &ini)
                .header("If-Match", format!("\"{v}\"")),
        )
        .await;
        assert_eq!(s, 422);
        assert_eq!(p["type"], "urn:portfel:problem:validation");
        let fields = problem_fields(&p);
        for f in [
            "description",
            "problem",
            "goals",
            "project_type",
            "purpose",
            "balance_holder",
            "locations",
            "strategy_goal_ids",
            "beneficiaries.total",
            "om_cost_per_year",
            "contacts",
            "financing",
        ] {
            assert!(fields.contains(&f.to_owned()), "{f} missing in {fields:?}");
        }
        assert!(p["detail"].as_str().unwrap().contains("financing for 2027 (90.00) does not match the cost (100.00)"));
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &ini)).await;
        assert_eq!((p["status"].as_str(), p["version"].as_i64()), (Some("draft"), Some(i64::from(v))));
    }
}

#[tokio::test]
async fn stored_rules_name_fields_and_store_nothing() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let mut body = complete_passport(w.goal);
        body["sector"] = json!("ZZ");
        body["costs"][0]["amount"] = json!("-5.00");
        body["costs"][1]["year"] = json!(2031);
        body["locations"][0]["katottg"] = json!("UA12");
        body["strategy_goal_ids"] = json!([uuid::Uuid::now_v7()]);
        let (s, p) = send(app.req(Method::POST, "/api/v1/passports", &ini).json(&body)).await;
        assert_eq!(s, 422, "{p}");
        let fields = problem_fields(&p);
        for f in ["sector", "costs[0].amount", "costs[1].year", "locations[0].katottg"] {
            assert!(fields.contains(&f.to_owned()), "{f} missing in {fields:?}");
        }
        // Formats pass but the goal does not exist.
        let mut body = complete_passport(w.goal);
        body["strategy_goal_ids"] = json!([uuid::Uuid::now_v7()]);
        let (s, p) = send(app.req(Method::POST, "/api/v1/passports", &ini).json(&body)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["strategy_goal_ids[0]".to_owned()]));
        // Floats for money are refused, naming the field.
        let mut body = complete_passport(w.goal);
        body["om_cost_per_year"] = json!(1500.5);
        let (s, p) = send(app.req(Method::POST, "/api/v1/passports", &ini).json(&body)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["om_cost_per_year".to_owned()]));
        let (_, list) = send(app.req(Method::GET, "/api/v1/passports", &app.admin())).await;
        assert_eq!(list["items"], json!([]));
    }
}

#[tokio::test]
async fn listing_filters_and_pages_with_cursors() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, pim) = (w.initiator_a(&app), w.pim(&app));
        let mut ids = Vec::new();
        for i in 0..7 {
            let mut body = complete_passport(w.goal);
            body["title"]["uk"] = json!(format!("Проєкт {i} {}", if i % 2 == 0 { "ЛІЦЕЙ" } else { "водогін" }));
            body["sector"] = json!(if i % 2 == 0 { "ES" } else { "WC" });
            let (id, v) = create_passport(&app, &ini, &body).await;
            if i < 5 {
                transition(&app, &ini, &id, v, "submitted", None).await;
            }
            ids.push(id);
        }
        // Pages of 2 walk all 7 in creation order for the admin.
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/passports?limit=2&cursor={c}"),
                None => "/api/v1/passports?limit=2".into(),
            };
            let (s, page) = send(app.req(Method::GET, &path, &app.admin())).await;
            assert_eq!(s, 200, "{page}");
            seen.extend(page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, ids);
        let count = |q: String, token: String| {
            let app = &app;
            async move {
                let (s, page) = send(app.req(Method::GET, &format!("/api/v1/passports?{q}"), &token)).await;
                assert_eq!(s, 200, "{q}: {page}");
                page["items"].as_array().unwrap().len()
            }
        };
        assert_eq!(count("".into(), pim.clone()).await, 5, "drafts are private");
        assert_eq!(count("status=draft".into(), pim.clone()).await, 0);
        assert_eq!(count("status=draft".into(), ini.clone()).await, 2);
        assert_eq!(count("sector=WC".into(), pim.clone()).await, 2);
        assert_eq!(
            count("q=%D0%BB%D1%96%D1%86%D0%B5%D0%B9".into(), pim.clone()).await,
            3,
            "case-insensitive Cyrillic search for 'ліцей'"
        );
        assert_eq!(count("year=2028".into(), pim.clone()).await, 5);
        assert_eq!(count("year=2030".into(), pim.clone()).await, 0);
        assert_eq!(count(format!("organisation_id={}", w.org_a), pim.clone()).await, 5);
        assert_eq!(count(format!("organisation_id={}", w.org_b), pim.clone()).await, 0);
        // Bad parameters are 400 problems naming the parameter.
        for (q, field) in [
            ("status=nonsense", "status"),
            ("limit=0", "limit"),
            ("cursor=zzz", "cursor"),
            ("year=soon", "year"),
            ("colour=red", ""),
        ] {
            let (s, p) = send(app.req(Method::GET, &format!("/api/v1/passports?{q}"), &pim)).await;
            assert_eq!(s, 400, "{q}: {p}");
            if !field.is_empty() {
                assert_eq!(problem_fields(&p), vec![field.to_owned()], "{q}");
            }
        }
    }
}

#[tokio::test]
async fn lists_return_summaries_with_score_and_rank_and_whole_passports_on_request() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let bodies: Vec<_> = (0..3)
            .map(|i| {
                let mut body = complete_passport(w.goal);
                body["title"]["uk"] = json!(format!("Проєкт {i}"));
                body
            })
            .collect();
        let (round, ids) = closed_round(&app, &w, &bodies).await;
        let (_, org) = send(app.req(Method::GET, &format!("/api/v1/organisations/{}", w.org_a), &pim)).await;
        let (_, results) = send(app.req(Method::GET, &format!("/api/v1/rounds/{round}/results"), &pim)).await;

        let (s, page) = send(app.req(Method::GET, "/api/v1/passports", &pim)).await;
        assert_eq!(s, 200, "{page}");
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "[{}] {page}", app.backend);
        for (item, id) in items.iter().zip(&ids) {
            let (_, full) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &pim)).await;
            let ranked = results["ranking"].as_array().unwrap().iter().find(|r| r["id"] == *id).unwrap();
            let expected = json!({
                "id": id, "code": null, "title": full["content"]["title"]["uk"],
                "organisation_id": w.org_a, "organisation": org["name"], "status": "evaluated", "sector": "ES",
                "total_cost": "10000000.00", "start_year": 2027, "end_year": 2028,
                "score": ranked["final_score"], "rank": ranked["rank"],
                "version": full["version"], "updated_at": full["updated_at"], "resubmit_by": null,
            });
            assert_eq!(*item, expected, "[{}]", app.backend);
            assert!(item["rank"].as_u64().is_some_and(|r| (1..=3).contains(&r)), "{item}");
        }
        // Whole passports on request, the same ones in the same order.
        let (s, full) = send(app.req(Method::GET, "/api/v1/passports?view=full&limit=2", &pim)).await;
        assert_eq!(s, 200, "{full}");
        let full_ids: Vec<_> = full["items"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect();
        assert_eq!(full_ids, vec![json!(ids[0]), json!(ids[1])]);
        assert_eq!(full["items"][0]["content"]["costs"].as_array().map(Vec::len), Some(2));
        let cursor = full["next_cursor"].as_str().unwrap();
        let (_, rest) =
            send(app.req(Method::GET, &format!("/api/v1/passports?view=summary&cursor={cursor}"), &pim)).await;
        assert_eq!(
            rest["items"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect::<Vec<_>>(),
            vec![json!(ids[2])]
        );
        let (s, p) = send(app.req(Method::GET, "/api/v1/passports?view=everything", &pim)).await;
        assert_eq!((s, problem_fields(&p)), (400, vec!["view".to_owned()]), "{p}");
        // A database from before the summary columns gets them filled from documents and round results.
        use portfel_migrations::{Migrator, MigratorTrait};
        Migrator::down(app.store.db(), Some(1)).await.unwrap();
        Migrator::up(app.store.db(), None).await.unwrap();
        let (_, again) = send(app.req(Method::GET, "/api/v1/passports", &pim)).await;
        assert_eq!(again, page, "[{}]", app.backend);
    }
}

#[tokio::test]
async fn a_passport_for_an_unknown_organisation_is_refused_naming_the_field() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let nowhere = uuid::Uuid::now_v7();
        let path = format!("/api/v1/passports?organisation_id={nowhere}");
        let (s, p) = send(app.req(Method::POST, &path, &app.admin()).json(&complete_passport(w.goal))).await;
        assert_eq!(s, 422, "[{}] {p}", app.backend);
        assert_eq!(problem_fields(&p), vec!["organisation_id"]);
        assert_eq!(p["errors"][0]["code"], "unknown_reference", "[{}] {p}", app.backend);
        // Nor can a token of an organisation that is not registered create in its name.
        let stray = app.token("stray", Some(nowhere), &[Role::Initiator]);
        let (s, _) = send(app.req(Method::POST, "/api/v1/passports", &stray).json(&complete_passport(w.goal))).await;
        assert_eq!(s, 422, "[{}]", app.backend);
        let (_, list) = send(app.req(Method::GET, "/api/v1/passports", &app.admin())).await;
        assert_eq!(list["items"], json!([]), "[{}] nothing was stored", app.backend);
    }
}

/// A submitted passport of organisation A: title, description, and its cost
/// in kopecks, all in one 2028 construction line financed from the local budget.
async fn searchable(app: &TestApp, w: &World, title: &str, description: &str, kopecks: i64) -> String {
    let mut body = complete_passport(w.goal);
    let amount = format!("{}.{:02}", kopecks / 100, kopecks % 100);
    body["title"] = json!({"uk": title});
    body["description"] = json!({"uk": description});
    body["costs"] = json!([{"year": 2028, "item": "construction", "cost_type": "capex", "amount": amount}]);
    body["financing"] = json!([{"year": 2028, "source": "localBudget", "amount": amount}]);
    let ini = w.initiator_a(app);
    let (id, v) = create_passport(app, &ini, &body).await;
    let (s, _, p) = transition(app, &ini, &id, v, "submitted", None).await;
    assert_eq!(s, 200, "{p}");
    id
}

#[tokio::test]
async fn words_find_passports_by_title_description_and_code_within_a_cost_range() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let lyceum =
            searchable(&app, &w, "Капітальний ремонт ліцею №3", "Утеплення фасаду та заміна вікон", 1_000_000_000)
                .await;
        let water =
            searchable(&app, &w, "Реконструкція водогону", "Заміна труб на вул. Центральній", 500_000_000).await;
        let clinic =
            searchable(&app, &w, "Термомодернізація амбулаторії", "Утеплення фасаду амбулаторії", 250_000_050).await;
        let sync = app.token("dream-sync", None, &[Role::Integration]);
        let body = json!({"id": "dream-1", "code": "DREAM-UA-010125-00000001",
            "document": dream_document(1, "2025-06-01T10:00:00Z")});
        let (s, r) = send(app.req(Method::POST, "/api/v1/dream/import", &sync).json(&body)).await;
        assert_eq!(s, 200, "{r}");
        let imported = r["passport_id"].as_str().unwrap().to_owned();
        let found = |q: &str| {
            let (app, q) = (&app, q.to_owned());
            async move {
                let (s, page) = send(app.req(Method::GET, &format!("/api/v1/passports?{q}"), &app.admin())).await;
                assert_eq!(s, 200, "{q}: {page}");
                let mut ids: Vec<String> =
                    page["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
                ids.sort();
                ids
            }
        };
        let ids = |list: &[&String]| {
            let mut list: Vec<String> = list.iter().map(|s| (*s).clone()).collect();
            list.sort();
            list
        };
        let enc = |q: &str| format!("q={}", urlencoding(q));
        for (q, expected, why) in [
            ("фасаду", ids(&[&lyceum, &clinic]), "a word of the description"),
            ("утеплення ЛІЦЕЮ", ids(&[&lyceum]), "every word, in any case, title and description together"),
            ("модернізац", ids(&[&clinic]), "part of a longer word"),
            ("ремонт водогону", ids(&[]), "no passport has both words"),
            ("00000001", ids(&[&imported]), "a part of the DREAM code"),
            ("dream-ua-010125", ids(&[&imported]), "the DREAM code in another case"),
            ("% _", ids(&[&lyceum, &water, &clinic, &imported]), "wildcards are no words"),
            ("ліц\\ею", ids(&[]), "a backslash is a character, never an escape"),
        ] {
            assert_eq!(found(&enc(q)).await, expected, "[{}] {q}: {why}", app.backend);
        }
        for (q, expected) in [
            ("cost_from=5000000", ids(&[&lyceum, &water])),
            ("cost_to=5000000.00", ids(&[&water, &clinic, &imported])),
            ("cost_from=2500000.50&cost_to=2500000.50", ids(&[&clinic])),
            ("cost_from=2500000.51&cost_to=4999999.99", ids(&[])),
        ] {
            assert_eq!(found(q).await, expected, "[{}] {q}", app.backend);
        }
        assert_eq!(found(&format!("{}&cost_to=3000000", enc("утеплення"))).await, ids(&[&clinic]));
        let (s, p) = send(app.req(Method::GET, "/api/v1/passports?cost_from=9&cost_to=1", &app.admin())).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["cost_to".to_owned()]), "{p}");
        let (s, p) = send(app.req(Method::GET, "/api/v1/passports?cost_from=lots", &app.admin())).await;
        assert_eq!((s, problem_fields(&p)), (400, vec!["cost_from".to_owned()]), "{p}");
        // An edited title is found by its new words only.
        let (s, stored) = send(app.req(Method::GET, &format!("/api/v1/passports/{water}"), &app.admin())).await;
        assert_eq!(s, 200);
        let mut content = stored["content"].clone();
        content["title"]["uk"] = json!("Будівництво каналізаційного колектора");
        let version = stored["version"].as_i64().unwrap().to_string();
        let (s, p) = send(
            app.req(Method::PUT, &format!("/api/v1/passports/{water}"), &w.pim(&app))
                .header("If-Match", format!("\"{version}\""))
                .json(&content),
        )
        .await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(found(&enc("колектора")).await, ids(&[&water]));
        assert_eq!(found(&enc("водогону")).await, ids(&[]), "[{}] the old title is gone", app.backend);
    }
}

/// `text` as a URL's query value.
fn urlencoding(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).unwrap().trim_start_matches('=').to_owned()
}

#[tokio::test]
async fn the_passport_list_filters_by_words_and_costs_as_people_type_them() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        searchable(&app, &w, "Капітальний ремонт ліцею №3", "Утеплення фасаду", 1_000_000_000).await;
        searchable(&app, &w, "Термомодернізація амбулаторії", "Утеплення фасаду амбулаторії", 250_000_050).await;
        let mut b = crate::web::Browser::signed_in(&app, "pim-list", w.pim_org, &[Role::PimUnit]).await;
        let titles = |page: &str| -> Vec<String> {
            let html = html::parse(page);
            html::select(&html, "main table tbody tr td:first-child a").iter().map(html::text).collect()
        };
        let (s, _, page) = b.get(&format!("/passports?q={}&cost_to=3+000+000", urlencoding("утеплення"))).await;
        assert_eq!(s, 200, "{page}");
        assert_eq!(titles(&page), ["Термомодернізація амбулаторії"], "[{}]", app.backend);
        let html = html::parse(&page);
        let value = |css: &str| html::select(&html, css)[0].value().attr("value").map(str::to_owned);
        assert_eq!(
            (value("#q").as_deref(), value("#cost_to").as_deref()),
            (Some("утеплення"), Some("3 000 000")),
            "the filters stay as typed, so the address can be shared"
        );
        let (s, _, page) = b.get(&format!("/passports?cost_from={}", urlencoding("2 500 000,50"))).await;
        assert_eq!((s.as_u16(), titles(&page).len()), (200, 2), "a decimal comma and spaces");
        for (query, field, says) in [
            ("cost_from=40+%D0%BC%D0%BB%D0%BD", "cost_from", "«40 млн»"),
            ("cost_from=9&cost_to=1", "cost_to", "верхня межа"),
        ] {
            let (s, _, page) = b.get(&format!("/passports?{query}")).await;
            assert_eq!(s, 200, "{query}: a refusal is shown on the list, not as an error page");
            let html = html::parse(&page);
            let summary = html::text(&html::select(&html, "div.error-summary")[0]);
            assert!(summary.contains(says), "{query}: {summary}");
            assert_eq!(html::select(&html, &format!("#{field}[aria-invalid=true]")).len(), 1, "{query}");
        }
    }
}

#[tokio::test]
async fn the_passport_list_pages_on_with_its_filters_kept() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        for _ in 0..201 {
            create_passport(&app, &ini, &complete_passport(w.goal)).await;
        }
        let mut b = crate::web::Browser::signed_in(&app, "ini-pages", w.org_a, &[Role::Initiator]).await;
        let read = |page: &str| {
            let html = html::parse(page);
            let rows = html::select(&html, "main table tbody tr").len();
            let next = html::select(&html, "nav.pages a[rel=next]")
                .first()
                .and_then(|a| a.value().attr("href"))
                .map(str::to_owned);
            (rows, next)
        };
        let (s, _, page) = b.get("/passports?status=draft&cost_from=1+000").await;
        assert_eq!(s, 200, "{page}");
        let (rows, next) = read(&page);
        let next = next.unwrap_or_else(|| panic!("[{}] a link to the next page after {rows} rows", app.backend));
        assert_eq!(rows, 200, "[{}] the first page", app.backend);
        assert!(next.starts_with("/passports?status=draft&cost_from=1+000&cursor="), "{next}");
        let (s, _, page) = b.get(&next).await;
        assert_eq!(s, 200, "{page}");
        assert_eq!(read(&page), (1, None), "[{}] the last passport, and no page after it", app.backend);
        let html = html::parse(&page);
        let first = html::select(&html, "nav.pages a[rel=first]");
        assert_eq!(first.first().and_then(|a| a.value().attr("href")), Some("/passports?status=draft&cost_from=1+000"));
    }
}
