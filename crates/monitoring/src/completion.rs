//! What a project achieved: the completion report its initiator writes when
//! the works end, or when it is cancelled or fails in implementation, checked
//! by the PIM unit like an implementation report; and the figures the ex-post
//! evaluation compares with what the passport promised.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use portfel_domain::codelist::Codelist;
use portfel_domain::passport::{CostItem, PartyRef};
use portfel_domain::rules::check_code;
use portfel_domain::{Codelists, FieldError, PassportContent, Status, Uah};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::report::{DocumentLink, Indicator, ReportStatus};
use crate::reporting::Refusal;

/// How a project ended; the state a passport moves to with the report accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The works were done.
    Completed,
    /// Implementation failed.
    Unsuccessful,
    /// The project was stopped.
    Cancelled,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 3] = [Outcome::Completed, Outcome::Unsuccessful, Outcome::Cancelled];

    /// The passport state it leads to.
    pub fn status(self) -> Status {
        match self {
            Outcome::Completed => Status::Completed,
            Outcome::Unsuccessful => Status::Unsuccessful,
            Outcome::Cancelled => Status::Cancelled,
        }
    }

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Unsuccessful => "unsuccessful",
            Outcome::Cancelled => "cancelled",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// Money actually spent: year × cost item × funding source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualCost {
    /// Budget year.
    pub year: i32,
    /// What it was spent on.
    pub item: CostItem,
    /// Funding source category code (DREAM `fundingSourceCategories`).
    pub source: String,
    /// Amount in UAH.
    pub amount: Uah,
}

/// The asset handed over to its balance holder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    /// Who takes it on its balance.
    pub balance_holder: PartyRef,
    /// Number of the act of handing over.
    pub act_number: String,
    /// Date of the act.
    pub act_date: NaiveDate,
    /// Value of the asset taken on the balance, UAH.
    pub value: Uah,
}

/// How the asset's operation and maintenance is arranged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Upkeep {
    /// What it costs a year, UAH.
    pub cost_per_year: Uah,
    /// Funding source category code that carries it.
    pub source: String,
    /// Where the money is provided for (a budget programme, a decision).
    #[serde(default)]
    pub arranged_by: String,
}

/// The content of a project's completion report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionContent {
    /// How the project ended.
    pub outcome: Outcome,
    /// When the works actually began.
    pub actual_start: NaiveDate,
    /// When they ended (or stopped).
    pub actual_end: NaiveDate,
    /// Money spent by year, item and source.
    #[serde(default)]
    pub costs: Vec<ActualCost>,
    /// The indicators with their achieved values.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// The asset handed over, when there is one.
    #[serde(default)]
    pub handover: Option<Handover>,
    /// Operation and maintenance arranged, when the asset needs it.
    #[serde(default)]
    pub upkeep: Option<Upkeep>,
    /// What was not done, and why.
    #[serde(default)]
    pub shortfalls: String,
    /// For a stopped or failed project: what remains (unfinished works, their state).
    #[serde(default)]
    pub remaining: String,
    /// Documents (acts, photos), as links; files are attached to the report.
    #[serde(default)]
    pub documents: Vec<DocumentLink>,
}

impl CompletionContent {
    /// Spent, all years and sources.
    pub fn spent(&self) -> Uah {
        self.costs.iter().map(|c| c.amount).sum()
    }

