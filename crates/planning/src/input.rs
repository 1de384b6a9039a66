//! What a plan is built from.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One line of a project's schedule, relative to its start year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScheduleLine {
    /// Years after the start year (0 = the start year).
    pub offset: u8,
    /// Funding source code.
    pub source: String,
    /// Amount, UAH.
    pub amount: Decimal,
}

/// A project that may enter the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Candidate {
    /// Passport id.
    pub id: Uuid,
    /// Rank in the portfolio (1 = best); continuing projects come first whatever their rank.
    pub rank: u32,
    /// Final score (the value maximised by the optimal builder).
    pub score: Decimal,
    /// Sector code.
    pub sector: String,
    /// Financing by year offset and source.
    pub schedule: Vec<ScheduleLine>,
    /// Earliest start year.
    pub earliest_start: i32,
    /// Latest start year (equal to the earliest when the start is fixed).
    pub latest_start: i32,
    /// Already being implemented: always included, at its fixed start.
    pub continuing: bool,
}

impl Candidate {
    /// Total amount of the schedule.
    pub fn total(&self) -> Decimal {
        self.schedule.iter().map(|l| l.amount).sum()
    }

    /// Start years the project may take.
    pub fn starts(&self) -> impl Iterator<Item = i32> + use<> {
        self.earliest_start..=self.latest_start.max(self.earliest_start)
    }

    /// Amounts per (year, source) when starting in `start`.
    pub fn amounts(&self, start: i32) -> impl Iterator<Item = (i32, &str, Decimal)> {
        self.schedule.iter().map(move |l| (start + i32::from(l.offset), l.source.as_str(), l.amount))
    }
}

/// Minimum and maximum share of a sector in the plan's total allocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SectorShare {
    /// Sector code.
    pub sector: String,
    /// Minimum share of the total (0–1).
    pub min_share: Option<Decimal>,
    /// Maximum share of the total (0–1).
    pub max_share: Option<Decimal>,
}

/// Ceilings of the plan period.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Ceilings {
    /// Total ceiling per year, UAH.
    pub total: BTreeMap<i32, Decimal>,
    /// Ceiling per year and funding source, UAH (`"2027/localBudget"` keys in JSON).
    #[serde(default)]
    pub by_source: BTreeMap<String, Decimal>,
    /// Sector shares over the whole period.
    #[serde(default)]
    pub sectors: Vec<SectorShare>,
}

impl Ceilings {
    /// The key of a per-source ceiling.
    pub fn source_key(year: i32, source: &str) -> String {
        format!("{year}/{source}")
    }
}

/// Links between projects.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Constraints {
    /// (A, B): A may enter only together with B.
    #[serde(default)]
    pub requires: Vec<(Uuid, Uuid)>,
    /// (A, B): A and B exclude each other.
    #[serde(default)]
    pub excludes: Vec<(Uuid, Uuid)>,
    /// Projects that must be in.
    #[serde(default)]
    pub forced_in: Vec<Uuid>,
    /// Projects that must stay out.
    #[serde(default)]
    pub forced_out: Vec<Uuid>,
}

/// What the optimal builder maximises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Sum of final scores of included projects.
    #[default]
    TotalScore,
    /// Sum of score × total amount (favours large high-scoring projects).
    ScoreWeightedValue,
}

/// Everything a builder needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanInput {
    /// First year of the plan period.
    pub first_year: i32,
    /// Last year of the plan period.
    pub last_year: i32,
    /// Ceilings.
    pub ceilings: Ceilings,
    /// Candidate projects.
    pub candidates: Vec<Candidate>,
    /// Links and forced decisions.
    #[serde(default)]
    pub constraints: Constraints,
    /// What the optimal builder maximises.
    #[serde(default)]
    pub objective: Objective,
}

impl PlanInput {
    /// A plan period with its ceilings and candidates: no links or forced
    /// decisions, maximising total score.
    pub fn new(first_year: i32, last_year: i32, ceilings: Ceilings, candidates: Vec<Candidate>) -> Self {
        PlanInput {
            first_year,
            last_year,
            ceilings,
            candidates,
            constraints: Constraints::default(),
            objective: Objective::TotalScore,
        }
    }

    /// Years of the plan period.
    pub fn years(&self) -> impl Iterator<Item = i32> + use<> {
        self.first_year..=self.last_year
    }

    /// Value of including a candidate, under the objective.
    pub fn value(&self, c: &Candidate) -> Decimal {
        match self.objective {
            Objective::TotalScore => c.score,
            Objective::ScoreWeightedValue => c.score * c.total() / Decimal::from(1_000_000),
        }
    }
}
