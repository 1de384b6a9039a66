//! Store guarantees on both databases: writes are atomic with their audit
//! event, and version guards refuse stale writes without side effects.

use portfel_domain::access::Visibility;
use portfel_domain::reference::OrganisationInput;
use portfel_domain::{PassportContent, Status};
use portfel_store::access::Viewer;
use portfel_store::audit_log::AuditFilter;
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
    let events = portfel_store::audit_log::list(store.db(), &admin(), &filter).await.unwrap().0.len();
    (passports, events)
}

#[tokio::test]
async fn failed_writes_leave_no_trace_and_stale_versions_are_refused() {
    for (backend, url, _dir) in crate::common::backends().await {
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
        let moved =
            portfel_store::passports::transition(store.db(), &actor, p.meta.id, 1, Status::Submitted, (None, None))
                .await
                .unwrap();
        assert_eq!((moved.meta.version, moved.status), (2, Status::Submitted));
        let after = counts(&store).await;
        let err =
            portfel_store::passports::transition(store.db(), &actor, p.meta.id, 1, Status::Screening, (None, None))
                .await
                .unwrap_err();
        assert!(matches!(err, StoreError::VersionMismatch { current: 2 }), "{backend}: {err}");
        let err = portfel_store::passports::update_content(store.db(), &actor, p.meta.id, 1, &plain).await.unwrap_err();
        assert!(matches!(err, StoreError::VersionMismatch { current: 2 }), "{backend}: {err}");
        assert_eq!(counts(&store).await, after, "{backend}");
        let stored = portfel_store::passports::get(store.db(), p.meta.id).await.unwrap();
        assert_eq!((stored.status, stored.revision, stored.meta.version), (Status::Submitted, 1, 2));

        // Audit events carry the actor and request id.
        let filter = AuditFilter { limit: 10, with_changes: true, ..Default::default() };
        let (events, _) = portfel_store::audit_log::list(store.db(), &admin(), &filter).await.unwrap();
        assert!(events.iter().all(|e| e.actor == "tester" && e.request_id.as_deref() == Some("req-1")));
        assert_eq!(events.last().unwrap().after.as_ref().unwrap()["status"], "submitted");
        store.close().await.unwrap();
    }
}

/// Concurrent creates, some of them bad (SQLite stores concurrent creates in
/// shared transactions): each good one is stored whole with its audit event
/// and answered with what is stored; each bad one is refused naming its field,
/// and stores nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_succeed_or_fail_each_on_its_own() {
    for (backend, url, _dir) in crate::common::backends().await {
        let store = Store::connect(&url).await.unwrap();
        let actor = Actor { sub: "tester".into(), organisation: None, request_id: None };
        let input =
            OrganisationInput {
                name: "Управління освіти".into(), edrpou: "40000001".into(), kind: "localBody".into()
            };
        let org = portfel_store::organisations::create(store.db(), &actor, &input).await.unwrap().meta.id;
        let before = counts(&store).await;
        let mut creates = tokio::task::JoinSet::new();
        for i in 0..40 {
            let (db, actor) = (store.db().clone(), actor.clone());
            creates.spawn(async move {
                let goals = if i % 8 == 5 { vec![uuid::Uuid::now_v7()] } else { vec![] };
                let content: PassportContent = serde_json::from_value(serde_json::json!({
                    "title": {"uk": format!("Проєкт {i}")}, "strategy_goal_ids": goals
                }))
                .unwrap();
                let organisation = if i % 8 == 3 { uuid::Uuid::now_v7() } else { org };
                (i, portfel_store::passports::create(&db, &actor, organisation, &content).await)
            });
        }
        let mut stored = 0;
        while let Some(joined) = creates.join_next().await {
            let (i, created) = joined.unwrap();
            match (i % 8, created) {
                (3, Err(StoreError::Invalid(e))) => assert_eq!(e[0].field, "organisation_id", "{backend}"),
                (5, Err(StoreError::Invalid(e))) => assert_eq!(e[0].field, "strategy_goal_ids[0]", "{backend}"),
                (3 | 5, other) => panic!("{backend}: create {i} should be refused: {other:?}"),
                (_, created) => {
                    let created = created.unwrap_or_else(|e| panic!("{backend}: create {i}: {e}"));
                    assert_eq!(created.content.title.uk, format!("Проєкт {i}"));
                    let read = portfel_store::passports::get(store.db(), created.meta.id).await.unwrap();
                    assert_eq!(read, created, "{backend}");
                    stored += 1;
                }
            }
        }
        assert_eq!(stored, 30);
        assert_eq!(counts(&store).await, (before.0 + 30, before.1 + 30), "{backend}");
        store.close().await.unwrap();
    }
}

