//! The executive bodies' quarterly reports of programme measures: submitted
//! (again, after a return), accepted or returned by the PIM unit.

use chrono::NaiveDate;
use portfel_domain::comeback::Return;
use portfel_domain::notices::Notice;
use portfel_monitoring::quarters::{
    QuarterFact, QuarterReport, QuarterStatus, Refusal, quarter_name, review_refusal, submission_refusal,
};
use portfel_monitoring::versions::in_force;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::audit;
use crate::entity::programme_quarter::{ActiveModel, Column, Entity};
use crate::guarded::{Guard, record, update_audited};
pub use crate::programme_records::quarters as list;
use crate::programme_records::{facts, to_report, versions};
use crate::{Actor, StoreError, StoreResult};

impl From<Refusal> for StoreError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Invalid(e) => StoreError::Invalid(vec![e]),
            Refusal::Conflict(e) => StoreError::Conflict(e),
        }
    }
}

/// One report.
pub async fn get<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<QuarterReport> {
    Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound("quarterly report")).and_then(to_report)
}

/// Every quarterly report in `status`, of one organisation if given, oldest submission first.
pub async fn in_status<C: ConnectionTrait>(
    conn: &C,
    status: QuarterStatus,
    organisation: Option<Uuid>,
) -> StoreResult<Vec<QuarterReport>> {
    let mut query = Entity::find().filter(Column::Status.eq(status.as_str()));
    if let Some(org) = organisation {
        query = query.filter(Column::OrganisationId.eq(org));
    }
    query.order_by_asc(Column::SubmittedAt).all(conn).await?.into_iter().map(to_report).collect()
}

/// Records `organisation`'s report of a measure's quarter, or submits it again
/// over a submitted or returned one; the rules of
/// [`portfel_monitoring::quarters::submission_refusal`] decide, against the
/// programme's version in force in the report's year.
pub async fn submit(
    db: &DatabaseConnection,
    actor: &Actor,
    programme_id: Uuid,
    organisation: Uuid,
    fact: &QuarterFact,
    today: NaiveDate,
) -> StoreResult<QuarterReport> {
    let txn = crate::begin_write(db).await?;
    let versions = versions(&txn, programme_id).await?;
    let programme = &in_force(&versions, fact.year).ok_or(StoreError::NotFound("programme"))?.programme;
    let annual = facts(&txn, programme_id).await?;
    let existing = list(&txn, programme_id)
        .await?
        .into_iter()
        .find(|r| r.fact.measure == fact.measure && r.fact.year == fact.year && r.fact.quarter == fact.quarter);
    if let Some(refusal) = submission_refusal(programme, fact, organisation, today, &annual, existing.as_ref()) {
        return Err(refusal.into());
    }
    let now = crate::now();
    let written = |id, version| ActiveModel {
        id: Set(id),
        programme_id: Set(programme_id),
        organisation_id: Set(organisation),
        measure: Set(fact.measure.clone()),
        year: Set(fact.year),
        quarter: Set(i32::from(fact.quarter)),
        amount: Set(fact.amount.to_string()),
        narrative: Set(fact.narrative.clone()),
        status: Set(QuarterStatus::Submitted.as_str().to_owned()),
        return_reason: Set(None),
        resubmit_by: Set(None),
        submitted_by: Set(actor.sub.clone()),
        submitted_at: Set(now),
        reviewed_by: Set(None),
        version: Set(version),
        updated_at: Set(now),
    };
    let after = match existing {
        None => {
            let model = Entity::insert(written(Uuid::now_v7(), 1))
                .exec_with_returning(&txn)
                .await
                .map_err(|e| StoreError::unique(e, "quarterly report"))?;
            let record = to_report(model)?;
            audit::created(&txn, actor, "quarter.submit", "programme_quarter", record.id.to_string(), &record).await?;
            record
        }
        Some(before) => {
            let guard = Guard { action: "quarter.submit", id: before.id, expected_version: before.version };
            let mut changes = written(before.id, before.version);
            changes.id = sea_orm::ActiveValue::NotSet;
            changes.version = sea_orm::ActiveValue::NotSet;
            changes.updated_at = sea_orm::ActiveValue::NotSet;
            update_audited(&txn, actor, guard, |_: &QuarterReport| Ok(changes)).await?
        }
    };
    txn.commit().await?;
    Ok(after)
}

/// Accepts (`accept`) or returns (why, perhaps to come back by a day) a
/// submitted report at `expected_version`.
pub async fn review(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    expected_version: i32,
    accept: bool,
    returned: Option<Return<'_>>,
) -> StoreResult<QuarterReport> {
    let txn = crate::begin_write(db).await?;
    let returned = returned.filter(|_| !accept);
    let action = if accept { "quarter.accept" } else { "quarter.return" };
    let guard = Guard { action, id, expected_version };
    let after = update_audited(&txn, actor, guard, |before: &QuarterReport| {
        if let Some(refusal) = review_refusal(before.status) {
            return Err(StoreError::Conflict(refusal));
        }
        let to = if accept { QuarterStatus::Accepted } else { QuarterStatus::Returned };
        Ok(ActiveModel {
            status: Set(to.as_str().to_owned()),
            return_reason: Set(returned.map(|r| r.reason.to_owned())),
            resubmit_by: Set(returned.and_then(|r| r.back_by)),
            reviewed_by: Set(Some(actor.sub.clone())),
            ..Default::default()
        })
    })
    .await?;
    let programme = crate::programmes::get(&txn, after.programme_id).await?.programme.title;
    let f = &after.fact;
    let notice = Notice::quarter_decided(
        after.id,
        after.version,
        after.organisation_id,
        (after.programme_id, &programme),
        &f.measure,
        (quarter_name(f.quarter), f.year),
        returned,
    );
    crate::notices::raise(&txn, &notice).await?;
    txn.commit().await?;
    Ok(after)
}

record!(QuarterReport, Entity, Uuid, "quarterly report", get, |r| r.version);
