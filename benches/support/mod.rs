//! Reference data the HTTP benchmarks seed through the store.

use portfel_domain::reference::{GoalLevel, OrganisationInput, StrategyDocumentInput, StrategyGoalInput};
use portfel_store::{Actor, Store};
use uuid::Uuid;

/// The actor benchmarks seed as.
pub fn actor() -> Actor {
    Actor { sub: "bench".into(), organisation: None, request_id: None }
}

/// A local body named `name` with EDRPOU code `edrpou`.
pub async fn organisation(store: &Store, name: &str, edrpou: &str) -> Uuid {
    let input = OrganisationInput { name: name.into(), edrpou: edrpou.into(), kind: "localBody".into() };
    portfel_store::organisations::create(store.db(), &actor(), &input).await.unwrap().meta.id
}

/// A strategic goal of a community development strategy, for passports to serve.
pub async fn strategy_goal(store: &Store) -> Uuid {
    let document = StrategyDocumentInput {
        kind: "communityDevelopmentStrategy".into(),
        title: "Стратегія".into(),
        approved_by: None,
        approved_on: None,
        period_start: 2021,
        period_end: 2030,
    };
    let document = portfel_store::strategy::create_document(store.db(), &actor(), &document).await.unwrap();
    let goal =
        StrategyGoalInput { level: GoalLevel::Strategic, parent_id: None, code: "1".into(), title: "Ціль".into() };
    portfel_store::strategy::create_goal(store.db(), &actor(), document.meta.id, &goal).await.unwrap().meta.id
}