    /// Every rule the content breaks, by field.
    pub fn check(&self, codes: &Codelists) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let invalid = |field: String, message: &'static str| FieldError::new(field, "invalid", message);
        if self.actual_end < self.actual_start {
            errors.push(invalid("actual_end".into(), "the end is not before the start"));
        }
        for (i, c) in self.costs.iter().enumerate() {
            if !(2000..=2100).contains(&c.year) {
                errors.push(invalid(format!("costs[{i}].year"), "the year is 2000 to 2100"));
            }
            if c.amount.is_negative() {
                errors.push(invalid(format!("costs[{i}].amount"), "amounts are not negative"));
            }
            check_code(&mut errors, codes, format!("costs[{i}].source"), Codelist::FundingSourceCategories, &c.source);
        }
        if let Some(h) = &self.handover {
            if h.value.is_negative() {
                errors.push(invalid("handover.value".into(), "amounts are not negative"));
            }
            if h.act_number.trim().is_empty() {
                errors.push(FieldError::new("handover.act_number", "required", "the act's number is required"));
            }
        }
        if let Some(u) = &self.upkeep {
            if u.cost_per_year.is_negative() {
                errors.push(invalid("upkeep.cost_per_year".into(), "amounts are not negative"));
            }
            check_code(&mut errors, codes, "upkeep.source".into(), Codelist::FundingSourceCategories, &u.source);
        }
        if self.outcome != Outcome::Completed && self.remaining.trim().is_empty() {
            errors.push(FieldError::new("remaining", "required", "say what remains of a stopped project"));
        }
        for (i, d) in self.documents.iter().enumerate() {
            if !d.url.is_web() {
                errors.push(invalid(format!("documents[{i}].url"), portfel_domain::link::NOT_A_WEB_LINK));
            }
        }
        errors
    }
}

/// The share of the way from baseline to target an indicator reached: 1 is
/// the target, beyond 1 more than promised, below 0 a step back. When the
/// target is the baseline (keeping a value, such as zero accidents), reaching
/// it is 1 and missing it 0. None while unmeasured or beyond arithmetic.
pub fn achievement(baseline: Decimal, target: Decimal, actual: Option<Decimal>) -> Option<Decimal> {
    let actual = actual?;
    let span = target.checked_sub(baseline)?;
    if span.is_zero() {
        return Some(if actual == target { Decimal::ONE } else { Decimal::ZERO });
    }
    actual.checked_sub(baseline)?.checked_div(span)
}

/// Planned against actual for one part of a project (a year, an item, a source, the whole).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Variance {
    /// What the passport planned.
    pub planned: Uah,
    /// What was spent.
    pub actual: Uah,
    /// Actual less planned: negative when under cost.
    pub difference: Uah,
    /// The difference as a share of the plan; none when nothing was planned.
    #[schema(value_type = Option<String>)]
    pub ratio: Option<Decimal>,
}

impl Variance {
    fn of(planned: Uah, actual: Uah) -> Variance {
        let difference = actual - planned;
        let ratio = if planned.value().is_zero() { None } else { difference.value().checked_div(planned.value()) };
        Variance { planned, actual, difference, ratio: ratio.map(|r| r.round_dp(4).normalize()) }
    }
}

/// A keyed variance (a year, an item code, a source code).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct KeyedVariance<K> {
    /// The part.
    pub key: K,
    /// Its figures.
    #[serde(flatten)]
    pub variance: Variance,
}

/// When the works were planned and when they happened.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Schedule {
    /// The first day of the passport's start year.
    pub planned_start: NaiveDate,
    /// The last day of its last year.
    pub planned_end: NaiveDate,
    /// When the works began.
    pub actual_start: NaiveDate,
    /// When they ended.
    pub actual_end: NaiveDate,
    /// Days the end came after the plan (negative: early).
    pub end_delay_days: i64,
    /// Actual duration over planned, less one: 0.25 is a quarter longer.
    #[schema(value_type = String)]
    pub duration_ratio: Decimal,
}

/// One indicator's promise and result.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IndicatorResult {
    /// The indicator.
    #[serde(flatten)]
    pub indicator: Indicator,
    /// See [`achievement`].
    #[schema(value_type = Option<String>)]
    pub achievement: Option<Decimal>,
}

/// Operation and maintenance promised against arranged.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UpkeepVariance {
    /// The passport's O&M cost per year.
    pub promised: Option<Uah>,
    /// What was arranged per year.
    pub arranged: Option<Uah>,
    /// Arranged less promised, when both are known.
    pub difference: Option<Uah>,
}

/// Every computed figure of a completed project against its passport.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CompletionFigures {
    /// The whole cost.
    pub cost: Variance,
    /// By year.
    pub by_year: Vec<KeyedVariance<i32>>,
    /// By cost item.
    pub by_item: Vec<KeyedVariance<CostItem>>,
    /// By funding source (the passport's financing plan against spending).
    pub by_source: Vec<KeyedVariance<String>>,
    /// Dates, when the passport has its years.
    pub schedule: Option<Schedule>,
    /// Each indicator.
    pub indicators: Vec<IndicatorResult>,
    /// Mean achievement of the measured indicators.
    #[schema(value_type = Option<String>)]
    pub mean_achievement: Option<Decimal>,
    /// O&M.
    pub upkeep: UpkeepVariance,
}

