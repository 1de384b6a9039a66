//! Passport → DREAM project document.

use chrono::{DateTime, SecondsFormat, Utc};
use portfel_domain::attachment::{Attachment, FileType};
use portfel_domain::passport::{DocumentKind, PartyRef};
use portfel_domain::{PassportContent, Status, Uah};
use portfel_monitoring::period::Period;
use portfel_monitoring::report::ReportContent;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::GoalRef;
use crate::codes::{finance_category, project_type};
use crate::implementation;
use crate::shapes::{MANAGED_METRICS, SOCIAL_METRICS, langs, period_value, sub_id};

/// What an export needs.
#[derive(Debug, Clone)]
pub struct ExportInput<'a> {
    /// Passport id (sub-identifiers are derived from it, so exports are stable).
    pub id: Uuid,
    /// When the passport was created.
    pub created: DateTime<Utc>,
    /// When it last changed.
    pub updated: DateTime<Utc>,
    /// Lifecycle state.
    pub status: Status,
    /// Content.
    pub content: &'a PassportContent,
    /// The initiating organisation.
    pub initiator: &'a PartyRef,
    /// Strategy goals the project serves.
    pub goals: &'a [GoalRef],
    /// The document last imported from DREAM, whose other fields are kept.
    pub original: Option<&'a Value>,
    /// Accepted implementation reports, one per period, oldest first.
    pub reports: &'a [ReportContent],
    /// The accepted completion report, once there is one.
    pub completion: Option<&'a portfel_monitoring::completion::CompletionContent>,
    /// The passport's attached files now, with the address their downloads are under.
    pub files: &'a [Attachment],
    /// Where Portfel is reached (`https://portfel.example.gov.ua`): a file's
    /// URL is `{public_url}/api/v1/attachments/{id}/content`.
    pub public_url: &'a str,
}

/// Prefix of the DREAM document ids of Portfel's attached files: an import
/// leaves them out (they are Portfel's own) and an export writes them anew.
pub const FILE_ID_PREFIX: &str = "portfel-file-";

/// Roles Portfel manages in `parties`.
pub(crate) const MANAGED_ROLES: [&str; 4] = ["initiator", "author", "balancer", "implementer"];
fn time(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Micros, true))
}

fn amount(a: Uah) -> Value {
    json!(a.value().to_f64().unwrap_or(0.0))
}

fn year_period(year: i32) -> Value {
    period_value(Period::year(year))
}

fn document_type(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::DesignDocument => "designDocument",
        DocumentKind::FeasibilityStudy => "feasibilityStudy",
        DocumentKind::PermissionDocument => "permissionDocument",
        DocumentKind::TechnicalDocument => "technicalDocument",
        DocumentKind::LegalDocument => "legalDocument",
    }
}

/// Keeps the array entries of `original[key]` that `keep` accepts.
fn kept(original: &Map<String, Value>, key: &str, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    original
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter(|v| keep(v)).cloned().collect())
        .unwrap_or_default()
}

fn set_array(doc: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if items.is_empty() {
        doc.remove(key);
    } else {
        doc.insert(key.into(), Value::Array(items));
    }
}

/// Builds the DREAM document of a passport.
pub fn export(input: &ExportInput<'_>) -> Value {
    let p = input.content;
    let original: Map<String, Value> = input.original.and_then(Value::as_object).cloned().unwrap_or_default();
    let mut doc = original.clone();
    doc.insert("date".into(), time(input.created));
    doc.insert("updated".into(), time(input.updated));
    if let Some(t) = &p.project_type {
        doc.insert("type".into(), json!(project_type(t)));
    }
    doc.insert("title".into(), langs(&p.title.uk, p.title.en.as_deref()));
    let description = p.description.as_ref().unwrap_or(&p.title);
    doc.insert("description".into(), langs(&description.uk, description.en.as_deref()));
    if let Some(purpose) = &p.purpose {
        doc.insert("purpose".into(), json!(purpose));
    }
    let (status, details) = input.status.dream();
    doc.insert("status".into(), json!(status));
    match details {
        Some(d) => doc.insert("statusDetails".into(), json!(d)),
        None => doc.remove("statusDetails"),
    };
    set_array(&mut doc, "parties", parties(&original, input.initiator, p));
    set_array(&mut doc, "metrics", metrics(&original, input.id, p));
    let mut documents = documents(&original, input.id, p);
    documents.extend(input.files.iter().map(|f| file_document(f, input.public_url)));
    set_array(&mut doc, "documents", documents);
    set_array(&mut doc, "additionalClassifications", classifications(&original, p, input.goals));
    doc.insert("approaches".into(), approaches(&original, input.id, p));
    let mut processes = kept(&original, "contractingProcesses", |c| !implementation::is_managed(c));
    processes.extend(implementation::process(input.id, input.status, &p.title.uk, input.reports, input.completion));
    set_array(&mut doc, "contractingProcesses", processes);
    Value::Object(doc)
}

