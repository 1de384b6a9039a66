//! A project's implementation in a DREAM document. DREAM keeps plan and fact
//! under a contracting process's `contract.implementation.metrics`
//! (`contractPlan`, `contractFact`); Portfel writes one such process per
//! project with facts: per accepted report's period, the money received and
//! spent per funding source and the physical progress (`contractFact`). The
//! plan stays where DREAM keeps a project's financing (`approaches[].budget`).
//! Its observations are told apart by `dimensions.workCategory` (one of
//! [`CATEGORIES`]) and carry the funding source in `dimensions.workItem`;
//! amounts are exact decimal strings in `measure`.
//!
//! A project's accepted completion report goes into the same process: the
//! contract's `status` (`complete`, or `terminated` for a stopped or failed
//! project) and `period` (the actual start and end), and observations of
//! the categories in [`COMPLETION_CATEGORIES`]: each indicator's baseline
//! and target in `contractPlan` and its achieved value in `contractFact`
//! (the indicator's name in `workItem`, its unit's name in `unit.name`), and
//! the money spent by year, funding source (`workItem`) and cost item
//! (`dimensions.costItem`).

use portfel_domain::money::MAX_LINE_AMOUNT;
use portfel_domain::passport::CostItem;
use portfel_domain::{Status, Uah};
use portfel_monitoring::completion::{ActualCost, CompletionContent, Outcome};
use portfel_monitoring::period::Period;
use portfel_monitoring::report::{Indicator, ReportContent, SourceFact};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::shapes::{date, langs, period_value, sub_id};

/// Work categories of the observations Portfel manages.
pub const CATEGORIES: [&str; 3] = ["received", "spent", "progress"];

/// Work categories of a completion report's observations.
pub const COMPLETION_CATEGORIES: [&str; 4] =
    ["indicatorBaseline", "indicatorTarget", "indicatorActual", "completionSpent"];

fn uah_unit() -> Value {
    json!({"id": "UAH", "scheme": "ISO4217", "name": "гривня"})
}

fn percent_unit() -> Value {
    json!({"id": "P1", "scheme": "UNCEFACT", "name": "відсоток"})
}

fn period_key(period: Period) -> String {
    match period.quarter {
        Some(q) => format!("{}-Q{q}", period.year),
        None => period.year.to_string(),
    }
}

fn observation(id: String, category: &str, source: Option<&str>, measure: Decimal, period: Period) -> Value {
    let unit = if category == "progress" { percent_unit() } else { uah_unit() };
    let mut dimensions = json!({"workCategory": category});
    if let Some(source) = source {
        dimensions["workItem"] = json!(source);
    }
    json!({
        "id": id,
        "measure": measure.normalize().to_string(),
        "dimensions": dimensions,
        "period": period_value(period),
        "unit": unit,
    })
}

/// DREAM's contracting process status for a project's state.
fn process_status(status: Status) -> &'static str {
    match status {
        Status::Implementation => "implementation",
        Status::Completed => "complete",
        Status::Cancelled => "cancelled",
        Status::Unsuccessful => "unsuccessful",
        _ => "preparation",
    }
}

/// Whether a contracting process is the one Portfel manages.
pub(crate) fn is_managed(process: &Value) -> bool {
    observations(process).any(|(_, o)| {
        o["dimensions"]["workCategory"]
            .as_str()
            .is_some_and(|c| CATEGORIES.contains(&c) || COMPLETION_CATEGORIES.contains(&c))
    })
}

fn observations(process: &Value) -> impl Iterator<Item = (&Value, &Value)> {
    let metrics = process["summary"]["contract"]["implementation"]["metrics"].as_array().into_iter().flatten();
    metrics.flat_map(|m| m["observations"].as_array().into_iter().flatten().map(move |o| (&m["id"], o)))
}

fn indicator_observation(id: String, category: &str, name: &str, unit: &str, measure: Decimal) -> Value {
    json!({
        "id": id,
        "measure": measure.normalize().to_string(),
        "dimensions": {"workCategory": category, "workItem": name},
        "unit": {"name": unit},
    })
}

