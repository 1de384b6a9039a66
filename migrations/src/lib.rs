//! Database schema of Portfel, as sea-orm migrations. The same migrations
//! run on SQLite (embedded default) and PostgreSQL.

// `MigrationTrait` spells its `SchemaManager` argument without its lifetime, and an
// implementation must match it.
#![allow(elided_lifetimes_in_paths)]

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_initial;
mod m20261122_000002_evaluation;
mod m20261122_000003_council;
mod m20261122_000004_dream;
mod m20261123_000005_sessions;
mod m20261124_000006_monitoring;
mod m20261125_000007_passport_summary;
mod m20261203_000008_passport_search;
mod m20261203_000009_report_submission;
mod m20261203_000010_programme_history;
mod m20261204_000011_attachments;
mod m20261205_000012_completion;
mod m20261206_000013_notifications;
mod m20261207_000014_report_resubmit;

/// Applies Portfel's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial::Migration),
            Box::new(m20261122_000002_evaluation::Migration),
            Box::new(m20261122_000003_council::Migration),
            Box::new(m20261122_000004_dream::Migration),
            Box::new(m20261123_000005_sessions::Migration),
            Box::new(m20261124_000006_monitoring::Migration),
            Box::new(m20261125_000007_passport_summary::Migration),
            Box::new(m20261203_000008_passport_search::Migration),
            Box::new(m20261203_000009_report_submission::Migration),
            Box::new(m20261203_000010_programme_history::Migration),
            Box::new(m20261204_000011_attachments::Migration),
            Box::new(m20261205_000012_completion::Migration),
            Box::new(m20261206_000013_notifications::Migration),
            Box::new(m20261207_000014_report_resubmit::Migration),
        ]
    }
}
