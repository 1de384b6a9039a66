//! Hand-checked plan-against-fact arithmetic and every deviation rule firing and clearing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use portfel_domain::Uah;
use portfel_monitoring::annual::{PlanFact, annual_report};
use portfel_monitoring::deviation::{Flag, ProjectFacts, Rule, Thresholds, flags};
use portfel_monitoring::period::Period;
use portfel_monitoring::programme::{Measure, MeasureAmount, MeasureFact, Programme, Section};
use portfel_monitoring::report::{Indicator, Milestone, ReportContent, ReportFacts, ReportStatus, SourceFact};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn uah(s: &str) -> Uah {
    s.parse().unwrap()
}

fn date(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn measure(number: &str, planned: &[(&str, &str)]) -> Measure {
    Measure {
        number: number.into(),
        text: format!("Захід {number}"),
        executors: vec!["Управління освіти".into()],
        planned: planned
            .iter()
            .map(|(s, a)| MeasureAmount { year: 2027, source: (*s).into(), amount: uah(a) })
            .collect(),
        passport_ids: Vec::new(),
        organisation_ids: Vec::new(),
        closed_after: None,
    }
}

fn fact(measure: &str, year: i32, amount: &str, narrative: &str) -> MeasureFact {
    MeasureFact { measure: measure.into(), year, amount: uah(amount), narrative: narrative.into() }
}

fn pf(plan: &str, fact: &str, rate: Option<&str>) -> PlanFact {
    PlanFact { plan: d(plan), fact: d(fact), rate: rate.map(d) }
}

#[test]
fn the_annual_report_adds_up_from_exact_hryvnias() {
    let mut programme = Programme {
        title: "Програма розвитку освіти на 2027–2029 роки".into(),
        decision_number: "12/2026".into(),
        decision_date: date(2026, 12, 18),
        period_start: 2027,
        period_end: 2029,
        responsible: "Управління освіти".into(),
        sections: vec![
            Section {
                number: "1".into(),
                title: "Інфраструктура".into(),
                measures: vec![
                    measure("1.1", &[("localBudget", "120000.00"), ("stateSubsidies", "30000.00")]),
                    measure("1.2", &[("localBudget", "1234550.00")]),
                ],
            },
            Section {
                number: "2".into(),
                title: "Заходи".into(),
                measures: vec![
                    measure("2.1", &[("localBudget", "50.00")]),
                    measure("2.2", &[("localBudget", "50.00")]),
                    measure("2.3", &[]),
                ],
            },
        ],
    };
    assert!(programme.problems().is_empty());
    let facts = [
        fact("1.1", 2027, "60000.00", "Замінено вікна"),
        fact("1.1", 2027, "39950.00", "Утеплено фасад"),
        fact("1.1", 2028, "500000.00", "інший рік не рахується"),
        fact("2.1", 2027, "50.00", ""),
        fact("2.3", 2027, "10000.00", "Семінар для вчителів"),
    ];
    // Measure 1.1 finances a closed project (and one not closed); 2.3 none.
    let (closed, open) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
    programme.sections[0].measures[0].passport_ids = vec![open, closed];
    let results = BTreeMap::from([(closed, "«Ліцей»: завершено (звіт прийнято), оцінка: задовільна".to_owned())]);
    let report = annual_report(&programme, &facts, &results, 2027);
    let rows = &report.sections[0].rows;
    assert_eq!(rows[0].amounts, pf("150.0", "100.0", Some("66.6")), "99,950 UAH: 99.95 rounds half away to 100.0");
    assert_eq!(rows[0].narrative, "Замінено вікна\nУтеплено фасад");
    assert_eq!(rows[0].results, [results[&closed].clone()]);
    assert_eq!(rows[0].done(), format!("Замінено вікна\nУтеплено фасад\n{}", results[&closed]));
    assert_eq!((rows[1].done(), report.sections[1].rows[2].done()), (String::new(), "Семінар для вчителів".to_owned()));
    assert_eq!(rows[1].amounts, pf("1234.6", "0.0", Some("0.0")), "1,234,550 UAH: a half rounds up");
    assert_eq!(report.sections[0].subtotal, pf("1384.6", "100.0", Some("7.2")));
    let rows = &report.sections[1].rows;
    assert_eq!(rows[0].amounts, pf("0.1", "0.1", Some("100.0")));
    assert_eq!(rows[1].amounts, pf("0.1", "0.0", Some("0.0")));
    assert_eq!(rows[2].amounts, pf("0.0", "10.0", None), "no plan, no rate");
    assert_eq!(
        report.sections[1].subtotal,
        pf("0.1", "10.1", Some("10050.0")),
        "100 UAH planned is 0.1 thousand although its printed lines show 0.1 + 0.1"
    );
    assert_eq!(report.total, pf("1384.7", "110.0", Some("7.9")), "1,384,650 UAH planned; 110,000 spent");
}

#[test]
fn programme_problems_name_their_fields() {
    let mut p = Programme {
        title: "П".into(),
        decision_number: "1".into(),
        decision_date: date(2026, 1, 1),
        period_start: 2027,
        period_end: 2027,
        responsible: "В".into(),
        sections: vec![Section {
            number: "1".into(),
            title: "Р".into(),
            measures: vec![measure("1.1", &[]), measure("1.1", &[])],
        }],
    };
    p.sections[0].measures[0].planned.push(MeasureAmount {
        year: 2030,
        source: "localBudget".into(),
        amount: uah("1.00"),
    });
    let fields: Vec<String> = p.problems().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["sections[0].measures[0].planned[0].year", "sections[0].measures[1].number"]);
    assert_eq!(p.fact_problem(&fact("9.9", 2027, "1.00", "")).map(|e| e.0), Some("measure"));
    assert_eq!(p.fact_problem(&fact("1.1", 2028, "1.00", "")).map(|e| e.0), Some("year"));
    assert_eq!(p.fact_problem(&fact("1.1", 2027, "1.00", "")), None);
}

