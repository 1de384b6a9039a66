//! The project passport (concept of a public investment project), as an
//! executive body submits it. Field set follows the 2025 procedure and DREAM's
//! project document; codes come from DREAM codelists.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::link::WebLink;
use crate::money::Uah;

/// KATOTTG code: `UA` followed by 17 digits.
pub static KATOTTG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^UA\d{17}$").unwrap());
/// EDRPOU code of a legal entity: 8 digits.
pub static EDRPOU: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{8}$").unwrap());

/// Text in Ukrainian with an optional English version.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    /// Ukrainian text.
    #[validate(length(min = 1, max = 5000), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 5000)]
    #[schema(example = "Капітальний ремонт ліцею №3", min_length = 1, max_length = 5000)]
    pub uk: String,
    /// English text.
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Major repair of Lyceum No. 3")]
    pub en: Option<String>,
}

/// An organisation named in a passport by its EDRPOU code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyRef {
    /// Name of the organisation.
    #[validate(length(min = 1, max = 500), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 500)]
    #[schema(example = "КП «Житлосервіс»")]
    pub name: String,
    /// EDRPOU code (scheme UA-EDR), 8 digits.
    #[validate(regex(path = *EDRPOU, code = "edrpou", message = "EDRPOU code must be 8 digits"))]
    #[schema(example = "12345678", pattern = r"^\d{8}$")]
    pub edrpou: String,
}

/// Where the project is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// KATOTTG code of the settlement or territory.
    #[validate(regex(path = *KATOTTG, code = "katottg", message = "KATOTTG code must be UA followed by 17 digits"))]
    #[schema(example = "UA46060250010015970", pattern = r"^UA\d{17}$")]
    pub katottg: String,
    /// Street address or description of the site.
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "вул. Шевченка, 12")]
    pub address: Option<String>,
}

/// Cost item, as DREAM's budget breakdown classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum CostItem {
    Design,
    Equipment,
    Construction,
    Resettlement,
    SitePreparation,
    Measures,
    Contingencies,
    Overheads,
    Taxes,
    Financing,
    Operating,
    Maintenance,
    Replacement,
    EndOfLife,
    ProjectManagement,
    UpfrontFee,
    LandAcquisition,
}

/// Capital or operating expenditure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum CostType {
    /// Capital expenditure.
    Capex,
    /// Operating expenditure.
    Opex,
}

/// One line of the cost breakdown: year × cost item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CostLine {
    /// Budget year.
    #[schema(example = 2027, minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// What the money is spent on.
    pub item: CostItem,
    /// Capital or operating.
    #[serde(default = "capex")]
    pub cost_type: CostType,
    /// Amount in UAH.
    pub amount: Uah,
}

fn capex() -> CostType {
    CostType::Capex
}

/// One line of the financing plan: year × funding source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinancingLine {
    /// Budget year.
    #[schema(example = 2027, minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// Funding source category code (DREAM `fundingSourceCategories`).
    #[schema(example = "localBudget")]
    pub source: String,
    /// Amount in UAH.
    pub amount: Uah,
}

/// Kind of readiness evidence (DREAM document types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum DocumentKind {
    DesignDocument,
    FeasibilityStudy,
    PermissionDocument,
    TechnicalDocument,
    LegalDocument,
}

/// A document that proves readiness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadinessDocument {
    /// Kind of document.
    pub kind: DocumentKind,
    /// Title of the document.
    #[validate(length(min = 1, max = 1000), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 1000)]
    #[schema(example = "Проєктна документація стадії «Робочий проєкт»")]
    pub title: String,
    /// Registration number, if any.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Date the document was issued or approved.
    #[schema(example = "2026-03-15")]
    pub date: NaiveDate,
    /// Link to the document (an absolute http or https address).
    #[validate(custom(function = WebLink::check))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebLink>,
}

/// State of design documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DesignStatus {
    /// None prepared yet.
    #[default]
    None,
    /// Being prepared.
    InPreparation,
    /// Approved and current.
    Approved,
    /// Approved but outdated (needs correction).
    Outdated,
    /// Not required for this project (e.g. equipment purchase).
    NotRequired,
}

/// State of the land plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LandStatus {
    /// Not secured.
    #[default]
    NotSecured,
    /// Allocation in progress.
    InAllocation,
    /// Owned by the community or the balance holder.
    Owned,
    /// Leased.
    Leased,
    /// No land plot is needed.
    NotRequired,
}

/// State expertise of design documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpertiseStatus {
    /// Not yet done.
    #[default]
    NotDone,
    /// Under way.
    Pending,
    /// Positive conclusion.
    Positive,
    /// Negative conclusion.
    Negative,
    /// Not required.
    NotRequired,
}

/// Readiness evidence.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Readiness {
    /// Documents with kinds and dates.
    #[validate(nested, length(max = 100))]
    pub documents: Vec<ReadinessDocument>,
    /// Design documentation status.
    pub design_documentation: DesignStatus,
    /// Land status.
    pub land: LandStatus,
    /// State expertise status.
    pub state_expertise: ExpertiseStatus,
}

/// Who benefits.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Beneficiaries {
    /// Total number of beneficiaries.
    #[validate(range(max = 100_000_000))]
    #[schema(example = 1200, maximum = 100_000_000)]
    pub total: u64,
    /// Of whom internally displaced persons.
    #[validate(range(max = 100_000_000))]
    #[schema(example = 150, maximum = 100_000_000)]
    pub idps: u64,
}

