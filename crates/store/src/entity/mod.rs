//! sea-orm entities, one per table (see `migrations/`).

pub mod assignment;
pub mod attachment;
pub mod audit_event;
pub mod budget_year;
pub mod codelist_entry;
pub mod completion_report;
pub mod council_document;
pub mod credential;
pub mod dream_link;
pub mod evaluation_round;
pub mod expost_evaluation;
pub mod idempotency_key;
pub mod implementation_report;
pub mod lease;
pub mod methodology;
pub mod notification;
pub mod organisation;
pub mod passport;
pub mod passport_revision;
pub mod programme;
pub mod programme_fact;
pub mod programme_quarter;
pub mod programme_version;
pub mod round_project;
pub mod session;
pub mod strategy_document;
pub mod strategy_goal;
pub mod sync_checkpoint;
pub mod user;

/// What every entity here shares: no relations between tables (foreign keys
/// live in the migrations) and the default active-model behaviour.
macro_rules! without_relations {
    () => {
        #[allow(missing_docs)]
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}
pub(crate) use without_relations;
