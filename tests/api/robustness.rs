//! Concurrency and bad input: stale If-Match, idempotent retries, malformed
//! bodies and headers. Every failure is a 4xx problem and stored data stays intact.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn stale_if_match_gets_412_and_missing_gets_428() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let (id, v) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let put = |version: Option<String>, title: &str| {
            let mut body = complete_passport(w.goal);
            body["title"]["uk"] = json!(title);
            let mut req = app.req(Method::PUT, &format!("/api/v1/passports/{id}"), &ini).json(&body);
            if let Some(version) = version {
                req = req.header("If-Match", version);
            }
            req
        };
        // Two writers hold version v; the first wins, the second gets 412 with the current version.
        let (s, _) = send(put(Some(format!("\"{v}\"")), "Перший")).await;
        assert_eq!(s, 200);
        let (s, p) = send(put(Some(format!("\"{v}\"")), "Другий")).await;
        assert_eq!((s, p["current_version"].as_i64()), (412, Some(i64::from(v) + 1)), "{p}");
        let (s, _) = send(put(None, "Третій")).await;
        assert_eq!(s, 428);
        let (s, p) = send(put(Some("yesterday".into()), "Четвертий")).await;
        assert_eq!((s, problem_fields(&p)), (400, vec!["If-Match".to_owned()]));
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &ini)).await;
        assert_eq!(p["content"]["title"]["uk"], "Перший");
        // Reference data is guarded the same way.
        let (_, org) = send(app.req(Method::GET, &format!("/api/v1/organisations/{}", w.org_a), &ini)).await;
        let body = json!({"name": "Управління освіти і науки", "edrpou": "40000001", "kind": "localBody"});
        let (s, _) = send(
            app.req(Method::PUT, &format!("/api/v1/organisations/{}", w.org_a), &app.admin())
                .header("If-Match", "\"7\"")
                .json(&body),
        )
        .await;
        assert_eq!(s, 412);
        let (s, _) = send(
            app.req(Method::PUT, &format!("/api/v1/organisations/{}", w.org_a), &app.admin())
                .header("If-Match", format!("\"{}\"", org["version"]))
                .json(&body),
        )
        .await;
        assert_eq!(s, 200);
    }
}

#[tokio::test]
async fn concurrent_writers_never_both_win() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let (id, v) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let mut set = tokio::task::JoinSet::new();
        for i in 0..8 {
            let mut body = complete_passport(w.goal);
            body["title"]["uk"] = json!(format!("Варіант {i}"));
            let request = app
                .req(Method::PUT, &format!("/api/v1/passports/{id}"), &ini)
                .header("If-Match", format!("\"{v}\""))
                .json(&body);
            set.spawn(async move { request.send().await.unwrap().status().as_u16() });
        }
        let statuses: Vec<u16> = set.join_all().await;
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "[{}] {statuses:?}", app.backend);
        assert!(statuses.iter().all(|s| *s == 200 || *s == 412), "{statuses:?}");
        let (_, revs) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}/revisions"), &ini)).await;
        assert_eq!(revs.as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn idempotent_retries_create_once() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let body = complete_passport(w.goal);
        let keyed = |key: &str, body: &serde_json::Value| {
            app.req(Method::POST, "/api/v1/passports", &ini).header("Idempotency-Key", key).json(body)
        };
        let first = keyed("retry-1", &body).send().await.unwrap();
        assert!(first.headers().get("idempotent-replayed").is_none());
        let (s1, p1) = read(first).await;
        let second = keyed("retry-1", &body).send().await.unwrap();
        assert_eq!(second.headers()["idempotent-replayed"], "true");
        assert!(second.headers()["location"].to_str().unwrap().ends_with(p1["id"].as_str().unwrap()));
        let (s2, p2) = read(second).await;
        assert_eq!((s1, s2), (201, 201));
        assert_eq!(p1, p2);
        // Same key, different body: refused.
        let mut other = body.clone();
        other["title"]["uk"] = json!("Інший проєкт");
        let (s, p) = send(keyed("retry-1", &other)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["Idempotency-Key".to_owned()]));
        // Another user may use the same key independently.
        let (s, _) = send(
            app.req(Method::POST, "/api/v1/passports", &w.initiator_b(&app))
                .header("Idempotency-Key", "retry-1")
                .json(&body),
        )
        .await;
        assert_eq!(s, 201);
        let (_, list) = send(app.req(Method::GET, "/api/v1/passports", &app.admin())).await;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
        // Transitions are retried safely too: the replay returns the first result, not a 409.
        let (id, v) = (p1["id"].as_str().unwrap(), p1["version"].as_i64().unwrap());
        let submit = || {
            app.req(Method::POST, &format!("/api/v1/passports/{id}/submit"), &ini)
                .header("If-Match", format!("\"{v}\""))
                .header("Idempotency-Key", "submit-1")
        };
        let (s1, _) = send(submit()).await;
        let (s2, _) = send(submit()).await;
        assert_eq!((s1, s2), (200, 200));
    }
}