fn keyed<K: Ord + Clone>(planned: BTreeMap<K, Uah>, actual: BTreeMap<K, Uah>) -> Vec<KeyedVariance<K>> {
    let mut keys: Vec<K> = planned.keys().chain(actual.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            let p = planned.get(&key).copied().unwrap_or(Uah::ZERO);
            let a = actual.get(&key).copied().unwrap_or(Uah::ZERO);
            KeyedVariance { key, variance: Variance::of(p, a) }
        })
        .collect()
}

fn sums<K: Ord>(lines: impl Iterator<Item = (K, Uah)>) -> BTreeMap<K, Uah> {
    let mut out = BTreeMap::new();
    for (k, a) in lines {
        let sum = out.entry(k).or_insert(Uah::ZERO);
        *sum = *sum + a;
    }
    out
}

fn schedule(passport: &PassportContent, report: &CompletionContent) -> Option<Schedule> {
    let years = passport.years()?;
    let planned_start = NaiveDate::from_ymd_opt(*years.start(), 1, 1)?;
    let planned_end = NaiveDate::from_ymd_opt(*years.end(), 12, 31)?;
    let planned_days = (planned_end - planned_start).num_days() + 1;
    let actual_days = (report.actual_end - report.actual_start).num_days() + 1;
    let duration_ratio =
        (Decimal::from(actual_days) / Decimal::from(planned_days) - Decimal::ONE).round_dp(4).normalize();
    Some(Schedule {
        planned_start,
        planned_end,
        actual_start: report.actual_start,
        actual_end: report.actual_end,
        end_delay_days: (report.actual_end - planned_end).num_days(),
        duration_ratio,
    })
}

/// The figures of `report` against `passport` (the revision the plan approved).
pub fn figures(passport: &PassportContent, report: &CompletionContent) -> CompletionFigures {
    let indicators: Vec<IndicatorResult> = report
        .indicators
        .iter()
        .map(|i| IndicatorResult { indicator: i.clone(), achievement: achievement(i.baseline, i.target, i.actual) })
        .collect();
    let mean_achievement = mean(indicators.iter().filter_map(|i| i.achievement));
    let promised = passport.om_cost_per_year;
    let arranged = report.upkeep.as_ref().map(|u| u.cost_per_year);
    CompletionFigures {
        cost: Variance::of(passport.total_cost(), report.spent()),
        by_year: keyed(
            sums(passport.costs.iter().map(|c| (c.year, c.amount))),
            sums(report.costs.iter().map(|c| (c.year, c.amount))),
        ),
        by_item: keyed(
            sums(passport.costs.iter().map(|c| (c.item, c.amount))),
            sums(report.costs.iter().map(|c| (c.item, c.amount))),
        ),
        by_source: keyed(
            sums(passport.financing.iter().map(|f| (f.source.clone(), f.amount))),
            sums(report.costs.iter().map(|c| (c.source.clone(), c.amount))),
        ),
        schedule: schedule(passport, report),
        indicators,
        mean_achievement,
        upkeep: UpkeepVariance { promised, arranged, difference: promised.zip(arranged).map(|(p, a)| a - p) },
    }
}

/// The indicators a completion report starts with: the passport's
/// beneficiaries (from none to the promised number) and the indicators of the
/// project's latest accepted report, still to be measured.
pub fn promised_indicators(passport: &PassportContent, latest: Option<&[Indicator]>) -> Vec<Indicator> {
    let promise = |name: &str, target: u64| Indicator {
        name: name.to_owned(),
        unit: "осіб".to_owned(),
        baseline: Decimal::ZERO,
        target: Decimal::from(target),
        actual: None,
    };
    let mut out = Vec::new();
    if passport.beneficiaries.total > 0 {
        out.push(promise("Кількість отримувачів послуг", passport.beneficiaries.total));
    }
    if passport.beneficiaries.idps > 0 {
        out.push(promise("З них внутрішньо переміщених осіб", passport.beneficiaries.idps));
    }
    out.extend(latest.unwrap_or_default().iter().map(|i| Indicator { actual: None, ..i.clone() }));
    out
}

