//! Evaluation rounds: projects, screening, expert assignment with conflict of
//! interest declarations, blind scoring, disagreement resolution and closing.

mod results;
mod scoring;
mod setup;

pub use results::{close, results};
pub use scoring::{declare, disagreements_of, reopen, resolve, save_scores};
pub use setup::{add_expert, add_projects, assign, screen, withdraw};

use portfel_domain::records::Meta;
use portfel_scoring::round::{
    Assignment, AssignmentStatus, MethodologyStatus, Round, RoundInput, RoundProject, RoundStatus,
};
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::audit;
use crate::entity::{assignment, evaluation_round as round, round_project};
use crate::guarded::update_row;
use crate::{Actor, StoreError, StoreResult};

fn parse_status(s: &str) -> StoreResult<RoundStatus> {
    match s {
        "open" => Ok(RoundStatus::Open),
        "closed" => Ok(RoundStatus::Closed),
        other => Err(StoreError::Corrupt(format!("round status {other:?}"))),
    }
}

fn to_round(m: round::Model) -> StoreResult<Round> {
    Ok(Round {
        meta: Meta { id: m.id, version: m.version, created_at: m.created_at, updated_at: m.updated_at },
        data: RoundInput { name: m.name, methodology_id: m.methodology_id, deadline: m.deadline },
        status: parse_status(&m.status)?,
        closed_at: m.closed_at,
    })
}

fn to_project(m: round_project::Model) -> StoreResult<RoundProject> {
    Ok(RoundProject {
        passport_id: m.passport_id,
        screening: m.screening.as_deref().map(serde_json::from_str).transpose()?,
        eligible: m.eligible,
        consensus: serde_json::from_str(&m.consensus)?,
        added_at: m.added_at,
    })
}

fn to_assignment(m: assignment::Model) -> StoreResult<Assignment> {
    Ok(Assignment {
        round_id: m.round_id,
        passport_id: m.passport_id,
        status: AssignmentStatus::parse(&m.status)
            .ok_or_else(|| StoreError::Corrupt(format!("assignment status {:?}", m.status)))?,
        expert: m.expert,
        conflict_note: m.conflict_note,
        scores: serde_json::from_str(&m.scores)?,
        submitted_at: m.submitted_at,
    })
}

/// Opens a round on an approved methodology.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: &RoundInput) -> StoreResult<Round> {
    let txn = crate::begin_write(db).await?;
    let methodology = crate::methodologies::get(&txn, input.methodology_id).await.map_err(|e| match e {
        StoreError::NotFound(_) => StoreError::invalid("methodology_id", "unknown_reference", "no such methodology"),
        other => other,
    })?;
    if methodology.status != MethodologyStatus::Approved {
        return Err(StoreError::invalid(
            "methodology_id",
            "not_approved",
            "a round needs an approved methodology version",
        ));
    }
    let now = crate::now();
    let model = round::Entity::insert(round::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(input.name.clone()),
        methodology_id: Set(input.methodology_id),
        deadline: Set(input.deadline),
        status: Set("open".into()),
        results: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
    })
    .exec_with_returning(&txn)
    .await?;
    let record = to_round(model)?;
    audit::created(&txn, actor, "round.create", "evaluation_round", record.meta.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

/// One round.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<Round> {
    round::Entity::find_by_id(id).one(conn).await?.map(to_round).ok_or(StoreError::NotFound("evaluation round"))?
}

/// All rounds, oldest first.
pub async fn list<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<Round>> {
    round::Entity::find().order_by_asc(round::Column::Id).all(conn).await?.into_iter().map(to_round).collect()
}

/// Projects of a round, in the order they were added.
pub async fn projects<C: ConnectionTrait>(conn: &C, round_id: Uuid) -> StoreResult<Vec<RoundProject>> {
    let query = round_project::Entity::find()
        .filter(round_project::Column::RoundId.eq(round_id))
        .order_by_asc(round_project::Column::AddedAt)
        .order_by_asc(round_project::Column::PassportId);
    crate::records(conn, query, to_project).await
}

async fn project<C: ConnectionTrait>(conn: &C, round_id: Uuid, passport_id: Uuid) -> StoreResult<RoundProject> {
    round_project::Entity::find_by_id((round_id, passport_id))
        .one(conn)
        .await?
        .map(to_project)
        .ok_or(StoreError::NotFound("project in this round"))?
}

/// Assignments of a round (optionally of one project), by project then expert.
pub async fn assignments<C: ConnectionTrait>(
    conn: &C,
    round_id: Uuid,
    passport_id: Option<Uuid>,
) -> StoreResult<Vec<Assignment>> {
    let mut query = assignment::Entity::find().filter(assignment::Column::RoundId.eq(round_id));
    if let Some(p) = passport_id {
        query = query.filter(assignment::Column::PassportId.eq(p));
    }
    let query = query.order_by_asc(assignment::Column::PassportId).order_by_asc(assignment::Column::Expert);
    crate::records(conn, query, to_assignment).await
}

/// Assignments of one expert across all rounds.
pub async fn assignments_of<C: ConnectionTrait>(conn: &C, expert: &str) -> StoreResult<Vec<Assignment>> {
    let query = assignment::Entity::find()
        .filter(assignment::Column::Expert.eq(expert))
        .order_by_asc(assignment::Column::RoundId)
        .order_by_asc(assignment::Column::PassportId);
    crate::records(conn, query, to_assignment).await
}

/// True when `expert` declared no conflict on this passport in some round and may see it.
pub async fn expert_can_see<C: ConnectionTrait>(conn: &C, expert: &str, passport_id: Uuid) -> StoreResult<bool> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::Expert.eq(expert))
        .filter(assignment::Column::PassportId.eq(passport_id))
        .filter(assignment::Column::Status.eq(AssignmentStatus::Active.as_str()))
        .one(conn)
        .await?
        .is_some())
}

/// Locks an open round at `expected_version` for a round-level change and bumps its version.
async fn bump<C: ConnectionTrait>(conn: &C, round_id: Uuid, expected_version: i32) -> StoreResult<Round> {
    let current = get(conn, round_id).await?;
    crate::check_version(current.meta.version, expected_version)?;
    current.check_open()?;
    update_row::<round::Entity, C>(conn, round_id, expected_version, round::ActiveModel::default(), "round").await?;
    Ok(current)
}

async fn require_open<C: ConnectionTrait>(conn: &C, round_id: Uuid) -> StoreResult<Round> {
    let r = get(conn, round_id).await?;
    r.check_open()?;
    Ok(r)
}
