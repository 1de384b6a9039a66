//! What the investment council decides on: portfolio and plan versions,
//! what approving each does to its passports, and the differences between
//! two versions.

use std::collections::BTreeMap;

use portfel_domain::Status;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::input::{Candidate, Ceilings, Constraints, Objective};
use crate::outcome::{Plan, PlanBuilder};
pub use crate::workflow::{Approval, CouncilPaper, Decision, DocumentStatus, Kind, Step, Workflow};

/// One project of the single project portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PortfolioItem {
    /// Passport.
    pub passport_id: Uuid,
    /// Title.
    pub title: String,
    /// Initiating organisation.
    pub organisation_id: Uuid,
    /// Sector code.
    pub sector: String,
    /// Rank (absent for continuing projects, listed apart).
    pub rank: Option<u32>,
    /// Final score (absent for continuing projects).
    pub score: Option<Decimal>,
    /// Total cost, UAH.
    pub total_cost: Decimal,
    /// Already being implemented: listed apart and always included.
    pub continuing: bool,
}

/// A portfolio version's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PortfolioContent {
    /// Evaluation round the ranking comes from.
    pub round_id: Uuid,
    /// Minimum final score for inclusion.
    pub min_score: Decimal,
    /// Continuing projects first, then new ones by rank.
    pub items: Vec<PortfolioItem>,
}

/// A round's ranked project as a new portfolio takes it: its item (rank
/// and score as the round gave them) and the passport's state now.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// The item, its rank to be renumbered.
    pub item: PortfolioItem,
    /// The passport's state now.
    pub status: Status,
}

/// States a ranked project may enter a portfolio from: evaluated, or already
/// in a portfolio or plan (an amendment carries it on). Projects in
/// implementation come in as continuing; completed, cancelled, failed and
/// rejected ones never return.
pub const RANKED_STATES: [Status; 3] = [Status::Evaluated, Status::InPortfolio, Status::InPlan];

impl PortfolioContent {
    /// The portfolio of a round: every `continuing` project (in implementation)
    /// first, then the round's `ranked` projects scoring at least `min_score`
    /// whose state allows it ([`RANKED_STATES`]), renumbered 1, 2, …; each
    /// passport once, however often it is listed.
    pub fn compose(round_id: Uuid, min_score: Decimal, continuing: Vec<PortfolioItem>, ranked: Vec<Ranked>) -> Self {
        let mut seen = std::collections::BTreeSet::new();
        let mut items: Vec<PortfolioItem> = continuing
            .into_iter()
            .filter(|i| seen.insert(i.passport_id))
            .map(|i| PortfolioItem { rank: None, score: None, continuing: true, ..i })
            .collect();
        let mut rank = 0;
        for r in ranked {
            let eligible = RANKED_STATES.contains(&r.status) && r.item.score.is_some_and(|s| s >= min_score);
            if eligible && seen.insert(r.item.passport_id) {
                rank += 1;
                items.push(PortfolioItem { rank: Some(rank), continuing: false, ..r.item });
            }
        }
        PortfolioContent { round_id, min_score, items }
    }
}

/// A portfolio version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Portfolio {
    /// Workflow facts.
    #[serde(flatten)]
    pub workflow: Workflow,
    /// Content.
    #[serde(flatten)]
    pub content: PortfolioContent,
}

/// What a plan is built from, as the PIM unit asks for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// An approved portfolio version.
    pub portfolio_id: Uuid,
    /// First year of the plan period.
    #[schema(example = 2027, minimum = 2000, maximum = 2100)]
    pub first_year: i32,
    /// Last year of the plan period (three years in all, as a rule).
    #[schema(example = 2029, minimum = 2000, maximum = 2100)]
    pub last_year: i32,
    /// Ceilings.
    pub ceilings: Ceilings,
    /// Links and forced decisions.
    #[serde(default)]
    pub constraints: Constraints,
    /// What the optimal builder maximises.
    #[serde(default)]
    pub objective: Objective,
    /// Which builder's result becomes the plan.
    pub builder: PlanBuilder,
    /// New projects may start up to this many years after their planned start.
    #[serde(default)]
    pub start_window: u8,
    /// Solver time limit, seconds (default 10).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub time_limit_seconds: Option<u32>,
    /// Whether what continuing projects' earlier years provided and did not
    /// spend is carried into the first year (default), or lapses.
    #[serde(default = "carry_by_default")]
    #[schema(default = true)]
    pub carry_unspent: bool,
}

fn carry_by_default() -> bool {
    true
}

/// A plan version's content: the request, the candidates as they were, and the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanContent {
    /// The request.
    pub request: PlanRequest,
    /// Candidates as built from the portfolio and passports.
    pub candidates: Vec<Candidate>,
    /// The plan.
    pub result: Plan,
}

