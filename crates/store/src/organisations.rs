//! Organisations: executive bodies, utility companies, the PIM unit, the council.

use portfel_domain::records::{Meta, Organisation};
use portfel_domain::reference::OrganisationInput;
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::audit;
use crate::entity::organisation::{self, Column, Entity, Model};
use crate::guarded::{Guard, record, update_audited};
use crate::{Actor, StoreError, StoreResult};

fn to_record(m: Model) -> Organisation {
    Organisation {
        meta: Meta { id: m.id, version: m.version, created_at: m.created_at, updated_at: m.updated_at },
        data: OrganisationInput { name: m.name, edrpou: m.edrpou, kind: m.kind },
    }
}

/// Creates an organisation.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: &OrganisationInput) -> StoreResult<Organisation> {
    let txn = crate::begin_write(db).await?;
    let record = create_in(&txn, actor, input).await?;
    txn.commit().await?;
    Ok(record)
}

/// [`create`] inside the caller's transaction.
pub(crate) async fn create_in<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    input: &OrganisationInput,
) -> StoreResult<Organisation> {
    let now = crate::now();
    let model = organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(input.name.clone()),
        edrpou: Set(input.edrpou.clone()),
        kind: Set(input.kind.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let model = Entity::insert(model)
        .exec_with_returning(conn)
        .await
        .map_err(|e| StoreError::unique(e, "an organisation with this EDRPOU code exists"))?;
    let record = to_record(model);
    audit::created(conn, actor, "organisation.create", "organisation", record.meta.id.to_string(), &record).await?;
    Ok(record)
}

/// The organisation with this EDRPOU code, if registered.
pub async fn by_edrpou<C: ConnectionTrait>(conn: &C, edrpou: &str) -> StoreResult<Option<Organisation>> {
    Ok(Entity::find().filter(Column::Edrpou.eq(edrpou)).one(conn).await?.map(to_record))
}

/// One organisation.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<Organisation> {
    Entity::find_by_id(id).one(conn).await?.map(to_record).ok_or(StoreError::NotFound("organisation"))
}

/// All organisations by name.
pub async fn list<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<Organisation>> {
    Ok(Entity::find().order_by_asc(Column::Name).all(conn).await?.into_iter().map(to_record).collect())
}

/// Replaces an organisation's data if it is still at `expected_version`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    input: &OrganisationInput,
) -> StoreResult<Organisation> {
    let txn = crate::begin_write(db).await?;
    let guard = Guard { action: "organisation.update", id, expected_version };
    let after = update_audited(&txn, actor, guard, |_: &Organisation| {
        Ok(organisation::ActiveModel {
            name: Set(input.name.clone()),
            edrpou: Set(input.edrpou.clone()),
            kind: Set(input.kind.clone()),
            ..Default::default()
        })
    })
    .await?;
    txn.commit().await?;
    Ok(after)
}

record!(
    Organisation,
    Entity,
    Uuid,
    "organisation",
    get,
    |r| r.meta.version,
    "an organisation with this EDRPOU code exists"
);

/// Fails with a field error naming `field` unless the organisation exists.
pub async fn require<C: ConnectionTrait>(conn: &C, field: &str, id: Uuid) -> StoreResult<()> {
    match Entity::find_by_id(id).one(conn).await? {
        Some(_) => Ok(()),
        None => Err(unknown(field, id)),
    }
}

/// The field error of a reference to organisation `id`, which does not exist.
pub(crate) fn unknown(field: &str, id: Uuid) -> StoreError {
    StoreError::invalid(field, "unknown_reference", format!("no organisation with id {id}"))
}
