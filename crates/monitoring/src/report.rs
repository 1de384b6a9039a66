//! What an initiator reports on a project in implementation for one period.

use chrono::NaiveDate;
use portfel_domain::codelist::Codelist;
use portfel_domain::link::NOT_A_WEB_LINK;
use portfel_domain::rules::check_code;
use portfel_domain::{Codelists, FieldError, Uah, WebLink};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::period::Period;

/// Where a report stands: written by the initiator, checked by the PIM unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Being written; may change.
    Draft,
    /// Sent to the PIM unit.
    Submitted,
    /// Accepted: immutable; a correction is a new version.
    Accepted,
    /// Returned to the initiator with a reason.
    Returned,
}

/// What moves a report along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAction {
    /// The initiator sends it to the PIM unit.
    Submit,
    /// The PIM unit accepts it.
    Accept,
    /// The PIM unit returns it with a reason.
    Return,
}

impl ReportStatus {
    /// Whether the facts of a report in this state count (submitted or accepted).
    pub fn counts(self) -> bool {
        matches!(self, ReportStatus::Submitted | ReportStatus::Accepted)
    }

    /// Whether its content may still change (a draft, or returned).
    pub fn editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }

    /// The state `action` leads to, if it is allowed now.
    pub fn after(self, action: ReportAction) -> Option<ReportStatus> {
        match (self, action) {
            (ReportStatus::Draft | ReportStatus::Returned, ReportAction::Submit) => Some(ReportStatus::Submitted),
            (ReportStatus::Submitted, ReportAction::Accept) => Some(ReportStatus::Accepted),
            (ReportStatus::Submitted, ReportAction::Return) => Some(ReportStatus::Returned),
            _ => None,
        }
    }

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Accepted => "accepted",
            ReportStatus::Returned => "returned",
        }
    }

    /// Every state.
    pub const ALL: [ReportStatus; 4] =
        [ReportStatus::Draft, ReportStatus::Submitted, ReportStatus::Accepted, ReportStatus::Returned];

    /// From the wire name.
    pub fn parse(s: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Money of one funding source in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceFact {
    /// Funding source category code (DREAM `fundingSourceCategories`).
    pub source: String,
    /// Received in the period.
    pub received: Uah,
    /// Spent in the period.
    pub spent: Uah,
}

/// A milestone: when it was due and when it was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// What is reached.
    pub name: String,
    /// When it is due.
    pub planned: NaiveDate,
    /// When it was reached, once it is.
    #[serde(default)]
    pub actual: Option<NaiveDate>,
}

/// An output or outcome indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// What is measured.
    pub name: String,
    /// Unit of measure.
    pub unit: String,
    /// Value before the project.
    #[schema(value_type = String)]
    pub baseline: Decimal,
    /// Value the project aims at.
    #[schema(value_type = String)]
    pub target: Decimal,
    /// Value reached so far, once measured.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub actual: Option<Decimal>,
}

impl Indicator {
    /// Share of the way from baseline to target reached (0–1 and beyond), if measured.
    /// Figures too large to compute with give none.
    pub fn achievement(&self) -> Option<Decimal> {
        let span = self.target.checked_sub(self.baseline)?;
        let done = self.actual?.checked_sub(self.baseline)?;
        if span.is_zero() { Some(Decimal::ONE) } else { done.checked_div(span) }
    }
}

/// A document attached to a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentLink {
    /// Title.
    pub title: String,
    /// Where it is (an absolute http or https address).
    pub url: WebLink,
}

/// The content of a project's implementation report for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportContent {
    /// The period reported on.
    pub period: Period,
    /// Money received and spent per funding source.
    #[serde(default)]
    pub financing: Vec<SourceFact>,
    /// Physical progress at the period's end, percent (0–100).
    #[schema(value_type = String, example = "45")]
    pub progress_percent: Decimal,
    /// Milestones with planned and actual dates.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// Output and outcome indicators.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// What was done.
    #[serde(default)]
    pub narrative: String,
    /// The whole project's cost as now expected, if it changed.
    #[serde(default)]
    pub estimated_cost: Option<Uah>,
    /// Attached documents.
    #[serde(default)]
    pub documents: Vec<DocumentLink>,
}

impl ReportContent {
    /// Spent in the period, all sources.
    pub fn spent(&self) -> Uah {
        self.financing.iter().map(|f| f.spent).sum()
    }

    /// Received in the period, all sources.
    pub fn received(&self) -> Uah {
        self.financing.iter().map(|f| f.received).sum()
    }

    /// What makes the content impossible, by field: progress outside 0–100,
    /// negative amounts, spending more than received is allowed (advances).
    pub fn problems(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        if !self.period.is_valid() {
            out.push(("period".to_owned(), "the year is 2000 to 2100 and a quarter 1 to 4"));
        }
        if self.progress_percent < Decimal::ZERO || self.progress_percent > Decimal::ONE_HUNDRED {
            out.push(("progress_percent".to_owned(), "progress is a percentage from 0 to 100"));
        }
        for (i, f) in self.financing.iter().enumerate() {
            for (name, amount) in [("received", f.received), ("spent", f.spent)] {
                if amount.is_negative() {
                    out.push((format!("financing[{i}].{name}"), "amounts are not negative"));
                }
            }
        }
        for (i, d) in self.documents.iter().enumerate() {
            if !d.url.is_web() {
                out.push((format!("documents[{i}].url"), NOT_A_WEB_LINK));
            }
        }
        out
    }
}

impl ReportContent {
    /// Every rule the content breaks, by field: [`ReportContent::problems`] and
    /// funding sources outside DREAM's codelist.
    pub fn check(&self, codes: &Codelists) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> =
            self.problems().into_iter().map(|(field, message)| FieldError::new(field, "invalid", message)).collect();
        for (i, f) in self.financing.iter().enumerate() {
            check_code(
                &mut errors,
                codes,
                format!("financing[{i}].source"),
                Codelist::FundingSourceCategories,
                &f.source,
            );
        }
        errors
    }
}

/// One revision of a project's report as the rules see it: its revision
/// within the period, state, the day it was submitted and its content.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFacts {
    /// 1 for the period's first report, then each correction.
    pub revision: i32,
    /// State of the report.
    pub status: ReportStatus,
    /// The day it was last submitted; it counts from then while submitted or accepted.
    pub submitted_on: Option<NaiveDate>,
    /// Its content.
    pub content: ReportContent,
}

impl ReportFacts {
    /// Whether it counted on `on`: submitted or accepted, submitted by then.
    pub fn counted_on(&self, on: NaiveDate) -> bool {
        self.status.counts() && self.submitted_on.is_some_and(|d| d <= on)
    }
}