#[tokio::test]
async fn malformed_requests_get_problems_never_500() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let post = |content_type: &str, body: Vec<u8>| {
            app.req(Method::POST, "/api/v1/passports", &ini).header("content-type", content_type).body(body)
        };
        let cases: Vec<(&str, Vec<u8>, u16)> = vec![
            ("application/json", b"{\"title\": {\"uk\": ".to_vec(), 400),
            ("application/json", b"[1,2,3]".to_vec(), 422),
            ("text/plain", b"{\"title\": {\"uk\": \"x\"}}".to_vec(), 415),
            ("application/json", format!("{{\"title\": {{\"uk\": \"{}\"}}}}", "я".repeat(BODY_LIMIT)).into_bytes(), 413),
            ("application/json", b"{\"title\": {\"uk\": \"x\"}, \"costs\": [{\"year\": 2027, \"item\": \"fireworks\", \"amount\": \"1.00\"}]}".to_vec(), 422),
            ("application/json", b"{\"title\": {\"uk\": \"x\"}, \"unknown_field\": 1}".to_vec(), 422),
            ("application/json", b"{\"title\": {\"uk\": \"x\"}, \"start_year\": 99999999999}".to_vec(), 422),
            ("application/json", vec![0xff, 0xfe, 0x00], 400),
        ];
        for (content_type, body, expected) in cases {
            let response = post(content_type, body).send().await.unwrap();
            assert_eq!(response.headers()["content-type"], "application/problem+json");
            let (s, p) = read(response).await;
            assert_eq!(s, expected, "[{}] {p}", app.backend);
            assert!(p["type"].as_str().unwrap().starts_with("urn:portfel:problem:"), "{p}");
        }
        let (s, p) = send(post("application/json", b"{\"title\": {\"uk\": \"x\"}, \"costs\": [{\"year\": 2027, \"item\": \"fireworks\", \"amount\": \"1.00\"}]}".to_vec())).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["costs[0].item".to_owned()]));
        // Unknown route, wrong method, bad path parameter: still problems.
        for (method, path, expected) in [
            (Method::GET, "/api/v1/nowhere", 404),
            (Method::DELETE, "/api/v1/passports", 405),
            (Method::GET, "/api/v1/passports/not-a-uuid", 400),
            (Method::GET, "/api/v1/codelists/none", 404),
        ] {
            let response = app.req(method, path, &ini).send().await.unwrap();
            assert_eq!(response.headers()["content-type"], "application/problem+json", "{path}");
            assert_eq!(response.status().as_u16(), expected, "{path}");
        }
        let (_, list) = send(app.req(Method::GET, "/api/v1/passports", &app.admin())).await;
        assert_eq!(list["items"], json!([]), "nothing was stored");
    }
}