/// Low / medium / high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Level {
    Low,
    Medium,
    High,
}

/// A project risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// What may go wrong.
    #[validate(length(min = 1, max = 2000), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 2000)]
    #[schema(example = "Зростання цін на будівельні матеріали")]
    pub description: String,
    /// How likely.
    pub likelihood: Level,
    /// How bad.
    pub impact: Level,
    /// What is done about it.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
}

/// Cross-cutting goals of the state priorities the project contributes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CrossCutting {
    /// Energy efficiency.
    pub energy_efficiency: bool,
    /// Climate adaptation.
    pub climate_adaptation: bool,
    /// Gender equality.
    pub gender_equality: bool,
    /// Barrier-free access.
    pub barrier_free: bool,
}

/// A contact person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Full name.
    #[validate(length(min = 1, max = 300), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 300)]
    #[schema(example = "Олена Коваленко")]
    pub name: String,
    /// Position.
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// E-mail.
    #[validate(email)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "o.kovalenko@example.gov.ua")]
    pub email: Option<String>,
    /// Phone.
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "+380441234567")]
    pub phone: Option<String>,
}

/// Everything an executive body states about a project. Drafts may be
/// incomplete; submission demands completeness (see [`crate::rules`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PassportContent {
    /// Project title.
    #[validate(nested)]
    pub title: LocalizedText,
    /// Project description.
    #[validate(nested)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LocalizedText>,
    /// The problem the project solves.
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Goals of the project.
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub goals: Vec<String>,
    /// Project type code (DREAM `initiationTypes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "rehabilitation")]
    pub project_type: Option<String>,
    /// Purpose code (DREAM `initiationPurpose`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "development")]
    pub purpose: Option<String>,
    /// Nature of works codes (DREAM `initiationNature`).
    #[validate(length(max = 10))]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub nature: Vec<String>,
    /// Sector code (DREAM `WB-ECO`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "EP")]
    pub sector: Option<String>,
    /// Balance holder of the asset.
    #[validate(nested)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_holder: Option<PartyRef>,
    /// Implementer of the project.
    #[validate(nested)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementer: Option<PartyRef>,
    /// Locations (KATOTTG).
    #[validate(nested, length(max = 50))]
    #[serde(default)]
    pub locations: Vec<Location>,
    /// Goals of strategy documents the project serves (ids of stored goals).
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    #[serde(default)]
    pub strategy_goal_ids: Vec<Uuid>,
    /// First year of implementation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 2027)]
    pub start_year: Option<i32>,
    /// Duration in years.
    #[validate(range(min = 1, max = 15))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 2, minimum = 1, maximum = 15)]
    pub duration_years: Option<u8>,
    /// Cost breakdown by year and cost item.
    #[validate(nested, length(max = 500))]
    #[serde(default)]
    pub costs: Vec<CostLine>,
    /// Financing plan by year and funding source.
    #[validate(nested, length(max = 500))]
    #[serde(default)]
    pub financing: Vec<FinancingLine>,
    /// Readiness evidence.
    #[validate(nested)]
    #[serde(default)]
    pub readiness: Readiness,
    /// Beneficiaries.
    #[validate(nested)]
    #[serde(default)]
    pub beneficiaries: Beneficiaries,
    /// Operating and maintenance cost per year after completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub om_cost_per_year: Option<Uah>,
    /// Risks.
    #[validate(nested, length(max = 50))]
    #[serde(default)]
    pub risks: Vec<Risk>,
    /// Cross-cutting goals.
    #[serde(default)]
    pub cross_cutting: CrossCutting,
    /// Contact persons.
    #[validate(nested, length(max = 10))]
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

impl PassportContent {
    /// Years the project runs, if start and duration are known.
    pub fn years(&self) -> Option<std::ops::RangeInclusive<i32>> {
        let start = self.start_year?;
        let duration = i32::from(self.duration_years?);
        Some(start..=start + duration - 1)
    }

    /// Total cost over all years.
    pub fn total_cost(&self) -> Uah {
        self.costs.iter().map(|c| c.amount).sum()
    }

    /// Lower-cased text used for word search ([`search_words`]).
    pub fn search_text(&self) -> String {
        let mut text = self.title.uk.clone();
        for part in [self.title.en.as_deref(), self.description.as_ref().map(|d| d.uk.as_str())].into_iter().flatten() {
            text.push('\n');
            text.push_str(part);
        }
        text.to_lowercase()
    }
}

/// The words a passport search looks for, each to be found somewhere in a
/// passport's [`PassportContent::search_text`] or its DREAM code: lower-cased,
/// split at spaces and at the `LIKE` wildcards `%` and `_` (which the search
/// would otherwise read as "anything"), repeats dropped.
pub fn search_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in query.to_lowercase().split(|c: char| c.is_whitespace() || c == '%' || c == '_') {
        if !word.is_empty() && !words.iter().any(|w| w == word) {
            words.push(word.to_owned());
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::search_words;

    #[test]
    fn search_words_are_lower_cased_split_and_without_wildcards() {
        assert_eq!(search_words("  Ремонт   ЛІЦЕЮ ремонт "), ["ремонт", "ліцею"]);
        assert_eq!(search_words("100%_готовий"), ["100", "готовий"]);
        assert!(search_words(" % _ ").is_empty());
    }
}
