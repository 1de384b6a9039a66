//! Monitoring records as stored: with their ids, versions and times.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::period::Period;
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

/// One revision of a period's report, as choosing the one that counts needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// The project.
    pub passport_id: Uuid,
    /// Revision within the period.
    pub revision: i32,
    /// State.
    pub status: ReportStatus,
    /// What it reports.
    pub content: ReportContent,
}

/// Per project, the report of each period that counts: its newest submitted
/// or accepted revision, else its newest revision (which then does not
/// count); periods in order.
pub fn current_by_project(revisions: impl IntoIterator<Item = Revision>) -> BTreeMap<Uuid, Vec<ReportFacts>> {
    let mut by_period: BTreeMap<(Uuid, Period), Revision> = BTreeMap::new();
    for r in revisions {
        let key = (r.passport_id, r.content.period);
        let better = match by_period.get(&key) {
            None => true,
            Some(held) => (r.status.counts(), r.revision) > (held.status.counts(), held.revision),
        };
        if better {
            by_period.insert(key, r);
        }
    }
    let mut out: BTreeMap<Uuid, Vec<ReportFacts>> = BTreeMap::new();
    for ((passport_id, _), r) in by_period {
        out.entry(passport_id).or_default().push(ReportFacts { status: r.status, content: r.content });
    }
    out
}

/// [`current_by_project`] of stored reports, all projects' in one list.
pub fn current(reports: &[ReportRecord]) -> Vec<ReportFacts> {
    let revisions = reports.iter().map(|r| Revision {
        passport_id: r.passport_id,
        revision: r.revision,
        status: r.status,
        content: r.content.clone(),
    });
    current_by_project(revisions).into_values().flatten().collect()
}
