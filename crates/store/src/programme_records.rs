//! Reading a programme's records: its versions, the PIM unit's yearly facts
//! and the executive bodies' quarterly reports — what both the programme's
//! and the quarters' writes check against.

use portfel_monitoring::programme::MeasureFact;
use portfel_monitoring::quarters::{QuarterFact, QuarterReport, QuarterStatus};
use portfel_monitoring::versions::ProgrammeVersion;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entity::programme_quarter::{self, Model};
use crate::entity::{programme_fact, programme_version};
use crate::{StoreError, StoreResult};

/// Every version of a programme, the approval first.
pub async fn versions<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<Vec<ProgrammeVersion>> {
    let rows = programme_version::Entity::find()
        .filter(programme_version::Column::ProgrammeId.eq(id))
        .order_by_asc(programme_version::Column::Number)
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ProgrammeVersion {
                number: r.number,
                recorded_at: r.recorded_at,
                recorded_by: r.recorded_by,
                programme: serde_json::from_str(&r.content)?,
            })
        })
        .collect()
}

/// Every fact of a programme, by measure and year.
pub async fn facts<C: ConnectionTrait>(conn: &C, id: Uuid) -> StoreResult<Vec<MeasureFact>> {
    let rows = programme_fact::Entity::find()
        .filter(programme_fact::Column::ProgrammeId.eq(id))
        .order_by_asc(programme_fact::Column::Measure)
        .order_by_asc(programme_fact::Column::Year)
        .all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(MeasureFact {
                amount: r
                    .amount
                    .parse()
                    .map_err(|e: portfel_domain::money::UahParseError| StoreError::Corrupt(e.to_string()))?,
                measure: r.measure,
                year: r.year,
                narrative: r.narrative,
            })
        })
        .collect()
}

pub(crate) fn to_report(m: Model) -> StoreResult<QuarterReport> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("programme quarter {}: {what}", m.id));
    Ok(QuarterReport {
        id: m.id,
        programme_id: m.programme_id,
        organisation_id: m.organisation_id,
        fact: QuarterFact {
            measure: m.measure.clone(),
            year: m.year,
            quarter: u8::try_from(m.quarter).map_err(|_| corrupt("quarter"))?,
            amount: m.amount.parse().map_err(|_| corrupt("amount"))?,
            narrative: m.narrative.clone(),
        },
        status: QuarterStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
        return_reason: m.return_reason,
        resubmit_by: m.resubmit_by,
        submitted_by: m.submitted_by,
        submitted_at: m.submitted_at,
        reviewed_by: m.reviewed_by,
        version: m.version,
    })
}

/// Every quarterly report of a programme, by year, quarter and measure.
pub async fn quarters<C: ConnectionTrait>(conn: &C, programme_id: Uuid) -> StoreResult<Vec<QuarterReport>> {
    let rows = programme_quarter::Entity::find()
        .filter(programme_quarter::Column::ProgrammeId.eq(programme_id))
        .order_by_asc(programme_quarter::Column::Year)
        .order_by_asc(programme_quarter::Column::Quarter)
        .order_by_asc(programme_quarter::Column::Measure)
        .all(conn)
        .await?;
    rows.into_iter().map(to_report).collect()
}
