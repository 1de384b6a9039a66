//! A target programme as the council approved it, entered and amended from
//! the page: its decision, period, sections and numbered measures, each with
//! its executors and planned financing per year and source in thousand UAH
//! (the unit of the annual report). Field names are the API's paths.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::{IfMatch, JsonBody};
use portfel_api::problem::ApiError;
use portfel_api::routes::programmes as api;
use portfel_domain::codelist::Codelist;
use portfel_domain::{FieldError, Permission};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use crate::error::PageResult;
use crate::forms::{Errors, Fields, Kind, Values};
use crate::session::{Posted, Signed};
use crate::widgets::{area, cell, codelist, input, input_id, select};
use crate::{WebState, format, layout};

/// Where the form posts: a new programme, or the amendment of one at a version.
enum Target {
    New,
    Existing { id: Uuid, version: i32 },
}

/// The organisations a measure may name as its executors: (id, name).
async fn organisations(state: &WebState, user: &Signed) -> PageResult<Vec<(String, String)>> {
    let mut names: Vec<(String, String)> = crate::pages::names::organisation_names(state, user)
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    names.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(names)
}

fn form_page(user: &Signed, target: &Target, orgs: &[(String, String)], values: &Values, errors: &Errors) -> Markup {
    let (title, action) = match target {
        Target::New => ("Нова цільова програма".to_owned(), "/programmes".to_owned()),
        Target::Existing { id, .. } => ("Зміни до цільової програми".to_owned(), format!("/programmes/{id}")),
    };
    let sources = codelist(Codelist::FundingSourceCategories);
    let e = errors;
    layout::page(
        user,
        &title,
        html! {
            p { a href="/programmes" { "← Усі програми" } }
            h1 { (title) }
            (layout::error_summary(errors))
            form method="post" action=(action) {
                @match target { Target::New => (layout::csrf(user)), Target::Existing { version, .. } => (layout::guarded(user, *version)) }
                div.grid {
                    (input("Назва програми", "title", "text", values, e))
                    (input("Відповідальний виконавець", "responsible", "text", values, e))
                    (input("Номер рішення ради", "decision_number", "text", values, e))
                    (input("Дата рішення", "decision_date", "date", values, e))
                    (input("Перший рік", "period_start", "number", values, e))
                    (input("Останній рік", "period_end", "number", values, e))
                }
                @for s in 0..values.rows("sections", 1) {
                    @let sp = format!("sections[{s}]");
                    fieldset.card {
                        legend { "Розділ " (s + 1) }
                        div.grid {
                            (input(&format!("Номер розділу {}", s + 1), &format!("{sp}.number"), "text", values, e))
                            (input(&format!("Назва розділу {}", s + 1), &format!("{sp}.title"), "text", values, e))
                        }
                        @for m in 0..values.rows(&format!("{sp}.measures"), 2) {
                            @let mp = format!("{sp}.measures[{m}]");
                            div.card {
                                h3 { "Захід " (s + 1) "." (m + 1) }
                                div.grid {
                                    (input(&format!("Номер заходу {}.{}", s + 1, m + 1), &format!("{mp}.number"), "text", values, e))
                                    (input(&format!("Зміст заходу {}.{}", s + 1, m + 1), &format!("{mp}.text"), "text", values, e))
                                }
                                (area("Виконавці (кожен з нового рядка)", &format!("{mp}.executors"), values, e))
                                @let financed = format!("{mp}.passport_ids");
                                @for passport in values.lines(&financed).lines() { input type="hidden" name=(financed) value=(passport); }
                                @let owners = format!("{mp}.organisation_ids");
                                div.grid {
                                    div.field {
                                        label for=(input_id(&owners)) { "Організації, що звітують щокварталу (утримуйте Ctrl, щоб вибрати кілька)" }
                                        select id=(input_id(&owners)) name=(owners) multiple size="3" {
                                            @for (id, name) in orgs { option value=(id) selected[values.has(&owners, id)] { (name) } }
                                        }
                                    }
                                    (input(&format!("Захід закрито після року (захід {}.{}, лише для закритих)", s + 1, m + 1), &format!("{mp}.closed_after"), "number", values, e))
                                }
                                div.scroll { table {
                                    caption { "Обсяг фінансування за планом, тис. грн" }
                                    thead { tr { th scope="col" { "Рік" } th scope="col" { "Джерело" } th scope="col" { "Сума, тис. грн" } } }
                                    tbody { @for a in 0..values.rows(&format!("{mp}.planned"), 2) {
                                        @let ap = format!("{mp}.planned[{a}]");
                                        tr {
                                            (cell(&format!("Рік, захід {}.{}, рядок {}", s + 1, m + 1, a + 1), &format!("{ap}.year"), "number", values, e))
                                            td { (select(None, &format!("{ap}.source"), &sources, values, e)) }
                                            (crate::widgets::decimal_cell(&format!("Сума, тис. грн, захід {}.{}, рядок {}", s + 1, m + 1, a + 1), &format!("{ap}.amount"), values, e))
                                        }
                                    } }
                                } }
                            }
                        }
                    }
                }
                p.muted { "Щоб додати ще розділи, заходи чи рядки фінансування, збережіть форму: вона відкриється з новими порожніми рядками." }
                p { button type="submit" { "Зберегти програму" } }
            }
        },
    )
}