/// The one guarded-update protocol, at every kind of record that uses it: a
/// stale version is refused with the stored one, a current version writes and
/// moves the version on by one.
#[tokio::test]
async fn every_guarded_kind_refuses_a_stale_version() {
    use portfel_domain::reference::{BudgetYearInput, BudgetYearStatus, StrategyDocumentInput};
    use portfel_store::council::{Kind, Target};
    use serde_json::json;

    fn stale<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
        assert!(matches!(result, Err(StoreError::VersionMismatch { current: 1 })), "{what}: {result:?}");
    }
    for (backend, url, _dir) in crate::common::backends().await {
        let store = Store::connect(&url).await.unwrap();
        let db = store.db();
        let actor = Actor { sub: "tester".into(), organisation: None, request_id: None };
        let input =
            OrganisationInput { name: "Відділ".into(), edrpou: "40000002".into(), kind: "localBody".into() };
        let org = portfel_store::organisations::create(db, &actor, &input).await.unwrap();
        stale(portfel_store::organisations::update(db, &actor, org.meta.id, 7, &input).await, "organisation");
        let org = portfel_store::organisations::update(db, &actor, org.meta.id, 1, &input).await.unwrap();
        assert_eq!(org.meta.version, 2, "{backend}");

        let doc_input: StrategyDocumentInput = serde_json::from_value(json!({
            "kind": "communityDevelopmentStrategy", "title": "Стратегія", "period_start": 2021, "period_end": 2030
        }))
        .unwrap();
        let doc = portfel_store::strategy::create_document(db, &actor, &doc_input).await.unwrap();
        stale(portfel_store::strategy::update_document(db, &actor, doc.meta.id, 7, &doc_input).await, "strategy");
        let doc = portfel_store::strategy::update_document(db, &actor, doc.meta.id, 1, &doc_input).await.unwrap();
        assert_eq!(doc.meta.version, 2);

        let year = BudgetYearInput { year: 2027, status: BudgetYearStatus::Planning, investment_ceiling: None };
        portfel_store::years::create(db, &actor, &year).await.unwrap();
        stale(portfel_store::years::update(db, &actor, 7, &year).await, "budget year");
        assert_eq!(portfel_store::years::update(db, &actor, 1, &year).await.unwrap().version, 2);

        let definition = portfel_scoring::default_methodology();
        let m = portfel_store::methodologies::create(db, &actor, &definition).await.unwrap();
        stale(portfel_store::methodologies::update(db, &actor, m.meta.id, 7, &definition).await, "methodology");
        let m = portfel_store::methodologies::update(db, &actor, m.meta.id, 1, &definition).await.unwrap();
        assert_eq!(m.meta.version, 2);

        let doc = portfel_store::council::create(db, &actor, Kind::Portfolio, &json!({"items": []})).await.unwrap();
        let target = |version| Target { kind: Kind::Portfolio, id: doc.workflow.id, version };
        stale(portfel_store::council::replace(db, &actor, target(7), &json!({"items": [1]})).await, "portfolio");
        let replaced = portfel_store::council::replace(db, &actor, target(1), &json!({"items": [1]})).await.unwrap();
        assert_eq!(replaced.workflow.version, 2);

        let approved = portfel_store::methodologies::list(db)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.status == portfel_scoring::round::MethodologyStatus::Approved);
        let round_input = portfel_scoring::round::RoundInput {
            name: "Раунд".into(),
            methodology_id: approved.unwrap().meta.id,
            deadline: chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
        };
        let round = portfel_store::rounds::create(db, &actor, &round_input).await.unwrap();
        stale(portfel_store::rounds::add_projects(db, &actor, round.meta.id, 7, &[]).await, "round");
        portfel_store::rounds::add_projects(db, &actor, round.meta.id, 1, &[]).await.unwrap();
        assert_eq!(portfel_store::rounds::get(db, round.meta.id).await.unwrap().meta.version, 2);

        let content: PassportContent = serde_json::from_value(json!({"title": {"uk": "Проєкт"}})).unwrap();
        let p = portfel_store::passports::create(db, &actor, org.meta.id, &content).await.unwrap();
        stale(portfel_store::passports::update_content(db, &actor, p.meta.id, 7, &content).await, "passport");
        stale(
            portfel_store::passports::transition(db, &actor, p.meta.id, 7, Status::Submitted, (None, None)).await,
            "move",
        );
        let p = portfel_store::passports::update_content(db, &actor, p.meta.id, 1, &content).await.unwrap();
        assert_eq!((p.meta.version, p.revision), (2, 2), "{backend}");
        store.close().await.unwrap();
    }
}
