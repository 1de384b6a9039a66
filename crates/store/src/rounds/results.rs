//! Closing a round and reading its frozen results.

use std::collections::{BTreeMap, BTreeSet};

use portfel_domain::{FieldError, Status};
use portfel_scoring::closing::close_round;
use portfel_scoring::round::{Round, RoundResults};
use portfel_scoring::sensitivity::SensitivityConfig;
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{assignments, bump, get, projects};
use crate::audit;
use crate::entity::{evaluation_round as round, passport};
use crate::passports::{self, Move, transition_in};
use crate::{Actor, StoreError, StoreResult};

/// Closes the round: every eligible project must have enough submitted scores
/// and no unresolved disagreement. Computes and freezes the results (with
/// each initiator's record as it stands, for the formulas that read it); every
/// project keeps its score and rank for lists; evaluated projects move to `evaluated`.
pub async fn close(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    expected_version: i32,
    sensitivity: &SensitivityConfig,
) -> StoreResult<(Round, RoundResults)> {
    let txn = crate::begin_write(db).await?;
    let r = bump(&txn, round_id, expected_version).await?;
    let methodology = crate::methodologies::get(&txn, r.data.methodology_id).await?.definition;
    let round_projects = projects(&txn, round_id).await?;
    let all = assignments(&txn, round_id, None).await?;
    let mut passports_by_id = BTreeMap::new();
    for p in &round_projects {
        passports_by_id.insert(p.passport_id, passports::get(&txn, p.passport_id).await?);
    }
    let mut records = BTreeMap::new();
    let organisations: BTreeSet<Uuid> = passports_by_id.values().map(|p| p.organisation_id).collect();
    for organisation in organisations {
        let record = crate::completions::track_record(&txn, organisation).await?;
        records.insert(organisation, crate::completions::initiator_record(&record));
    }
    let results = close_round(&methodology, &round_projects, &all, &passports_by_id, &records, sensitivity)
        .map_err(StoreError::Invalid)?;
    let now = crate::now();
    round::Entity::update_many()
        .set(round::ActiveModel {
            status: Set("closed".into()),
            results: Set(Some(serde_json::to_string(&results)?)),
            closed_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(round::Column::Id.eq(round_id))
        .exec(&txn)
        .await?;
    for r in &results.ranking {
        passport::Entity::update_many()
            .col_expr(passport::Column::Score, Expr::value(r.final_score.to_string()))
            .col_expr(passport::Column::Rank, Expr::value(r.rank.map(|rank| rank as i32)))
            .filter(passport::Column::Id.eq(r.id))
            .exec(&txn)
            .await?;
    }
    for e in results.evaluations.iter().filter(|e| e.eligible) {
        let passport = &passports_by_id[&e.id];
        if passport.status == Status::UnderEvaluation {
            transition_in(&txn, actor, Move::of(passport, Status::Evaluated)).await?;
        }
    }
    let closed = get(&txn, round_id).await?;
    audit::updated(&txn, actor, "round.close", "evaluation_round", round_id.to_string(), &r, &closed).await?;
    txn.commit().await?;
    Ok((closed, results))
}

/// The frozen results of a closed round.
pub async fn results<C: ConnectionTrait>(conn: &C, round_id: Uuid) -> StoreResult<RoundResults> {
    let model = round::Entity::find_by_id(round_id).one(conn).await?.ok_or(StoreError::NotFound("evaluation round"))?;
    let json = model.results.ok_or_else(|| StoreError::Conflict(FieldError::of("state", "round_open", &[])))?;
    Ok(serde_json::from_str(&json)?)
}
