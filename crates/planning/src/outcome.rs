//! A built plan, and the exact ledger both builders use to check ceilings and
//! explain every exclusion.

use std::collections::{BTreeMap, BTreeSet};

use portfel_domain::codelist::Codelist;
use portfel_domain::messages::{Lang, code_label, figure, percent};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::input::{Candidate, Ceilings, PlanInput};

/// Which builder made a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanBuilder {
    /// Projects taken by rank while they fit.
    RankOrder,
    /// A mixed-integer programme maximising the objective.
    Optimal,
}

/// One amount of an included project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct YearAmount {
    /// Year.
    pub year: i32,
    /// Funding source.
    pub source: String,
    /// Amount, UAH.
    pub amount: Decimal,
}

/// A project in the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Inclusion {
    /// Passport id.
    pub id: Uuid,
    /// Start year chosen.
    pub start_year: i32,
    /// Yearly amounts by source.
    pub amounts: Vec<YearAmount>,
    /// True for continuing projects (committed).
    pub continuing: bool,
}

/// A project left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Exclusion {
    /// Passport id.
    pub id: Uuid,
    /// Stable code: `forced_out`, `excluded_by`, `requires`, `ceiling`, `sector_share`, `not_selected`,
    /// `unplannable` (the project's data cannot be scheduled).
    pub code: String,
    /// Explanation.
    pub reason: String,
    /// Year of the blocking ceiling.
    pub year: Option<i32>,
    /// Funding source of the blocking ceiling (absent for the year's total).
    pub source: Option<String>,
}

impl Exclusion {
    /// Why the project is left out, in Ukrainian words for people: a blocking
    /// ceiling by its year and funding source, other projects by their titles
    /// (of `titles`, by id).
    pub fn explained<'a>(&self, titles: impl IntoIterator<Item = (&'a Uuid, &'a String)>) -> String {
        if self.code == "ceiling"
            && let Some(year) = self.year
        {
            return match &self.source {
                Some(s) => format!(
                    "не вміщується: граничний обсяг {year} року за джерелом «{}»",
                    code_label(Codelist::FundingSourceCategories, s)
                ),
                None => format!("не вміщується: загальний граничний обсяг {year} року"),
            };
        }
        titles.into_iter().fold(self.reason.clone(), |text, (id, t)| text.replace(&id.to_string(), &format!("«{t}»")))
    }
}

/// Ceiling, allocation and room of one year (and source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Usage {
    /// Year.
    pub year: i32,
    /// Funding source; absent for the year's total.
    pub source: Option<String>,
    /// Ceiling, UAH.
    pub ceiling: Decimal,
    /// Allocated, UAH.
    pub allocated: Decimal,
    /// Ceiling minus allocated (negative when committed projects overrun it).
    pub remaining: Decimal,
}

/// A built plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    /// Builder.
    pub builder: PlanBuilder,
    /// Included projects, by rank.
    pub included: Vec<Inclusion>,
    /// Excluded projects, by rank, with reasons.
    pub excluded: Vec<Exclusion>,
    /// Per year and per year × source.
    pub usage: Vec<Usage>,
    /// Objective value (sum of scores, or score-weighted value).
    pub objective_value: Decimal,
    /// Total allocated within the plan period, UAH.
    pub total_allocated: Decimal,
    /// For the optimal builder: true when proven optimal (within the gap tolerance).
    pub optimal: Option<bool>,
    /// For the optimal builder: relative gap between the plan and the best proven bound.
    pub gap: Option<f64>,
    /// For the optimal builder: the solver that built it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<crate::solver::Solver>,
    /// Warnings (e.g. committed projects overrunning a ceiling, unmet minimum sector shares).
    pub warnings: Vec<String>,
}

/// A ceiling that blocks a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    /// Year.
    pub year: i32,
    /// Source, or `None` for the year's total.
    pub source: Option<String>,
}

/// Exact allocations against the ceilings.
#[derive(Debug, Clone)]
pub struct Ledger<'a> {
    input: &'a PlanInput,
    by_year: BTreeMap<i32, Decimal>,
    by_source: BTreeMap<String, Decimal>,
    by_sector: BTreeMap<&'a str, Decimal>,
    included: BTreeMap<Uuid, i32>,
}

