//! sea-orm entities, one per table (see `migrations/`).

pub mod audit_event;
pub mod budget_year;
pub mod codelist_entry;
pub mod idempotency_key;
pub mod organisation;
pub mod passport;
pub mod passport_revision;
pub mod strategy_document;
pub mod strategy_goal;
pub mod user;
