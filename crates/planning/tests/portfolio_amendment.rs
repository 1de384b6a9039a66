//! A portfolio built again, from any round and whatever became of its
//! projects since, holds each project once, continuing projects apart, and
//! never a completed, cancelled, failed or rejected one.

use std::collections::BTreeSet;

use portfel_domain::Status;
use portfel_planning::council::{PortfolioContent, PortfolioItem, RANKED_STATES, Ranked};
use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

fn item(n: u128, rank: Option<u32>, score: Option<Decimal>) -> PortfolioItem {
    PortfolioItem {
        passport_id: Uuid::from_u128(n),
        title: format!("Проєкт {n}"),
        organisation_id: Uuid::nil(),
        sector: "ED".into(),
        rank,
        score,
        total_cost: Decimal::from(1_000_000),
        continuing: rank.is_none(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn each_project_once_and_closed_ones_never(
        states in proptest::collection::vec(proptest::sample::select(Status::ALL.to_vec()), 1..30),
        ranking in proptest::collection::vec((0usize..30, 0i64..=100), 0..40),
        min_score in 0i64..=100,
    ) {
        // Projects now in implementation are listed as continuing (as the store lists them),
        // and a round's ranking may name any project, in any state it reached since, more than once.
        let continuing: Vec<PortfolioItem> = states
            .iter()
            .enumerate()
            .filter(|(_, s)| **s == Status::Implementation)
            .map(|(n, _)| item(n as u128, None, None))
            .collect();
        let ranked: Vec<Ranked> = ranking
            .iter()
            .filter(|(n, _)| *n < states.len())
            .enumerate()
            .map(|(rank, (n, score))| Ranked {
                item: item(*n as u128, Some(rank as u32 + 1), Some(Decimal::from(*score))),
                status: states[*n],
            })
            .collect();
        let p = PortfolioContent::compose(Uuid::nil(), Decimal::from(min_score), continuing.clone(), ranked.clone());
        let ids: Vec<Uuid> = p.items.iter().map(|i| i.passport_id).collect();
        prop_assert_eq!(ids.len(), ids.iter().collect::<BTreeSet<_>>().len(), "each project once");
        for i in &p.items {
            let state = states[i.passport_id.as_u128() as usize];
            if i.continuing {
                prop_assert_eq!(state, Status::Implementation);
            } else {
                prop_assert!(RANKED_STATES.contains(&state), "{:?} entered as new", state);
                prop_assert!(i.score.unwrap() >= Decimal::from(min_score));
            }
        }
        prop_assert_eq!(p.items.iter().filter(|i| i.continuing).count(), continuing.len(), "every continuing project");
        let ranks: Vec<u32> = p.items.iter().filter_map(|i| i.rank).collect();
        prop_assert_eq!(ranks, (1..=p.items.iter().filter(|i| !i.continuing).count() as u32).collect::<Vec<_>>());
        // Nothing eligible is left out: each ranked project in a state that allows it, scoring enough, is there.
        for r in &ranked {
            if RANKED_STATES.contains(&r.status) && r.item.score.unwrap() >= Decimal::from(min_score) {
                prop_assert!(ids.contains(&r.item.passport_id));
            }
        }
    }
}