impl<'a> Ledger<'a> {
    /// An empty ledger.
    pub fn new(input: &'a PlanInput) -> Self {
        Ledger {
            input,
            by_year: BTreeMap::new(),
            by_source: BTreeMap::new(),
            by_sector: BTreeMap::new(),
            included: BTreeMap::new(),
        }
    }

    fn in_period(&self, year: i32) -> bool {
        (self.input.first_year..=self.input.last_year).contains(&year)
    }

    /// Sum of the period's total ceilings (the base of sector shares).
    pub fn period_ceiling(&self) -> Decimal {
        self.input.ceilings.total.iter().filter(|(y, _)| self.in_period(**y)).map(|(_, c)| *c).sum()
    }

    /// The first ceiling `c` would break if started in `start`, if any.
    pub fn blocker(&self, c: &Candidate, start: i32) -> Option<Blocker> {
        let mut year_add: BTreeMap<i32, Decimal> = BTreeMap::new();
        let mut source_add: BTreeMap<String, Decimal> = BTreeMap::new();
        for (year, source, amount) in c.amounts(start).filter(|(y, _, _)| self.in_period(*y)) {
            *year_add.entry(year).or_default() += amount;
            *source_add.entry(Ceilings::source_key(year, source)).or_default() += amount;
        }
        for (year, add) in &year_add {
            if let Some(ceiling) = self.input.ceilings.total.get(year)
                && self.by_year.get(year).copied().unwrap_or_default() + add > *ceiling
            {
                return Some(Blocker { year: *year, source: None });
            }
        }
        for (key, add) in &source_add {
            if let Some(ceiling) = self.input.ceilings.by_source.get(key)
                && self.by_source.get(key).copied().unwrap_or_default() + add > *ceiling
            {
                let (year, source) = key.split_once('/').expect("source keys are year/source");
                return Some(Blocker { year: year.parse().unwrap_or_default(), source: Some(source.to_owned()) });
            }
        }
        None
    }

    /// The sector whose maximum share `c` would break, if any.
    pub fn sector_blocker(&self, c: &Candidate, start: i32) -> Option<Decimal> {
        let share = self.input.ceilings.sectors.iter().find(|s| s.sector == c.sector)?;
        let max = share.max_share?;
        let add: Decimal = c.amounts(start).filter(|(y, _, _)| self.in_period(*y)).map(|(_, _, a)| a).sum();
        (self.by_sector.get(c.sector.as_str()).copied().unwrap_or_default() + add > max * self.period_ceiling())
            .then_some(max)
    }

    /// Records `c` as included from `start`.
    pub fn add(&mut self, c: &'a Candidate, start: i32) {
        let period = self.input.first_year..=self.input.last_year;
        for (year, source, amount) in c.amounts(start).filter(|(y, _, _)| period.contains(y)) {
            *self.by_year.entry(year).or_default() += amount;
            *self.by_source.entry(Ceilings::source_key(year, source)).or_default() += amount;
            *self.by_sector.entry(c.sector.as_str()).or_default() += amount;
        }
        self.included.insert(c.id, start);
    }

    /// True when `id` is included.
    pub fn contains(&self, id: Uuid) -> bool {
        self.included.contains_key(&id)
    }

