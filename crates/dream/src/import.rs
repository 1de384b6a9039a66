//! DREAM project document → passport content. Lenient where DREAM's schema is
//! looser than Portfel's rules (foreign currencies, unknown sector codes,
//! non-EDRPOU identifiers): such parts are left out of the passport but kept
//! in the stored document, so they are given back on export.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use portfel_domain::money::MAX_LINE_AMOUNT;
use portfel_domain::passport::{
    Beneficiaries, CostItem, CostLine, CostType, DocumentKind, EDRPOU, FinancingLine, KATOTTG, LocalizedText, Location,
    PartyRef, Readiness, ReadinessDocument,
};
use portfel_domain::rules::check_content;
use portfel_domain::{Codelist, Codelists, FieldError, PassportContent, Status, Uah, WebLink};
use portfel_monitoring::report::ReportContent;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::GoalRef;
use crate::codes;
use crate::implementation;
use crate::shapes::{MANAGED_METRICS, SOCIAL_METRICS, date};

/// What an import yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Passport content.
    pub content: PassportContent,
    /// Lifecycle state from DREAM's status.
    pub status: Status,
    /// The initiating organisation, when named with an EDRPOU code.
    pub initiator: Option<PartyRef>,
    /// Strategy goals named in UA-GIS classifications.
    pub goals: Vec<GoalRef>,
    /// When DREAM last changed the project.
    pub updated: DateTime<Utc>,
    /// Implementation facts (financing and progress) by period, from the
    /// contracting process Portfel writes.
    pub reports: Vec<ReportContent>,
    /// The completion report of a project DREAM has closed, from the same process.
    pub completion: Option<portfel_monitoring::completion::CompletionContent>,
    /// The whole document, kept for export.
    pub document: Value,
}