#[tokio::test]
async fn reference_data_rules() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let admin = app.admin();
        // Duplicate EDRPOU: 409. Unknown kind: 422 naming the field.
        let (s, _) = send(
            app.req(Method::POST, "/api/v1/organisations", &admin)
                .json(&json!({"name": "Дубль", "edrpou": "40000001", "kind": "localBody"})),
        )
        .await;
        assert_eq!(s, 409);
        let (s, p) = send(
            app.req(Method::POST, "/api/v1/organisations", &admin)
                .json(&json!({"name": "X", "edrpou": "123", "kind": "guild"})),
        )
        .await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["edrpou".to_owned(), "kind".to_owned()]));
        // Goal hierarchy: operational goals need a strategic parent in the same document.
        let (_, docs) = send(app.req(Method::GET, "/api/v1/strategy-documents", &admin)).await;
        let doc = docs[0]["id"].as_str().unwrap();
        let goals = format!("/api/v1/strategy-documents/{doc}/goals");
        let (s, p) = send(
            app.req(Method::POST, &goals, &admin)
                .json(&json!({"level": "operational", "code": "1.1", "title": "Підціль"})),
        )
        .await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["parent_id".to_owned()]));
        let (s, _) = send(
            app.req(Method::POST, &goals, &admin)
                .json(&json!({"level": "operational", "parent_id": w.goal, "code": "1.1", "title": "Підціль"})),
        )
        .await;
        assert_eq!(s, 201);
        let (s, _) = send(
            app.req(Method::POST, &goals, &admin)
                .json(&json!({"level": "operational", "parent_id": w.goal, "code": "1.1", "title": "Дубль"})),
        )
        .await;
        assert_eq!(s, 409);
        let (_, list) = send(app.req(Method::GET, &goals, &admin)).await;
        assert_eq!(list.as_array().unwrap().len(), 2);
        // Codelists are served with both labels.
        let (s, list) = send(app.req(Method::GET, "/api/v1/codelists/fundingSourceCategories", &admin)).await;
        assert_eq!(s, 200);
        assert!(list.as_array().unwrap().iter().any(|e| e["code"] == "localBudget" && e["label_en"] == "Local Budget"));
        // Budget years keep amounts exact.
        let (s, v, y) = send_tagged(
            app.req(Method::POST, "/api/v1/budget-years", &admin)
                .json(&json!({"year": 2027, "status": "planning", "investment_ceiling": "165000000.10"})),
        )
        .await;
        assert_eq!((s, y["investment_ceiling"].as_str()), (201, Some("165000000.10")));
        let (s, y) = send(
            app.req(Method::PUT, "/api/v1/budget-years/2027", &admin)
                .header("If-Match", format!("\"{}\"", v.unwrap()))
                .json(&json!({"year": 2027, "status": "adopted", "investment_ceiling": "170000000.00"})),
        )
        .await;
        assert_eq!((s, y["status"].as_str()), (200, Some("adopted")));
    }
}

#[tokio::test]
async fn database_failures_never_reach_the_client() {
    use sea_orm::ConnectionTrait;
    for app in TestApp::all().await {
        let admin = app.admin();
        app.store.db().execute_unprepared("DROP TABLE audit_events").await.unwrap();
        let body = json!({"name": "Нова", "edrpou": "40000009", "kind": "localBody"});
        let response = app.req(Method::POST, "/api/v1/organisations", &admin).json(&body).send().await.unwrap();
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        let text = response.text().await.unwrap();
        let p: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (p["status"].as_u64(), p["type"].as_str()),
            (Some(500), Some("urn:portfel:problem:internal")),
            "{text}"
        );
        for internal in ["audit_events", "no such table", "does not exist", "SQL", "sqlx", "Execution"] {
            assert!(!text.contains(internal), "[{}] {internal}: {text}", app.backend);
        }
        assert!(!request_id.is_empty());
        let (_, list) = send(app.req(Method::GET, "/api/v1/organisations", &admin)).await;
        assert!(list.as_array().unwrap().iter().all(|o| o["edrpou"] != "40000009"), "nothing was stored");
    }
}
