//! `portfel backup` and `portfel restore`: a backup taken while passports are
//! being written restores every write acknowledged before it, consistently;
//! a restore refuses a database holding data unless forced; a forced restore
//! gives back every row of every table.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::backends;
use portfel::backup::{backup, restore};
use portfel_domain::PassportContent;
use portfel_domain::reference::OrganisationInput;
use portfel_store::{Actor, FilesAt, Store};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, JsonValue, Statement};
use serde_json::json;
use uuid::Uuid;

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<JsonValue> {
    JsonValue::find_by_statement(Statement::from_string(db.get_database_backend(), sql)).all(db).await.unwrap()
}

/// Every table's rows, in a stable order.
async fn every_row(db: &DatabaseConnection) -> Vec<(String, Vec<JsonValue>)> {
    let tables = match db.get_database_backend() {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        _ => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
        }
    };
    let mut out = Vec::new();
    for table in rows(db, tables).await {
        let name = table["name"].as_str().unwrap().to_owned();
        let mut content = rows(db, &format!("SELECT * FROM {name}")).await;
        content.sort_by_key(|row| row.to_string());
        out.push((name, content));
    }
    out
}

/// Concurrent writers during the backup.
const WRITERS: usize = 3;

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let statement = Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) AS n FROM {sql}"));
    db.query_one_raw(statement).await.unwrap().unwrap().try_get("", "n").unwrap()
}

#[tokio::test]
async fn a_backup_under_write_load_restores_every_acknowledged_write() {
    for (backend, source_url, _dir) in backends().await {
        let source = Store::connect(&source_url).await.unwrap();
        let actor = Actor { sub: "load".into(), organisation: None, request_id: None };
        let input =
            OrganisationInput {
                name: "Управління освіти".into(), edrpou: "40000001".into(), kind: "localBody".into()
            };
        let org = portfel_store::organisations::create(source.db(), &actor, &input).await.unwrap().meta.id;
        let content: PassportContent = serde_json::from_value(json!({"title": {"uk": "Ремонт школи"}})).unwrap();
        let (stop, acked) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Vec::<Uuid>::new())));
        let mut writers = tokio::task::JoinSet::new();
        for _ in 0..WRITERS {
            let (db, actor, content) = (source.db().clone(), actor.clone(), content.clone());
            let (stop, acked) = (stop.clone(), acked.clone());
            writers.spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let p = portfel_store::passports::create(&db, &actor, org, &content).await.unwrap();
                    acked.lock().unwrap().push(p.meta.id);
                }
            });
        }
        while acked.lock().unwrap().len() < 30 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let files = tempfile::tempdir().unwrap();
        let first = files.path().join("first.backup");
        let before = acked.lock().unwrap().clone();
        backup(&source_url, FilesAt::Beside.folder(&source_url).as_deref(), &first).await.unwrap();
        let after = acked.lock().unwrap().len();
        tokio::time::sleep(Duration::from_millis(50)).await;
        stop.store(true, Ordering::Relaxed);
        while writers.join_next().await.is_some() {}
        assert!(acked.lock().unwrap().len() > after, "[{backend}] writes went on during and after the backup");

        // Restored into an empty database: every write acknowledged before the backup, each whole.
        let (_, target_url, _target_dir) = backends().await.into_iter().find(|(b, _, _)| *b == backend).unwrap();
        restore(&target_url, FilesAt::Beside.folder(&target_url).as_deref(), &first, false).await.unwrap();
        let target = Store::connect(&target_url).await.unwrap();
        for id in &before {
            portfel_store::passports::get(target.db(), *id).await.unwrap();
        }
        let restored = count(target.db(), "passports").await as usize;
        // At most one commit per writer may be in the backup before its writer saw it acknowledged.
        let most = after + WRITERS;
        assert!((before.len()..=most).contains(&restored), "[{backend}] {} ≤ {restored} ≤ {most}", before.len());
        assert_eq!(count(target.db(), "passport_revisions").await as usize, restored, "[{backend}]");
        let search = portfel_store::passports::PassportFilter {
            visibility: portfel_domain::access::Visibility { all: true, ..Default::default() },
            text: Some("школи".into()),
            limit: 10_000,
            ..Default::default()
        };
        let (found, _) = portfel_store::passports::summaries(target.db(), &search).await.unwrap();
        assert_eq!(found.len(), restored, "[{backend}] the restored passports are found by their words");
        assert_eq!(
            count(target.db(), "audit_events WHERE action = 'passport.create'").await as usize,
            restored,
            "[{backend}]"
        );

        // A database holding data is not overwritten unless asked, and stays as it was.
        let err =
            restore(&target_url, FilesAt::Beside.folder(&target_url).as_deref(), &first, false).await.unwrap_err();
        assert!(err.to_string().contains("holds data"), "[{backend}] {err:#}");
        assert_eq!(count(target.db(), "passports").await as usize, restored);
        target.close().await.unwrap();

        // Forced, a backup taken at rest gives back every row of every table, and every file.
        let content = b"%PDF-1.4\n% estimate\n%%EOF\n".repeat(50_000);
        let mut upload = source.files().begin().await.unwrap();
        upload.write(&content).await.unwrap();
        let stored = upload.finish().await.unwrap();
        let new = portfel_store::attachments::NewAttachment {
            owner_kind: portfel_domain::attachment::OwnerKind::Passport,
            owner_id: before[0],
            kind: None,
            name: "Кошторис.pdf".into(),
            file_type: portfel_domain::attachment::FileType::Pdf,
            stored: stored.clone(),
            replaces: None,
        };
        portfel_store::attachments::add(source.db(), &actor, vec![new]).await.unwrap();
        let second = files.path().join("second.backup");
        backup(&source_url, FilesAt::Beside.folder(&source_url).as_deref(), &second).await.unwrap();
        assert!(
            backup(&source_url, FilesAt::Beside.folder(&source_url).as_deref(), &second).await.is_err(),
            "[{backend}] an existing file is not overwritten"
        );
        restore(&target_url, FilesAt::Beside.folder(&target_url).as_deref(), &second, true).await.unwrap();
        let target = Store::connect(&target_url).await.unwrap();
        let everything = every_row(source.db()).await;
        assert!(everything.iter().any(|(table, rows)| table == "passports" && rows.len() > restored));
        assert_eq!(every_row(target.db()).await, everything, "[{backend}]");
        use futures_util::TryStreamExt;
        let chunks: Vec<_> = target.files().read(&stored.sha256).await.unwrap().try_collect().await.unwrap();
        assert_eq!(chunks.concat(), content, "[{backend}] the file came back with the database");
        target.close().await.unwrap();
        source.close().await.unwrap();
    }
}
