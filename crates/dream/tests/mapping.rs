//! Export validates against DREAM's schema, import accepts DREAM documents,
//! fields Portfel does not model survive, and export → import → export is
//! the identity on generated passports.

use std::sync::LazyLock;

use chrono::{TimeZone, Utc};
use portfel_domain::passport::*;
use portfel_domain::{PassportContent, Status, Uah};
use portfel_dream::{ExportInput, GoalRef, export, import};
use portfel_monitoring::period::Period;
use portfel_monitoring::report::{ReportContent, SourceFact};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

static SCHEMA: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("../reference/idea.schema.json")).expect("schema is JSON"));

fn assert_valid(doc: &Value) {
    let validator = jsonschema::draft4::new(&SCHEMA).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{}: {}", e.instance_path(), e)).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{doc:#}");
}

fn party(name: &str, edrpou: &str) -> PartyRef {
    PartyRef { name: name.into(), edrpou: edrpou.into() }
}

fn passport() -> PassportContent {
    serde_json::from_value(json!({
        "title": {"uk": "Капітальний ремонт ліцею №3", "en": "Major repair of Lyceum No. 3"},
        "description": {"uk": "Утеплення фасаду"}, "problem": "Тепловтрати", "goals": ["Економія"],
        "project_type": "rehabilitation", "purpose": "development", "sector": "ES",
        "balance_holder": {"name": "Управління освіти", "edrpou": "40000001"},
        "implementer": {"name": "КП «Будсервіс»", "edrpou": "40000009"},
        "locations": [{"katottg": "UA46060250010015970", "address": "вул. Шевченка, 12"}],
        "start_year": 2027, "duration_years": 2,
        "costs": [{"year": 2027, "item": "design", "amount": "500000.00"}, {"year": 2028, "item": "construction", "amount": "9500000.55"}],
        "financing": [{"year": 2027, "source": "localBudget", "amount": "500000.00"}, {"year": 2028, "source": "donorFunds", "amount": "9000000.55"},
                      {"year": 2028, "source": "none", "amount": "500000.00"}],
        "readiness": {"documents": [{"kind": "designDocument", "title": "Робочий проєкт", "number": "РП-12", "date": "2026-03-15"}]},
        "beneficiaries": {"total": 800, "idps": 120}, "om_cost_per_year": "150000.00",
        "contacts": [{"name": "Олена"}]
    }))
    .unwrap()
}

fn input<'a>(
    content: &'a PassportContent,
    initiator: &'a PartyRef,
    goals: &'a [GoalRef],
    original: Option<&'a Value>,
) -> ExportInput<'a> {
    ExportInput {
        id: Uuid::from_u128(42),
        created: Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap(),
        updated: Utc.with_ymd_and_hms(2026, 4, 2, 11, 30, 0).unwrap(),
        status: Status::Submitted,
        content,
        initiator,
        goals,
        original,
        reports: &[],
        completion: None,
        files: Box::leak(Box::new(vec![attached_file()])),
        public_url: "https://portfel.example.gov.ua",
    }
}

/// A design estimate attached to the passport.
fn attached_file() -> portfel_domain::attachment::Attachment {
    use portfel_domain::attachment::{Attachment, FileType, OwnerKind};
    Attachment {
        id: Uuid::from_u128(7),
        owner_kind: OwnerKind::Passport,
        owner_id: Uuid::from_u128(42),
        kind: Some(DocumentKind::DesignDocument),
        name: "Кошторис.pdf".into(),
        file_type: FileType::Pdf,
        media_type: FileType::Pdf.media_type().into(),
        size: 1000,
        sha256: "0".repeat(64),
        uploaded_by: "ini-a".into(),
        uploaded_at: Utc.with_ymd_and_hms(2026, 4, 2, 11, 0, 0).unwrap(),
        replaces: None,
        from_revision: Some(2),
        removed_at: None,
        until_revision: None,
    }
}

