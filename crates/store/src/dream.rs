//! DREAM interoperability in the database: imports linked to DREAM ids
//! (atomic per project, idempotent, implementation facts recorded as
//! accepted reports), exports that give back what DREAM sent,
//! the change feed for integration scripts, and sync checkpoints.

use chrono::{DateTime, Utc};
use portfel_domain::reference::OrganisationInput;
use portfel_domain::{FieldError, Status};
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;
use uuid::Uuid;

use crate::entity::{dream_link, passport, sync_checkpoint};
use crate::{Actor, StoreError, StoreResult, passports};

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new passport was created.
    New,
    /// The linked passport was updated.
    Updated,
    /// The same document was imported before: nothing changed.
    Unchanged,
}

/// Imports one DREAM project document, creating or updating the passport
/// linked to `dream_id`, in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    dream_id: &str,
    code: Option<&str>,
    document: &Value,
) -> StoreResult<(Uuid, Outcome)> {
    let imported = portfel_dream::import(document).map_err(|errors| {
        StoreError::Invalid(
            errors.into_iter().map(|e| FieldError { field: format!("document.{}", e.field), ..e }).collect(),
        )
    })?;
    let serialized = serde_json::to_string(document)?;
    let txn = crate::begin_write(db).await?;
    let link = dream_link::Entity::find().filter(dream_link::Column::DreamId.eq(dream_id)).one(&txn).await?;
    if let Some(link) = &link
        && link.document == serialized
    {
        return Ok((link.passport_id, Outcome::Unchanged));
    }
    let mut content = imported.content;
    let mut goal_ids = Vec::new();
    for g in &imported.goals {
        if let Some(id) = crate::strategy::goal_by_kind_code(&txn, &g.kind, &g.code).await? {
            goal_ids.push(id);
        }
    }
    content.strategy_goal_ids = goal_ids;
    let now = crate::now();
    let (passport_id, organisation_id, outcome) = match link {
        Some(link) => {
            let current = passports::get(&txn, link.passport_id).await?;
            let updated =
                passports::update_content_in(&txn, actor, current.meta.id, current.meta.version, &content).await?;
            if updated.status != imported.status {
                let dream = passports::Move { reason: Some("DREAM"), ..passports::Move::of(&updated, imported.status) };
                passports::transition_in(&txn, actor, dream).await?;
            }
            dream_link::Entity::update_many()
                .set(dream_link::ActiveModel {
                    code: Set(code.map(str::to_owned)),
                    document: Set(serialized),
                    dream_updated: Set(imported.updated),
                    imported_at: Set(now),
                    ..Default::default()
                })
                .filter(dream_link::Column::PassportId.eq(link.passport_id))
                .exec(&txn)
                .await?;
            (link.passport_id, updated.organisation_id, Outcome::Updated)
        }
        None => {
            let organisation = match (&imported.initiator, actor.organisation) {
                (Some(party), _) => match crate::organisations::by_edrpou(&txn, &party.edrpou).await? {
                    Some(o) => o.meta.id,
                    None => {
                        let input = OrganisationInput {
                            name: party.name.clone(),
                            edrpou: party.edrpou.clone(),
                            kind: "localBody".into(),
                        };
                        crate::organisations::create_in(&txn, actor, &input).await?.meta.id
                    }
                },
                (None, Some(own)) => own,
                (None, None) => {
                    return Err(StoreError::invalid(
                        "document.parties",
                        "no_initiator",
                        "no initiator party with an EDRPOU code",
                    ));
                }
            };
            let created = passports::create_in(&txn, actor, organisation, &content, imported.status).await?;
            dream_link::Entity::insert(dream_link::ActiveModel {
                passport_id: Set(created.meta.id),
                dream_id: Set(dream_id.to_owned()),
                code: Set(code.map(str::to_owned)),
                document: Set(serialized),
                dream_updated: Set(imported.updated),
                imported_at: Set(now),
            })
            .exec(&txn)
            .await?;
            (created.meta.id, created.organisation_id, Outcome::New)
        }
    };
    if !imported.reports.is_empty() {
        crate::reports::record_from_dream(&txn, actor, passport_id, organisation_id, &imported.reports).await?;
    }
    txn.commit().await?;
    Ok((passport_id, outcome))
}