/// The stored programme's values, its amounts in thousand UAH.
fn values_of(record: &portfel_monitoring::records::ProgrammeRecord) -> PageResult<Values> {
    let mut json = serde_json::to_value(&record.programme)?;
    for s in json["sections"].as_array_mut().into_iter().flatten() {
        for m in s["measures"].as_array_mut().into_iter().flatten() {
            for a in m["planned"].as_array_mut().into_iter().flatten() {
                if let Some(uah) = a["amount"].as_str().and_then(|t| t.parse::<Decimal>().ok()) {
                    a["amount"] = Value::String(format::thousands_exact(uah));
                }
            }
        }
    }
    Ok(Values::from_json(&json))
}

/// The form as the API's document: blank measures and sections left out,
/// amounts from thousand UAH to UAH; an amount that is no number refused by name.
fn document(fields: &Fields) -> Result<Value, Vec<FieldError>> {
    let mut body = fields.to_json(|path| match path {
        "period_start" | "period_end" | "sections.measures.planned.year" | "sections.measures.closed_after" => {
            Kind::Integer
        }
        "sections.measures.executors" => Kind::Lines,
        "sections.measures.organisation_ids" | "sections.measures.passport_ids" => Kind::List,
        _ => Kind::Text,
    });
    let mut errors = Vec::new();
    let named = |v: &Value| ["number", "text", "title"].iter().any(|k| v.get(*k).is_some());
    if let Some(sections) = body["sections"].as_array_mut() {
        for (s, section) in sections.iter_mut().enumerate() {
            if let Some(measures) = section["measures"].as_array_mut() {
                measures
                    .retain(|m| named(m) || m.get("planned").and_then(Value::as_array).is_some_and(|p| !p.is_empty()));
                for (m, measure) in measures.iter_mut().enumerate() {
                    for (a, row) in measure["planned"].as_array_mut().into_iter().flatten().enumerate() {
                        let Some(typed) = row["amount"].as_str().map(str::to_owned) else { continue };
                        match crate::forms::thousand_uah(&typed) {
                            Some(uah) => row["amount"] = Value::String(uah.to_string()),
                            None => errors.push(FieldError::of(
                                format!("sections[{s}].measures[{m}].planned[{a}].amount"),
                                "invalid_amount",
                                &[("value", typed)],
                            )),
                        }
                    }
                }
            }
        }
        sections.retain(|s| named(s) || s.get("measures").and_then(Value::as_array).is_some_and(|m| !m.is_empty()));
    }
    for section in body["sections"].as_array_mut().into_iter().flatten() {
        if section.get("measures").is_none() {
            section["measures"] = Value::Array(Vec::new());
        }
        for measure in section["measures"].as_array_mut().into_iter().flatten() {
            for list in ["executors", "planned"] {
                if measure.get(list).is_none() {
                    measure[list] = Value::Array(Vec::new());
                }
            }
        }
    }
    if body.get("sections").is_none() {
        body["sections"] = Value::Array(Vec::new());
    }
    if errors.is_empty() { Ok(body) } else { Err(errors) }
}

/// GET /programmes/new.
pub async fn new_form(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    user.auth.require(Permission::KeepProgrammes)?;
    let orgs = organisations(&state, &user).await?;
    Ok(form_page(&user, &Target::New, &orgs, &Values::default(), &Errors::default()))
}

/// GET /programmes/{id}/edit.
pub async fn edit_form(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    user.auth.require(Permission::KeepProgrammes)?;
    let record = api::get_programme(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    let target = Target::Existing { id, version: record.version };
    let orgs = organisations(&state, &user).await?;
    Ok(form_page(&user, &target, &orgs, &values_of(&record)?, &Errors::default()))
}

/// The form again with what was typed and why it was refused.
async fn refused(
    state: &WebState,
    user: &Signed,
    target: &Target,
    fields: &Fields,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let orgs = organisations(state, user).await?;
    let page = form_page(user, target, &orgs, &fields.values(), &Errors(errors));
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// POST /programmes and POST /programmes/{id}.
async fn save(state: &WebState, user: &Signed, target: Target, fields: &Fields) -> PageResult<Response> {
    let body = match document(fields) {
        Ok(body) => body,
        Err(errors) => return refused(state, user, &target, fields, errors).await,
    };
    let app = State(state.app.clone());
    let saved = match &target {
        Target::New => api::create_programme(user.auth.clone(), app, JsonBody::from_value(body)).await,
        Target::Existing { id, version } => {
            api::update_programme(user.auth.clone(), app, Path(*id), IfMatch(*version), JsonBody::from_value(body))
                .await
        }
    };
    match saved {
        Ok(record) => Ok(Redirect::to(&format!("/programmes/{}", record.into_body().id)).into_response()),
        Err(ApiError::Validation(errors)) => refused(state, user, &target, fields, errors).await,
        Err(ApiError::Conflict(error)) => refused(state, user, &target, fields, vec![error]).await,
        Err(e) => Err(e.into()),
    }
}

/// POST /programmes.
pub async fn create(State(state): State<WebState>, Posted { user, fields }: Posted) -> PageResult<Response> {
    save(&state, &user, Target::New, &fields).await
}

/// POST /programmes/{id}.
pub async fn update(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let IfMatch(version) = fields.version()?;
    save(&state, &user, Target::Existing { id, version }, &fields).await
}
