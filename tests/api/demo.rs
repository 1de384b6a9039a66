//! The demo hromada loads completely and consistently.

use portfel_domain::rules::check_submission;
use portfel_domain::{Codelists, Status};
use portfel_store::passports::PassportFilter;

#[tokio::test]
async fn demo_loads_a_consistent_hromada_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = portfel_store::Store::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("d.db").display()))
        .await
        .unwrap();
    let summary = portfel::demo::load(&store).await.unwrap().expect("empty database gets the demo");
    assert!(summary.passports >= 20);
    assert!(portfel::demo::load(&store).await.unwrap().is_none(), "a second load changes nothing");
    let filter = PassportFilter {
        visibility: portfel_domain::access::Visibility { all: true, ..Default::default() },
        limit: 100,
        ..Default::default()
    };
    let (passports, _) = portfel_store::passports::list(store.db(), &filter).await.unwrap();
    assert_eq!(passports.len(), summary.passports);
    let states: std::collections::BTreeSet<Status> = passports.iter().map(|p| p.status).collect();
    assert!(states.len() >= 8, "{states:?}");
    for p in &passports {
        assert!(
            p.content.title.uk.chars().any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap())),
            "Ukrainian title"
        );
        if p.status != Status::Draft {
            assert_eq!(check_submission(&p.content, Codelists::embedded()), vec![], "{}", p.content.title.uk);
        }
    }
}