/// A completion report as DREAM carries it: no handover, upkeep or narrative.
fn completion(outcome: portfel_monitoring::completion::Outcome) -> portfel_monitoring::completion::CompletionContent {
    serde_json::from_value(json!({
        "outcome": outcome, "actual_start": "2027-03-01", "actual_end": "2029-01-30",
        "costs": [{"year": 2027, "item": "design", "source": "localBudget", "amount": "480000.00"},
                  {"year": 2028, "item": "construction", "source": "donorFunds", "amount": "9020000.55"}],
        "indicators": [{"name": "Кількість отримувачів послуг", "unit": "осіб", "baseline": "0", "target": "800", "actual": "760"},
                       {"name": "Аварії системи опалення", "unit": "од.", "baseline": "2", "target": "0", "actual": null}],
        "remaining": if outcome == portfel_monitoring::completion::Outcome::Completed { "" } else { portfel_dream::DREAM_REMAINING }
    }))
    .unwrap()
}

#[test]
fn a_completion_goes_out_valid_and_comes_back_as_it_was() {
    use portfel_monitoring::completion::Outcome;
    let (content, initiator, goals) = (passport(), party("Управління освіти", "40000001"), Vec::new());
    for (status, outcome, contract) in
        [(Status::Completed, Outcome::Completed, "complete"), (Status::Cancelled, Outcome::Cancelled, "terminated")]
    {
        let report = completion(outcome);
        let mut with = input(&content, &initiator, &goals, None);
        with.status = status;
        with.completion = Some(&report);
        let exported = export(&with);
        assert_valid(&exported);
        let process = &exported["contractingProcesses"][0]["summary"];
        assert_eq!(
            (process["status"].as_str(), process["contract"]["status"].as_str()),
            (Some(status_code(status)), Some(contract))
        );
        assert_eq!(process["contract"]["period"]["endDate"], "2029-01-30T23:59:59Z");
        let imported = import(&exported).unwrap();
        assert_eq!(imported.completion.as_ref(), Some(&report), "{status:?}");
        assert!(imported.reports.is_empty(), "the completion's money is not read as a period's report");
    }
    let mut open = input(&content, &initiator, &goals, None);
    open.status = Status::Implementation;
    let report = completion(Outcome::Completed);
    open.completion = Some(&report);
    assert_eq!(import(&export(&open)).unwrap().completion, None, "a project DREAM has not closed has no completion");
}

fn status_code(status: Status) -> &'static str {
    match status {
        Status::Completed => "complete",
        _ => "cancelled",
    }
}

#[test]
fn attached_files_go_out_as_links_and_do_not_come_back_as_readiness_evidence() {
    let (content, initiator, goals) = (passport(), party("Управління освіти", "40000001"), Vec::new());
    let exported = export(&input(&content, &initiator, &goals, None));
    let file = exported["documents"].as_array().unwrap().iter().find(|d| d["title"] == "Кошторис.pdf").unwrap();
    assert_eq!(
        file["url"],
        "https://portfel.example.gov.ua/api/v1/attachments/00000000-0000-0000-0000-000000000007/content"
    );
    assert_eq!(
        (file["format"].as_str(), file["documentType"].as_str()),
        (Some("application/pdf"), Some("designDocument"))
    );
    let again = export(&input(&content, &initiator, &goals, Some(&exported)));
    let files = again["documents"].as_array().unwrap().iter().filter(|d| d["title"] == "Кошторис.pdf").count();
    assert_eq!(files, 1, "exported over its own export, the file is listed once");
    let imported = import(&exported).unwrap();
    assert!(
        imported.content.readiness.documents.iter().all(|d| d.title != "Кошторис.pdf"),
        "Portfel's own files are not imported as links"
    );
}

#[test]
fn exported_documents_validate_against_dreams_schema() {
    let p = passport();
    let initiator = party("Управління освіти", "40000001");
    let goals =
        [GoalRef {
            kind: "communityDevelopmentStrategy".into(), code: "1.1".into(), title: "Безпечні школи".into()
        }];
    let doc = export(&input(&p, &initiator, &goals, None));
    assert_valid(&doc);
    assert_eq!(doc["status"], "pending");
    assert_eq!(doc["statusDetails"], "initiated");
    assert_eq!(doc["parties"][0]["roles"], json!(["initiator", "balancer"]), "one party, two roles");
    let finance = doc["approaches"][0]["budget"]["finance"].as_array().unwrap();
    assert_eq!(finance.len(), 2, "the uncovered part is not financing");
    assert_eq!(
        (finance[1]["financeCategory"].as_str(), finance[1]["financeType"].as_str()),
        (Some("internationalOrganization"), Some("internationalPartners"))
    );
    assert_eq!(doc["approaches"][0]["budget"]["budgetBreakdown"][1]["amount"]["amount"], json!(9500000.55));
    // Every state exports validly.
    for status in Status::ALL {
        let mut i = input(&p, &initiator, &goals, None);
        i.status = status;
        assert_valid(&export(&i));
    }
}

