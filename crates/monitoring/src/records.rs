//! Monitoring records as stored: with their ids, versions and times.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::programme::Programme;
use crate::report::{ReportContent, ReportFacts, ReportStatus};

/// A stored programme.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProgrammeRecord {
    /// Id.
    pub id: Uuid,
    /// Concurrency version (`ETag`).
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// The programme.
    #[serde(flatten)]
    pub programme: Programme,
}

/// A stored implementation report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReportRecord {
    /// Id.
    pub id: Uuid,
    /// The project.
    pub passport_id: Uuid,
    /// The project's initiating organisation.
    pub organisation_id: Uuid,
    /// 1 for the first report of its period; a correction of an accepted one is the next.
    pub revision: i32,
    /// State.
    pub status: ReportStatus,
    /// Why the PIM unit returned it, when it did.
    pub return_reason: Option<String>,
    /// The day to submit it again by, when the PIM unit set one on its return.
    pub resubmit_by: Option<NaiveDate>,
    /// Who wrote it.
    pub created_by: String,
    /// Who accepted or returned it.
    pub decided_by: Option<String>,
    /// Concurrency version (`ETag`).
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// What it reports.
    #[serde(flatten)]
    pub content: ReportContent,
}

/// One stored revision of a period's report, as the rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// The project.
    pub passport_id: Uuid,
    /// The revision and what the rules read of it.
    pub facts: ReportFacts,
}

/// Every project's report revisions, oldest period and revision first.
pub fn by_project(revisions: impl IntoIterator<Item = Revision>) -> BTreeMap<Uuid, Vec<ReportFacts>> {
    let mut out: BTreeMap<Uuid, Vec<ReportFacts>> = BTreeMap::new();
    for r in revisions {
        out.entry(r.passport_id).or_default().push(r.facts);
    }
    for reports in out.values_mut() {
        reports.sort_by_key(|r| (r.content.period.order(), r.revision));
    }
    out
}

/// What stood of a project's reports on `on`: for each period, its newest
/// revision that counted that day ([`ReportFacts::counted_on`]). A year
/// reported by one annual report counts that report and none of its
/// quarters, so nothing is counted twice. In period order, a year's annual
/// report after its quarters.
pub fn standing(reports: &[ReportFacts], on: NaiveDate) -> Vec<&ReportContent> {
    let mut by_period: BTreeMap<(i32, u8), &ReportFacts> = BTreeMap::new();
    for r in reports.iter().filter(|r| r.counted_on(on)) {
        let held = by_period.entry(r.content.period.order()).or_insert(r);
        if r.revision > held.revision {
            *held = r;
        }
    }
    let annual: BTreeSet<i32> =
        by_period.values().filter(|r| r.content.period.quarter.is_none()).map(|r| r.content.period.year).collect();
    by_period
        .into_values()
        .filter(|r| r.content.period.quarter.is_none() || !annual.contains(&r.content.period.year))
        .map(|r| &r.content)
        .collect()
}

/// A project's accepted reports as they stand now, one per period.
pub fn accepted(reports: &[ReportRecord]) -> Vec<ReportContent> {
    let facts: Vec<ReportFacts> = reports
        .iter()
        .filter(|r| r.status == ReportStatus::Accepted)
        .map(|r| ReportFacts {
            revision: r.revision,
            status: r.status,
            submitted_on: Some(NaiveDate::MIN),
            content: r.content.clone(),
        })
        .collect();
    standing(&facts, NaiveDate::MAX).into_iter().cloned().collect()
}