/// A quarter's report: spent from the local budget, progress, and extras.
/// Submitted (when it counts) five days after its quarter.
fn report(q: u8, spent: &str, progress: &str, status: ReportStatus) -> ReportFacts {
    let period = Period::quarter(2027, q);
    ReportFacts {
        revision: 1,
        status,
        submitted_on: status.counts().then(|| period.end() + chrono::Days::new(5)),
        content: ReportContent {
            period,
            financing: vec![SourceFact { source: "localBudget".into(), received: uah(spent), spent: uah(spent) }],
            progress_percent: d(progress),
            milestones: Vec::new(),
            indicators: Vec::new(),
            narrative: String::new(),
            estimated_cost: None,
            documents: Vec::new(),
        },
    }
}

fn rules(reports: &[ReportFacts], today: NaiveDate) -> Vec<Rule> {
    raised(reports, today).into_iter().map(|f| f.rule).collect()
}

fn raised(reports: &[ReportFacts], today: NaiveDate) -> Vec<Flag> {
    let planned: BTreeMap<i32, Decimal> = [(2027, d("400000.00")), (2028, d("600000.00"))].into();
    let facts = ProjectFacts {
        in_implementation: true,
        approved_cost: d("1000000.00"),
        planned,
        first_year: 2027,
        last_year: 2028,
        reports: reports.to_vec(),
    };
    flags(&facts, &Thresholds::default(), today)
}

#[test]
fn a_missing_report_is_flagged_after_its_deadline_until_it_is_filed() {
    assert!(rules(&[], date(2027, 4, 20)).is_empty(), "due on 20 April");
    let missing = raised(&[], date(2027, 4, 21));
    assert_eq!(missing.iter().map(|f| f.rule).collect::<Vec<_>>(), [Rule::ReportMissing]);
    assert!(missing[0].reason.contains("1 квартал 2027 року"), "{}", missing[0].reason);
    let draft = report(1, "10000.00", "5", ReportStatus::Draft);
    assert_eq!(rules(&[draft], date(2027, 4, 21)), [Rule::ReportMissing], "a draft is not filed");
    assert!(rules(&[report(1, "10000.00", "5", ReportStatus::Submitted)], date(2027, 4, 21)).is_empty());
}

