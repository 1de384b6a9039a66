//! Mapping between Portfel passports and DREAM project documents (the
//! `GET /marketplace/public/dream/ideas/{id}` shape of DREAM's public API).
//!
//! Export overlays the fields Portfel models onto the document last imported
//! from DREAM (or an empty one), so everything Portfel does not model is given
//! back verbatim. Import reads the modelled fields and keeps the document.
//! Accepted implementation reports and the accepted completion report travel in a contracting process
//! ([`implementation`]).

pub mod codes;
pub mod export;
pub mod implementation;
pub mod import;
mod shapes;

use portfel_domain::passport::PartyRef;
use serde::{Deserialize, Serialize};

pub use export::{ExportInput, export};
pub use implementation::DREAM_REMAINING;
pub use import::{Imported, import};

/// A strategy goal as DREAM classifies it: the UA-GIS document kind and the goal's code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GoalRef {
    /// UA-GIS document kind, e.g. `communityDevelopmentStrategy`.
    pub kind: String,
    /// Goal code within the document, e.g. `1.2`.
    pub code: String,
    /// Goal title.
    pub title: String,
}

/// The initiating organisation as a DREAM party.
pub type Initiator = PartyRef;
