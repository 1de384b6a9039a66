//! The portfolio-level monitoring summary: per year and funding source what
//! the approved plan provides, what was received and spent, and the rate;
//! per project its state, progress, spending, flags, and how it ended and
//! was judged.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::completion::Outcome;
use crate::deviation::{Flag, ProjectFacts, Standing, Thresholds, flags};
use crate::expost::{EvaluationStatus, Rating};
use crate::report::ReportStatus;
use crate::thousands::rate;

/// A project as the summary sees it.
#[derive(Debug, Clone)]
pub struct MonitoredProject {
    /// Passport id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Lifecycle state (wire name).
    pub status: String,
    /// The plan's amounts per year and source, UAH.
    pub planned: Vec<(i32, String, Decimal)>,
    /// What the rules know of it.
    pub facts: ProjectFacts,
    /// Its completion report and evaluation, once written.
    pub result: Option<ProjectResult>,
}

/// How a project ended and how it was judged: its completion report's
/// state and figures, and its ex-post evaluation's state and rating.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProjectResult {
    /// Where the completion report stands.
    pub completion: ReportStatus,
    /// How the report says the project ended.
    pub outcome: Outcome,
    /// Actual less planned cost, as a share of the plan.
    #[schema(value_type = Option<String>)]
    pub cost_ratio: Option<Decimal>,
    /// Mean achievement of its indicators.
    #[schema(value_type = Option<String>)]
    pub mean_achievement: Option<Decimal>,
    /// Where the evaluation stands, once begun.
    pub evaluation: Option<EvaluationStatus>,
    /// The signed-off overall rating.
    pub overall: Option<Rating>,
}

/// One year and source.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SourceYear {
    /// Budget year.
    pub year: i32,
    /// Funding source category code.
    pub source: String,
    /// In the approved plan, UAH.
    #[schema(value_type = String)]
    pub planned: Decimal,
    /// Received, UAH.
    #[schema(value_type = String)]
    pub received: Decimal,
    /// Spent, UAH.
    #[schema(value_type = String)]
    pub spent: Decimal,
    /// Spent as a percentage of planned, one decimal; none without a plan.
    #[schema(value_type = Option<String>)]
    pub rate: Option<Decimal>,
}

/// One project.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProjectLine {
    /// Passport id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Lifecycle state.
    pub status: String,
    /// Physical progress in the latest report, percent.
    #[schema(value_type = Option<String>)]
    pub progress_percent: Option<Decimal>,
    /// Spent in every period reported, UAH.
    #[schema(value_type = String)]
    pub spent: Decimal,
    /// Raised flags.
    pub flags: Vec<Flag>,
    /// How it ended and was judged, once reported.
    pub result: Option<ProjectResult>,
}

/// The summary.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Summary {
    /// The day the rules were applied on.
    pub on: NaiveDate,
    /// Per year and source.
    pub by_year_and_source: Vec<SourceYear>,
    /// Per project.
    pub projects: Vec<ProjectLine>,
}

/// The summary of `projects` on `on`.
pub fn summary(projects: &[MonitoredProject], thresholds: &Thresholds, on: NaiveDate) -> Summary {
    let mut lines: BTreeMap<(i32, String), [Decimal; 3]> = BTreeMap::new();
    let mut out = Vec::with_capacity(projects.len());
    for p in projects {
        for (year, source, amount) in &p.planned {
            lines.entry((*year, source.clone())).or_default()[0] += amount;
        }
        let standing = Standing::of(&p.facts, on);
        for r in standing.reports() {
            for f in &r.financing {
                let line = lines.entry((r.period.year, f.source.clone())).or_default();
                line[1] += f.received.value();
                line[2] += f.spent.value();
            }
        }
        out.push(ProjectLine {
            id: p.id,
            title: p.title.clone(),
            status: p.status.clone(),
            progress_percent: standing.latest().map(|r| r.progress_percent),
            spent: standing.spent().value(),
            flags: flags(&p.facts, thresholds, on),
            result: p.result.clone(),
        });
    }
    let by_year_and_source = lines
        .into_iter()
        .map(|((year, source), [planned, received, spent])| SourceYear {
            year,
            source,
            planned,
            received,
            spent,
            rate: rate(spent, planned),
        })
        .collect();
    Summary { on, by_year_and_source, projects: out }
}