fn parties(original: &Map<String, Value>, initiator: &PartyRef, p: &PassportContent) -> Vec<Value> {
    let mut out: Vec<Value> = kept(original, "parties", |_| true)
        .into_iter()
        .filter_map(|mut party| {
            let roles: Vec<Value> = party["roles"]
                .as_array()
                .map(|r| {
                    r.iter().filter(|x| !x.as_str().is_some_and(|s| MANAGED_ROLES.contains(&s))).cloned().collect()
                })
                .unwrap_or_default();
            (!roles.is_empty()).then(|| {
                party["roles"] = Value::Array(roles);
                party
            })
        })
        .collect();
    let mut ours: Vec<(&PartyRef, &str)> = vec![(initiator, "initiator")];
    ours.extend(p.balance_holder.iter().map(|b| (b, "balancer")));
    ours.extend(p.implementer.iter().map(|i| (i, "implementer")));
    for (party, role) in ours {
        let id = format!("UA-EDR-{}", party.edrpou);
        match out.iter_mut().find(|x| x["id"] == id.as_str()) {
            Some(existing) => {
                if let Some(roles) = existing["roles"].as_array_mut()
                    && !roles.iter().any(|r| r == role)
                {
                    roles.push(json!(role));
                }
            }
            None => out.push(json!({
                "id": id,
                "roles": [role],
                "identifier": {"scheme": "UA-EDR", "id": party.edrpou, "legalName": party.name}
            })),
        }
    }
    out
}

