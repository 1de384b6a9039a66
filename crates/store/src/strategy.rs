//! Strategy documents and their goal hierarchy (strategic → operational → task).

use portfel_domain::FieldError;
use portfel_domain::records::{Meta, StrategyDocument, StrategyGoal};
use portfel_domain::reference::{GoalLevel, StrategyDocumentInput, StrategyGoalInput};
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::audit;
use crate::entity::{strategy_document as document, strategy_goal as goal};
use crate::guarded::{Guard, record, update_audited};
use crate::{Actor, StoreError, StoreResult};

fn document_record(m: document::Model) -> StrategyDocument {
    StrategyDocument {
        meta: Meta { id: m.id, version: m.version, created_at: m.created_at, updated_at: m.updated_at },
        data: StrategyDocumentInput {
            kind: m.kind,
            title: m.title,
            approved_by: m.approved_by,
            approved_on: m.approved_on,
            period_start: m.period_start,
            period_end: m.period_end,
        },
    }
}

fn goal_record(m: goal::Model) -> StoreResult<StrategyGoal> {
    let level = GoalLevel::parse(&m.level).ok_or_else(|| StoreError::Corrupt(format!("goal level {:?}", m.level)))?;
    Ok(StrategyGoal {
        meta: Meta { id: m.id, version: m.version, created_at: m.created_at, updated_at: m.updated_at },
        document_id: m.document_id,
        data: StrategyGoalInput { level, parent_id: m.parent_id, code: m.code, title: m.title },
    })
}

fn document_model(input: &StrategyDocumentInput) -> document::ActiveModel {
    document::ActiveModel {
        kind: Set(input.kind.clone()),
        title: Set(input.title.clone()),
        approved_by: Set(input.approved_by.clone()),
        approved_on: Set(input.approved_on),
        period_start: Set(input.period_start),
        period_end: Set(input.period_end),
        ..Default::default()
    }
}

/// Creates a strategy document.
pub async fn create_document(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &StrategyDocumentInput,
) -> StoreResult<StrategyDocument> {
    let txn = crate::begin_write(db).await?;
    let now = crate::now();
    let mut model = document_model(input);
    model.id = Set(Uuid::now_v7());
    model.version = Set(1);
    model.created_at = Set(now);
    model.updated_at = Set(now);
    let record = document_record(document::Entity::insert(model).exec_with_returning(&txn).await?);
    audit::created(&txn, actor, "strategy_document.create", "strategy_document", record.meta.id.to_string(), &record)
        .await?;
    txn.commit().await?;
    Ok(record)
}

/// One strategy document.
pub async fn get_document<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<StrategyDocument> {
    document::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(document_record)
        .ok_or(StoreError::NotFound("strategy document"))
}

/// All strategy documents, newest period first.
pub async fn list_documents<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<StrategyDocument>> {
    let query = document::Entity::find().order_by_desc(document::Column::PeriodEnd).order_by_asc(document::Column::Id);
    crate::records(conn, query, |m| Ok(document_record(m))).await
}

/// Replaces a document's data if it is still at `expected_version`.
pub async fn update_document(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    input: &StrategyDocumentInput,
) -> StoreResult<StrategyDocument> {
    let txn = crate::begin_write(db).await?;
    let guard = Guard { action: "strategy_document.update", id, expected_version };
    let after = update_audited(&txn, actor, guard, |_: &StrategyDocument| Ok(document_model(input))).await?;
    txn.commit().await?;
    Ok(after)
}

record!(StrategyDocument, document::Entity, Uuid, "strategy_document", get_document, |r| r.meta.version);

/// Adds a goal to a document. Its parent must be a goal of the same document
/// one level up; codes are unique within the document.
pub async fn create_goal(
    db: &DatabaseConnection,
    actor: &Actor,
    document_id: Uuid,
    input: &StrategyGoalInput,
) -> StoreResult<StrategyGoal> {
    let txn = crate::begin_write(db).await?;
    get_document(&txn, document_id).await?;
    match (input.level.parent_level(), input.parent_id) {
        (None, Some(_)) => {
            return Err(StoreError::invalid("parent_id", "unexpected_parent", "a strategic goal has no parent"));
        }
        (Some(level), None) => {
            return Err(StoreError::invalid(
                "parent_id",
                "required",
                format!("a goal of level '{}' needs a parent of level '{}'", input.level.as_str(), level.as_str()),
            ));
        }
        (Some(level), Some(parent_id)) => {
            let parent = goal::Entity::find_by_id(parent_id).one(&txn).await?;
            if !parent.is_some_and(|p| p.document_id == document_id && p.level == level.as_str()) {
                return Err(StoreError::invalid(
                    "parent_id",
                    "unknown_reference",
                    format!("no goal of level '{}' with id {parent_id} in this document", level.as_str()),
                ));
            }
        }
        (None, None) => {}
    }
    let now = crate::now();
    let model = goal::Entity::insert(goal::ActiveModel {
        id: Set(Uuid::now_v7()),
        document_id: Set(document_id),
        parent_id: Set(input.parent_id),
        level: Set(input.level.as_str().to_owned()),
        code: Set(input.code.clone()),
        title: Set(input.title.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| StoreError::unique(e, "a goal with this code exists in the document"))?;
    let record = goal_record(model)?;
    audit::created(&txn, actor, "strategy_goal.create", "strategy_goal", record.meta.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

/// Goals of a document, by code.
pub async fn list_goals<C: ConnectionTrait>(conn: &C, document_id: Uuid) -> StoreResult<Vec<StrategyGoal>> {
    get_document(conn, document_id).await?;
    let query = goal::Entity::find().filter(goal::Column::DocumentId.eq(document_id)).order_by_asc(goal::Column::Code);
    crate::records(conn, query, goal_record).await
}

/// Field errors for goal ids that do not exist, named `field[i]`.
pub async fn missing_goals<C: ConnectionTrait>(conn: &C, field: &str, ids: &[Uuid]) -> StoreResult<Vec<FieldError>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Uuid> = goal::Entity::find()
        .filter(goal::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    Ok(ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !found.contains(id))
        .map(|(i, id)| {
            FieldError::new(format!("{field}[{i}]"), "unknown_reference", format!("no strategy goal with id {id}"))
        })
        .collect())
}

/// The goal with `code` in a strategy document of `kind` (the newest such document first).
pub async fn goal_by_kind_code<C: ConnectionTrait>(conn: &C, kind: &str, code: &str) -> StoreResult<Option<Uuid>> {
    for doc in document::Entity::find()
        .filter(document::Column::Kind.eq(kind))
        .order_by_desc(document::Column::PeriodEnd)
        .all(conn)
        .await?
    {
        if let Some(g) = goal::Entity::find()
            .filter(goal::Column::DocumentId.eq(doc.id))
            .filter(goal::Column::Code.eq(code))
            .one(conn)
            .await?
        {
            return Ok(Some(g.id));
        }
    }
    Ok(None)
}

/// Goals by id as DREAM classifies them: document kind, code and title.
pub async fn goal_refs<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> StoreResult<Vec<portfel_dream::GoalRef>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(g) = goal::Entity::find_by_id(*id).one(conn).await? {
            let doc = get_document(conn, g.document_id).await?;
            out.push(portfel_dream::GoalRef { kind: doc.data.kind, code: g.code, title: g.title });
        }
    }
    Ok(out)
}
