//! Users: people and scripts known by the `sub` of their tokens.

use portfel_domain::Role;
use portfel_domain::notices::Delivery;
use portfel_domain::records::{Meta, User};
use portfel_domain::reference::UserInput;
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::audit;
use crate::entity::user::{self, Column, Entity, Model};
use crate::{Actor, StoreError, StoreResult};

fn to_record(m: Model) -> StoreResult<User> {
    let roles = m
        .roles
        .split(',')
        .filter(|r| !r.is_empty())
        .map(|r| r.parse::<Role>().map_err(StoreError::Corrupt))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(User {
        meta: Meta { id: m.id, version: m.version, created_at: m.created_at, updated_at: m.updated_at },
        data: UserInput {
            sub: m.sub,
            full_name: m.full_name,
            organisation_id: m.organisation_id,
            roles,
            email: m.email,
        },
    })
}

fn roles_column(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
}

/// Creates a user of an existing organisation.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: &UserInput) -> StoreResult<User> {
    let txn = crate::begin_write(db).await?;
    crate::organisations::require(&txn, "organisation_id", input.organisation_id).await?;
    let now = crate::now();
    let model = Entity::insert(user::ActiveModel {
        id: Set(Uuid::now_v7()),
        sub: Set(input.sub.clone()),
        full_name: Set(input.full_name.clone()),
        organisation_id: Set(input.organisation_id),
        roles: Set(roles_column(&input.roles)),
        email: Set(input.email.clone()),
        delivery: Set(Delivery::default().as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| StoreError::unique(e, "a user with this sub exists"))?;
    let record = to_record(model)?;
    audit::created(&txn, actor, "user.create", "user", record.meta.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

/// All users, by `sub`.
pub async fn list<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<User>> {
    Entity::find().order_by_asc(Column::Sub).all(conn).await?.into_iter().map(to_record).collect()
}

/// The user with this `sub`, if registered.
pub async fn by_sub<C: ConnectionTrait>(conn: &C, sub: &str) -> StoreResult<Option<User>> {
    Entity::find().filter(Column::Sub.eq(sub)).one(conn).await?.map(to_record).transpose()
}