/// A plan version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanVersion {
    /// Workflow facts.
    #[serde(flatten)]
    pub workflow: Workflow,
    /// Content.
    #[serde(flatten)]
    pub content: PlanContent,
}

impl CouncilPaper for PortfolioContent {
    const KIND: Kind = Kind::Portfolio;
    type Version = Portfolio;

    fn version(workflow: Workflow, content: Self) -> Portfolio {
        Portfolio { workflow, content }
    }

    /// The portfolio's new (not continuing) projects enter it: evaluated → in the portfolio.
    fn approval(&self) -> Approval {
        Approval {
            passports: self.items.iter().filter(|i| !i.continuing).map(|i| i.passport_id).collect(),
            from: Status::Evaluated,
            to: Status::InPortfolio,
        }
    }
}

impl CouncilPaper for PlanContent {
    const KIND: Kind = Kind::Plan;
    type Version = PlanVersion;

    fn version(workflow: Workflow, content: Self) -> PlanVersion {
        PlanVersion { workflow, content }
    }

    /// The plan's new (not continuing) inclusions enter it: in the portfolio → in the plan.
    fn approval(&self) -> Approval {
        Approval {
            passports: self.result.included.iter().filter(|i| !i.continuing).map(|i| i.id).collect(),
            from: Status::InPortfolio,
            to: Status::InPlan,
        }
    }
}

/// A change of one value between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Change<T> {
    /// Passport.
    pub passport_id: Uuid,
    /// Value in the first version.
    pub from: T,
    /// Value in the second version.
    pub to: T,
}

/// Differences between two portfolio versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PortfolioDiff {
    /// In the second, not the first.
    pub added: Vec<Uuid>,
    /// In the first, not the second.
    pub removed: Vec<Uuid>,
    /// Rank changed.
    pub reranked: Vec<Change<Option<u32>>>,
    /// Total cost changed.
    pub amounts_changed: Vec<Change<Decimal>>,
}

/// Differences between two plan versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanDiff {
    /// Included in the second, not the first.
    pub added: Vec<Uuid>,
    /// Included in the first, not the second.
    pub removed: Vec<Uuid>,
    /// Start year changed.
    pub start_changed: Vec<Change<i32>>,
    /// Total amount in the plan changed.
    pub amounts_changed: Vec<Change<Decimal>>,
}

/// Compares two portfolio versions.
pub fn diff_portfolios(a: &PortfolioContent, b: &PortfolioContent) -> PortfolioDiff {
    let left: BTreeMap<Uuid, &PortfolioItem> = a.items.iter().map(|i| (i.passport_id, i)).collect();
    let right: BTreeMap<Uuid, &PortfolioItem> = b.items.iter().map(|i| (i.passport_id, i)).collect();
    let mut diff = PortfolioDiff {
        added: right.keys().filter(|k| !left.contains_key(k)).copied().collect(),
        removed: left.keys().filter(|k| !right.contains_key(k)).copied().collect(),
        reranked: Vec::new(),
        amounts_changed: Vec::new(),
    };
    for (id, l) in &left {
        if let Some(r) = right.get(id) {
            if l.rank != r.rank {
                diff.reranked.push(Change { passport_id: *id, from: l.rank, to: r.rank });
            }
            if l.total_cost != r.total_cost {
                diff.amounts_changed.push(Change { passport_id: *id, from: l.total_cost, to: r.total_cost });
            }
        }
    }
    diff
}

/// Compares the results of two plan versions.
pub fn diff_plans(a: &Plan, b: &Plan) -> PlanDiff {
    let total = |i: &crate::outcome::Inclusion| i.amounts.iter().map(|x| x.amount).sum::<Decimal>();
    let left: BTreeMap<Uuid, _> = a.included.iter().map(|i| (i.id, i)).collect();
    let right: BTreeMap<Uuid, _> = b.included.iter().map(|i| (i.id, i)).collect();
    let mut diff = PlanDiff {
        added: right.keys().filter(|k| !left.contains_key(k)).copied().collect(),
        removed: left.keys().filter(|k| !right.contains_key(k)).copied().collect(),
        start_changed: Vec::new(),
        amounts_changed: Vec::new(),
    };
    for (id, l) in &left {
        if let Some(r) = right.get(id) {
            if l.start_year != r.start_year {
                diff.start_changed.push(Change { passport_id: *id, from: l.start_year, to: r.start_year });
            }
            if total(l) != total(r) {
                diff.amounts_changed.push(Change { passport_id: *id, from: total(l), to: total(r) });
            }
        }
    }
    diff
}
