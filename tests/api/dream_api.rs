//! DREAM import, export and change feed through HTTP.

use crate::common::*;
use portfel_domain::Role;
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::json;

#[tokio::test]
async fn import_is_idempotent_atomic_and_given_back_on_export() {
    for app in TestApp::all().await {
        let sync = app.token("dream-sync", None, &[Role::Integration]);
        let doc = dream_document(1, "2025-06-01T10:00:00Z");
        let body = json!({"id": "dream-1", "code": "DREAM-UA-010125-00000001", "document": doc});
        let (s, r) = send(app.req(Method::POST, "/api/v1/dream/import", &sync).json(&body.clone())).await;
        assert_eq!((s, r["outcome"].as_str()), (200, Some("new")), "[{}] {r}", app.backend);
        let pid = r["passport_id"].as_str().unwrap().to_owned();
        let (_, r) = send(app.req(Method::POST, "/api/v1/dream/import", &sync).json(&body.clone())).await;
        assert_eq!((r["outcome"].as_str(), r["passport_id"].as_str()), (Some("unchanged"), Some(pid.as_str())));
        // A changed document updates the same passport, as a new revision.
        let mut changed = body.clone();
        changed["document"]["title"][0]["translation"] = json!("Проєкт DREAM №1 (уточнено)");
        changed["document"]["status"] = json!("active");
        changed["document"]["statusDetails"] = json!("implementation");
        let (_, r) = send(app.req(Method::POST, "/api/v1/dream/import", &sync).json(&changed)).await;
        assert_eq!(r["outcome"], "updated");
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{pid}"), &sync)).await;
        assert_eq!((p["status"].as_str(), p["revision"].as_i64()), (Some("implementation"), Some(2)));
        assert_eq!(p["content"]["costs"][0]["amount"], "1000001.00");
        // The list shows the project's DREAM code and its total cost.
        let (_, list) = send(app.req(Method::GET, "/api/v1/passports", &sync)).await;
        let summary = list["items"].as_array().unwrap().iter().find(|i| i["id"] == pid.as_str()).unwrap().clone();
        assert_eq!(
            (&summary["code"], &summary["total_cost"]),
            (&json!("DREAM-UA-010125-00000001"), &json!("1000001.00"))
        );
        // The initiating organisation was registered from its EDRPOU code.
        let (_, orgs) = send(app.req(Method::GET, "/api/v1/organisations", &sync)).await;
        assert!(orgs.as_array().unwrap().iter().any(|o| o["edrpou"] == "41000001"));
        // Export gives back what Portfel does not model.
        let (s, exported) = send(app.req(Method::GET, &format!("/api/v1/dream/export/{pid}"), &sync)).await;
        assert_eq!(s, 200);
        assert_eq!(exported["targets"], doc["targets"]);
        assert_eq!(exported["title"][0]["translation"], "Проєкт DREAM №1 (уточнено)");
        assert_eq!(exported["status"], "active");
        // An invalid document is refused naming fields, and nothing changes.
        let bad = json!({"id": "dream-2", "document": {"title": [], "status": "maybe"}});
        let (s, p) = send(app.req(Method::POST, "/api/v1/dream/import", &sync).json(&bad)).await;
        assert_eq!(s, 422);
        assert_eq!(problem_fields(&p), vec!["document.title", "document.status", "document.updated"]);
        // A batch: each project on its own.
        let batch = json!({"items": [
            {"id": "dream-3", "document": dream_document(3, "2025-06-02T10:00:00Z")},
            {"id": "dream-4", "document": {"title": [{"lang": "uk", "translation": "x"}]}},
            {"id": "dream-1", "code": "DREAM-UA-010125-00000001", "document": doc},
        ]});
        let (s, r) = send(app.req(Method::POST, "/api/v1/dream/import/batch", &sync).json(&batch)).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(
            (r["new"].as_u64(), r["updated"].as_u64(), r["failed"].as_u64()),
            (Some(1), Some(1), Some(1)),
            "{r}"
        );
        assert_eq!(r["results"][1]["outcome"], "failed");
        assert!(r["results"][1]["errors"].as_array().unwrap().iter().any(|e| e["field"] == "document.status"));
        // Only sync roles import.
        let (s, _) =
            send(app.req(Method::POST, "/api/v1/dream/import", &app.token("c", None, &[Role::Council])).json(&body))
                .await;
        assert_eq!(s, 403);
    }
}

