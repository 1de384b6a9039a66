//! Deviation rules: what flags a project in implementation, with its reason.
//!
//! The rules read a project's whole reporting history as it stood on the
//! day asked for: the reports that counted then ([`standing`]), each period
//! once and a year either by its quarters or by one annual report. What a
//! report leaves out (the expected cost, a milestone, an indicator) is what
//! the last report that said it said. Flags are raised only while the project
//! is in implementation and only for the years of both the project and the
//! plan; a flag clears by itself once its cause is gone (spending caught up,
//! a milestone reached, a report filed). Figures in a reason are rounded
//! away from the rule's threshold, so a reason never reads as if the
//! threshold were met.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use portfel_domain::Uah;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::period::Period;
use crate::records::standing;
use crate::report::{Indicator, Milestone, ReportContent, ReportFacts};
use crate::thousands::{Rounding, rate_rounded, thousand_uah, thousand_uah_rounded, written};

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

impl Rule {
    /// The wire code.
    pub fn code(self) -> &'static str {
        match self {
            Rule::SpendingBehind => "spending_behind",
            Rule::CostOverrun => "cost_overrun",
            Rule::MilestoneLate => "milestone_late",
            Rule::IndicatorOffTarget => "indicator_off_target",
            Rule::ReportMissing => "report_missing",
        }
    }
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
    /// Whether the project is in implementation (only then are flags raised).
    pub in_implementation: bool,
    /// The cost approved with the plan, UAH.
    pub approved_cost: Decimal,
    /// The plan's amounts per year, UAH.
    pub planned: BTreeMap<i32, Decimal>,
    /// The first year reports are due for.
    pub first_year: i32,
    /// The last year reports are due for: the project's or the plan's, whichever ends first.
    pub last_year: i32,
    /// Every revision of the project's reports.
    pub reports: Vec<ReportFacts>,
}

/// A project's reports as they stood on a day: see [`standing`].
#[derive(Debug, Clone)]
pub struct Standing<'a> {
    reports: Vec<&'a ReportContent>,
}

impl<'a> Standing<'a> {
    /// The reports of `facts` that counted on `on`.
    pub fn of(facts: &'a ProjectFacts, on: NaiveDate) -> Self {
        Standing { reports: standing(&facts.reports, on) }
    }

    /// The reports, in period order.
    pub fn reports(&self) -> &[&'a ReportContent] {
        &self.reports
    }

    /// Spent in the periods within `period`.
    pub fn spent_within(&self, period: Period) -> Uah {
        self.reports.iter().filter(|r| r.period.within(period)).map(|r| r.spent()).sum()
    }

    /// Spent in every period reported.
    pub fn spent(&self) -> Uah {
        self.reports.iter().map(|r| r.spent()).sum()
    }

    /// The latest report.
    pub fn latest(&self) -> Option<&'a ReportContent> {
        self.reports.last().copied()
    }

    /// The expected cost the last report that gave one gave.
    pub fn estimated_cost(&self) -> Option<Uah> {
        self.reports.iter().rev().find_map(|r| r.estimated_cost)
    }

    /// Each milestone as the last report naming it left it, in the order first named.
    pub fn milestones(&self) -> Vec<&'a Milestone> {
        last_said(self.reports.iter().flat_map(|r| &r.milestones), |m| m.name.as_str())
    }

    /// Each indicator as the last report naming it left it, in the order first named.
    pub fn indicators(&self) -> Vec<&'a Indicator> {
        last_said(self.reports.iter().flat_map(|r| &r.indicators), |i| i.name.as_str())
    }
}

/// Of items named in order, the last said of each name, in the order names first appear.
fn last_said<'a, T>(items: impl Iterator<Item = &'a T>, name: impl Fn(&T) -> &str) -> Vec<&'a T> {
    let mut out: Vec<&T> = Vec::new();
    for item in items {
        match out.iter_mut().find(|held| name(held) == name(item)) {
            Some(held) => *held = item,
            None => out.push(item),
        }
    }
    out
}