fn text(v: &Value) -> Option<&str> {
    v.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// Longest text kept in a passport field (the rest stays in the document).
const MAX_TEXT: usize = 5000;

fn clip(s: &str) -> String {
    s.chars().take(MAX_TEXT).collect()
}

fn localized(v: &Value) -> Option<LocalizedText> {
    let list = v.as_array()?;
    let find = |lang: &str| list.iter().find(|t| t["lang"] == lang).and_then(|t| text(&t["translation"])).map(clip);
    let uk = find("uk").or_else(|| list.iter().find_map(|t| text(&t["translation"])).map(clip))?;
    let en = find("en").filter(|en| *en != uk);
    Some(LocalizedText { uk, en })
}

fn year(period: &Value) -> Option<i32> {
    let start = period["startDate"].as_str()?;
    start
        .get(..4)?
        .parse()
        .ok()
        .filter(|y| (portfel_domain::rules::MIN_YEAR..=portfel_domain::rules::MAX_YEAR).contains(y))
}

fn uah(money: &Value, amount_key: &str) -> Option<Uah> {
    if money["currency"] != "UAH" {
        return None;
    }
    let n = money[amount_key].as_f64()?;
    let d = Decimal::from_str(&n.to_string()).ok()?.round_dp(2);
    (!d.is_sign_negative() && d <= MAX_LINE_AMOUNT).then(|| Uah::new(d).ok()).flatten()
}

fn edrpou_party(party: &Value) -> Option<PartyRef> {
    let id = &party["identifier"];
    let edrpou = text(&id["id"])?;
    (id["scheme"] == "UA-EDR" && EDRPOU.is_match(edrpou))
        .then(|| PartyRef { edrpou: edrpou.to_owned(), name: text(&id["legalName"]).unwrap_or(edrpou).to_owned() })
}

fn has_role(party: &Value, role: &str) -> bool {
    party["roles"].as_array().is_some_and(|r| r.iter().any(|x| x == role))
}

fn array(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

/// Reads a DREAM project document. Fails, naming fields, only when a
/// required part is missing or unusable.
pub fn import(doc: &Value) -> Result<Imported, Vec<FieldError>> {
    let mut errors = Vec::new();
    if !doc.is_object() {
        return Err(vec![FieldError::new("document", "not_an_object", "a DREAM project document is a JSON object")]);
    }
    if doc["title"].as_array().is_none_or(|t| t.is_empty()) {
        errors.push(FieldError::new("title", "required", "a title is required"));
    }
    let title = localized(&doc["title"])
        .or_else(|| localized(&doc["description"]))
        .unwrap_or_else(|| LocalizedText { uk: "Проєкт DREAM без назви".into(), en: None });
    let status = match doc["status"].as_str() {
        Some(s) => codes::status(s, doc["statusDetails"].as_str()),
        None => None,
    };
    if status.is_none() {
        errors.push(FieldError::new(
            "status",
            "invalid",
            "status must be one of pending, active, complete, cancelled, unsuccessful",
        ));
    }
    let updated =
        doc["updated"].as_str().and_then(|u| DateTime::parse_from_rfc3339(u).ok()).map(|u| u.with_timezone(&Utc));
    if updated.is_none() {
        errors.push(FieldError::new("updated", "invalid", "updated must be an RFC 3339 date-time"));
    }
    let codes = Codelists::embedded();
    let known = |list, v: &Value| text(v).filter(|c| codes.contains(list, c)).map(str::to_owned);

    let parties: Vec<&Value> = array(&doc["parties"]).collect();
    let initiator =
        parties.iter().filter(|p| has_role(p, "initiator") || has_role(p, "author")).find_map(|p| edrpou_party(p));
    let balance_holder = parties.iter().filter(|p| has_role(p, "balancer")).find_map(|p| edrpou_party(p));
    let implementer = parties.iter().filter(|p| has_role(p, "implementer")).find_map(|p| edrpou_party(p));

    let mut costs: Vec<CostLine> = Vec::new();
    let mut financing: Vec<FinancingLine> = Vec::new();
    let mut locations: Vec<Location> = Vec::new();
    for approach in array(&doc["approaches"]) {
        for line in array(&approach["budget"]["budgetBreakdown"]) {
            let class = &line["classifications"];
            let item = serde_json::from_value::<CostItem>(class["costItem"].clone()).ok();
            let cost_type = serde_json::from_value::<CostType>(class["costType"].clone()).unwrap_or(CostType::Capex);
            if let (Some(item), Some(year), Some(amount)) =
                (item, year(&line["period"]), uah(&line["amount"], "amount"))
            {
                match costs.iter_mut().find(|c| c.year == year && c.item == item && c.cost_type == cost_type) {
                    Some(c) => c.amount = c.amount + amount,
                    None => costs.push(CostLine { year, item, cost_type, amount }),
                }
            }
        }
        for line in array(&approach["budget"]["finance"]) {
            let source = known(Codelist::FundingSourceCategories, &line["financeCategory"]);
            if let (Some(source), Some(year), Some(amount)) =
                (source, year(&line["period"]), uah(&line["value"], "amount"))
            {
                match financing.iter_mut().find(|f| f.year == year && f.source == source) {
                    Some(f) => f.amount = f.amount + amount,
                    None => financing.push(FinancingLine { year, source, amount }),
                }
            }
        }
        for item in array(&approach["items"]) {
            for location in array(&item["locations"]) {
                if location["gazetteer"]["scheme"] != "UA-CATOTTG" {
                    continue;
                }
                for id in array(&location["gazetteer"]["identifiers"]).filter_map(text).filter(|k| KATOTTG.is_match(k))
                {
                    if !locations.iter().any(|l| l.katottg == id) {
                        locations.push(Location {
                            katottg: id.to_owned(),
                            address: text(&location["description"]).map(str::to_owned),
                        });
                    }
                }
            }
        }
    }
    // A year whose cost exceeds its financing is uncovered: declared with the source `none`.
    let years: std::collections::BTreeSet<i32> =
        costs.iter().map(|c| c.year).chain(financing.iter().map(|f| f.year)).collect();
    for y in &years {
        let cost: Uah = costs.iter().filter(|c| c.year == *y).map(|c| c.amount).sum();
        let funded: Uah = financing.iter().filter(|f| f.year == *y).map(|f| f.amount).sum();
        if cost > funded
            && let Ok(gap) = Uah::new(cost.value() - funded.value())
        {
            financing.push(FinancingLine { year: *y, source: "none".into(), amount: gap });
        }
    }
    let (start_year, duration_years) = match (years.first(), years.last()) {
        (Some(first), Some(last)) => {
            (Some(*first), u8::try_from(last - first + 1).ok().filter(|d| (1..=15).contains(d)))
        }
        _ => (None, None),
    };

    let mut beneficiaries = Beneficiaries::default();
    for metric in array(&doc["metrics"]).filter(|m| m["id"] == SOCIAL_METRICS) {
        for o in array(&metric["observations"]) {
            // Counts beyond Portfel's bound (a hundred million) stay in the document only.
            let n = o["dimensions"]["targetValue"].as_f64().filter(|n| (0.0..=1e8).contains(n)).map_or(0, |n| n as u64);
            match o["dimensions"]["characteristic"].as_str() {
                Some(c) if c == MANAGED_METRICS[0] => beneficiaries.total = n,
                Some(c) if c == MANAGED_METRICS[1] => beneficiaries.idps = n,
                _ => {}
            }
        }
    }
    beneficiaries.idps = beneficiaries.idps.min(beneficiaries.total);

    let documents: Vec<ReadinessDocument> = array(&doc["documents"])
        .filter(|d| !d["id"].as_str().is_some_and(|id| id.starts_with(crate::export::FILE_ID_PREFIX)))
        .filter_map(|d| {
            let kind = serde_json::from_value::<DocumentKind>(d["documentType"].clone()).ok()?;
            let date = date(&d["datePublished"])?;
            let url = text(&d["url"]).map(WebLink::new).filter(WebLink::is_web);
            Some(ReadinessDocument {
                kind,
                title: text(&d["title"]).map(|t| t.chars().take(1000).collect()).unwrap_or_else(|| "Документ".into()),
                number: text(&d["description"]).filter(|n| n.chars().count() <= 200).map(str::to_owned),
                date,
                url,
            })
        })
        .collect();

    let mut sector = None;
    let mut goals = Vec::new();
    for c in array(&doc["additionalClassifications"]) {
        match c["scheme"].as_str() {
            Some("WB-ECO") if sector.is_none() => sector = known(Codelist::WbEco, &c["id"]),
            Some("UA-GIS") => {
                if let Some(kind) = known(Codelist::UaGis, &c["id"]) {
                    let description = text(&c["description"]).unwrap_or_default();
                    let (code, title) = description.split_once(' ').unwrap_or((description, ""));
                    goals.push(GoalRef { kind, code: code.to_owned(), title: title.to_owned() });
                }
            }
            _ => {}
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let content = PassportContent {
        title,
        description: localized(&doc["description"]),
        project_type: known(Codelist::InitiationTypes, &doc["type"]),
        purpose: known(Codelist::InitiationPurpose, &doc["purpose"]),
        sector,
        balance_holder,
        implementer,
        locations: locations.into_iter().take(50).collect(),
        start_year,
        duration_years,
        costs: costs.into_iter().take(500).collect(),
        financing: financing.into_iter().take(500).collect(),
        readiness: Readiness { documents: documents.into_iter().take(100).collect(), ..Readiness::default() },
        beneficiaries,
        ..PassportContent::default()
    };
    let problems = check_content(&content, codes);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Imported {
        content,
        status: status.expect("checked above"),
        initiator,
        goals,
        updated: updated.expect("checked above"),
        reports: implementation::reports(doc, |s| codes.contains(Codelist::FundingSourceCategories, s)),
        completion: implementation::completion(doc, status.expect("checked above"), |s| {
            codes.contains(Codelist::FundingSourceCategories, s)
        }),
        document: doc.clone(),
    })
}
