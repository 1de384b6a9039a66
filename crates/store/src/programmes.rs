//! Local target programmes, their versions (the approval, then each
//! amendment), and the yearly fact of each of their measures.

use portfel_monitoring::programme::{MeasureFact, Programme};
use portfel_monitoring::quarters::annual_refusal;
use portfel_monitoring::records::ProgrammeRecord;
use portfel_monitoring::versions::amendment_order_refusal;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder};
use uuid::Uuid;

use crate::audit;
use crate::entity::programme::{self, Column, Entity, Model};
use crate::entity::{programme_fact, programme_version};
use crate::guarded::{Guard, record, update_audited};
pub use crate::programme_records::{facts, versions};
use crate::{Actor, StoreError, StoreResult};

fn to_record(m: Model) -> StoreResult<ProgrammeRecord> {
    Ok(ProgrammeRecord {
        id: m.id,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        programme: serde_json::from_str(&m.content)?,
    })
}

/// Every programme, oldest first.
pub async fn list<C: ConnectionTrait>(conn: &C) -> StoreResult<Vec<ProgrammeRecord>> {
    crate::records(conn, Entity::find().order_by_asc(Column::Id), to_record).await
}

/// One programme.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<ProgrammeRecord> {
    Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound("programme")).and_then(to_record)
}

/// Records a programme.
pub async fn create(db: &DatabaseConnection, actor: &Actor, programme: &Programme) -> StoreResult<ProgrammeRecord> {
    let txn = crate::begin_write(db).await?;
    let now = crate::now();
    let model = Entity::insert(programme::ActiveModel {
        id: Set(Uuid::now_v7()),
        content: Set(serde_json::to_string(programme)?),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    let record = to_record(model)?;
    add_version(&txn, actor, record.id, 1, programme).await?;
    audit::created(&txn, actor, "programme.create", "programme", record.id.to_string(), &record).await?;
    txn.commit().await?;
    Ok(record)
}

async fn add_version<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: Uuid,
    number: i32,
    programme: &Programme,
) -> StoreResult<()> {
    programme_version::Entity::insert(programme_version::ActiveModel {
        programme_id: Set(id),
        number: Set(number),
        content: Set(serde_json::to_string(programme)?),
        recorded_by: Set(actor.sub.clone()),
        recorded_at: Set(crate::now()),
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// Replaces a programme (an amendment the council decided) at `expected_version`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    programme: &Programme,
) -> StoreResult<ProgrammeRecord> {
    let txn = crate::begin_write(db).await?;
    let mut recorded = facts(&txn, id).await?;
    recorded.extend(crate::programme_records::quarters(&txn, id).await?.iter().map(|q| q.as_fact()));
    if let Some(refusal) = programme.amendment_refusal(&recorded) {
        return Err(StoreError::Conflict(refusal));
    }
    let history = versions(&txn, id).await?;
    let last = history.last().ok_or(StoreError::NotFound("programme"))?;
    if let Some(refusal) = amendment_order_refusal(&last.programme, programme) {
        return Err(StoreError::Invalid(vec![refusal]));
    }
    if last.programme != *programme {
        add_version(&txn, actor, id, last.number + 1, programme).await?;
    }
    let content = serde_json::to_string(programme)?;
    let guard = Guard { action: "programme.update", id, expected_version };
    let after = update_audited(&txn, actor, guard, |_: &ProgrammeRecord| {
        Ok(programme::ActiveModel { content: Set(content), ..Default::default() })
    })
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Records (or replaces) a measure's fact for a year; the programme must exist.
pub async fn set_fact(db: &DatabaseConnection, actor: &Actor, id: Uuid, fact: &MeasureFact) -> StoreResult<()> {
    let txn = crate::begin_write(db).await?;
    get(&txn, id).await?;
    if let Some(refusal) = annual_refusal(fact, &crate::programme_records::quarters(&txn, id).await?) {
        return Err(StoreError::Conflict(refusal));
    }
    let before = facts(&txn, id).await?.into_iter().find(|f| f.measure == fact.measure && f.year == fact.year);
    programme_fact::Entity::insert(programme_fact::ActiveModel {
        programme_id: Set(id),
        measure: Set(fact.measure.clone()),
        year: Set(fact.year),
        amount: Set(fact.amount.to_string()),
        narrative: Set(fact.narrative.clone()),
        updated_by: Set(actor.sub.clone()),
        updated_at: Set(crate::now()),
    })
    .on_conflict(
        OnConflict::columns([
            programme_fact::Column::ProgrammeId,
            programme_fact::Column::Measure,
            programme_fact::Column::Year,
        ])
        .update_columns([
            programme_fact::Column::Amount,
            programme_fact::Column::Narrative,
            programme_fact::Column::UpdatedBy,
            programme_fact::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec(&txn)
    .await?;
    let entity = format!("{id}/{}/{}", fact.measure, fact.year);
    match before {
        Some(before) => audit::updated(&txn, actor, "programme.fact", "programme_fact", entity, &before, fact).await?,
        None => audit::created(&txn, actor, "programme.fact", "programme_fact", entity, fact).await?,
    }
    txn.commit().await?;
    Ok(())
}

record!(ProgrammeRecord, Entity, Uuid, "programme", get, |r| r.version);
