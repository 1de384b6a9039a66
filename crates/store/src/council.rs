//! Portfolio and plan versions through the council workflow:
//! draft → submitted → approved (frozen, with decision number and date) or
//! returned with comments; a change to an approved version is a new version.

use portfel_domain::FieldError;
use portfel_domain::notices::{Notice, Paper};
pub use portfel_planning::workflow::Kind;
use portfel_planning::workflow::{self, CouncilPaper, Decision, DocumentStatus, Step, Workflow};
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::audit;
use crate::entity::council_document::{self, Column, Entity, Model};
use crate::guarded::update_row;
use crate::passports::{self, Move, transition_in};
use crate::{Actor, StoreError, StoreResult};

fn not_found(kind: Kind) -> StoreError {
    StoreError::NotFound(kind.as_str())
}

/// The version a write is aimed at: its kind, id and the concurrency version the caller holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Portfolio or plan.
    pub kind: Kind,
    /// Version id.
    pub id: Uuid,
    /// Expected concurrency version (`If-Match`).
    pub version: i32,
}

/// A version with its content.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<T> {
    /// Workflow facts.
    pub workflow: Workflow,
    /// Content.
    pub content: T,
}

fn to_document<T: DeserializeOwned>(m: Model) -> StoreResult<Document<T>> {
    let status = DocumentStatus::parse(&m.status)
        .ok_or_else(|| StoreError::Corrupt(format!("document status {:?}", m.status)))?;
    let decision = match (m.decision_number, m.decision_date) {
        (Some(number), Some(date)) => Some(Decision { number, date }),
        _ => None,
    };
    Ok(Document {
        workflow: Workflow {
            id: m.id,
            number: m.number,
            previous_id: m.previous_id,
            status,
            decision,
            meeting_on: m.meeting_on,
            comment: m.comment,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
        content: serde_json::from_str(&m.content)?,
    })
}

async fn insert<C: ConnectionTrait, T: Serialize + DeserializeOwned>(
    conn: &C,
    kind: Kind,
    content: &T,
    number: i32,
    previous_id: Option<Uuid>,
) -> StoreResult<Document<T>> {
    let now = crate::now();
    let model = Entity::insert(council_document::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind.as_str().into()),
        number: Set(number),
        previous_id: Set(previous_id),
        status: Set(DocumentStatus::Draft.as_str().into()),
        content: Set(serde_json::to_string(content)?),
        decision_number: Set(None),
        decision_date: Set(None),
        meeting_on: Set(None),
        comment: Set(None),
        approved_by: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(conn)
    .await?;
    to_document(model)
}

/// Creates a first draft.
pub async fn create<T: Serialize + DeserializeOwned>(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: Kind,
    content: &T,
) -> StoreResult<Document<T>> {
    add_version(db, actor, kind, content, None).await
}

/// Inserts the next version number of `kind`, amending `previous_id` if given.
async fn add_version<T: Serialize + DeserializeOwned>(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: Kind,
    content: &T,
    previous_id: Option<Uuid>,
) -> StoreResult<Document<T>> {
    let txn = crate::begin_write(db).await?;
    if let Some(previous) = previous_id {
        get::<_, serde_json::Value>(&txn, kind, previous).await?;
    }
    let numbers = Entity::find().filter(Column::Kind.eq(kind.as_str())).all(&txn).await?;
    let number = numbers.iter().map(|m| m.number).max().unwrap_or(0) + 1;
    let doc = insert(&txn, kind, content, number, previous_id).await?;
    let action = format!("{}.{}", kind.as_str(), if previous_id.is_some() { "amend" } else { "create" });
    audit::created(&txn, actor, &action, kind.as_str(), doc.workflow.id.to_string(), &doc.workflow).await?;
    txn.commit().await?;
    Ok(doc)
}

/// One version.
pub async fn get<C: ConnectionTrait, T: DeserializeOwned>(conn: &C, kind: Kind, id: Uuid) -> StoreResult<Document<T>> {
    Entity::find_by_id(id)
        .filter(Column::Kind.eq(kind.as_str()))
        .one(conn)
        .await?
        .ok_or_else(|| not_found(kind))
        .and_then(to_document)
}

/// Every version, oldest first.
pub async fn list<C: ConnectionTrait, T: DeserializeOwned>(conn: &C, kind: Kind) -> StoreResult<Vec<Document<T>>> {
    crate::records(conn, Entity::find().filter(Column::Kind.eq(kind.as_str())).order_by_asc(Column::Id), to_document)
        .await
}

/// The version of `kind` in force: the one approved version (approval supersedes the others).
pub async fn in_force<C: ConnectionTrait, T: DeserializeOwned>(
    conn: &C,
    kind: Kind,
) -> StoreResult<Option<Document<T>>> {
    let query = Entity::find()
        .filter(Column::Kind.eq(kind.as_str()))
        .filter(Column::Status.eq(DocumentStatus::Approved.as_str()));
    query.one(conn).await?.map(to_document).transpose()
}

/// Refuses (404, 409) an edit of a document that does not exist or is not
/// editable now, before its new content is read: the state is answered
/// before the body.
pub async fn check_editable<C: ConnectionTrait>(conn: &C, kind: Kind, id: Uuid) -> StoreResult<()> {
    let doc: Document<serde_json::Value> = get(conn, kind, id).await?;
    workflow::step(kind, doc.workflow.status, Step::Edit)?;
    Ok(())
}

/// Takes a version at `expected_version` one workflow `step`, applying the
/// step's other changes, and audits it; returns the version before and after.
async fn change<C: ConnectionTrait, T: DeserializeOwned + Serialize>(
    conn: &C,
    actor: &Actor,
    Target { kind, id, version: expected_version }: Target,
    step: Step,
    apply: impl FnOnce(&mut council_document::ActiveModel),
) -> StoreResult<(Document<T>, Document<T>)> {
    let before: Document<T> = get(conn, kind, id).await?;
    crate::check_version(before.workflow.version, expected_version)?;
    let status = workflow::step(kind, before.workflow.status, step)?;
    let mut model = council_document::ActiveModel { status: Set(status.as_str().into()), ..Default::default() };
    apply(&mut model);
    update_row::<Entity, C>(conn, id, expected_version, model, kind.as_str()).await?;
    let after: Document<T> = get(conn, kind, id).await?;
    audit::updated(
        conn,
        actor,
        &format!("{}.{}", kind.as_str(), step.done()),
        kind.as_str(),
        id.to_string(),
        &before.workflow,
        &after.workflow,
    )
    .await?;
    Ok((before, after))
}

/// Replaces a draft's (or returned version's) content.
pub async fn replace<T: Serialize + DeserializeOwned>(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
    content: &T,
) -> StoreResult<Document<T>> {
    let json = serde_json::to_string(content)?;
    let txn = crate::begin_write(db).await?;
    let (_, doc) = change(&txn, actor, target, Step::Edit, |m| m.content = Set(json)).await?;
    txn.commit().await?;
    Ok(doc)
}

/// Submits a draft (or a returned version) to the council; a returned
/// version leaves the agenda of the meeting that returned it, and waits for
/// the next meeting's day.
pub async fn submit<T: Serialize + DeserializeOwned>(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
) -> StoreResult<Document<T>> {
    let txn = crate::begin_write(db).await?;
    let (_, doc) = change(&txn, actor, target, Step::Submit, |m| m.meeting_on = Set(None)).await?;
    txn.commit().await?;
    Ok(doc)
}

/// Puts a submitted version on the agenda of the council meeting on `on`
/// and tells the council; a later date moves it.
pub async fn schedule<T: Serialize + DeserializeOwned>(
    db: &DatabaseConnection,
    actor: &Actor,
    Target { kind, id, version }: Target,
    on: chrono::NaiveDate,
) -> StoreResult<Document<T>> {
    let txn = crate::begin_write(db).await?;
    let before: Document<T> = get(&txn, kind, id).await?;
    crate::check_version(before.workflow.version, version)?;
    if before.workflow.status != DocumentStatus::Submitted {
        let params = [("kind", kind.as_str().to_owned()), ("status", before.workflow.status.as_str().to_owned())];
        return Err(StoreError::Conflict(FieldError::of("state", "not_before_council", &params)));
    }
    let model = council_document::ActiveModel { meeting_on: Set(Some(on)), ..Default::default() };
    update_row::<Entity, _>(&txn, id, version, model, kind.as_str()).await?;
    let after: Document<T> = get(&txn, kind, id).await?;
    let action = format!("{}.schedule", kind.as_str());
    audit::updated(&txn, actor, &action, kind.as_str(), id.to_string(), &before.workflow, &after.workflow).await?;
    let notice = Notice::council_meeting(paper(kind), id, after.workflow.number, on);
    crate::notices::raise(&txn, &notice).await?;
    txn.commit().await?;
    Ok(after)
}

/// Returns a submitted version to the PIM unit with comments.
pub async fn send_back<T: Serialize + DeserializeOwned>(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
    comment: &str,
) -> StoreResult<Document<T>> {
    let txn = crate::begin_write(db).await?;
    let comment = comment.to_owned();
    let (_, doc) = change(&txn, actor, target, Step::Return, |m| m.comment = Set(Some(comment.clone()))).await?;
    let notice = Notice::council_decided(paper(target.kind), doc.workflow.id, doc.workflow.number, Err(&comment));
    crate::notices::raise(&txn, &notice).await?;
    txn.commit().await?;
    Ok(doc)
}

/// Approves a submitted version with the council's decision, supersedes the
/// version in force, and moves the passports its approval moves (see
/// [`CouncilPaper::approval`]) in the same transaction.
pub async fn approve<T: CouncilPaper>(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
    decision: &Decision,
) -> StoreResult<Document<T>> {
    let errors = decision.check(portfel_domain::calendar::local_date(chrono::Utc::now()));
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let txn = crate::begin_write(db).await?;
    let decision = decision.normalised();
    let approver = actor.sub.clone();
    let words = format!("№ {} від {}", decision.number, decision.date.format("%d.%m.%Y"));
    let (before, doc) = change::<_, T>(&txn, actor, target, Step::Approve, |m| {
        m.decision_number = Set(Some(decision.number));
        m.decision_date = Set(Some(decision.date));
        m.approved_by = Set(Some(approver));
    })
    .await?;
    let notice = Notice::council_decided(paper(target.kind), doc.workflow.id, doc.workflow.number, Ok(&words));
    crate::notices::raise(&txn, &notice).await?;
    supersede_others(&txn, actor, target.kind, target.id).await?;
    let approval = before.content.approval();
    for passport_id in &approval.passports {
        let p = passports::get(&txn, *passport_id).await?;
        if p.status == approval.from {
            transition_in(&txn, actor, Move::of(&p, approval.to)).await?;
        }
    }
    txn.commit().await?;
    Ok(doc)
}

/// The council paper a workflow kind is, as notices name it.
fn paper(kind: Kind) -> Paper {
    match kind {
        Kind::Portfolio => Paper::Portfolio,
        Kind::Plan => Paper::Plan,
    }
}

/// Marks every other approved version of `kind` as superseded by `in_force`.
async fn supersede_others<C: ConnectionTrait>(conn: &C, actor: &Actor, kind: Kind, in_force: Uuid) -> StoreResult<()> {
    let others = Entity::find()
        .filter(Column::Kind.eq(kind.as_str()))
        .filter(Column::Status.eq(DocumentStatus::Approved.as_str()))
        .filter(Column::Id.ne(in_force))
        .all(conn)
        .await?;
    for other in others {
        let target = Target { kind, id: other.id, version: other.version };
        change::<_, serde_json::Value>(conn, actor, target, Step::Supersede, |_| {}).await?;
    }
    Ok(())
}

/// Starts a new draft version amending `id`, with `content`.
pub async fn amend<T: Serialize + DeserializeOwned>(
    db: &DatabaseConnection,
    actor: &Actor,
    kind: Kind,
    id: Uuid,
    content: &T,
) -> StoreResult<Document<T>> {
    add_version(db, actor, kind, content, Some(id)).await
}