#[test]
fn import_reads_what_export_writes_and_fills_the_uncovered_gap() {
    let p = passport();
    let initiator = party("Управління освіти", "40000001");
    let doc = export(&input(&p, &initiator, &[], None));
    let imported = import(&doc).unwrap();
    assert_eq!(imported.status, Status::Submitted);
    assert_eq!(imported.initiator, Some(initiator));
    let c = &imported.content;
    assert_eq!(c.costs, p.costs);
    assert_eq!(
        c.financing.iter().map(|f| (f.year, f.source.as_str(), f.amount.to_string())).collect::<Vec<_>>(),
        vec![
            (2027, "localBudget", "500000.00".to_owned()),
            (2028, "internationalOrganization", "9000000.55".to_owned()),
            (2028, "none", "500000.00".to_owned()),
        ]
    );
    assert_eq!((c.start_year, c.duration_years), (Some(2027), Some(2)));
    assert_eq!(c.beneficiaries, p.beneficiaries);
    assert_eq!(c.locations, p.locations);
    assert_eq!(c.readiness.documents, p.readiness.documents);
    assert_eq!(
        (c.balance_holder.as_ref(), c.implementer.as_ref()),
        (p.balance_holder.as_ref(), p.implementer.as_ref())
    );
}

/// A report with only financing (source, received, spent) and progress: what DREAM carries.
fn fact(period: Period, financing: &[(&str, &str, &str)], progress: &str) -> ReportContent {
    ReportContent {
        period,
        financing: financing
            .iter()
            .map(|(source, received, spent)| SourceFact {
                source: (*source).into(),
                received: received.parse().unwrap(),
                spent: spent.parse().unwrap(),
            })
            .collect(),
        progress_percent: progress.parse().unwrap(),
        milestones: vec![],
        indicators: vec![],
        narrative: String::new(),
        estimated_cost: None,
        documents: vec![],
    }
}