    /// Why `c` is not in the plan, given what is.
    pub fn explain(&self, c: &Candidate) -> Exclusion {
        let k = &self.input.constraints;
        let exclusion = |code: &str, reason: String, blocker: Option<Blocker>| Exclusion {
            id: c.id,
            code: code.to_owned(),
            reason,
            year: blocker.as_ref().map(|b| b.year),
            source: blocker.and_then(|b| b.source),
        };
        if k.forced_out.contains(&c.id) {
            return exclusion("forced_out", "виключено рішенням (сценарій)".into(), None);
        }
        if let Some(other) = k.excludes.iter().find_map(|(a, b)| match (*a == c.id, *b == c.id) {
            (true, _) if self.contains(*b) => Some(*b),
            (_, true) if self.contains(*a) => Some(*a),
            _ => None,
        }) {
            return exclusion("excluded_by", format!("взаємовиключний з проєктом {other}, який включено"), None);
        }
        if let Some((_, needed)) = k.requires.iter().find(|(a, b)| *a == c.id && !self.contains(*b)) {
            return exclusion("requires", format!("потребує проєкту {needed}, який не включено"), None);
        }
        let mut first = None;
        for start in c.starts() {
            match self.blocker(c, start) {
                None => {
                    if let Some(max) = self.sector_blocker(c, start) {
                        return exclusion(
                            "sector_share",
                            format!("перевищує максимальну частку сектору {} ({max})", c.sector),
                            None,
                        );
                    }
                    return exclusion(
                        "not_selected",
                        "вміщується, але краща комбінація використовує ці кошти".into(),
                        None,
                    );
                }
                Some(b) => {
                    first.get_or_insert(b);
                }
            }
        }
        let b = first.expect("a candidate has at least one start year");
        let what = match &b.source {
            Some(s) => format!("граничний обсяг {} за джерелом {s}", b.year),
            None => format!("загальний граничний обсяг {}", b.year),
        };
        exclusion("ceiling", format!("не вміщується: {what}"), Some(b))
    }

    /// Finishes a plan from this ledger.
    pub fn into_plan(self, builder: PlanBuilder, mut warnings: Vec<String>) -> Plan {
        let input = self.input;
        let mut order: Vec<&Candidate> = input.candidates.iter().collect();
        order.sort_by_key(|c| (!c.continuing, c.rank, c.id));
        let included: Vec<Inclusion> = order
            .iter()
            .filter_map(|c| {
                let start = *self.included.get(&c.id)?;
                let amounts = c
                    .amounts(start)
                    .map(|(year, source, amount)| YearAmount { year, source: source.to_owned(), amount })
                    .collect();
                Some(Inclusion { id: c.id, start_year: start, amounts, continuing: c.continuing })
            })
            .collect();
        let excluded = order.iter().filter(|c| !self.contains(c.id)).map(|c| self.explain(c)).collect();
        let mut usage = Vec::new();
        for year in input.years() {
            let allocated = self.by_year.get(&year).copied().unwrap_or_default();
            if let Some(ceiling) = input.ceilings.total.get(&year) {
                usage.push(Usage { year, source: None, ceiling: *ceiling, allocated, remaining: ceiling - allocated });
            }
        }
        for (key, ceiling) in &input.ceilings.by_source {
            let (year, source) = key.split_once('/').unwrap_or((key, ""));
            let allocated = self.by_source.get(key).copied().unwrap_or_default();
            usage.push(Usage {
                year: year.parse().unwrap_or_default(),
                source: Some(source.to_owned()),
                ceiling: *ceiling,
                allocated,
                remaining: ceiling - allocated,
            });
        }
        for u in usage.iter().filter(|u| u.remaining < Decimal::ZERO) {
            let source = u
                .source
                .as_deref()
                .map_or_else(|| "усього".to_owned(), |s| code_label(Codelist::FundingSourceCategories, s));
            warnings.push(format!(
                "{} рік, {source}: розподілено {} грн при граничному обсязі {} грн",
                u.year,
                figure(u.allocated, 2, Lang::Uk),
                figure(u.ceiling, 2, Lang::Uk)
            ));
        }
        let period = self.period_ceiling();
        for s in &input.ceilings.sectors {
            if let Some(min) = s.min_share
                && self.by_sector.get(s.sector.as_str()).copied().unwrap_or_default() < min * period
            {
                warnings.push(format!(
                    "сектор «{}»: частка менша за мінімальну {}",
                    code_label(Codelist::WbEco, &s.sector),
                    percent(min)
                ));
            }
        }
        let chosen: BTreeSet<Uuid> = self.included.keys().copied().collect();
        Plan {
            builder,
            objective_value: input.candidates.iter().filter(|c| chosen.contains(&c.id)).map(|c| input.value(c)).sum(),
            total_allocated: self.by_year.values().copied().sum(),
            included,
            excluded,
            usage,
            optimal: None,
            gap: None,
            solver: None,
            warnings,
        }
    }
}
