//! The annual programme report in the layout municipalities publish: per
//! section its measures (number, text, what was done, plan and fact in
//! thousand UAH with one decimal, execution rate), a subtotal per section and
//! the total («Усього»). Rounding follows [`crate::thousands`]: every figure
//! is rounded once from exact hryvnias.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::programme::{Measure, MeasureFact, Programme};
use crate::thousands::{rate, thousand_uah};

/// Plan, fact (thousand UAH, one decimal) and execution rate (percent, one decimal).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanFact {
    /// Planned, thousand UAH.
    #[schema(value_type = String)]
    pub plan: Decimal,
    /// Spent, thousand UAH.
    #[schema(value_type = String)]
    pub fact: Decimal,
    /// Fact as a percentage of plan; none without a plan.
    #[schema(value_type = Option<String>)]
    pub rate: Option<Decimal>,
}

impl PlanFact {
    /// From exact hryvnias.
    pub fn from_uah(plan: Decimal, fact: Decimal) -> PlanFact {
        PlanFact { plan: thousand_uah(plan), fact: thousand_uah(fact), rate: rate(fact, plan) }
    }
}

/// One measure's line.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MeasureRow {
    /// Measure number.
    pub number: String,
    /// Measure text.
    pub text: String,
    /// What was done (the year's narrative).
    pub narrative: String,
    /// How each closed project the measure finances ended and was judged.
    pub results: Vec<String>,
    /// Plan and fact.
    #[serde(flatten)]
    pub amounts: PlanFact,
}

impl MeasureRow {
    /// The column «Що зроблено»: the narrative, then the projects' results, a line each.
    pub fn done(&self) -> String {
        let lines = std::iter::once(self.narrative.as_str()).chain(self.results.iter().map(String::as_str));
        lines.filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
    }
}

/// A section with its measures and subtotal.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SectionRows {
    /// Section number.
    pub number: String,
    /// Section title.
    pub title: String,
    /// Its measures' lines.
    pub rows: Vec<MeasureRow>,
    /// Subtotal of the section.
    pub subtotal: PlanFact,
}

/// The report of a programme for a year.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AnnualReport {
    /// Programme title.
    pub programme: String,
    /// The council's decision of the version read.
    pub decision_number: String,
    /// That decision's date.
    pub decision_date: chrono::NaiveDate,
    /// The body responsible for the programme.
    pub responsible: String,
    /// The programme's version read: the one in force in the year, when known.
    pub version: Option<i32>,
    /// The year reported.
    pub year: i32,
    /// Sections.
    pub sections: Vec<SectionRows>,
    /// «Усього».
    pub total: PlanFact,
}

fn planned(m: &Measure, year: i32) -> Decimal {
    m.planned.iter().filter(|a| a.year == year).map(|a| a.amount.value()).sum()
}

/// The report of `programme` for `year` from the measures' `facts`;
/// `results` says in words how each closed project ended and was judged.
pub fn annual_report(
    programme: &Programme,
    facts: &[MeasureFact],
    results: &BTreeMap<Uuid, String>,
    year: i32,
) -> AnnualReport {
    let (mut plan_total, mut fact_total) = (Decimal::ZERO, Decimal::ZERO);
    let sections = programme
        .sections
        .iter()
        .map(|s| {
            let (mut plan_sum, mut fact_sum) = (Decimal::ZERO, Decimal::ZERO);
            let rows = s
                .measures
                .iter()
                .map(|m| {
                    let mine: Vec<&MeasureFact> =
                        facts.iter().filter(|f| f.measure == m.number && f.year == year).collect();
                    let (plan, fact) = (planned(m, year), mine.iter().map(|f| f.amount.value()).sum::<Decimal>());
                    plan_sum += plan;
                    fact_sum += fact;
                    let narrative: Vec<&str> =
                        mine.iter().map(|f| f.narrative.trim()).filter(|n| !n.is_empty()).collect();
                    MeasureRow {
                        number: m.number.clone(),
                        text: m.text.clone(),
                        narrative: narrative.join("\n"),
                        results: m.passport_ids.iter().filter_map(|id| results.get(id).cloned()).collect(),
                        amounts: PlanFact::from_uah(plan, fact),
                    }
                })
                .collect();
            plan_total += plan_sum;
            fact_total += fact_sum;
            SectionRows {
                number: s.number.clone(),
                title: s.title.clone(),
                rows,
                subtotal: PlanFact::from_uah(plan_sum, fact_sum),
            }
        })
        .collect();
    AnnualReport {
        programme: programme.title.clone(),
        decision_number: programme.decision_number.clone(),
        decision_date: programme.decision_date,
        responsible: programme.responsible.clone(),
        version: None,
        year,
        sections,
        total: PlanFact::from_uah(plan_total, fact_total),
    }
}