/// The completion report's observations: (plan, fact).
fn completion_observations(id: Uuid, c: &CompletionContent) -> (Vec<Value>, Vec<Value>) {
    let (mut plan, mut fact) = (Vec::new(), Vec::new());
    for (n, i) in c.indicators.iter().enumerate() {
        let oid = |what: &str| sub_id(id, &format!("result/{n}/{what}"));
        plan.push(indicator_observation(oid("baseline"), "indicatorBaseline", &i.name, &i.unit, i.baseline));
        plan.push(indicator_observation(oid("target"), "indicatorTarget", &i.name, &i.unit, i.target));
        if let Some(actual) = i.actual {
            fact.push(indicator_observation(oid("actual"), "indicatorActual", &i.name, &i.unit, actual));
        }
    }
    for (n, cost) in c.costs.iter().enumerate() {
        let mut o = observation(
            sub_id(id, &format!("result/spent/{n}")),
            "completionSpent",
            Some(&cost.source),
            cost.amount.value(),
            Period::year(cost.year),
        );
        o["dimensions"]["costItem"] = serde_json::to_value(cost.item).unwrap_or_default();
        fact.push(o);
    }
    (plan, fact)
}

/// The contracting process holding the accepted reports' facts and the
/// accepted completion report, if there is either.
pub(crate) fn process(
    id: Uuid,
    status: Status,
    title: &str,
    reports: &[ReportContent],
    completion: Option<&CompletionContent>,
) -> Option<Value> {
    if reports.is_empty() && completion.is_none() {
        return None;
    }
    let mut facts = Vec::new();
    for r in reports {
        let key = period_key(r.period);
        for f in &r.financing {
            for (category, amount) in [("received", f.received), ("spent", f.spent)] {
                let oid = sub_id(id, &format!("fact/{key}/{category}/{}", f.source));
                facts.push(observation(oid, category, Some(&f.source), amount.value(), r.period));
            }
        }
        let oid = sub_id(id, &format!("fact/{key}/progress"));
        facts.push(observation(oid, "progress", None, r.progress_percent, r.period));
    }
    let mut contract = json!({});
    let mut metrics = Vec::new();
    if let Some(c) = completion {
        let (plan, fact) = completion_observations(id, c);
        facts.extend(fact);
        if !plan.is_empty() {
            metrics.push(json!({"id": "contractPlan", "observations": plan}));
        }
        contract["status"] = json!(if c.outcome == Outcome::Completed { "complete" } else { "terminated" });
        contract["period"] = json!({
            "startDate": format!("{}T00:00:00Z", c.actual_start),
            "endDate": format!("{}T23:59:59Z", c.actual_end),
        });
    }
    if !facts.is_empty() {
        metrics.push(json!({"id": "contractFact", "observations": facts}));
    }
    if !metrics.is_empty() {
        contract["implementation"] = json!({"metrics": metrics});
    }
    Some(json!({
        "id": sub_id(id, "implementation"),
        "platform": "national",
        "summary": {
            "title": langs(&format!("Реалізація: {title}"), None),
            "status": process_status(status),
            "contract": contract,
        }
    }))
}