/// The funding source a year's money mostly came from in the passport's plan.
fn main_source(passport: &PassportContent, year: i32) -> String {
    passport
        .financing
        .iter()
        .filter(|f| f.year == year)
        .max_by_key(|f| f.amount)
        .map_or_else(|| "localBudget".to_owned(), |f| f.source.clone())
}

/// The passport's plan as spending: a year with one cost item spent as the
/// year's financing plan says, source by source; a year of several items,
/// each from the year's main source.
fn planned_spending(passport: &PassportContent) -> Vec<ActualCost> {
    let mut out = Vec::new();
    let mut years: Vec<i32> = passport.costs.iter().map(|c| c.year).collect();
    years.dedup();
    for year in years {
        let lines: Vec<_> = passport.costs.iter().filter(|c| c.year == year).collect();
        let financed: Vec<_> = passport.financing.iter().filter(|f| f.year == year).collect();
        let one_item = lines.iter().all(|c| c.item == lines[0].item);
        let cost: Uah = lines.iter().map(|c| c.amount).sum();
        let financing: Uah = financed.iter().map(|f| f.amount).sum();
        if one_item && !financed.is_empty() && cost == financing {
            let item = lines[0].item;
            out.extend(financed.iter().map(|f| ActualCost { year, item, source: f.source.clone(), amount: f.amount }));
        } else {
            let source = main_source(passport, year);
            out.extend(lines.iter().map(|c| ActualCost {
                year,
                item: c.item,
                source: source.clone(),
                amount: c.amount,
            }));
        }
    }
    out
}

/// The content a completion report starts from: the planned years as the
/// dates, the planned costs as spent ([`planned_spending`]), the
/// promised indicators ([`promised_indicators`]) and the passport's O&M as
/// arranged — the initiator corrects what differed. Without planned years
/// the dates are `today`.
pub fn starting_content(
    passport: &PassportContent,
    latest: Option<&[Indicator]>,
    today: NaiveDate,
) -> CompletionContent {
    let years = passport.years();
    let day = |year: Option<i32>, month, d| year.and_then(|y| NaiveDate::from_ymd_opt(y, month, d));
    let actual_start = day(years.as_ref().map(|y| *y.start()), 1, 1).unwrap_or(today);
    let actual_end = day(years.as_ref().map(|y| *y.end()), 12, 31).unwrap_or(actual_start);
    CompletionContent {
        outcome: Outcome::Completed,
        actual_start,
        actual_end,
        costs: planned_spending(passport),
        indicators: promised_indicators(passport, latest),
        handover: None,
        upkeep: passport.om_cost_per_year.map(|cost_per_year| Upkeep {
            cost_per_year,
            source: "localBudget".to_owned(),
            arranged_by: String::new(),
        }),
        shortfalls: String::new(),
        remaining: String::new(),
        documents: Vec::new(),
    }
}

/// Why a passport may not leave implementation for `to`: a project that was
/// implemented closes only with an accepted completion report of that outcome.
pub fn check_closing(to: Status, accepted: Option<Outcome>) -> Result<(), FieldError> {
    match accepted {
        Some(outcome) if outcome.status() == to => Ok(()),
        Some(outcome) => Err(FieldError::of(
            "state",
            "completion_outcome",
            &[("outcome", outcome.as_str().to_owned()), ("state", to.as_str().to_owned())],
        )),
        None => Err(FieldError::of("state", "completion_required", &[("state", to.as_str().to_owned())])),
    }
}

/// A stored completion report: one per project.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CompletionRecord {
    /// Id.
    pub id: Uuid,
    /// The project.
    pub passport_id: Uuid,
    /// The project's initiating organisation.
    pub organisation_id: Uuid,
    /// State, as an implementation report's.
    pub status: ReportStatus,
    /// Why the PIM unit returned it, when it did.
    pub return_reason: Option<String>,
    /// The day to submit it again by, when the PIM unit set one on its return.
    pub resubmit_by: Option<NaiveDate>,
    /// Who wrote it.
    pub created_by: String,
    /// Who accepted or returned it.
    pub decided_by: Option<String>,
    /// Concurrency version (`ETag`).
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was last sent to the PIM unit.
    pub submitted_at: Option<DateTime<Utc>>,
    /// What it reports.
    #[serde(flatten)]
    pub content: CompletionContent,
}

