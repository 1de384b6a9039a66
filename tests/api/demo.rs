//! The demo hromada loads completely and consistently.

use portfel_domain::rules::check_submission;
use portfel_domain::{Codelists, Status};
use portfel_store::passports::PassportFilter;

#[tokio::test]
async fn demo_loads_a_consistent_hromada_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = portfel_store::Store::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("d.db").display()))
        .await
        .unwrap();
    let summary = portfel::demo::load(&store).await.unwrap().expect("empty database gets the demo");
    assert!(summary.passports >= 20);
    assert!(portfel::demo::load(&store).await.unwrap().is_none(), "a second load changes nothing");
    let filter = PassportFilter {
        visibility: portfel_domain::access::Visibility { all: true, ..Default::default() },
        limit: 100,
        ..Default::default()
    };
    let (passports, _) = portfel_store::passports::list(store.db(), &filter).await.unwrap();
    assert_eq!(passports.len(), summary.passports);
    let states: std::collections::BTreeSet<Status> = passports.iter().map(|p| p.status).collect();
    assert!(states.len() >= 8, "{states:?}");
    for p in &passports {
        assert!(
            p.content.title.uk.chars().any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap())),
            "Ukrainian title"
        );
        if p.status != Status::Draft {
            assert_eq!(check_submission(&p.content, Codelists::embedded()), vec![], "{}", p.content.title.uk);
        }
    }
    // One project completed and evaluated, one completed whose evaluation is overdue.
    let completed: Vec<_> = passports.iter().filter(|p| p.status == Status::Completed).collect();
    assert_eq!(completed.len(), 2, "two closed projects");
    let evaluations = portfel_store::evaluations::list(store.db()).await.unwrap();
    assert_eq!(evaluations.len(), 1);
    assert_eq!(evaluations[0].status, portfel_monitoring::expost::EvaluationStatus::SignedOff);
    let unevaluated = completed.iter().find(|p| p.meta.id != evaluations[0].passport_id).unwrap();
    let report = portfel_store::completions::of_passport(store.db(), unevaluated.meta.id).await.unwrap().unwrap();
    let due = portfel_monitoring::expost::due(report.content.actual_end, portfel_api::state::EXPOST_AFTER_DAYS);
    assert!(due < chrono::Utc::now().date_naive(), "its evaluation was due on {due}");
    let programmes = portfel_store::programmes::list(store.db()).await.unwrap();
    assert_eq!(programmes.len(), 2, "an education programme and a quarterly-reported one");
    let sections = &programmes[0].programme.sections;
    assert_eq!((sections.len(), sections.iter().map(|s| s.measures.len()).sum::<usize>()), (2, 12));
    let facts = portfel_store::programmes::facts(store.db(), programmes[0].id).await.unwrap();
    let report = portfel_monitoring::annual::annual_report(&programmes[0].programme, &facts, &Default::default(), 2026);
    let total =
        (report.total.plan.to_string(), report.total.fact.to_string(), report.total.rate.map(|r| r.to_string()));
    assert_eq!(
        total,
        ("16925.0".into(), "11044.9".into(), Some("65.3".into())),
        "16,925,000 planned; 11,044,920 spent"
    );
    // The improvement programme is reported by its executive bodies each quarter: only the accepted
    // quarters make 2026's facts (one submitted and one returned quarter wait).
    let quarterly = &programmes[1];
    let quarters = portfel_store::programme_quarters::list(store.db(), quarterly.id).await.unwrap();
    let statuses: Vec<&str> = quarters.iter().map(|q| q.status.as_str()).collect();
    assert_eq!(statuses.len(), 8, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == "accepted").count(), 6);
    let accepted = portfel_monitoring::quarters::accepted_facts(&quarters);
    let report = portfel_monitoring::annual::annual_report(&quarterly.programme, &accepted, &Default::default(), 2026);
    assert_eq!((report.total.plan.to_string(), report.total.fact.to_string()), ("5700.0".into(), "2320.0".into()));
    assert!(
        quarterly.programme.measures().all(|(_, m)| !m.organisation_ids.is_empty()),
        "every measure names its executor"
    );
    let mut reports = portfel_store::reports::facts_by_project(store.db(), None).await.unwrap();
    assert_eq!(
        reports.values().map(Vec::len).sum::<usize>(),
        8,
        "a year's quarters on the three projects in implementation"
    );
    // Judged on the day the demo was loaded: its reports count from their submission, today.
    let on = chrono::Utc::now().date_naive().max(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let mut flagged = std::collections::BTreeSet::new();
    for p in passports.iter().filter(|p| p.status == Status::Implementation) {
        let facts = portfel_monitoring::deviation::ProjectFacts {
            in_implementation: true,
            approved_cost: p.total_cost.value(),
            planned: Default::default(),
            first_year: p.content.start_year.unwrap(),
            last_year: p.content.start_year.unwrap() + i32::from(p.content.duration_years.unwrap_or(1)) - 1,
            reports: reports.remove(&p.meta.id).unwrap_or_default(),
        };
        flagged
            .extend(portfel_monitoring::deviation::flags(&facts, &Default::default(), on).into_iter().map(|f| f.rule));
    }
    use portfel_monitoring::deviation::Rule;
    let expected = [Rule::CostOverrun, Rule::MilestoneLate, Rule::IndicatorOffTarget, Rule::ReportMissing];
    assert_eq!(flagged, expected.into_iter().collect(), "some projects are flagged, each rule once");
}