#[test]
fn implementation_facts_travel_in_a_contracting_process_and_come_back() {
    let p = passport();
    let initiator = party("Управління освіти", "40000001");
    let reports = [
        fact(Period::quarter(2027, 1), &[("localBudget", "200000.00", "150000.50")], "12.5"),
        fact(Period::quarter(2027, 2), &[("localBudget", "300000.00", "349999.50"), ("donorFunds", "0", "0")], "40"),
        fact(Period::year(2028), &[("donorFunds", "9000000.55", "8000000.00")], "100"),
    ];
    let foreign = json!({"id": "UA-2027-01-01-000001-a", "platform": "national",
        "summary": {"status": "complete", "contract": {"implementation": {"metrics": [{"id": "contractFact", "observations": [
            {"id": "1", "measure": "1000", "dimensions": {"workCategory": "works"}, "unit": {"id": "UAH"}}]}]}}}});
    let original = json!({"contractingProcesses": [foreign.clone()]});
    let mut i = input(&p, &initiator, &[], Some(&original));
    i.status = Status::Implementation;
    i.reports = &reports;
    let doc = export(&i);
    assert_valid(&doc);
    assert_eq!((doc["status"].as_str(), doc["statusDetails"].as_str()), (Some("active"), Some("implementation")));
    let processes = doc["contractingProcesses"].as_array().unwrap();
    assert_eq!(processes.len(), 2, "the foreign process is kept beside Portfel's");
    assert_eq!(processes[0], foreign);
    let ours = &processes[1];
    assert_eq!(ours["summary"]["status"], "implementation");
    let metrics = ours["summary"]["contract"]["implementation"]["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), 1, "the plan stays in approaches[].budget");
    assert_eq!(metrics[0]["id"], "contractFact");
    let facts = metrics[0]["observations"].as_array().unwrap();
    let spent_q2 = facts
        .iter()
        .find(|o| {
            o["dimensions"] == json!({"workCategory": "spent", "workItem": "localBudget"})
                && o["period"]["endDate"] == "2027-06-30T23:59:59Z"
        })
        .unwrap();
    assert_eq!((spent_q2["measure"].as_str(), spent_q2["unit"]["id"].as_str()), (Some("349999.5"), Some("UAH")));
    assert_eq!(spent_q2["period"]["startDate"], "2027-04-01T00:00:00Z");
    let progress = facts.iter().find(|o| o["dimensions"]["workCategory"] == "progress").unwrap();
    assert_eq!((progress["measure"].as_str(), progress["unit"]["id"].as_str()), (Some("12.5"), Some("P1")));

    let imported = import(&doc).unwrap();
    assert_eq!(imported.reports, reports.to_vec(), "financing and progress come back by period");
    let mut again = input(&imported.content, &initiator, &[], Some(&imported.document));
    again.status = Status::Implementation;
    again.reports = &imported.reports;
    assert_eq!(export(&again), doc, "re-export replaces Portfel's process instead of adding a second");
}

#[test]
fn unusable_implementation_observations_stay_in_the_document_only() {
    let obs = |category: &str, source: &str, measure: &str, unit: &str, start: &str, end: &str| {
        json!({"id": "x", "measure": measure, "dimensions": {"workCategory": category, "workItem": source},
               "unit": {"id": unit}, "period": {"startDate": start, "endDate": end}})
    };
    let q1 = ("2027-01-01T00:00:00Z", "2027-03-31T23:59:59Z");
    let mut doc = rich_document();
    doc["contractingProcesses"] = json!([{"id": "p", "platform": "national", "summary": {"contract": {"implementation": {"metrics": [
        {"id": "contractFact", "observations": [
            obs("spent", "localBudget", "100.50", "UAH", q1.0, q1.1),
            obs("spent", "madeUpSource", "1", "UAH", q1.0, q1.1),
            obs("spent", "localBudget", "-5", "UAH", "2027-04-01T00:00:00Z", "2027-06-30T23:59:59Z"),
            obs("spent", "localBudget", "7", "USD", "2027-07-01T00:00:00Z", "2027-09-30T23:59:59Z"),
            obs("spent", "localBudget", "9", "UAH", "2027-02-01T00:00:00Z", "2027-03-31T23:59:59Z"),
            obs("progress", "", "150", "P1", q1.0, q1.1),
            obs("received", "localBudget", "not a number", "UAH", q1.0, q1.1),
        ]},
        {"id": "contractPlan", "observations": [obs("spent", "localBudget", "999", "UAH", q1.0, q1.1)]},
    ]}}}}]);
    let imported = import(&doc).unwrap();
    let periods: Vec<Period> = imported.reports.iter().map(|r| r.period).collect();
    assert_eq!(
        periods,
        [Period::quarter(2027, 1), Period::quarter(2027, 2), Period::quarter(2027, 3)],
        "a period appears once an observation spans it"
    );
    let q1 = &imported.reports[0];
    let financing: Vec<(&str, String, String)> =
        q1.financing.iter().map(|f| (f.source.as_str(), f.received.to_string(), f.spent.to_string())).collect();
    assert_eq!(financing, [("localBudget", "0.00".to_owned(), "100.50".to_owned())], "only the usable figure");
    assert_eq!(q1.progress_percent, Decimal::ZERO, "150 % is not a progress");
    assert!(imported.reports[1..].iter().all(|r| r.financing.is_empty()), "negative and USD figures are left out");
    assert_eq!(imported.document, doc, "the document is kept whole");
}

/// A DREAM document with much Portfel does not model.
fn rich_document() -> Value {
    json!({
        "date": "2025-05-01T08:00:00Z", "updated": "2025-06-01T08:00:00Z", "type": "construction",
        "title": [{"lang": "uk", "translation": "Будівництво мосту"}, {"lang": "en", "translation": "Bridge"}],
        "description": [{"lang": "uk", "translation": "Міст через річку"}],
        "purpose": "restoration", "status": "active", "statusDetails": "implementation",
        "parties": [
            {"id": "UA-EDR-40000001", "roles": ["initiator", "designer"], "identifier": {"scheme": "UA-EDR", "id": "40000001", "legalName": "Служба доріг"}},
            {"id": "UA-EDR-1234567890", "roles": ["supplier"], "identifier": {"scheme": "UA-EDR", "id": "1234567890", "legalName": "ФОП Іваненко"}}
        ],
        "metrics": [{"id": "initiationMetricsSocialAndEconomic", "observations": [
            {"id": "6f0b1e9e-1111-4a0a-9a0a-000000000001", "dimensions": {"basicValue": 0, "targetValue": 5000, "characteristic": "numberOfConsumers"}},
            {"id": "6f0b1e9e-1111-4a0a-9a0a-000000000002", "notes": "робочі місця", "dimensions": {"basicValue": 1, "targetValue": 40, "characteristic": "other"}}
        ]}, {"id": "initiationMetricsFinancial", "observations": [{"id": "6f0b1e9e-1111-4a0a-9a0a-000000000003", "dimensions": {"basicValue": 0, "targetValue": 1, "characteristic": "other"}}]}],
        "targets": [{"id": "initiationPhases", "observations": [{"id": "6f0b1e9e-1111-4a0a-9a0a-000000000004", "period": {"durationInDays": 365}, "dimensions": {"phaseCode": "implementation"}}]}],
        "documents": [{"id": "6f0b1e9e-1111-4a0a-9a0a-000000000005", "url": "https://example.org/photo.jpg", "format": "image/jpeg", "datePublished": "2025-05-01T08:00:00Z", "dateModified": "2025-05-01T08:00:00Z", "documentType": "illustrationBefore"}],
        "approaches": [{"id": "6f0b1e9e-1111-4a0a-9a0a-000000000006", "title": "Основний варіант", "description": "залізобетон",
            "items": [{"id": "6f0b1e9e-1111-4a0a-9a0a-000000000007", "description": "міст",
                "locations": [{"gazetteer": {"scheme": "UA-CATOTTG", "identifiers": ["UA46060250010015970"]}}],
                "additionalClassifications": [{"scheme": "UN-CPC", "id": "53221"}]}],
            "budget": {"budgetBreakdown": [
                {"id": "a1", "amount": {"amount": 1000000, "currency": "UAH"}, "period": {"startDate": "2025-01-01T00:00:00Z", "endDate": "2025-12-31T23:59:59Z"}, "classifications": {"costItem": "construction", "costType": "capex", "budgetType": "original"}},
                {"id": "a2", "amount": {"amount": 20000, "currency": "EUR"}, "period": {"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-12-31T23:59:59Z"}, "classifications": {"costItem": "equipment", "costType": "capex"}}
            ], "finance": [{"id": "6f0b1e9e-1111-4a0a-9a0a-000000000008", "value": {"amount": 1000000, "currency": "UAH"}, "period": {"startDate": "2025-01-01T00:00:00Z", "endDate": "2025-12-31T23:59:59Z"}, "financeType": "stateFunds", "financeCategory": "stateSubsidies", "financingParty": {"id": "mof", "name": "Мінфін"}}]}
        }],
        "additionalClassifications": [{"scheme": "WB-ECO", "id": "TI"}, {"scheme": "COFOG", "id": "04.5.1"}],
        "relatedProcesses": [{"scheme": "UA-PROZORRO", "id": "UA-2025-05-01-000001-a", "relationship": "procurement"}],
        "contractingProcesses": [{"id": "ocds-1", "platform": "national", "summary": {"status": "implementation"}}]
    })
}

#[test]
fn unmodelled_fields_are_given_back_verbatim() {
    let original = rich_document();
    assert_valid(&original);
    let imported = import(&original).unwrap();
    assert_eq!(imported.status, Status::Implementation);
    assert_eq!(imported.content.sector.as_deref(), Some("TI"));
    assert_eq!(imported.content.costs.len(), 1, "the EUR line stays in DREAM's document only");
    let initiator = imported.initiator.clone().unwrap();
    let mut i = input(&imported.content, &initiator, &[], Some(&original));
    i.status = imported.status;
    let back = export(&i);
    assert_valid(&back);
    for key in ["targets", "relatedProcesses", "contractingProcesses"] {
        assert_eq!(back[key], original[key], "{key}");
    }
    assert_eq!(back["documents"][0], original["documents"][0]);
    assert_eq!(back["approaches"][0]["description"], "залізобетон");
    assert_eq!(
        back["approaches"][0]["items"][0]["additionalClassifications"],
        original["approaches"][0]["items"][0]["additionalClassifications"]
    );
    assert!(
        back["additionalClassifications"].as_array().unwrap().contains(&json!({"scheme": "COFOG", "id": "04.5.1"}))
    );
    assert!(back["parties"].as_array().unwrap().iter().any(|p| p["roles"] == json!(["supplier"])));
    assert!(back["parties"].as_array().unwrap().iter().any(|p| p["roles"] == json!(["designer", "initiator"])));
    let metrics = back["metrics"].as_array().unwrap();
    assert!(metrics.iter().any(|m| m["id"] == "initiationMetricsFinancial"));
    assert!(metrics[0]["observations"].as_array().unwrap().iter().any(|o| o["notes"] == "робочі місця"));
}

#[test]
fn broken_documents_are_refused_naming_fields() {
    let errors = import(&json!({"title": [], "status": "somewhere", "updated": "yesterday"})).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["title", "status", "updated"]);
    assert_eq!(import(&json!([1, 2])).unwrap_err()[0].field, "document");
}