/// DREAM's id and code of a passport, if linked.
pub async fn link<C: ConnectionTrait>(conn: &C, passport_id: Uuid) -> StoreResult<Option<(String, Option<String>)>> {
    Ok(dream_link::Entity::find_by_id(passport_id).one(conn).await?.map(|l| (l.dream_id, l.code)))
}

/// The DREAM document of a passport: its current data over the last document DREAM sent.
pub async fn export<C: ConnectionTrait>(conn: &C, passport_id: Uuid) -> StoreResult<Value> {
    let p = passports::get(conn, passport_id).await?;
    let organisation = crate::organisations::get(conn, p.organisation_id).await?;
    let initiator =
        portfel_domain::passport::PartyRef { name: organisation.data.name, edrpou: organisation.data.edrpou };
    let goals = crate::strategy::goal_refs(conn, &p.content.strategy_goal_ids).await?;
    let original: Option<Value> = match dream_link::Entity::find_by_id(passport_id).one(conn).await? {
        Some(l) => Some(serde_json::from_str(&l.document)?),
        None => None,
    };
    Ok(portfel_dream::export(&portfel_dream::ExportInput {
        id: p.meta.id,
        created: p.meta.created_at,
        updated: p.meta.updated_at,
        status: p.status,
        content: &p.content,
        initiator: &initiator,
        goals: &goals,
        original: original.as_ref(),
        reports: &crate::reports::accepted(conn, passport_id).await?,
    }))
}

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    /// Passport id.
    pub id: Uuid,
    /// DREAM code, if linked.
    pub code: Option<String>,
    /// When the passport last changed.
    pub updated: DateTime<Utc>,
    /// Lifecycle state.
    pub status: Status,
    /// True for withdrawn projects (cancelled): a tombstone.
    pub deleted: bool,
}

/// Passports past the draft stage changed after `after` (a timestamp, and the
/// id of the last entry seen at that timestamp), oldest first.
pub async fn changes<C: ConnectionTrait>(
    conn: &C,
    after: Option<(DateTime<Utc>, Option<Uuid>)>,
    limit: u64,
) -> StoreResult<Vec<Change>> {
    let mut query = passport::Entity::find()
        .filter(passport::Column::Status.ne(Status::Draft.as_str()))
        .order_by_asc(passport::Column::UpdatedAt)
        .order_by_asc(passport::Column::Id)
        .limit(limit);
    if let Some((at, id)) = after {
        let mut cond = Condition::any().add(passport::Column::UpdatedAt.gt(at));
        cond = match id {
            Some(id) => {
                cond.add(Condition::all().add(passport::Column::UpdatedAt.eq(at)).add(passport::Column::Id.gt(id)))
            }
            None => cond,
        };
        query = query.filter(cond);
    }
    let rows: Vec<(Uuid, String, DateTime<Utc>, Option<String>)> = query
        .select_only()
        .columns([passport::Column::Id, passport::Column::Status, passport::Column::UpdatedAt])
        .column(dream_link::Column::Code)
        .join(
            JoinType::LeftJoin,
            passport::Entity::belongs_to(dream_link::Entity)
                .from(passport::Column::Id)
                .to(dream_link::Column::PassportId)
                .into(),
        )
        .into_tuple()
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|(id, status, updated, code)| {
            let status = crate::passports::parse_status(&status)?;
            Ok(Change { id, code, updated, status, deleted: status == Status::Cancelled })
        })
        .collect()
}

/// A stored sync checkpoint.
pub async fn checkpoint<C: ConnectionTrait>(conn: &C, name: &str) -> StoreResult<Option<String>> {
    Ok(sync_checkpoint::Entity::find_by_id(name.to_owned()).one(conn).await?.map(|c| c.value))
}

/// Stores a sync checkpoint.
pub async fn set_checkpoint(db: &DatabaseConnection, name: &str, value: &str) -> StoreResult<()> {
    let txn = crate::begin_write(db).await?;
    sync_checkpoint::Entity::delete_by_id(name.to_owned()).exec(&txn).await?;
    sync_checkpoint::Entity::insert(sync_checkpoint::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(crate::now()),
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}
