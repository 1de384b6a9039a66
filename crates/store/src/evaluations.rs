//! Ex-post evaluations: one per closed project with an accepted completion
//! report, begun and signed off by the PIM unit, written with the experts it
//! names; frozen once signed off.

use portfel_monitoring::completion;
use portfel_monitoring::expost::{
    self, EditRefusal, EvaluationContent, EvaluationForm, EvaluationRecord, EvaluationStatus, Evaluator,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::audit;
use crate::entity::expost_evaluation::{self, Column, Entity, Model};
use crate::guarded::{Guard, record, update_audited};
use crate::{Actor, StoreError, StoreResult};

fn to_record(m: Model) -> StoreResult<EvaluationRecord> {
    let status = EvaluationStatus::parse(&m.status)
        .ok_or_else(|| StoreError::Corrupt(format!("evaluation status {:?}", m.status)))?;
    Ok(EvaluationRecord {
        id: m.id,
        passport_id: m.passport_id,
        status,
        form: serde_json::from_str(&m.form)?,
        created_by: m.created_by,
        signed_by: m.signed_by,
        signed_at: m.signed_at,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        content: serde_json::from_str(&m.content)?,
    })
}

/// One evaluation.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<EvaluationRecord> {
    Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound("evaluation")).and_then(to_record)
}

/// A project's evaluation, if it has one.
pub async fn of_passport<C: ConnectionTrait>(conn: &C, passport_id: Uuid) -> StoreResult<Option<EvaluationRecord>> {
    Entity::find().filter(Column::PassportId.eq(passport_id)).one(conn).await?.map(to_record).transpose()
}

/// Whether the evaluation of `passport_id` names `expert` among its evaluators.
pub(crate) async fn names<C: ConnectionTrait>(conn: &C, expert: &str, passport_id: Uuid) -> StoreResult<bool> {
    Ok(of_passport(conn, passport_id).await?.is_some_and(|e| expost::named(&e.content, expert)))
}

/// Every evaluation, oldest first.
pub async fn list<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<EvaluationRecord>> {
    crate::records(conn, Entity::find().order_by_asc(Column::CreatedAt), to_record).await
}

/// Begins the evaluation of a closed project, on the standard form with
/// every section still to judge.
pub async fn create(db: &DatabaseConnection, actor: &Actor, passport_id: Uuid) -> StoreResult<EvaluationRecord> {
    let txn = crate::begin_write(db).await?;
    let passport = crate::passports::get(&txn, passport_id).await?;
    let report = crate::completions::of_passport(&txn, passport_id).await?;
    expost::check_start(passport.status, completion::accepted_outcome(report.as_ref()))
        .map_err(StoreError::Conflict)?;
    let form = EvaluationForm::standard();
    let now = crate::now();
    let model = Entity::insert(expost_evaluation::ActiveModel {
        id: Set(Uuid::now_v7()),
        passport_id: Set(passport_id),
        status: Set(EvaluationStatus::Draft.as_str().into()),
        form: Set(serde_json::to_string(&form)?),
        content: Set(serde_json::to_string(&EvaluationContent::blank(&form))?),
        created_by: Set(actor.sub.clone()),
        signed_by: Set(None),
        signed_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| StoreError::unique(e, "the project's evaluation"))?;
    let record = to_record(model)?;
    audit::created(&txn, actor, "evaluation.create", "evaluation", record.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

/// Replaces what the evaluators wrote, at `expected_version`, as `by`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    by: Evaluator<'_>,
    content: &EvaluationContent,
) -> StoreResult<EvaluationRecord> {
    let txn = crate::begin_write(db).await?;
    let text = serde_json::to_string(content)?;
    let guard = Guard { action: "evaluation.update", id, expected_version };
    let after =
        update_audited(&txn, actor, guard, |before: &EvaluationRecord| match expost::check_edit(before, by, content) {
            Ok(true) => Ok(expost_evaluation::ActiveModel { content: Set(text), ..Default::default() }),
            Ok(false) => Err(StoreError::NotFound("evaluation")),
            Err(EditRefusal::Signed) => Err(StoreError::Conflict(EditRefusal::signed())),
            Err(EditRefusal::Invalid(errors)) => Err(StoreError::Invalid(errors)),
        })
        .await?;
    txn.commit().await?;
    Ok(after)
}

/// Signs the conclusion off at `expected_version`: every section judged, the
/// overall rating and the conclusion written; it never changes after.
pub async fn sign_off(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
) -> StoreResult<EvaluationRecord> {
    let txn = crate::begin_write(db).await?;
    let guard = Guard { action: "evaluation.sign_off", id, expected_version };
    let after = update_audited(&txn, actor, guard, |before: &EvaluationRecord| {
        if before.status == EvaluationStatus::SignedOff {
            return Err(StoreError::Conflict(EditRefusal::signed()));
        }
        let missing = before.content.check_sign_off(&before.form);
        if !missing.is_empty() {
            return Err(StoreError::Invalid(missing));
        }
        Ok(expost_evaluation::ActiveModel {
            status: Set(EvaluationStatus::SignedOff.as_str().into()),
            signed_by: Set(Some(actor.sub.clone())),
            signed_at: Set(Some(crate::now())),
            ..Default::default()
        })
    })
    .await?;
    txn.commit().await?;
    Ok(after)
}

record!(EvaluationRecord, Entity, Uuid, "evaluation", get, |r| r.version);