#[test]
fn reference_schemas_match_the_shared_openapi() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/dream/openapi.yaml");
    let Ok(text) = std::fs::read_to_string(path) else { return };
    let spec: Value = yaml_serde::from_str(&text).unwrap();
    let paths = &spec["paths"];
    assert_eq!(
        paths["/marketplace/public/dream/ideas/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
        *SCHEMA
    );
    let list: Value = serde_json::from_str(include_str!("../reference/ideas-list.schema.json")).unwrap();
    assert_eq!(
        paths["/marketplace/public/dream/ideas"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
        list
    );
}

fn amount() -> impl Strategy<Value = Uah> {
    (0i64..5_000_000_000).prop_map(|k| Uah::new(Decimal::new(k, 2)).unwrap())
}

prop_compose! {
    fn generated()(
        title in "[А-Яа-яіїє ]{1,40}",
        en in proptest::option::of("[A-Za-z ]{1,30}"),
        kind in prop::sample::select(vec!["rehabilitation", "construction", "equipment", "replacement"]),
        purpose in prop::sample::select(vec!["restoration", "development"]),
        sector in prop::sample::select(vec!["ES", "WC", "HQ", "TI", "LT"]),
        start in 2025i32..2030,
        lines in prop::collection::vec((0i32..3, prop::sample::select(vec![CostItem::Design, CostItem::Construction, CostItem::Equipment, CostItem::Maintenance]), amount()), 1..6),
        finance in prop::collection::vec((0i32..3, prop::sample::select(vec!["localBudget", "stateSubsidies", "donorFunds", "naturalPerson", "united24"]), amount()), 0..6),
        total in 0u64..100_000,
        idp_share in 0u64..100,
        status in prop::sample::select(Status::ALL.to_vec()),
        with_doc in any::<bool>(),
        facts in prop::collection::btree_map(
            (0i32..3, prop::option::of(1u8..=4)),
            (0i64..10_000, prop::collection::btree_map(prop::sample::select(vec!["localBudget", "stateSubsidies", "donorFunds"]), (amount(), amount()), 0..3)),
            0..5,
        ),
    ) -> (PassportContent, Status, Vec<ReportContent>) {
        let mut p = PassportContent {
            title: LocalizedText { uk: title.trim().to_owned() + "проєкт", en },
            project_type: Some(kind.into()),
            purpose: Some(purpose.into()),
            sector: Some(sector.into()),
            start_year: Some(start),
            duration_years: Some(3),
            locations: vec![Location { katottg: "UA46060250010015970".into(), address: None }],
            balance_holder: Some(PartyRef { name: "Балансоутримувач".into(), edrpou: "40000002".into() }),
            beneficiaries: Beneficiaries { total, idps: total * idp_share / 100 },
            ..PassportContent::default()
        };
        for (offset, item, amount) in lines {
            let year = start + offset;
            if !p.costs.iter().any(|c| c.year == year && c.item == item) {
                p.costs.push(CostLine { year, item, cost_type: CostType::Capex, amount });
            }
        }
        for (offset, source, amount) in finance {
            let year = start + offset;
            if !p.financing.iter().any(|f| f.year == year && f.source == source) {
                p.financing.push(FinancingLine { year, source: source.into(), amount });
            }
        }
        if with_doc {
            p.readiness.documents.push(ReadinessDocument { kind: DocumentKind::FeasibilityStudy, title: "ТЕО".into(), number: None, date: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(), url: Some(portfel_domain::WebLink::new("https://example.org/teo.pdf")) });
        }
        let reports = facts
            .into_iter()
            .map(|((offset, quarter), (progress, financing))| ReportContent {
                period: Period { year: start + offset, quarter },
                financing: financing
                    .into_iter()
                    .map(|(source, (received, spent))| SourceFact { source: source.into(), received, spent })
                    .collect(),
                progress_percent: Decimal::new(progress, 2),
                ..fact(Period::year(start), &[], "0")
            })
            .collect();
        (p, status, reports)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn export_import_export_is_the_identity(generated in generated()) {
        let (p, status, reports) = generated;
        let initiator = party("Ініціатор", "40000001");
        let goals = [GoalRef { kind: "communityDevelopmentStrategy".into(), code: "2.1".into(), title: "Вода".into() }];
        let mut first_input = input(&p, &initiator, &goals, None);
        first_input.status = status;
        first_input.reports = &reports;
        let first = export(&first_input);
        assert_valid(&first);
        let imported = import(&first).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(imported.status, status);
        prop_assert_eq!(&imported.goals, &goals.to_vec());
        prop_assert_eq!(&imported.reports, &reports);
        let again_initiator = imported.initiator.clone().unwrap();
        let mut second_input = input(&imported.content, &again_initiator, &imported.goals, Some(&imported.document));
        second_input.status = imported.status;
        second_input.reports = &imported.reports;
        prop_assert_eq!(export(&second_input), first);
    }
}

fn translations() -> impl Strategy<Value = Value> {
    let item = (
        prop::sample::select(vec!["uk", "en"]),
        proptest::option::of(prop_oneof!["[А-Яа-я ]{0,12}", Just(" ".to_owned()), "x{5001}"]),
    )
        .prop_map(|(lang, t)| match t {
            Some(t) => json!({"lang": lang, "translation": t}),
            None => json!({"lang": lang}),
        });
    prop::collection::vec(item, 1..3).prop_map(Value::Array)
}

fn period() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1990i32..2110).prop_map(
            |y| json!({"startDate": format!("{y}-01-01T00:00:00Z"), "endDate": format!("{y}-12-31T23:59:59Z")})
        ),
        Just(json!({"startDate": "soon", "endDate": "later"}))
    ]
}

