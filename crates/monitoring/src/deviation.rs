//! Deviation rules: what flags a project in implementation, with its reason.
//! Each rule looks only at the facts as they stand on a date, so a flag
//! clears by itself once its cause is gone (spending caught up, a milestone
//! reached, a report filed).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use portfel_domain::Uah;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::period::Period;
use crate::report::{ReportContent, ReportFacts};
use crate::thousands::{rate, thousand_uah, written};

/// Thresholds of the rules; the defaults are documented on each field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Thresholds {
    /// Spending is checked from the end of this quarter of each year (default 3).
    pub checkpoint_quarter: u8,
    /// Spending behind plan: less than this share of the year's plan spent by the checkpoint (default 0.5).
    #[schema(value_type = String)]
    pub min_spent_share: Decimal,
    /// Cost overrun: spending or the expected cost above the approved cost by more than this share (default 0.10).
    #[schema(value_type = String)]
    pub overrun_share: Decimal,
    /// Indicator off target: its achievement behind physical progress by more than this share (default 0.25).
    #[schema(value_type = String)]
    pub indicator_lag: Decimal,
    /// A quarter's report is due this many days after the quarter ends (default 20).
    pub report_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            checkpoint_quarter: 3,
            min_spent_share: Decimal::new(5, 1),
            overrun_share: Decimal::new(10, 2),
            indicator_lag: Decimal::new(25, 2),
            report_days: 20,
        }
    }
}

/// Which rule raised a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Less spent than the year's plan calls for by the checkpoint.
    SpendingBehind,
    /// Spending or the expected cost above the approved cost.
    CostOverrun,
    /// A milestone past its date and not reached.
    MilestoneLate,
    /// An indicator behind the project's physical progress.
    IndicatorOffTarget,
    /// A quarter's report not filed by its deadline.
    ReportMissing,
}

/// A raised flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Flag {
    /// The rule.
    pub rule: Rule,
    /// Why, in words (Ukrainian), with the figures.
    pub reason: String,
}

/// What the rules know of one project.
#[derive(Debug, Clone, Default)]
pub struct ProjectFacts {
    /// The cost approved with the plan, UAH.
    pub approved_cost: Decimal,
    /// The plan's amounts per year, UAH.
    pub planned: BTreeMap<i32, Decimal>,
    /// The first year reports are due for.
    pub first_year: i32,
    /// The project's reports (the one that counts of each period, see [`crate::records::current`]).
    pub reports: Vec<ReportFacts>,
}

impl ProjectFacts {
    fn counting(&self) -> impl Iterator<Item = &ReportContent> {
        self.reports.iter().filter(|r| r.status.counts()).map(|r| &r.content)
    }

    /// Spent in the periods within `period`, by submitted and accepted reports.
    pub fn spent_within(&self, period: Period) -> Uah {
        self.counting().filter(|r| r.period.within(period)).map(ReportContent::spent).sum()
    }

    /// Spent in every period reported.
    pub fn spent(&self) -> Uah {
        self.counting().map(ReportContent::spent).sum()
    }

    /// The latest submitted or accepted report.
    pub fn latest(&self) -> Option<&ReportContent> {
        self.counting().max_by_key(|r| (r.period.year, r.period.quarter.unwrap_or(5)))
    }
}

/// The flags the facts raise on `today`.
pub fn flags(facts: &ProjectFacts, t: &Thresholds, today: NaiveDate) -> Vec<Flag> {
    let mut out = Vec::new();
    spending_behind(facts, t, today, &mut out);
    cost_overrun(facts, t, &mut out);
    if let Some(latest) = facts.latest() {
        for m in latest.milestones.iter().filter(|m| m.actual.is_none() && m.planned < today) {
            let reason =
                format!("етап «{}» мав бути досягнутий {}, але не досягнутий", m.name, m.planned.format("%d.%m.%Y"));
            out.push(Flag { rule: Rule::MilestoneLate, reason });
        }
        let progress = latest.progress_percent / Decimal::ONE_HUNDRED;
        for i in &latest.indicators {
            if let Some(a) = i.achievement().filter(|a| *a < progress - t.indicator_lag) {
                let reason = format!(
                    "показник «{}» досягнуто на {} %, а фізичний прогрес {} %",
                    i.name,
                    written(rate(a, Decimal::ONE).unwrap_or_default()),
                    written(latest.progress_percent.round_dp(1))
                );
                out.push(Flag { rule: Rule::IndicatorOffTarget, reason });
            }
        }
    }
    report_missing(facts, t, today, &mut out);
    out
}

fn spending_behind(facts: &ProjectFacts, t: &Thresholds, today: NaiveDate, out: &mut Vec<Flag>) {
    for (&year, &plan) in facts.planned.iter().filter(|(_, p)| !p.is_zero()) {
        if Period::quarter(year, t.checkpoint_quarter).end() >= today {
            continue;
        }
        let spent = facts.spent_within(Period::year(year)).value();
        if spent < plan * t.min_spent_share {
            let reason = format!(
                "у {year} році витрачено {} тис. грн з {} тис. грн плану ({} %) після {} кварталу",
                written(thousand_uah(spent)),
                written(thousand_uah(plan)),
                written(rate(spent, plan).unwrap_or_default()),
                t.checkpoint_quarter
            );
            out.push(Flag { rule: Rule::SpendingBehind, reason });
        }
    }
}

fn cost_overrun(facts: &ProjectFacts, t: &Thresholds, out: &mut Vec<Flag>) {
    let approved = facts.approved_cost;
    let limit = approved * (Decimal::ONE + t.overrun_share);
    let spent = facts.spent().value();
    let expected = facts.latest().and_then(|r| r.estimated_cost).map_or(spent, |e| e.value().max(spent));
    if expected > limit {
        let reason = format!(
            "очікувана вартість {} тис. грн перевищує затверджену {} тис. грн на {} %",
            written(thousand_uah(expected)),
            written(thousand_uah(approved)),
            written(rate(expected - approved, approved).unwrap_or_default())
        );
        out.push(Flag { rule: Rule::CostOverrun, reason });
    }
}

fn report_missing(facts: &ProjectFacts, t: &Thresholds, today: NaiveDate, out: &mut Vec<Flag>) {
    let Some(cutoff) = today.checked_sub_days(Days::new(u64::from(t.report_days))) else { return };
    for quarter in Period::quarters_ended_before(facts.first_year, cutoff) {
        let filed = facts.counting().any(|r| quarter.within(r.period));
        if !filed {
            let due = quarter.end().checked_add_days(Days::new(u64::from(t.report_days))).unwrap_or(quarter.end());
            let reason = format!("звіт за {quarter} не подано (строк — {})", due.format("%d.%m.%Y"));
            out.push(Flag { rule: Rule::ReportMissing, reason });
        }
    }
}
