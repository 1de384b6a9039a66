//! A passport's rows: reading a row into its record, the columns derived
//! from content, its revisions, and storing a new passport.

use chrono::{DateTime, Utc};
use portfel_domain::records::{Meta, Passport};
use portfel_domain::{PassportContent, Status};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, SqlErr, TryIntoModel};
use uuid::Uuid;

use crate::audit;
use crate::entity::{audit_event, passport, passport_revision as revision};
use crate::{Actor, StoreError, StoreResult};

/// A stored passport state.
pub(crate) fn parse_status(s: &str) -> StoreResult<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("passport status {s:?}")))
}

/// The record of a stored row.
pub(crate) fn to_record(m: passport::Model) -> StoreResult<Passport> {
    let content: PassportContent = serde_json::from_str(&m.content)?;
    record_of(m, content)
}

/// The record of row `m`, whose content column holds `content`.
pub(crate) fn record_of(m: passport::Model, content: PassportContent) -> StoreResult<Passport> {
    let status = parse_status(&m.status)?;
    let (dream_status, details) = status.dream();
    Ok(Passport {
        meta: Meta { id: m.id, version: m.version, created_at: m.created_at, updated_at: m.updated_at },
        organisation_id: m.organisation_id,
        status,
        dream_status: dream_status.to_owned(),
        dream_status_details: details.map(str::to_owned),
        revision: m.revision,
        total_cost: content.total_cost(),
        created_by: m.created_by,
        submitted_at: m.submitted_at,
        resubmit_by: m.resubmit_by,
        content,
    })
}

/// Columns derived from content, kept for filtering.
pub(crate) fn content_columns(model: &mut passport::ActiveModel, content: &PassportContent) -> StoreResult<()> {
    model.title = Set(content.title.uk.clone());
    model.sector = Set(content.sector.clone());
    model.start_year = Set(content.start_year);
    model.end_year = Set(content.years().map(|y| *y.end()));
    model.search_text = Set(content.search_text());
    model.total_cost = Set(Some(content.total_cost().to_string()));
    model.content = Set(serde_json::to_string(content)?);
    Ok(())
}

pub(crate) async fn check_goals<C: ConnectionTrait>(conn: &C, content: &PassportContent) -> StoreResult<()> {
    let missing = crate::strategy::missing_goals(conn, "strategy_goal_ids", &content.strategy_goal_ids).await?;
    if missing.is_empty() { Ok(()) } else { Err(StoreError::Invalid(missing)) }
}

/// The row of revision `number` of passport `id`.
pub(crate) fn revision_row(
    id: Uuid,
    number: i32,
    status: Status,
    content: &str,
    author: &str,
    at: DateTime<Utc>,
) -> revision::ActiveModel {
    revision::ActiveModel {
        passport_id: Set(id),
        revision: Set(number),
        status: Set(status.as_str().to_owned()),
        content: Set(content.to_owned()),
        author: Set(author.to_owned()),
        created_at: Set(at),
    }
}

/// [`crate::passports::create`] in a transaction of its own (or the keyed request's).
pub(crate) async fn create_alone(
    db: &DatabaseConnection,
    actor: &Actor,
    organisation_id: Uuid,
    content: &PassportContent,
) -> StoreResult<Passport> {
    let txn = crate::begin_write(db).await?;
    let record = create_in(&txn, actor, organisation_id, content, Status::Draft).await?;
    txn.commit().await?;
    Ok(record)
}

/// [`crate::passports::create`] inside the caller's transaction, in a given state (imports keep DREAM's).
pub(crate) async fn create_in<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    organisation_id: Uuid,
    content: &PassportContent,
    status: Status,
) -> StoreResult<Passport> {
    check_goals(conn, content).await?;
    let rows = NewPassport::of(actor, organisation_id, content, status)?;
    // The organisation's existence is checked by the foreign key, not by a query of its own.
    passport::Entity::insert(rows.passport).exec(conn).await.map_err(|e| match e.sql_err() {
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
            crate::organisations::unknown("organisation_id", organisation_id)
        }
        _ => StoreError::from(e),
    })?;
    revision::Entity::insert(rows.revision).exec(conn).await?;
    audit_event::Entity::insert(rows.event).exec(conn).await?;
    Ok(rows.record)
}

/// The rows a new passport is stored in, and its record.
pub(crate) struct NewPassport {
    pub passport: passport::ActiveModel,
    pub revision: revision::ActiveModel,
    pub event: audit_event::ActiveModel,
    pub record: Passport,
}

impl NewPassport {
    /// The rows of a new passport of `organisation_id` in state `status`, created by `actor`.
    pub fn of(actor: &Actor, organisation_id: Uuid, content: &PassportContent, status: Status) -> StoreResult<Self> {
        let now = crate::now();
        let id = Uuid::now_v7();
        let mut passport = passport::ActiveModel {
            id: Set(id),
            organisation_id: Set(organisation_id),
            status: Set(status.as_str().to_owned()),
            revision: Set(1),
            version: Set(1),
            created_by: Set(actor.sub.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            submitted_at: Set((status != Status::Draft).then_some(now)),
            resubmit_by: Set(None),
            score: Set(None),
            rank: Set(None),
            ..Default::default()
        };
        content_columns(&mut passport, content)?;
        let row = passport.clone().try_into_model()?;
        let revision = revision_row(id, 1, status, &row.content, &actor.sub, now);
        let record = record_of(row, content.clone())?;
        let event = audit::creation(actor, "passport.create", "passport", id.to_string(), &record)?;
        Ok(NewPassport { passport, revision, event, record })
    }
}
