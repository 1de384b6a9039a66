//! Stored resources as the API returns them: input data plus identity,
//! version (for `ETag` / `If-Match`) and timestamps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::lifecycle::Status;
use crate::money::Uah;
use crate::passport::PassportContent;
use crate::reference::{BudgetYearInput, OrganisationInput, StrategyDocumentInput, StrategyGoalInput, UserInput};

/// Identity, version and timestamps shared by stored resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Meta {
    /// Identifier.
    pub id: Uuid,
    /// Version, incremented on every change; sent back as `ETag`.
    #[schema(example = 1)]
    pub version: i32,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organisation {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// Data.
    #[serde(flatten)]
    pub data: OrganisationInput,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// Data.
    #[serde(flatten)]
    pub data: UserInput,
}

/// A stored strategy document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StrategyDocument {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// Data.
    #[serde(flatten)]
    pub data: StrategyDocumentInput,
}

/// A stored goal of a strategy document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StrategyGoal {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// Document the goal belongs to.
    pub document_id: Uuid,
    /// Data.
    #[serde(flatten)]
    pub data: StrategyGoalInput,
}

/// A stored budget year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BudgetYear {
    /// Version, sent back as `ETag`.
    pub version: i32,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Data.
    #[serde(flatten)]
    pub data: BudgetYearInput,
}

/// What a list shows of a passport: enough to find, sort and open it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PassportSummary {
    /// Passport id.
    pub id: Uuid,
    /// DREAM project code, once the project is in DREAM.
    pub code: Option<String>,
    /// Title (Ukrainian).
    pub title: String,
    /// Initiating organisation.
    pub organisation_id: Uuid,
    /// The initiating organisation's name.
    pub organisation: String,
    /// Lifecycle state.
    pub status: Status,
    /// Sector (WB-ECO code).
    pub sector: Option<String>,
    /// Total cost over all years.
    pub total_cost: Uah,
    /// First year of implementation.
    pub start_year: Option<i32>,
    /// Last year of implementation.
    pub end_year: Option<i32>,
    /// Final score in the latest closed evaluation round that scored it.
    pub score: Option<rust_decimal::Decimal>,
    /// Rank in that round (absent when it was not eligible or not yet scored).
    pub rank: Option<u32>,
    /// Version (for `If-Match`).
    pub version: i32,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// For a returned passport: the day to submit it again by, when set.
    #[serde(default)]
    pub resubmit_by: Option<chrono::NaiveDate>,
}

/// A stored project passport with its lifecycle state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Passport {
    /// Identity and version.
    #[serde(flatten)]
    pub meta: Meta,
    /// Organisation that initiated the project.
    pub organisation_id: Uuid,
    /// Lifecycle state.
    pub status: Status,
    /// DREAM `status` code for the state.
    #[schema(example = "pending")]
    pub dream_status: String,
    /// DREAM `statusDetails` code for the state.
    #[schema(example = "initiated")]
    pub dream_status_details: Option<String>,
    /// Number of the current content revision (1 for the first).
    #[schema(example = 1)]
    pub revision: i32,
    /// Total cost over all years, UAH.
    pub total_cost: Uah,
    /// `sub` of the user who created it.
    pub created_by: String,
    /// When first submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// For a passport returned to its initiator: the day to submit it again by, when the PIM unit set one.
    #[serde(default)]
    pub resubmit_by: Option<chrono::NaiveDate>,
    /// The passport's content.
    pub content: PassportContent,
}

/// One revision of a passport's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PassportRevision {
    /// Passport.
    pub passport_id: Uuid,
    /// Revision number.
    pub revision: i32,
    /// Lifecycle state when the revision was made.
    pub status: Status,
    /// Who made it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Content as of this revision.
    pub content: PassportContent,
}

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEvent {
    /// Sequence number.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// `sub` of the actor.
    pub actor: String,
    /// Organisation of the actor.
    pub actor_organisation: Option<Uuid>,
    /// What was done, e.g. `passport.create`, `passport.transition`.
    #[schema(example = "passport.transition")]
    pub action: String,
    /// Kind of resource, e.g. `passport`.
    #[schema(example = "passport")]
    pub entity_type: String,
    /// Identifier of the resource.
    pub entity_id: String,
    /// State before the change (absent for a creation, and in a list unless `view=full`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    /// State after the change (absent for a removal, and in a list unless `view=full`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<serde_json::Value>,
    /// Reason given, for refusals and returns.
    pub reason: Option<String>,
    /// Request id of the HTTP request that made the change.
    pub request_id: Option<String>,
}

/// One step of a passport's lifecycle, with the reason given for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StateChange {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (`sub`).
    pub actor: String,
    /// The person's full name, when the actor is a registered user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// State before.
    pub from: Status,
    /// State after.
    pub to: Status,
    /// Reason given (refusals, returns for revision, cancellations).
    pub reason: Option<String>,
}