fn metrics(original: &Map<String, Value>, id: Uuid, p: &PassportContent) -> Vec<Value> {
    let mut out = kept(original, "metrics", |_| true);
    let ours = [("numberOfConsumers", p.beneficiaries.total), ("numberOfIDP", p.beneficiaries.idps)].map(|(c, n)| {
        json!({"id": sub_id(id, &format!("metric/{c}")), "dimensions": {"basicValue": 0, "targetValue": n, "characteristic": c}})
    });
    let position = out.iter().position(|m| m["id"] == SOCIAL_METRICS);
    let entry = match position {
        Some(i) => &mut out[i],
        None => {
            out.push(json!({"id": SOCIAL_METRICS, "observations": []}));
            out.last_mut().expect("just pushed")
        }
    };
    let mut observations: Vec<Value> = entry["observations"]
        .as_array()
        .map(|o| {
            o.iter()
                .filter(|x| !x["dimensions"]["characteristic"].as_str().is_some_and(|c| MANAGED_METRICS.contains(&c)))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    observations.extend(ours);
    entry["observations"] = Value::Array(observations);
    out
}

fn documents(original: &Map<String, Value>, id: Uuid, p: &PassportContent) -> Vec<Value> {
    let readiness = [
        DocumentKind::DesignDocument,
        DocumentKind::FeasibilityStudy,
        DocumentKind::PermissionDocument,
        DocumentKind::TechnicalDocument,
        DocumentKind::LegalDocument,
    ]
    .map(document_type);
    let mut out = kept(original, "documents", |d| {
        !d["documentType"].as_str().is_some_and(|t| readiness.contains(&t))
            && !d["id"].as_str().is_some_and(|id| id.starts_with(FILE_ID_PREFIX))
    });
    for (i, d) in p.readiness.documents.iter().enumerate() {
        let doc_id = sub_id(id, &format!("document/{i}"));
        let date = format!("{}T00:00:00Z", d.date);
        let mut v = json!({
            "id": doc_id,
            "url": d.url.as_ref().map_or_else(|| format!("urn:uuid:{doc_id}"), ToString::to_string),
            "format": "application/pdf",
            "title": d.title,
            "datePublished": date,
            "dateModified": date,
            "documentType": document_type(d.kind),
        });
        if let Some(n) = &d.number {
            v["description"] = json!(n);
        }
        out.push(v);
    }
    out
}

/// An attached file as a DREAM document: a link to its download, which asks
/// for sign-in (`restricted`).
fn file_document(f: &Attachment, public_url: &str) -> Value {
    let document_type = match (f.kind, f.file_type) {
        (Some(kind), _) => document_type(kind),
        (None, FileType::Jpeg | FileType::Png) => "illustration",
        (None, _) => "document",
    };
    json!({
        "id": format!("{FILE_ID_PREFIX}{}", f.id),
        "url": format!("{}/api/v1/attachments/{}/content", public_url.trim_end_matches('/'), f.id),
        "format": f.media_type,
        "title": f.name,
        "datePublished": time(f.uploaded_at),
        "dateModified": time(f.uploaded_at),
        "documentType": document_type,
        "accessDetails": "restricted",
    })
}

fn classifications(original: &Map<String, Value>, p: &PassportContent, goals: &[GoalRef]) -> Vec<Value> {
    let mut out =
        kept(original, "additionalClassifications", |c| !matches!(c["scheme"].as_str(), Some("WB-ECO" | "UA-GIS")));
    if let Some(sector) = &p.sector {
        out.push(json!({"scheme": "WB-ECO", "id": sector}));
    }
    for g in goals {
        out.push(json!({"scheme": "UA-GIS", "id": g.kind, "description": format!("{} {}", g.code, g.title)}));
    }
    out
}

fn approaches(original: &Map<String, Value>, id: Uuid, p: &PassportContent) -> Value {
    let mut list: Vec<Value> = kept(original, "approaches", |_| true);
    if !list.first().is_some_and(Value::is_object) {
        list.insert(0, json!({"id": sub_id(id, "approach"), "title": p.title.uk}));
    }
    let first = list[0].as_object_mut().expect("checked to be an object");
    let breakdown: Vec<Value> = p
        .costs
        .iter()
        .map(|c| {
            let item = serde_json::to_value(c.item).unwrap_or_default();
            let kind = serde_json::to_value(c.cost_type).unwrap_or_default();
            json!({
                "id": sub_id(id, &format!("cost/{}/{}/{}", c.year, item.as_str().unwrap_or_default(), kind.as_str().unwrap_or_default())),
                "amount": {"amount": amount(c.amount), "currency": "UAH"},
                "period": year_period(c.year),
                "classifications": {"costItem": item, "costType": kind},
            })
        })
        .collect();
    // Sources DREAM does not distinguish are summed under their DREAM category.
    let mut lines: Vec<(i32, &str, &str, Uah)> = Vec::new();
    for f in &p.financing {
        let Some((category, kind)) = finance_category(&f.source) else { continue };
        match lines.iter_mut().find(|(y, c, _, _)| *y == f.year && *c == category) {
            Some(line) => line.3 = line.3 + f.amount,
            None => lines.push((f.year, category, kind, f.amount)),
        }
    }
    let finance: Vec<Value> = lines
        .into_iter()
        .map(|(year, category, kind, total)| {
            json!({
                "id": sub_id(id, &format!("finance/{year}/{category}")),
                "value": {"amount": amount(total), "currency": "UAH"},
                "period": year_period(year),
                "financeType": kind,
                "financeCategory": category,
            })
        })
        .collect();
    let budget = first.entry("budget").or_insert_with(|| json!({}));
    if !budget.is_object() {
        *budget = json!({});
    }
    budget["budgetBreakdown"] = Value::Array(breakdown);
    budget["finance"] = Value::Array(finance);
    let locations: Vec<Value> = p
        .locations
        .iter()
        .map(|l| {
            let mut v = json!({"gazetteer": {"scheme": "UA-CATOTTG", "identifiers": [l.katottg]}});
            if let Some(a) = &l.address {
                v["description"] = json!(a);
            }
            v
        })
        .collect();
    let items = first.entry("items").or_insert_with(|| json!([]));
    if !items.as_array().and_then(|a| a.first()).is_some_and(Value::is_object) {
        *items = json!([{"id": sub_id(id, "item")}]);
    }
    if let Some(item) = items[0].as_object_mut() {
        set_array(item, "locations", locations);
    }
    Value::Array(list)
}
