//! Methodology versions: drafts the PIM unit edits, approved versions frozen for ever.

use portfel_domain::records::Meta;
use portfel_scoring::round::{MethodologyRecord, MethodologyStatus};
use portfel_scoring::{Methodology, default_methodology};
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::audit;
use crate::entity::methodology::{self, Column, Entity, Model};
use crate::guarded::{Guard, record, update_audited};
use crate::{Actor, StoreError, StoreResult};

fn to_record(m: Model) -> StoreResult<MethodologyRecord> {
    let status = match m.status.as_str() {
        "draft" => MethodologyStatus::Draft,
        "approved" => MethodologyStatus::Approved,
        other => return Err(StoreError::Corrupt(format!("methodology status {other:?}"))),
    };
    Ok(MethodologyRecord {
        meta: Meta { id: m.id, version: m.version, created_at: m.created_at, updated_at: m.updated_at },
        number: m.number,
        previous_id: m.previous_id,
        status,
        approved_at: m.approved_at,
        approved_by: m.approved_by,
        definition: serde_json::from_str(&m.definition)?,
    })
}

fn invalid_definition(definition: &Methodology) -> StoreResult<()> {
    let errors: Vec<_> = definition
        .check()
        .into_iter()
        .map(|portfel_scoring::MethodologyError::Invalid { field, message }| {
            portfel_domain::FieldError::new(format!("definition.{field}"), "invalid_methodology", message)
        })
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(StoreError::Invalid(errors)) }
}

async fn insert<C: ConnectionTrait>(
    conn: &C,
    definition: &Methodology,
    number: i32,
    previous_id: Option<Uuid>,
    approved_by: Option<&str>,
) -> StoreResult<MethodologyRecord> {
    let now = crate::now();
    let model = Entity::insert(methodology::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(definition.name.clone()),
        number: Set(number),
        previous_id: Set(previous_id),
        status: Set(if approved_by.is_some() { "approved" } else { "draft" }.to_owned()),
        definition: Set(serde_json::to_string(definition)?),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        approved_at: Set(approved_by.map(|_| now)),
        approved_by: Set(approved_by.map(str::to_owned)),
    })
    .exec_with_returning(conn)
    .await?;
    to_record(model)
}

/// Seeds the default methodology, approved, when there is none yet.
pub async fn seed_default(db: &DatabaseConnection) -> StoreResult<()> {
    if Entity::find().one(db).await?.is_none() {
        let txn = crate::begin_write(db).await?;
        insert(&txn, &default_methodology(), 1, None, Some("system")).await?;
        txn.commit().await?;
    }
    Ok(())
}

/// Creates a draft methodology.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    definition: &Methodology,
) -> StoreResult<MethodologyRecord> {
    let txn = crate::begin_write(db).await?;
    let record = insert(&txn, definition, 1, None, None).await?;
    audit::created(&txn, actor, "methodology.create", "methodology", record.meta.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

/// One methodology version.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<MethodologyRecord> {
    Entity::find_by_id(id).one(conn).await?.map(to_record).ok_or(StoreError::NotFound("methodology"))?
}

/// All methodology versions, oldest first.
pub async fn list<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<MethodologyRecord>> {
    Entity::find().order_by_asc(Column::Id).all(conn).await?.into_iter().map(to_record).collect()
}

async fn guarded_update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    action: &str,
    change: impl FnOnce(&MethodologyRecord, &mut methodology::ActiveModel) -> StoreResult<()>,
) -> StoreResult<MethodologyRecord> {
    let txn = crate::begin_write(db).await?;
    let after = update_audited(&txn, actor, Guard { action, id, expected_version }, |before: &MethodologyRecord| {
        before.check_draft()?;
        let mut model = methodology::ActiveModel::default();
        change(before, &mut model)?;
        Ok(model)
    })
    .await?;
    txn.commit().await?;
    Ok(after)
}

record!(MethodologyRecord, Entity, Uuid, "methodology", get, |r| r.meta.version);

/// Replaces a draft's definition.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    definition: &Methodology,
) -> StoreResult<MethodologyRecord> {
    let json = serde_json::to_string(definition)?;
    guarded_update(db, actor, id, expected_version, "methodology.update", |_, model| {
        model.name = Set(definition.name.clone());
        model.definition = Set(json);
        Ok(())
    })
    .await
}

/// Approves a draft whose definition passes every rule; it is frozen from then on.
pub async fn approve(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
) -> StoreResult<MethodologyRecord> {
    guarded_update(db, actor, id, expected_version, "methodology.approve", |before, model| {
        invalid_definition(&before.definition)?;
        model.status = Set("approved".into());
        model.approved_at = Set(Some(crate::now()));
        model.approved_by = Set(Some(actor.sub.clone()));
        Ok(())
    })
    .await
}

/// Starts a new draft version from an existing one.
pub async fn new_version(db: &DatabaseConnection, actor: &Actor, id: Uuid) -> StoreResult<MethodologyRecord> {
    let txn = crate::begin_write(db).await?;
    let source = get(&txn, id).await?;
    let latest = Entity::find()
        .filter(Column::Name.eq(source.definition.name.as_str()))
        .all(&txn)
        .await?
        .iter()
        .map(|m| m.number)
        .max()
        .unwrap_or(source.number);
    let record = insert(&txn, &source.definition, latest + 1, Some(id), None).await?;
    audit::created(&txn, actor, "methodology.new_version", "methodology", record.meta.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}
