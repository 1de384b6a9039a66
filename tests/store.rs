//! Store guarantees on both databases: writes are atomic with their audit
//! event, and version guards refuse stale writes without side effects.

mod common;

use portfel_domain::access::Visibility;
use portfel_domain::reference::OrganisationInput;
use portfel_domain::{PassportContent, Status};
use portfel_store::access::Viewer;
use portfel_store::audit::AuditFilter;
use portfel_store::passports::PassportFilter;
use portfel_store::{Actor, Store, StoreError};

/// A reader who sees everything.
fn admin() -> Viewer {
    Viewer { sub: "admin".into(), visibility: Visibility { all: true, ..Default::default() }, expert: false }
}

async fn counts(store: &Store) -> (usize, usize) {
    let all = PassportFilter {
        visibility: Visibility { all: true, ..Default::default() },
        limit: 1000,
        ..Default::default()
    };
    let passports = portfel_store::passports::list(store.db(), &all).await.unwrap().0.len();
    let filter = AuditFilter { limit: 1000, ..Default::default() };
    let events = portfel_store::audit::list(store.db(), &admin(), &filter).await.unwrap().0.len();
    (passports, events)
}

#[tokio::test]
async fn failed_writes_leave_no_trace_and_stale_versions_are_refused() {
    for (backend, url, _dir) in common::backends().await {
        let store = Store::connect(&url).await.unwrap();
        let actor = Actor { sub: "tester".into(), organisation: None, request_id: Some("req-1".into()) };
        let org = portfel_store::organisations::create(
            store.db(),
            &actor,
            &OrganisationInput {
                name: "Управління освіти".into(),
                edrpou: "40000001".into(),
                kind: "localBody".into(),
            },
        )
        .await
        .unwrap();
        let before = counts(&store).await;
        assert_eq!(before, (0, 1), "{backend}");

        // A passport linked to a goal that does not exist: refused, nothing written.
        let content: PassportContent = serde_json::from_value(serde_json::json!({
            "title": {"uk": "Проєкт"}, "strategy_goal_ids": [uuid::Uuid::now_v7()]
        }))
        .unwrap();
        let err = portfel_store::passports::create(store.db(), &actor, org.meta.id, &content).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(ref e) if e[0].field == "strategy_goal_ids[0]"), "{backend}: {err}");
        // An unknown organisation: refused, nothing written.
        let plain: PassportContent = serde_json::from_value(serde_json::json!({"title": {"uk": "Проєкт"}})).unwrap();
        let err = portfel_store::passports::create(store.db(), &actor, uuid::Uuid::now_v7(), &plain).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{backend}: {err}");
        assert_eq!(counts(&store).await, before, "{backend}");

        // A real passport; then a transition against a stale version changes nothing.
        let p = portfel_store::passports::create(store.db(), &actor, org.meta.id, &plain).await.unwrap();
        let moved = portfel_store::passports::transition(store.db(), &actor, p.meta.id, 1, Status::Submitted, None)
            .await
            .unwrap();
        assert_eq!((moved.meta.version, moved.status), (2, Status::Submitted));
        let after = counts(&store).await;
        let err = portfel_store::passports::transition(store.db(), &actor, p.meta.id, 1, Status::Screening, None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::VersionMismatch { current: 2 }), "{backend}: {err}");
        let err = portfel_store::passports::update_content(store.db(), &actor, p.meta.id, 1, &plain).await.unwrap_err();
        assert!(matches!(err, StoreError::VersionMismatch { current: 2 }), "{backend}: {err}");
        assert_eq!(counts(&store).await, after, "{backend}");
        let stored = portfel_store::passports::get(store.db(), p.meta.id).await.unwrap();
        assert_eq!((stored.status, stored.revision, stored.meta.version), (Status::Submitted, 1, 2));

        // Audit events carry the actor and request id.
        let filter = AuditFilter { limit: 10, ..Default::default() };
        let (events, _) = portfel_store::audit::list(store.db(), &admin(), &filter).await.unwrap();
        assert!(events.iter().all(|e| e.actor == "tester" && e.request_id.as_deref() == Some("req-1")));
        assert_eq!(events.last().unwrap().after.as_ref().unwrap()["status"], "submitted");
        store.close().await.unwrap();
    }
}