fn money() -> impl Strategy<Value = f64> {
    prop_oneof![0.0f64..1e9, Just(-5.0), Just(1e20), Just(0.001), Just(1234.5678)]
}

fn dream_doc() -> impl Strategy<Value = Value> {
    let costs = prop::collection::vec(
        (
            money(),
            prop::sample::select(vec!["UAH", "EUR"]),
            period(),
            prop::sample::select(vec!["design", "construction", "taxes", "landAcquisition"]),
        ),
        0..4,
    );
    let finance = prop::collection::vec(
        (money(), period(), prop::sample::select(vec!["localBudget", "united24", "abroadPerson", "stateReserve"])),
        0..4,
    );
    let party = (
        "[0-9]{6,12}",
        prop::sample::select(vec![
            vec!["initiator"],
            vec!["balancer", "designer"],
            vec!["implementer"],
            vec!["supplier"],
        ]),
    );
    let metric = (
        prop::sample::select(vec!["numberOfConsumers", "numberOfIDP", "other"]),
        prop_oneof![0.0f64..1e6, Just(-3.0), Just(1e30)],
    );
    let document = (
        prop::sample::select(vec!["designDocument", "feasibilityStudy", "illustrationBefore"]),
        prop::sample::select(vec!["https://example.org/a.pdf", "not a url"]),
    );
    (
        (translations(), translations(), prop::sample::select(vec!["rehabilitation", "construction", "equipment"]), prop::sample::select(vec!["restoration", "development"])),
        (prop::sample::select(vec!["pending", "active", "complete", "cancelled", "unsuccessful"]), proptest::option::of(prop::sample::select(vec!["initiated", "structuring", "applied", "implementation"]))),
        prop::collection::vec(party, 1..3),
        (costs, finance, prop::collection::vec("UA[0-9]{15,18}", 0..3)),
        (prop::collection::vec(metric, 0..3), prop::collection::vec(document, 0..3), prop::collection::vec(prop::sample::select(vec!["ES", "ZZ", "communityDevelopmentStrategy"]), 0..3)),
    )
        .prop_map(|((title, description, kind, purpose), (status, details), parties, (costs, finance, katottg), (metrics, documents, classes))| {
            let mut doc = json!({
                "date": "2025-01-01T00:00:00Z", "updated": "2025-02-01T00:00:00Z", "type": kind, "title": title,
                "description": description, "purpose": purpose, "status": status,
                "parties": parties.iter().map(|(id, roles)| json!({"id": id, "roles": roles, "identifier": {"scheme": "UA-EDR", "id": id, "legalName": "Сторона"}})).collect::<Vec<_>>(),
                "approaches": [{"id": "00000000-0000-4000-8000-000000000001", "title": "Варіант",
                    "items": [{"id": "00000000-0000-4000-8000-000000000002", "locations": [{"gazetteer": {"scheme": "UA-CATOTTG", "identifiers": if katottg.is_empty() { vec!["UA1".to_owned()] } else { katottg }}}]}],
                    "budget": {
                        "budgetBreakdown": costs.iter().enumerate().map(|(i, (a, cur, p, item))| json!({"id": format!("c{i}"), "amount": {"amount": a, "currency": cur}, "period": p, "classifications": {"costItem": item, "costType": "capex"}})).collect::<Vec<_>>(),
                        "finance": finance.iter().map(|(a, p, cat)| json!({"id": "00000000-0000-4000-8000-000000000003", "value": {"amount": a, "currency": "UAH"}, "period": p, "financeType": "stateFunds", "financeCategory": cat})).collect::<Vec<_>>()
                    }}],
            });
            if let Some(d) = details {
                doc["statusDetails"] = json!(d);
            }
            if !metrics.is_empty() {
                doc["metrics"] = json!([{"id": "initiationMetricsSocialAndEconomic", "observations": metrics.iter().map(|(c, v)| json!({"id": "00000000-0000-4000-8000-000000000004", "dimensions": {"basicValue": 0, "targetValue": v, "characteristic": c}})).collect::<Vec<_>>()}]);
            }
            if !documents.is_empty() {
                doc["documents"] = json!(documents.iter().map(|(t, u)| json!({"id": "00000000-0000-4000-8000-000000000005", "url": u, "format": "application/pdf", "datePublished": "2025-01-01T00:00:00Z", "dateModified": "2025-01-01T00:00:00Z", "documentType": t})).collect::<Vec<_>>());
            }
            if !classes.is_empty() {
                doc["additionalClassifications"] = json!(classes.iter().map(|c| json!({"scheme": if c.len() == 2 { "WB-ECO" } else { "UA-GIS" }, "id": c, "description": "1.1 Ціль"})).collect::<Vec<_>>());
            }
            doc
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    #[test]
    fn every_schema_valid_document_imports(doc in dream_doc()) {
        let validator = jsonschema::draft4::new(&SCHEMA).unwrap();
        prop_assume!(validator.is_valid(&doc));
        let imported = import(&doc);
        prop_assert!(imported.is_ok(), "{:?}\n{doc:#}", imported.err());
    }
}