/// Why no completion report can be started for a project in `project`: it is
/// written while the project is in implementation.
pub fn check_start(project: Status) -> Result<(), FieldError> {
    if project == Status::Implementation {
        Ok(())
    } else {
        Err(FieldError::of("state", "not_implementing", &[("state", project.as_str().to_owned())]))
    }
}

/// Refuses new content for a report that is submitted or accepted.
pub fn check_update(report: &CompletionRecord) -> Result<(), Refusal> {
    if report.status.editable() { Ok(()) } else { Err(Refusal::Fixed(report.status)) }
}

/// The outcome of a project's completion report if it is accepted.
pub fn accepted_outcome(report: Option<&CompletionRecord>) -> Option<Outcome> {
    report.filter(|r| r.status == ReportStatus::Accepted).map(|r| r.content.outcome)
}

/// One closed project of an initiator, as its record counts it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ClosedProject {
    /// The project.
    pub passport_id: Uuid,
    /// Its title.
    pub title: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Actual less planned cost, as a share of the plan.
    #[schema(value_type = Option<String>)]
    pub cost_ratio: Option<Decimal>,
    /// Days the works ended after the plan.
    pub end_delay_days: Option<i64>,
    /// Mean achievement of its indicators.
    #[schema(value_type = Option<String>)]
    pub mean_achievement: Option<Decimal>,
}

/// An initiator's record: what its closed projects achieved, shown beside its
/// new passports.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrackRecord {
    /// Projects completed.
    pub completed: usize,
    /// Projects that failed in implementation.
    pub unsuccessful: usize,
    /// Projects stopped in implementation.
    pub cancelled: usize,
    /// Mean cost variance of the completed projects (0.1: a tenth over plan).
    #[schema(value_type = Option<String>)]
    pub mean_cost_ratio: Option<Decimal>,
    /// Mean delay of the completed projects' end, days.
    #[schema(value_type = Option<String>)]
    pub mean_end_delay_days: Option<Decimal>,
    /// Mean achievement of the completed projects' indicators.
    #[schema(value_type = Option<String>)]
    pub mean_achievement: Option<Decimal>,
    /// Each closed project, oldest first.
    pub projects: Vec<ClosedProject>,
}

/// The mean of `values` to four places; none when there are none or their
/// sum is beyond arithmetic.
fn mean(values: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    let (sum, count) =
        values.fold((Some(Decimal::ZERO), 0u32), |(sum, n), v| (sum.and_then(|s| s.checked_add(v)), n + 1));
    let mean = sum?.checked_div(Decimal::from(count).max(Decimal::ONE))?;
    (count > 0).then(|| mean.round_dp(4).normalize())
}

