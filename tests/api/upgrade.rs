//! Upgrading with data in place. A database holding the schema and demo data
//! of the first release (v0.1.0: migrations 1–4; `tests/fixtures/v0.1.0`,
//! dumped from that release's `portfel demo` with `sqlite3 .dump` and
//! `pg_dump --inserts`) is brought up to this version's schema and read
//! through the API. Every later migration runs over it here.

use std::collections::HashMap;

use crate::common::*;
use portfel_store::maintenance::{connect_unmigrated, pending_migrations};
use reqwest::Method;
use sea_orm::{ConnectionTrait, FromQueryResult, JsonValue, Statement};
use serde_json::Value;

/// Migrations of the first release.
const FIRST_RELEASE: usize = 4;

#[tokio::test]
async fn a_database_of_the_first_release_is_upgraded_with_its_data() {
    for (backend, url, dir) in backends().await {
        let db = connect_unmigrated(&url).await.unwrap();
        let fixture =
            std::fs::read_to_string(format!("{}/tests/fixtures/v0.1.0/{backend}.sql", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        db.execute_unprepared(&fixture).await.unwrap();
        db.close().await.unwrap();

        // What would run (`portfel migrate --dry-run`), and what the release holds.
        let db = connect_unmigrated(&url).await.unwrap();
        let pending = pending_migrations(&db).await.unwrap();
        assert_eq!(
            pending.len(),
            portfel_store::maintenance::migration_count() - FIRST_RELEASE,
            "[{backend}] {pending:?}"
        );
        assert!(pending.iter().all(|name| name.as_str() > "m20261122_000004_dream"), "[{backend}] {pending:?}");
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_portfel"));
        command.args(["migrate", "--dry-run"]).env("PORTFEL_DATABASE_URL", &url).env_remove("DATABASE_URL");
        let out = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let listed: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect();
        assert_eq!(listed, pending.iter().map(|m| format!("would run {m}")).collect::<Vec<_>>(), "[{backend}]");
        assert_eq!(pending_migrations(&db).await.unwrap(), pending, "[{backend}] a dry run changes nothing");
        let sql = "SELECT title, status, content FROM passports";
        let held: HashMap<String, (String, Value)> =
            JsonValue::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|row| {
                    let content = serde_json::from_str(row["content"].as_str().unwrap()).unwrap();
                    (row["title"].as_str().unwrap().to_owned(), (row["status"].as_str().unwrap().to_owned(), content))
                })
                .collect();
        assert_eq!(held.len(), 22, "[{backend}] the demo's passports");
        db.close().await.unwrap();

        // Today's version migrates it on start and serves every passport as it was.
        let app = TestApp::start(backend, &url, dir).await;
        assert_eq!(pending_migrations(app.store.db()).await.unwrap(), Vec::<String>::new());
        let admin = app.admin();
        let (s, page) = send(app.req(Method::GET, "/api/v1/passports?limit=100", &admin)).await;
        assert_eq!(s, 200, "[{backend}] {page}");
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), held.len(), "[{backend}]");
        for summary in items {
            let (status, content) = &held[summary["title"].as_str().unwrap()];
            assert_eq!(summary["status"], status.as_str(), "[{backend}] {summary}");
            let (s, passport) =
                send(app.req(Method::GET, &format!("/api/v1/passports/{}", summary["id"].as_str().unwrap()), &admin))
                    .await;
            assert_eq!(s, 200, "[{backend}] {passport}");
            assert_eq!(&passport["content"], content, "[{backend}] the content is unchanged");
            // The total cost the upgrade stored for the list is the passport's own.
            assert_eq!(summary["total_cost"], passport["total_cost"], "[{backend}] {summary}");
        }
        let (_, organisations) = send(app.req(Method::GET, "/api/v1/organisations", &admin)).await;
        assert_eq!(organisations.as_array().unwrap().len(), 7, "[{backend}]");
        let (s, audit) = send(app.req(Method::GET, "/api/v1/audit?limit=200", &admin)).await;
        assert_eq!(s, 200, "[{backend}] {audit}");
        assert!(audit["items"].as_array().unwrap().len() >= 100, "[{backend}] the release's audit trail is kept");

        // And it takes new work: a passport created, with its first revision.
        let org = organisations[0]["id"].as_str().unwrap();
        let (s, created) = send(
            app.req(Method::POST, &format!("/api/v1/passports?organisation_id={org}"), &admin)
                .json(&serde_json::json!({"title": {"uk": "Після оновлення"}})),
        )
        .await;
        assert_eq!((s, created["revision"].as_i64()), (201, Some(1)), "[{backend}] {created}");
    }
}
