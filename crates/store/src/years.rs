//! Budget years with indicative public investment ceilings.

use portfel_domain::Uah;
use portfel_domain::records::BudgetYear;
use portfel_domain::reference::{BudgetYearInput, BudgetYearStatus};
use sea_orm::DatabaseConnection;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};

use crate::audit;
use crate::entity::budget_year::{self, Column, Entity, Model};
use crate::guarded::{Guard, record, update_audited};
use crate::{Actor, StoreError, StoreResult};

fn to_record(m: Model) -> StoreResult<BudgetYear> {
    let status = match m.status.as_str() {
        "planning" => BudgetYearStatus::Planning,
        "adopted" => BudgetYearStatus::Adopted,
        "closed" => BudgetYearStatus::Closed,
        other => return Err(StoreError::Corrupt(format!("budget year status {other:?}"))),
    };
    let investment_ceiling =
        m.investment_ceiling.map(|c| c.parse::<Uah>().map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()?;
    Ok(BudgetYear {
        version: m.version,
        updated_at: m.updated_at,
        data: BudgetYearInput { year: m.year, status, investment_ceiling },
    })
}

/// All budget years, ascending.
pub async fn list<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<BudgetYear>> {
    Entity::find().order_by_asc(Column::Year).all(conn).await?.into_iter().map(to_record).collect()
}

/// One budget year.
pub async fn get<C: ConnectionTrait>(conn: &C, year: i32) -> StoreResult<BudgetYear> {
    Entity::find_by_id(year).one(conn).await?.map(to_record).ok_or(StoreError::NotFound("budget year"))?
}

/// Creates a budget year; it must not exist yet.
pub async fn create(db: &DatabaseConnection, actor: &Actor, input: &BudgetYearInput) -> StoreResult<BudgetYear> {
    let txn = crate::begin_write(db).await?;
    let model = Entity::insert(budget_year::ActiveModel {
        year: Set(input.year),
        status: Set(input.status.as_str().to_owned()),
        investment_ceiling: Set(input.investment_ceiling.map(|c| c.to_string())),
        version: Set(1),
        updated_at: Set(crate::now()),
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| StoreError::unique(e, "this budget year exists"))?;
    let record = to_record(model)?;
    audit::created(&txn, actor, "budget_year.create", "budget_year", input.year.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

/// Updates status and ceiling of a budget year at `expected_version`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    expected_version: i32,
    input: &BudgetYearInput,
) -> StoreResult<BudgetYear> {
    let txn = crate::begin_write(db).await?;
    let guard = Guard { action: "budget_year.update", id: input.year, expected_version };
    let after = update_audited(&txn, actor, guard, |_: &BudgetYear| {
        Ok(budget_year::ActiveModel {
            status: Set(input.status.as_str().to_owned()),
            investment_ceiling: Set(input.investment_ceiling.map(|c| c.to_string())),
            ..Default::default()
        })
    })
    .await?;
    txn.commit().await?;
    Ok(after)
}

record!(BudgetYear, Entity, i32, "budget_year", get, |r| r.version);
