//! Monitoring records as stored: with their ids, versions and times.

use chrono::{DateTime, Utc};
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

/// The report of each period that counts: its newest submitted or accepted
/// revision, else its newest revision (which then does not count).
pub fn current(reports: &[ReportRecord]) -> Vec<ReportFacts> {
    let mut by_period: std::collections::BTreeMap<_, &ReportRecord> = std::collections::BTreeMap::new();
    for r in reports {
        let key = (r.passport_id, r.content.period);
        let better = match by_period.get(&key) {
            None => true,
            Some(held) => (r.status.counts(), r.revision) > (held.status.counts(), held.revision),
        };
        if better {
            by_period.insert(key, r);
        }
    }
    by_period.into_values().map(|r| ReportFacts { status: r.status, content: r.content.clone() }).collect()
}