/// The flags the facts raise on `today`, judged on the reports that counted that day.
pub fn flags(facts: &ProjectFacts, t: &Thresholds, today: NaiveDate) -> Vec<Flag> {
    let mut out = Vec::new();
    if !facts.in_implementation {
        return out;
    }
    let standing = Standing::of(facts, today);
    spending_behind(facts, &standing, t, today, &mut out);
    cost_overrun(facts, &standing, t, &mut out);
    for m in standing.milestones() {
        let reached = m.actual.is_some_and(|a| a <= today);
        if !reached && m.planned < today {
            let reason =
                format!("етап «{}» мав бути досягнутий {}, але не досягнутий", m.name, m.planned.format("%d.%m.%Y"));
            out.push(Flag { rule: Rule::MilestoneLate, reason });
        }
    }
    if let Some(latest) = standing.latest() {
        let progress = latest.progress_percent / Decimal::ONE_HUNDRED;
        for i in standing.indicators() {
            if let Some(a) = i.achievement().filter(|a| *a < progress - t.indicator_lag) {
                let reason = format!(
                    "показник «{}» досягнуто на {} %, а фізичний прогрес {} %",
                    i.name,
                    written(rate_rounded(a, Decimal::ONE, Rounding::Down).unwrap_or_default()),
                    written(rate_rounded(progress, Decimal::ONE, Rounding::Up).unwrap_or_default())
                );
                out.push(Flag { rule: Rule::IndicatorOffTarget, reason });
            }
        }
    }
    report_missing(facts, &standing, t, today, &mut out);
    out
}

/// The day a quarter's report is due: `report_days` after the quarter ends.
pub fn due(quarter: Period, t: &Thresholds) -> NaiveDate {
    quarter.end().checked_add_days(Days::new(u64::from(t.report_days))).unwrap_or(quarter.end())
}

fn spending_behind(
    facts: &ProjectFacts,
    standing: &Standing<'_>,
    t: &Thresholds,
    today: NaiveDate,
    out: &mut Vec<Flag>,
) {
    let years = facts.first_year..=facts.last_year;
    for (&year, &plan) in facts.planned.iter().filter(|(y, p)| !p.is_zero() && years.contains(y)) {
        if due(Period::quarter(year, t.checkpoint_quarter), t) >= today {
            continue;
        }
        let spent = standing.spent_within(Period::year(year)).value();
        if spent < plan * t.min_spent_share {
            let reason = format!(
                "у {year} році витрачено {} тис. грн з {} тис. грн плану ({} %) після {} кварталу",
                written(thousand_uah_rounded(spent, Rounding::Down)),
                written(thousand_uah(plan)),
                written(rate_rounded(spent, plan, Rounding::Down).unwrap_or_default()),
                t.checkpoint_quarter
            );
            out.push(Flag { rule: Rule::SpendingBehind, reason });
        }
    }
}

fn cost_overrun(facts: &ProjectFacts, standing: &Standing<'_>, t: &Thresholds, out: &mut Vec<Flag>) {
    let approved = facts.approved_cost;
    let limit = approved * (Decimal::ONE + t.overrun_share);
    let spent = standing.spent().value();
    let expected = standing.estimated_cost().map_or(spent, |e| e.value().max(spent));
    if expected > limit {
        let reason = format!(
            "очікувана вартість {} тис. грн перевищує затверджену {} тис. грн на {} %",
            written(thousand_uah_rounded(expected, Rounding::Up)),
            written(thousand_uah(approved)),
            written(rate_rounded(expected - approved, approved, Rounding::Up).unwrap_or_default())
        );
        out.push(Flag { rule: Rule::CostOverrun, reason });
    }
}

/// The quarters of a project in implementation whose report is due within
/// `days` of `today` (today included) and not filed yet, with each due date.
pub fn reports_due_within(
    facts: &ProjectFacts,
    t: &Thresholds,
    today: NaiveDate,
    days: u64,
) -> Vec<(Period, NaiveDate)> {
    if !facts.in_implementation {
        return Vec::new();
    }
    let standing = Standing::of(facts, today);
    let until = today.checked_add_days(Days::new(days)).unwrap_or(today);
    (facts.first_year..=facts.last_year)
        .flat_map(|year| (1..=4).map(move |q| Period::quarter(year, q)))
        .map(|quarter| (quarter, due(quarter, t)))
        .filter(|(_, on)| (today..=until).contains(on))
        .filter(|(quarter, _)| !standing.reports().iter().any(|r| quarter.within(r.period)))
        .collect()
}

fn report_missing(
    facts: &ProjectFacts,
    standing: &Standing<'_>,
    t: &Thresholds,
    today: NaiveDate,
    out: &mut Vec<Flag>,
) {
    for year in facts.first_year..=facts.last_year {
        for quarter in (1..=4).map(|q| Period::quarter(year, q)) {
            if due(quarter, t) >= today {
                return;
            }
            if !standing.reports().iter().any(|r| quarter.within(r.period)) {
                let reason = format!("звіт за {quarter} не подано (строк — {})", due(quarter, t).format("%d.%m.%Y"));
                out.push(Flag { rule: Rule::ReportMissing, reason });
            }
        }
    }
}