/// The completion report DREAM holds for a project it has closed as
/// `status`, read back from the managed process: accepted where it was
/// entered. None without the contract's dates, or for a project not closed.
pub(crate) fn completion(
    doc: &Value,
    status: Status,
    known_source: impl Fn(&str) -> bool,
) -> Option<CompletionContent> {
    let outcome = Outcome::ALL.into_iter().find(|o| o.status() == status)?;
    let process = doc["contractingProcesses"].as_array()?.iter().find(|p| is_managed(p))?;
    let period = &process["summary"]["contract"]["period"];
    let (actual_start, actual_end) = date(&period["startDate"]).zip(date(&period["endDate"]))?;
    let mut indicators: Vec<Indicator> = Vec::new();
    let mut costs = Vec::new();
    for (_, o) in observations(process) {
        let category = o["dimensions"]["workCategory"].as_str().unwrap_or_default();
        let Some(value) = measure(o) else { continue };
        if category == "completionSpent" {
            let source = o["dimensions"]["workItem"].as_str().filter(|s| known_source(s));
            let item = serde_json::from_value::<CostItem>(o["dimensions"]["costItem"].clone()).ok();
            let year = date(&o["period"]["startDate"]).map(|d| chrono::Datelike::year(&d));
            let amount =
                (value <= MAX_LINE_AMOUNT).then(|| Uah::new(value).ok()).flatten().filter(|a| !a.is_negative());
            if let (Some(source), Some(item), Some(year), Some(amount)) = (source, item, year, amount) {
                costs.push(ActualCost { year, item, source: source.to_owned(), amount });
            }
            continue;
        }
        let Some(name) = o["dimensions"]["workItem"].as_str().filter(|_| category.starts_with("indicator")) else {
            continue;
        };
        let at = match indicators.iter().position(|i| i.name == name) {
            Some(i) => i,
            None => {
                indicators.push(Indicator {
                    name: name.to_owned(),
                    unit: o["unit"]["name"].as_str().unwrap_or_default().to_owned(),
                    baseline: Decimal::ZERO,
                    target: Decimal::ZERO,
                    actual: None,
                });
                indicators.len() - 1
            }
        };
        match category {
            "indicatorBaseline" => indicators[at].baseline = value,
            "indicatorTarget" => indicators[at].target = value,
            "indicatorActual" => indicators[at].actual = Some(value),
            _ => {}
        }
    }
    let remaining = if outcome == Outcome::Completed { String::new() } else { DREAM_REMAINING.to_owned() };
    Some(CompletionContent {
        outcome,
        actual_start,
        actual_end: actual_end.max(actual_start),
        costs,
        indicators,
        handover: None,
        upkeep: None,
        shortfalls: String::new(),
        remaining,
        documents: Vec::new(),
    })
}

/// What an imported report of a stopped project says remains: DREAM keeps it.
pub const DREAM_REMAINING: &str = "Відомості про незавершені роботи — у DREAM";

fn measure(o: &Value) -> Option<Decimal> {
    let text = o["measure"].as_str()?;
    text.trim().parse::<Decimal>().ok()
}

/// The reports' financing and progress read back from the managed processes,
/// by period; observations Portfel cannot use (other units, foreign periods,
/// unknown sources, out-of-range figures) are left in the document only.
pub(crate) fn reports(doc: &Value, known_source: impl Fn(&str) -> bool) -> Vec<ReportContent> {
    let mut out: Vec<ReportContent> = Vec::new();
    let processes = doc["contractingProcesses"].as_array().into_iter().flatten().filter(|p| is_managed(p));
    for (metric, o) in processes.flat_map(observations) {
        let category = o["dimensions"]["workCategory"].as_str().unwrap_or_default();
        if metric != "contractFact" || !CATEGORIES.contains(&category) {
            continue;
        }
        let bounds = date(&o["period"]["startDate"]).zip(date(&o["period"]["endDate"]));
        let Some(period) = bounds.and_then(|(start, end)| Period::spanning(start, end)) else { continue };
        let Some(value) = measure(o) else { continue };
        let report = match out.iter_mut().position(|r| r.period == period) {
            Some(i) => &mut out[i],
            None => {
                out.push(ReportContent {
                    period,
                    financing: Vec::new(),
                    progress_percent: Decimal::ZERO,
                    milestones: Vec::new(),
                    indicators: Vec::new(),
                    narrative: String::new(),
                    estimated_cost: None,
                    documents: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        if category == "progress" {
            if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&value) && o["unit"]["id"] == "P1" {
                report.progress_percent = value;
            }
            continue;
        }
        let source = o["dimensions"]["workItem"].as_str().filter(|s| known_source(s));
        let amount = (o["unit"]["id"] == "UAH" && value <= MAX_LINE_AMOUNT)
            .then(|| Uah::new(value).ok())
            .flatten()
            .filter(|a| !a.is_negative());
        let (Some(source), Some(amount)) = (source, amount) else { continue };
        let line = match report.financing.iter().position(|f| f.source == source) {
            Some(i) => &mut report.financing[i],
            None => {
                report.financing.push(SourceFact { source: source.to_owned(), received: Uah::ZERO, spent: Uah::ZERO });
                report.financing.last_mut().expect("just pushed")
            }
        };
        match category {
            "received" => line.received = amount,
            "spent" => line.spent = amount,
            _ => {}
        }
    }
    out.sort_by_key(|r| r.period);
    out
}
