//! Reference data: organisations, strategy documents and goals, budget years, users.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::codelist::{Codelist, Codelists};
use crate::field_error::FieldError;
use crate::money::Uah;
use crate::passport::EDRPOU;
use crate::role::Role;
use crate::rules::{check_code, check_year, validation_errors};

/// An organisation: executive body, utility company, council, PIM unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    /// Official name.
    #[validate(length(min = 1, max = 500), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 500)]
    #[schema(example = "Управління освіти Бучанської міської ради")]
    pub name: String,
    /// EDRPOU code, 8 digits.
    #[validate(regex(path = *EDRPOU, code = "edrpou", message = "EDRPOU code must be 8 digits"))]
    #[schema(example = "44012345", pattern = r"^\d{8}$")]
    pub edrpou: String,
    /// Kind of organisation (DREAM `TED-TYPE` code).
    #[schema(example = "localBody")]
    pub kind: String,
}

impl OrganisationInput {
    /// Field errors, if any.
    pub fn check(&self, codes: &Codelists) -> Vec<FieldError> {
        let mut errors = self.validate().err().map(|e| validation_errors(&e)).unwrap_or_default();
        check_code(&mut errors, codes, "kind".into(), Codelist::TedType, &self.kind);
        errors
    }
}

/// A strategy document (community development strategy, restoration programme, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyDocumentInput {
    /// Document kind (DREAM `UA-GIS` code).
    #[schema(example = "communityDevelopmentStrategy")]
    pub kind: String,
    /// Title.
    #[validate(length(min = 1, max = 1000), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 1000)]
    #[schema(example = "Стратегія розвитку Бучанської міської територіальної громади на 2021–2027 роки")]
    pub title: String,
    /// Decision that approved it.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "Рішення міської ради № 1234-15-VIII")]
    pub approved_by: Option<String>,
    /// Date of approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<NaiveDate>,
    /// First year the document covers.
    #[schema(example = 2021, minimum = 2000, maximum = 2100)]
    pub period_start: i32,
    /// Last year the document covers.
    #[schema(example = 2027, minimum = 2000, maximum = 2100)]
    pub period_end: i32,
}

impl StrategyDocumentInput {
    /// Field errors, if any.
    pub fn check(&self, codes: &Codelists) -> Vec<FieldError> {
        let mut errors = self.validate().err().map(|e| validation_errors(&e)).unwrap_or_default();
        check_code(&mut errors, codes, "kind".into(), Codelist::UaGis, &self.kind);
        check_year(&mut errors, "period_start", self.period_start);
        check_year(&mut errors, "period_end", self.period_end);
        if self.period_end < self.period_start {
            errors.push(FieldError::new("period_end", "before_start", "the period cannot end before it starts"));
        }
        errors
    }
}

/// Level of a goal in a strategy document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GoalLevel {
    /// Strategic goal (top level).
    Strategic,
    /// Operational goal (under a strategic goal).
    Operational,
    /// Task (under an operational goal).
    Task,
}

impl GoalLevel {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            GoalLevel::Strategic => "strategic",
            GoalLevel::Operational => "operational",
            GoalLevel::Task => "task",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<GoalLevel> {
        [GoalLevel::Strategic, GoalLevel::Operational, GoalLevel::Task].into_iter().find(|l| l.as_str() == s)
    }

    /// The level a parent must have, or `None` for a top-level goal.
    pub fn parent_level(self) -> Option<GoalLevel> {
        match self {
            GoalLevel::Strategic => None,
            GoalLevel::Operational => Some(GoalLevel::Strategic),
            GoalLevel::Task => Some(GoalLevel::Operational),
        }
    }
}

/// A goal inside a strategy document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyGoalInput {
    /// Level in the hierarchy.
    pub level: GoalLevel,
    /// Parent goal (required for operational goals and tasks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Uuid>,
    /// Code within the document, e.g. `1.2`.
    #[validate(length(min = 1, max = 50), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 50)]
    #[schema(example = "1.2")]
    pub code: String,
    /// Title.
    #[validate(length(min = 1, max = 1000), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 1000)]
    #[schema(example = "Підвищення енергоефективності закладів освіти")]
    pub title: String,
}

/// Whether a budget year is still being planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetYearStatus {
    /// Being planned.
    Planning,
    /// Budget adopted.
    Adopted,
    /// Year closed.
    Closed,
}

impl BudgetYearStatus {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetYearStatus::Planning => "planning",
            BudgetYearStatus::Adopted => "adopted",
            BudgetYearStatus::Closed => "closed",
        }
    }
}

/// A budget year with its indicative public investment ceiling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetYearInput {
    /// The year.
    #[schema(example = 2027, minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// Planning state.
    pub status: BudgetYearStatus,
    /// Indicative ceiling of public investment for the year, UAH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment_ceiling: Option<Uah>,
}

impl BudgetYearInput {
    /// Field errors, if any.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        check_year(&mut errors, "year", self.year);
        if self.investment_ceiling.is_some_and(Uah::is_negative) {
            errors.push(FieldError::new("investment_ceiling", "negative_amount", "amount must not be negative"));
        }
        errors
    }
}

/// A user of the system, known by the `sub` of its tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    /// Login; the `sub` claim of the user's tokens.
    #[validate(length(min = 1, max = 200), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "o.kovalenko")]
    pub sub: String,
    /// Full name.
    #[validate(length(min = 1, max = 300), custom(function = crate::text::visible))]
    #[schema(min_length = 1, max_length = 300)]
    #[schema(example = "Олена Коваленко")]
    pub full_name: String,
    /// Organisation the user works for.
    pub organisation_id: Uuid,
    /// Roles.
    #[validate(length(min = 1, max = 6))]
    #[schema(min_items = 1, max_items = 6)]
    pub roles: Vec<Role>,
    /// E-mail.
    #[validate(email)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}
