//! Experts at work: declarations, scores, reopening, disagreements and consensus notes.

use portfel_scoring::CriterionKind;
use portfel_scoring::closing::submitted_on;
use portfel_scoring::round::{Assignment, ConsensusNote, Disagreement, ExpertScore, RoundProject, disagreements};
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{assignments, get, project, projects, require_open, to_assignment};
use crate::audit;
use crate::entity::{assignment, round_project};
use crate::{Actor, StoreError, StoreResult};

async fn own_assignment<C: ConnectionTrait>(
    conn: &C,
    round_id: Uuid,
    passport_id: Uuid,
    expert: &str,
) -> StoreResult<Assignment> {
    assignment::Entity::find_by_id((round_id, passport_id, expert.to_owned()))
        .one(conn)
        .await?
        .map(to_assignment)
        .ok_or(StoreError::NotFound("assignment"))?
}

async fn write_assignment<C: ConnectionTrait>(conn: &C, a: &Assignment) -> StoreResult<()> {
    assignment::Entity::update_many()
        .set(assignment::ActiveModel {
            status: Set(a.status.as_str().into()),
            conflict_note: Set(a.conflict_note.clone()),
            scores: Set(serde_json::to_string(&a.scores)?),
            submitted_at: Set(a.submitted_at),
            updated_at: Set(crate::now()),
            ..Default::default()
        })
        .filter(assignment::Column::RoundId.eq(a.round_id))
        .filter(assignment::Column::PassportId.eq(a.passport_id))
        .filter(assignment::Column::Expert.eq(a.expert.as_str()))
        .exec(conn)
        .await?;
    Ok(())
}

/// An expert declares whether it has a conflict of interest with a project.
pub async fn declare(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    passport_id: Uuid,
    conflict: bool,
    note: Option<String>,
) -> StoreResult<Assignment> {
    let txn = crate::begin_write(db).await?;
    require_open(&txn, round_id).await?;
    let before = own_assignment(&txn, round_id, passport_id, &actor.sub).await?;
    let after = before.declared(conflict, note)?;
    changed(&txn, actor, "assignment.declare", &before, &after, None).await?;
    txn.commit().await?;
    Ok(after)
}

/// An expert saves (and with `submit`, finalises) its scores on a project.
pub async fn save_scores(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    passport_id: Uuid,
    scores: Vec<ExpertScore>,
    submit: bool,
) -> StoreResult<Assignment> {
    let txn = crate::begin_write(db).await?;
    let r = require_open(&txn, round_id).await?;
    let before = own_assignment(&txn, round_id, passport_id, &actor.sub).await?;
    let methodology = crate::methodologies::get(&txn, r.data.methodology_id).await?.definition;
    let after = before.scored(&methodology, scores, submit, crate::now())?;
    let action = if submit { "assignment.submit" } else { "assignment.save" };
    changed(&txn, actor, action, &before, &after, None).await?;
    txn.commit().await?;
    Ok(after)
}

/// Writes an assignment's new state and audits the change (`round/passport/expert`).
async fn changed<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    action: &str,
    before: &Assignment,
    after: &Assignment,
    reason: Option<&str>,
) -> StoreResult<()> {
    write_assignment(conn, after).await?;
    let entity_id = format!("{}/{}/{}", after.round_id, after.passport_id, after.expert);
    let change = audit::Change {
        action,
        entity_type: "assignment",
        entity_id,
        before: Some(before),
        after: Some(after),
        reason,
    };
    audit::record(conn, actor, change).await
}

/// The PIM unit reopens an expert's submitted scores, giving a reason.
pub async fn reopen(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    passport_id: Uuid,
    expert: &str,
    reason: &str,
) -> StoreResult<Assignment> {
    let txn = crate::begin_write(db).await?;
    require_open(&txn, round_id).await?;
    let before = own_assignment(&txn, round_id, passport_id, expert).await?;
    let after = before.reopened()?;
    changed(&txn, actor, "assignment.reopen", &before, &after, Some(reason)).await?;
    txn.commit().await?;
    Ok(after)
}

/// The PIM unit records a consensus note resolving disagreement on a criterion.
pub async fn resolve(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: Uuid,
    passport_id: Uuid,
    criterion: &str,
    note: &str,
) -> StoreResult<RoundProject> {
    let txn = crate::begin_write(db).await?;
    let r = require_open(&txn, round_id).await?;
    let methodology = crate::methodologies::get(&txn, r.data.methodology_id).await?.definition;
    if !methodology.criterion(criterion).is_some_and(|c| matches!(c.kind, CriterionKind::Expert { .. })) {
        return Err(StoreError::invalid(
            "criterion",
            "unknown_criterion",
            format!("{criterion} is not an expert criterion of the methodology"),
        ));
    }
    let before = project(&txn, round_id, passport_id).await?;
    let mut after = before.clone();
    after
        .consensus
        .insert(criterion.to_owned(), ConsensusNote { note: note.to_owned(), by: actor.sub.clone(), at: crate::now() });
    round_project::Entity::update_many()
        .col_expr(round_project::Column::Consensus, serde_json::to_string(&after.consensus)?.into())
        .filter(round_project::Column::RoundId.eq(round_id))
        .filter(round_project::Column::PassportId.eq(passport_id))
        .exec(&txn)
        .await?;
    audit::updated(
        &txn,
        actor,
        "round.resolve_disagreement",
        "evaluation_round",
        round_id.to_string(),
        &before,
        &after,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Disagreements among submitted scores of the round.
pub async fn disagreements_of<C: ConnectionTrait>(conn: &C, round_id: Uuid) -> StoreResult<Vec<Disagreement>> {
    let r = get(conn, round_id).await?;
    let methodology = crate::methodologies::get(conn, r.data.methodology_id).await?.definition;
    let all = assignments(conn, round_id, None).await?;
    let mut out = Vec::new();
    for p in projects(conn, round_id).await? {
        let submitted: Vec<&Assignment> = submitted_on(&all, p.passport_id).collect();
        out.extend(disagreements(&methodology, &p, &submitted));
    }
    Ok(out)
}