/// The record of an initiator from its projects with an accepted completion
/// report: (project id, title, passport, report).
pub fn track_record<'a>(
    closed: impl IntoIterator<Item = (Uuid, &'a str, &'a PassportContent, &'a CompletionContent)>,
) -> TrackRecord {
    let projects: Vec<ClosedProject> = closed
        .into_iter()
        .map(|(passport_id, title, passport, report)| {
            let f = figures(passport, report);
            ClosedProject {
                passport_id,
                title: title.to_owned(),
                outcome: report.outcome,
                cost_ratio: f.cost.ratio,
                end_delay_days: f.schedule.map(|s| s.end_delay_days),
                mean_achievement: f.mean_achievement,
            }
        })
        .collect();
    let count = |o: Outcome| projects.iter().filter(|p| p.outcome == o).count();
    let done = || projects.iter().filter(|p| p.outcome == Outcome::Completed);
    TrackRecord {
        completed: count(Outcome::Completed),
        unsuccessful: count(Outcome::Unsuccessful),
        cancelled: count(Outcome::Cancelled),
        mean_cost_ratio: mean(done().filter_map(|p| p.cost_ratio)),
        mean_end_delay_days: mean(done().filter_map(|p| p.end_delay_days.map(Decimal::from))),
        mean_achievement: mean(done().filter_map(|p| p.mean_achievement)),
        projects,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn achievement_counts_from_the_baseline_and_keeps_a_held_value() {
        assert_eq!(achievement(d("0"), d("1800"), Some(d("1350"))), Some(d("0.75")));
        assert_eq!(achievement(d("12"), d("0"), Some(d("3"))), Some(d("0.75")));
        assert_eq!(achievement(d("0"), d("0"), Some(d("0"))), Some(Decimal::ONE));
        assert_eq!(achievement(d("0"), d("0"), Some(d("2"))), Some(Decimal::ZERO));
        assert_eq!(achievement(d("0"), d("10"), None), None);
        assert_eq!(achievement(d("5"), d("10"), Some(d("3"))), Some(d("-0.4")));
    }

    #[test]
    fn closing_needs_the_matching_accepted_outcome() {
        assert!(check_closing(Status::Completed, Some(Outcome::Completed)).is_ok());
        assert_eq!(check_closing(Status::Completed, None).unwrap_err().code, "completion_required");
        assert_eq!(check_closing(Status::Cancelled, Some(Outcome::Completed)).unwrap_err().code, "completion_outcome");
    }

    fn uah(s: &str) -> Uah {
        s.parse().unwrap()
    }

    /// A school roof: 2027–2028, 1 000 000 design + construction, 250 000 a
    /// year to keep; financed 800 000 locally and 200 000 by the state.
    fn passport() -> PassportContent {
        let cost = |year, item, amount: &str| portfel_domain::passport::CostLine {
            year,
            item,
            cost_type: portfel_domain::passport::CostType::Capex,
            amount: uah(amount),
        };
        let fin = |year, source: &str, amount: &str| portfel_domain::passport::FinancingLine {
            year,
            source: source.into(),
            amount: uah(amount),
        };
        PassportContent {
            start_year: Some(2027),
            duration_years: Some(2),
            costs: vec![cost(2027, CostItem::Design, "100000"), cost(2028, CostItem::Construction, "900000")],
            financing: vec![
                fin(2027, "localBudget", "100000"),
                fin(2028, "localBudget", "700000"),
                fin(2028, "stateCentralBudget", "200000"),
            ],
            om_cost_per_year: Some(uah("250000")),
            ..PassportContent::default()
        }
    }

    fn report() -> CompletionContent {
        let spent = |year, item, source: &str, amount: &str| ActualCost {
            year,
            item,
            source: source.into(),
            amount: uah(amount),
        };
        let indicator = |name: &str, baseline: &str, target: &str, actual: &str| Indicator {
            name: name.into(),
            unit: "од.".into(),
            baseline: d(baseline),
            target: d(target),
            actual: Some(d(actual)),
        };
        CompletionContent {
            outcome: Outcome::Completed,
            actual_start: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
            actual_end: NaiveDate::from_ymd_opt(2029, 1, 30).unwrap(),
            costs: vec![
                spent(2027, CostItem::Design, "localBudget", "95000"),
                spent(2028, CostItem::Construction, "localBudget", "655000"),
                spent(2028, CostItem::Construction, "stateCentralBudget", "200000"),
            ],
            indicators: vec![
                indicator("Учні в теплих класах", "0", "400", "380"),
                indicator("Протікання даху", "0", "0", "0"),
            ],
            handover: None,
            upkeep: Some(Upkeep {
                cost_per_year: uah("230000"),
                source: "localBudget".into(),
                arranged_by: String::new(),
            }),
            shortfalls: String::new(),
            remaining: String::new(),
            documents: Vec::new(),
        }
    }

    #[test]
    fn a_project_under_cost_and_late_has_its_figures_by_hand() {
        let f = figures(&passport(), &report());
        // 950 000 spent of 1 000 000: 50 000 under, −5 %.
        assert_eq!(f.cost.actual, uah("950000"));
        assert_eq!(f.cost.difference, uah("-50000"));
        assert_eq!(f.cost.ratio, Some(d("-0.05")));
        // 2027: 95 000 of 100 000 (−5 %); 2028: 855 000 of 900 000 (−5 %).
        assert_eq!(
            f.by_year.iter().map(|v| (v.key, v.variance.ratio)).collect::<Vec<_>>(),
            [(2027, Some(d("-0.05"))), (2028, Some(d("-0.05")))]
        );
        // The state paid all 200 000 it promised; the local budget 750 000 of 800 000.
        let by_source: Vec<_> = f.by_source.iter().map(|v| (v.key.as_str(), v.variance.difference)).collect();
        assert_eq!(by_source, [("localBudget", uah("-50000")), ("stateCentralBudget", uah("0"))]);
        // Planned 01.01.2027–31.12.2028 (731 days); done 01.02.2027–30.01.2029 (730 days): 30 days late, 0.14 % shorter.
        let schedule = f.schedule.unwrap();
        assert_eq!(schedule.end_delay_days, 30);
        assert_eq!(schedule.duration_ratio, d("-0.0014"));
        // 380 of 400 pupils: 0.95; no leaks kept at zero: 1; mean 0.975.
        assert_eq!(f.indicators.iter().map(|i| i.achievement).collect::<Vec<_>>(), [Some(d("0.95")), Some(d("1"))]);
        assert_eq!(f.mean_achievement, Some(d("0.975")));
        // Upkeep 230 000 arranged against 250 000 promised.
        assert_eq!(f.upkeep.difference, Some(uah("-20000")));
    }

    #[test]
    fn a_report_starts_from_the_plan_with_nothing_to_explain() {
        let p = passport();
        let start = starting_content(&p, None, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
        let f = figures(&p, &start);
        let zero = |v: &[KeyedVariance<String>]| v.iter().all(|k| k.variance.difference == Uah::ZERO);
        assert!(f.cost.difference == Uah::ZERO && zero(&f.by_source), "{:?}", f.by_source);
        assert_eq!(start.costs.len(), 3, "2027's design; 2028's construction by its two sources");
        assert_eq!(
            (start.actual_start.to_string(), start.actual_end.to_string()),
            ("2027-01-01".into(), "2028-12-31".into())
        );
    }

    #[test]
    fn achievements_beyond_arithmetic_have_no_mean() {
        let mut r = report();
        for i in &mut r.indicators {
            (i.baseline, i.target, i.actual) = (d("0"), d("0.0000000001"), Some(Decimal::MAX / d("10")));
        }
        let f = figures(&passport(), &r);
        assert!(f.indicators.iter().all(|i| i.achievement.is_none()), "each ratio is beyond arithmetic already");
        assert_eq!(mean([Decimal::MAX, Decimal::MAX].into_iter()), None);
        assert_eq!(mean([d("1"), d("0.5")].into_iter()), Some(d("0.75")));
    }

    #[test]
    fn an_initiators_record_averages_its_completed_projects() {
        let (p, mut r) = (passport(), report());
        let mut over = report();
        over.costs[1].amount = uah("755000");
        over.actual_end = NaiveDate::from_ymd_opt(2028, 12, 31).unwrap();
        r.indicators.truncate(1);
        let mut stopped = report();
        stopped.outcome = Outcome::Cancelled;
        let id = Uuid::nil();
        let record = track_record([(id, "A", &p, &r), (id, "B", &p, &over), (id, "C", &p, &stopped)]);
        assert_eq!((record.completed, record.unsuccessful, record.cancelled), (2, 0, 1));
        // −5 % and +5 %: 0 on average; 30 and 0 days late: 15; achievements 0.95 and 0.975.
        assert_eq!(record.mean_cost_ratio, Some(d("0")));
        assert_eq!(record.mean_end_delay_days, Some(d("15")));
        assert_eq!(record.mean_achievement, Some(d("0.9625")));
        assert_eq!(record.projects.len(), 3);
    }

    #[test]
    fn a_stopped_project_says_what_remains_and_amounts_are_checked() {
        let codes = Codelists::embedded();
        let mut r = report();
        assert!(r.check(codes).is_empty());
        r.outcome = Outcome::Unsuccessful;
        r.costs[0].amount = uah("-1");
        r.actual_end = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let fields: Vec<String> = r.check(codes).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["actual_end", "costs[0].amount", "remaining"]);
    }
}