#[test]
fn spending_behind_plan_is_flagged_after_the_third_quarter_until_it_catches_up() {
    let mut reports: Vec<ReportFacts> = (1..=3).map(|q| report(q, "50000.00", "30", ReportStatus::Accepted)).collect();
    assert!(rules(&reports, date(2027, 10, 20)).is_empty(), "not checked before the third quarter's report is due");
    let behind = raised(&reports, date(2027, 10, 21));
    assert_eq!(behind.iter().map(|f| f.rule).collect::<Vec<_>>(), [Rule::SpendingBehind]);
    assert_eq!(
        behind[0].reason,
        "у 2027 році витрачено 150,0 тис. грн з 400,0 тис. грн плану (37,5 %) після 3 кварталу"
    );
    reports[2].content.financing[0].spent = uah("100000.00");
    assert!(rules(&reports, date(2027, 10, 21)).is_empty(), "200,000 of 400,000 is half: caught up");
}

#[test]
fn a_cost_overrun_is_flagged_above_ten_percent() {
    let mut r = report(1, "10000.00", "5", ReportStatus::Submitted);
    r.content.estimated_cost = Some(uah("1100000.00"));
    assert!(rules(std::slice::from_ref(&r), date(2027, 4, 10)).is_empty(), "exactly 10 % is within");
    r.content.estimated_cost = Some(uah("1150000.00"));
    let over = raised(std::slice::from_ref(&r), date(2027, 4, 10));
    assert_eq!(over.iter().map(|f| f.rule).collect::<Vec<_>>(), [Rule::CostOverrun]);
    assert!(over[0].reason.contains("на 15,0 %"), "{}", over[0].reason);
}

#[test]
fn a_late_milestone_and_a_lagging_indicator_are_flagged_until_reached() {
    let mut r = report(2, "10000.00", "60", ReportStatus::Accepted);
    let q1 = report(1, "10000.00", "20", ReportStatus::Accepted);
    r.content.milestones.push(Milestone {
        name: "Проєкт затверджено".into(),
        planned: date(2027, 6, 30),
        actual: None,
    });
    r.content.indicators.push(Indicator {
        name: "Площа утепленого фасаду".into(),
        unit: "м²".into(),
        baseline: d("0"),
        target: d("1000"),
        actual: Some(d("300")),
    });
    let both = rules(&[q1.clone(), r.clone()], date(2027, 7, 10));
    assert_eq!(both, [Rule::MilestoneLate, Rule::IndicatorOffTarget]);
    r.content.milestones[0].actual = Some(date(2027, 7, 5));
    r.content.indicators[0].actual = Some(d("400"));
    assert!(rules(&[q1, r], date(2027, 7, 10)).is_empty(), "reached, and 40 % is within 25 points of 60 %");
}

#[test]
fn the_summary_adds_plan_receipts_and_spending_per_year_and_source() {
    use portfel_monitoring::summary::{MonitoredProject, summary};
    let project = |n: u128, planned: &str, reports: Vec<ReportFacts>| MonitoredProject {
        id: uuid::Uuid::from_u128(n),
        title: format!("Проєкт {n}"),
        status: "implementation".into(),
        planned: vec![(2027, "localBudget".into(), d(planned))],
        facts: ProjectFacts {
            in_implementation: true,
            approved_cost: d("1000000.00"),
            planned: [(2027, d(planned))].into(),
            first_year: 2027,
            last_year: 2027,
            reports,
        },
        result: None,
    };
    let draft = report(1, "999.00", "5", ReportStatus::Draft);
    let projects = [
        project(1, "400000.00", vec![report(1, "100000.00", "20", ReportStatus::Accepted)]),
        project(2, "200000.00", vec![report(1, "50000.00", "10", ReportStatus::Submitted), draft]),
    ];
    let s = summary(&projects, &Thresholds::default(), date(2027, 4, 10));
    assert_eq!(s.by_year_and_source.len(), 1);
    let line = &s.by_year_and_source[0];
    assert_eq!(
        (line.planned, line.spent, line.rate),
        (d("600000.00"), d("150000.00"), Some(d("25.0"))),
        "drafts do not count"
    );
    assert_eq!(s.projects[1].progress_percent, Some(d("10")));
    assert!(s.projects.iter().all(|p| p.flags.is_empty()));
}

/// A project's facts for 2027 alone with `reports`.
fn facts_of(reports: Vec<ReportFacts>, in_implementation: bool) -> ProjectFacts {
    ProjectFacts {
        in_implementation,
        approved_cost: d("1000000.00"),
        planned: [(2027, d("400000.00"))].into(),
        first_year: 2027,
        last_year: 2027,
        reports,
    }
}