#[tokio::test]
async fn the_change_feed_pages_without_gaps_and_has_tombstones() {
    for app in TestApp::all().await {
        let sync = app.token("dream-sync", None, &[Role::Integration]);
        for n in 0..7 {
            let body = json!({"id": format!("d{n}"), "document": dream_document(n, "2025-06-01T10:00:00Z")});
            let (s, _) = send(app.req(Method::POST, "/api/v1/dream/import", &sync).json(&body)).await;
            assert_eq!(s, 200);
        }
        // Cancel one: it shows up as a tombstone.
        let (_, page) = send(app.req(Method::GET, "/api/v1/dream/ideas?limit=100", &sync)).await;
        let first = page["data"][0]["internal"]["id"].as_str().unwrap().to_owned();
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{first}"), &sync)).await;
        let pim = app.token("pim", None, &[Role::PimUnit]);
        let (s, _, _) = transition(
            &app,
            &pim,
            &first,
            p["version"].as_i64().unwrap() as i32,
            "cancelled",
            Some("Відкликано ініціатором"),
        )
        .await;
        assert_eq!(s, 200);
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/dream/ideas?limit=3&cursor={c}"),
                None => "/api/v1/dream/ideas?limit=3&order=asc".into(),
            };
            let (s, page) = send(app.req(Method::GET, &path, &sync)).await;
            assert_eq!(s, 200, "{page}");
            seen.extend(page["data"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        let ids: Vec<&str> = seen.iter().map(|e| e["internal"]["id"].as_str().unwrap()).collect();
        let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!((ids.len(), unique.len()), (7, 7), "every project exactly once");
        let last = seen.last().unwrap();
        assert_eq!(
            (last["internal"]["id"].as_str(), last["deleted"].as_bool()),
            (Some(first.as_str()), Some(true)),
            "the cancelled one changed last"
        );
        let times: Vec<&str> = seen.iter().map(|e| e["external"]["updated"].as_str().unwrap()).collect();
        let parsed: Vec<chrono::DateTime<chrono::Utc>> = times.iter().map(|t| t.parse().unwrap()).collect();
        assert!(parsed.windows(2).all(|w| w[0] <= w[1]));
        // `from` skips what came before.
        let from = urlencode(times[5]);
        let (_, page) = send(app.req(Method::GET, &format!("/api/v1/dream/ideas?from={from}"), &sync)).await;
        assert_eq!(page["data"].as_array().unwrap().len(), 1);
        let (s, p) = send(app.req(Method::GET, "/api/v1/dream/ideas?order=desc", &sync)).await;
        assert_eq!((s, problem_fields(&p)), (400, vec!["order".to_owned()]));
    }
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn a_batch_with_a_document_that_is_not_an_object_is_refused_whole() {
    for app in TestApp::all().await {
        let sync = app.token("dream-sync", None, &[Role::Integration]);
        let body = json!({"items": [{"id": "a", "document": dream_document(1, "2026-01-01T00:00:00Z")}, {"id": "b", "document": [[]]}]});
        let (s, p) = send(app.req(Method::POST, "/api/v1/dream/import/batch", &sync).json(&body)).await;
        assert_eq!(s, 422, "{p}");
        assert_eq!(problem_fields(&p), vec!["items[1].document"]);
        let (_, feed) = send(app.req(Method::GET, "/api/v1/passports", &app.admin())).await;
        assert_eq!(feed["items"], json!([]), "nothing of the batch was imported ({})", app.backend);
    }
}

/// Makes the database refuse the link row of DREAM project `dream_id`: with a
/// duplicate organisation (a broken constraint: the project's own failure) or
/// with a plain error (a failure of the database, not of the project).
async fn refuse_link(app: &TestApp, name: &str, dream_id: &str, constraint: bool) {
    let db = app.store.db();
    let action = match (app.backend, constraint) {
        ("sqlite", true) => "INSERT INTO organisations SELECT * FROM organisations LIMIT 1;".to_owned(),
        ("sqlite", false) => "SELECT RAISE(ABORT, 'the disk is failing');".to_owned(),
        (_, true) => "INSERT INTO organisations SELECT * FROM organisations LIMIT 1;".to_owned(),
        (_, false) => "RAISE EXCEPTION 'the disk is failing';".to_owned(),
    };
    let sql = if app.backend == "sqlite" {
        format!("CREATE TRIGGER {name} AFTER INSERT ON dream_links WHEN NEW.dream_id = '{dream_id}' BEGIN {action} END")
    } else {
        db.execute_unprepared(&format!(
            "CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN IF NEW.dream_id = '{dream_id}' THEN {action} END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        ))
        .await
        .unwrap();
        format!("CREATE TRIGGER {name} AFTER INSERT ON dream_links FOR EACH ROW EXECUTE FUNCTION {name}()")
    };
    db.execute_unprepared(&sql).await.unwrap();
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let row = app
        .store
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.store.db().get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

#[tokio::test]
async fn a_batch_commits_together_each_project_atomic_and_the_checkpoint_with_them() {
    use portfel_store::dream::{Outcome, Project, import_many};
    for app in TestApp::all().await {
        let actor = portfel_store::Actor { sub: "dream-sync".into(), organisation: None, request_id: None };
        let db = app.store.db();
        refuse_link(&app, "refuse_poison", "dream-poison", true).await;
        refuse_link(&app, "fail_broken", "dream-broken", false).await;
        let documents: Vec<_> = (1..=4).map(|n| dream_document(n, "2026-01-01T00:00:00Z")).collect();
        let mut poison = documents[1].clone();
        // Its initiator is registered in the project's savepoint before the link row is refused.
        poison["parties"][0]["identifier"]["id"] = json!("41000002");
        let projects = [
            Project { dream_id: "dream-1", code: None, document: &documents[0] },
            Project { dream_id: "dream-poison", code: None, document: &poison },
            Project { dream_id: "dream-bad", code: None, document: &json!({"title": []}) },
            Project { dream_id: "dream-3", code: None, document: &documents[2] },
        ];
        let results = import_many(db, &actor, &projects, Some(("test", "after-3"))).await.unwrap();
        let outcomes: Vec<_> =
            results.iter().map(|r| r.as_ref().map(|(_, o)| *o).map_err(|e| e[0].code.clone())).collect();
        assert_eq!(
            outcomes,
            vec![Ok(Outcome::New), Err("constraint".into()), Err("required".into()), Ok(Outcome::New)],
            "[{}]",
            app.backend
        );
        // Nothing of the refused project stayed: no passport, revision, organisation, link or audit event.
        let (_, list) = send(app.req(Method::GET, "/api/v1/passports", &app.admin())).await;
        let titles: Vec<_> = list["items"].as_array().unwrap().iter().map(|i| i["title"].clone()).collect();
        assert_eq!(titles, vec![json!("Проєкт DREAM №1"), json!("Проєкт DREAM №3")], "[{}]", app.backend);
        let (_, orgs) = send(app.req(Method::GET, "/api/v1/organisations", &app.admin())).await;
        assert!(!orgs.as_array().unwrap().iter().any(|o| o["edrpou"] == "41000002"), "[{}] {orgs}", app.backend);
        assert_eq!(
            (count(&app, "passport_revisions").await, count(&app, "dream_links").await),
            (2, 2),
            "[{}]",
            app.backend
        );
        // Three events: the initiator's registration and two passports' creation.
        assert_eq!(count(&app, "audit_events").await, 3, "[{}]", app.backend);
        assert_eq!(portfel_store::dream::checkpoint(db, "test").await.unwrap().as_deref(), Some("after-3"));

        // A failure of the database, not of a project, rolls back the whole batch and its checkpoint.
        let later = [
            Project { dream_id: "dream-4", code: None, document: &documents[3] },
            Project { dream_id: "dream-broken", code: None, document: &documents[2] },
        ];
        let failed = import_many(db, &actor, &later, Some(("test", "after-broken"))).await;
        assert!(failed.is_err(), "[{}]", app.backend);
        assert_eq!(count(&app, "dream_links").await, 2, "[{}] dream-4 was rolled back", app.backend);
        assert_eq!(portfel_store::dream::checkpoint(db, "test").await.unwrap().as_deref(), Some("after-3"));
    }
}
