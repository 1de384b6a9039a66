//! Portfel domain: pure types and rules for public investment project passports.
//!
//! No IO lives here. Other crates depend on this one, never the other way round.

pub mod access;
pub mod attachment;
pub mod calendar;
pub mod choices;
pub mod codelist;
pub mod comeback;
pub mod field_error;
pub mod lifecycle;
pub mod link;
pub mod messages;
pub mod money;
pub mod notices;
pub mod passport;
pub mod permission;
pub mod records;
pub mod reference;
pub mod role;
pub mod rules;
pub mod tasks;
pub mod text;

pub use codelist::{Codelist, CodelistEntry, Codelists};
pub use field_error::FieldError;
pub use lifecycle::{Status, TransitionError, TransitionRule};
pub use link::WebLink;
pub use money::Uah;
pub use passport::PassportContent;
pub use permission::Permission;
pub use role::Role;