#[test]
fn what_a_later_report_leaves_out_is_what_the_last_one_said() {
    let mut q1 = report(1, "10000.00", "10", ReportStatus::Accepted);
    q1.content.estimated_cost = Some(uah("1200000.00"));
    q1.content
        .milestones
        .push(Milestone { name: "Дозвіл отримано".into(), planned: date(2027, 5, 31), actual: None });
    let q2 = report(2, "10000.00", "20", ReportStatus::Accepted);
    let on = date(2027, 7, 10);
    let raised: Vec<Rule> =
        flags(&facts_of(vec![q1, q2], true), &Thresholds::default(), on).iter().map(|f| f.rule).collect();
    assert_eq!(raised, [Rule::CostOverrun, Rule::MilestoneLate], "the second report says neither");
}

#[test]
fn a_year_reported_annually_counts_once() {
    let mut reports: Vec<ReportFacts> = (1..=3).map(|q| report(q, "100000.00", "30", ReportStatus::Accepted)).collect();
    let mut annual = report(1, "300000.00", "60", ReportStatus::Accepted);
    annual.content.period = Period::year(2027);
    annual.submitted_on = Some(date(2028, 1, 15));
    reports.push(annual);
    let on = date(2028, 2, 1);
    let facts = facts_of(reports, true);
    let standing = portfel_monitoring::deviation::Standing::of(&facts, on);
    assert_eq!(standing.spent(), uah("300000.00"), "the annual report, not also its quarters");
    assert!(!flags(&facts, &Thresholds::default(), on).iter().any(|f| f.rule == Rule::ReportMissing));
}

#[test]
fn flags_stop_outside_implementation_and_the_project_years() {
    let reports = vec![report(1, "10000.00", "10", ReportStatus::Accepted)];
    let late = date(2040, 1, 1);
    assert!(flags(&facts_of(reports.clone(), false), &Thresholds::default(), late).is_empty(), "a completed project");
    let missing = flags(&facts_of(reports, true), &Thresholds::default(), late);
    let quarters = missing.iter().filter(|f| f.rule == Rule::ReportMissing).count();
    assert_eq!(quarters, 3, "only 2027's quarters 2–4, never those past the project's years: {missing:?}");
}

#[test]
fn a_day_is_judged_on_what_was_submitted_by_then() {
    let milestone =
        |actual| Milestone { name: "Договір укладено".into(), planned: date(2027, 4, 30), actual };
    let mut q1 = report(1, "10000.00", "10", ReportStatus::Accepted);
    q1.content.milestones.push(milestone(None));
    let mut q2 = report(2, "10000.00", "20", ReportStatus::Accepted);
    q2.content.milestones.push(milestone(Some(date(2027, 6, 15))));
    let facts = facts_of(vec![q1, q2], true);
    let on = |day| flags(&facts, &Thresholds::default(), day).iter().map(|f| f.rule).collect::<Vec<_>>();
    assert_eq!(on(date(2027, 5, 15)), [Rule::MilestoneLate], "overdue on that day, reached only later");
    assert!(on(date(2027, 7, 10)).is_empty(), "reached by the second report, submitted 5 July");
}

#[test]
fn a_reason_never_reads_as_if_its_threshold_were_met() {
    let reports: Vec<ReportFacts> = vec![report(3, "199999.99", "40", ReportStatus::Accepted)];
    let mut facts = facts_of(reports, true);
    facts.first_year = 2027;
    let flagged = flags(&facts, &Thresholds::default(), date(2027, 12, 1));
    let behind = flagged.iter().find(|f| f.rule == Rule::SpendingBehind).expect("199,999.99 of 400,000 is behind");
    assert!(behind.reason.contains("199,9 тис. грн") && behind.reason.contains("(49,9 %)"), "{}", behind.reason);
}

#[test]
fn rule_codes_are_the_wire_names() {
    for rule in
        [Rule::SpendingBehind, Rule::CostOverrun, Rule::MilestoneLate, Rule::IndicatorOffTarget, Rule::ReportMissing]
    {
        assert_eq!(serde_json::to_value(rule).unwrap(), rule.code());
    }
}
