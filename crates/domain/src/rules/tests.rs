use super::*;
use crate::passport::*;

fn uah(s: &str) -> Uah {
    s.parse().unwrap()
}

/// A passport that meets every submission rule.
fn complete() -> PassportContent {
    PassportContent {
        title: LocalizedText {
            uk: "Капітальний ремонт ліцею №3".into(),
            en: Some("Major repair of Lyceum No. 3".into()),
        },
        description: Some(LocalizedText {
            uk: "Утеплення фасаду та заміна вікон".into(), en: None
        }),
        problem: Some("Високі тепловтрати будівлі".into()),
        goals: vec!["Зменшити споживання тепла на 40%".into()],
        project_type: Some("rehabilitation".into()),
        purpose: Some("development".into()),
        nature: vec!["construction".into()],
        sector: Some("EP".into()),
        balance_holder: Some(PartyRef { name: "Управління освіти".into(), edrpou: "12345678".into() }),
        implementer: None,
        locations: vec![Location { katottg: "UA46060250010015970".into(), address: None }],
        strategy_goal_ids: vec![uuid::Uuid::nil()],
        start_year: Some(2027),
        duration_years: Some(2),
        costs: vec![
            CostLine { year: 2027, item: CostItem::Design, cost_type: CostType::Capex, amount: uah("500000.00") },
            CostLine {
                year: 2028,
                item: CostItem::Construction,
                cost_type: CostType::Capex,
                amount: uah("9500000.00"),
            },
        ],
        financing: vec![
            FinancingLine { year: 2027, source: "localBudget".into(), amount: uah("500000.00") },
            FinancingLine { year: 2028, source: "localBudget".into(), amount: uah("1500000.00") },
            FinancingLine { year: 2028, source: "stateSubsidies".into(), amount: uah("8000000.00") },
        ],
        readiness: Readiness::default(),
        beneficiaries: Beneficiaries { total: 800, idps: 120 },
        om_cost_per_year: Some(uah("150000.00")),
        risks: vec![],
        cross_cutting: CrossCutting { energy_efficiency: true, ..Default::default() },
        contacts: vec![Contact {
            name: "Олена Коваленко".into(),
            position: None,
            email: Some("o.k@example.gov.ua".into()),
            phone: None,
        }],
    }
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn complete_passport_passes_every_rule() {
    assert_eq!(check_submission(&complete(), Codelists::embedded()), vec![]);
}

#[test]
fn minimal_draft_is_storable_but_not_submittable() {
    let draft =
        PassportContent { title: LocalizedText { uk: "Нова ідея".into(), en: None }, ..Default::default() };
    assert_eq!(check_content(&draft, Codelists::embedded()), vec![]);
    let errors = check_submission(&draft, Codelists::embedded());
    for field in [
        "description",
        "problem",
        "goals",
        "project_type",
        "sector",
        "locations",
        "strategy_goal_ids",
        "costs",
        "financing",
        "beneficiaries.total",
        "contacts",
    ] {
        assert!(fields(&errors).contains(&field), "{field} missing from {errors:?}");
    }
}

#[test]
fn unknown_codes_are_named() {
    let mut p = complete();
    p.sector = Some("ZZ".into());
    p.financing[0].source = "piggyBank".into();
    let errors = check_content(&p, Codelists::embedded());
    assert_eq!(fields(&errors), vec!["sector", "financing[0].source"]);
    assert!(errors.iter().all(|e| e.code == "unknown_code"));
}

#[test]
fn financing_must_match_cost_each_year() {
    let mut p = complete();
    p.financing[2].amount = uah("7999999.99");
    let errors = check_submission(&p, Codelists::embedded());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "financing_mismatch");
    assert_eq!(errors[0].message, "financing for 2028 (9,499,999.99) does not match the cost (9,500,000.00)");
    let uk = errors[0].text(crate::messages::Lang::Uk);
    assert_eq!(
        uk,
        "фінансування на 2028 рік (9\u{202f}499\u{202f}999,99 грн) не дорівнює вартості (9\u{202f}500\u{202f}000,00 грн)"
    );
}

#[test]
fn years_must_lie_inside_the_duration() {
    let mut p = complete();
    p.costs[1].year = 2029;
    p.financing[0].year = 1999;
    let errors = check_content(&p, Codelists::embedded());
    assert_eq!(fields(&errors), vec!["costs[1].year", "financing[0].year"]);
    assert_eq!(errors[0].code, "year_outside_duration");
    assert_eq!(errors[1].code, "year_out_of_range");
}

#[test]
fn amounts_are_bounded() {
    let mut p = complete();
    p.costs[0].amount = uah("-1.00");
    p.costs[1].amount = uah("1000000000000.01");
    let errors = check_content(&p, Codelists::embedded());
    assert_eq!(fields(&errors), vec!["costs[0].amount", "costs[1].amount"]);
}

#[test]
fn nested_format_errors_carry_paths() {
    let mut p = complete();
    p.locations[0].katottg = "UA123".into();
    p.contacts[0].email = Some("not-an-email".into());
    p.title.uk = String::new();
    p.duration_years = Some(0);
    let errors = check_content(&p, Codelists::embedded());
    let f = fields(&errors);
    for field in ["contacts[0].email", "duration_years", "locations[0].katottg", "title.uk"] {
        assert!(f.contains(&field), "{field} missing in {f:?}");
    }
    let katottg = errors.iter().find(|e| e.field == "locations[0].katottg").unwrap();
    assert_eq!(katottg.message, "KATOTTG code must be UA followed by 17 digits");
}

#[test]
fn idps_cannot_exceed_total_and_duplicates_are_refused() {
    let mut p = complete();
    p.beneficiaries.idps = 801;
    p.costs.push(p.costs[0].clone());
    let errors = check_content(&p, Codelists::embedded());
    assert_eq!(fields(&errors), vec!["costs[2]", "beneficiaries.idps"]);
}

#[test]
fn unknown_json_fields_and_enum_values_are_refused() {
    let mut v = serde_json::to_value(complete()).unwrap();
    v["colour"] = "blue".into();
    assert!(serde_json::from_value::<PassportContent>(v).is_err());
    let mut v = serde_json::to_value(complete()).unwrap();
    v["costs"][0]["item"] = "fireworks".into();
    assert!(serde_json::from_value::<PassportContent>(v).is_err());
}

#[test]
fn json_round_trip_keeps_amounts_exact() {
    let p = complete();
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.contains("\"amount\":\"9500000.00\""));
    assert_eq!(serde_json::from_str::<PassportContent>(&json).unwrap(), p);
}
