//! Passports: the list by state, a passport with the steps its state allows
//! now, and the draft form with the API's field errors beside the fields.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::{IfMatch, JsonBody, QueryParams};
use portfel_api::problem::ApiError;
use portfel_api::routes::passports::{self as api, CreateQuery, ListQuery};
use portfel_domain::codelist::Codelist;
use portfel_domain::{Permission, Status};
use serde_json::json;
use uuid::Uuid;

use super::names::{hromada, organisation_names};
use crate::error::{PageError, PageResult};
use crate::forms::{Errors, Fields, Kind, Values};
use crate::labels::{COST_ITEMS, COST_TYPES, DESIGN, DOCUMENT_KINDS, EXPERTISE, LAND, LEVELS};
use crate::session::{Posted, Signed};
use crate::widgets::{area, cell, checkbox, codelist, input, options, select};
use crate::{WebState, format, labels, layout, passport_view};

/// The value of `name` in a query string, and the query string without it.
fn take_param(raw: Option<String>, name: &str) -> (Option<String>, Option<String>) {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).unwrap_or_default();
    let value = pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if value.is_none() {
        return (None, raw);
    }
    let rest: Vec<_> = pairs.into_iter().filter(|(k, _)| k != name).collect();
    (value, serde_urlencoded::to_string(rest).ok())
}

/// A query string parsed as the API parses it, blank values left out (forms send them).
pub fn query<T: serde::de::DeserializeOwned>(raw: Option<String>) -> PageResult<T> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).map_err(|_| PageError::BadForm)?;
    let kept: Vec<_> = pairs.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
    let text = serde_urlencoded::to_string(kept).map_err(|_| PageError::BadForm)?;
    serde_urlencoded::from_str(&text)
        .map_err(|e| PageError::Api(ApiError::bad_field("query", "invalid_query", e.to_string())))
}

fn badge(status: Status) -> Markup {
    html! { span class=(format!("badge {}", status.as_str())) { (labels::status(status)) } }
}

/// GET /passports: what the user may see, filtered by state and text.
pub async fn list(State(state): State<WebState>, user: Signed, RawQuery(raw): RawQuery) -> PageResult<Markup> {
    let (moved, raw) = take_param(raw, "moved");
    let (_, kept) = take_param(raw.clone(), "cursor");
    let kept = kept.filter(|k| !k.is_empty()).map_or_else(|| "/passports".to_owned(), |k| format!("/passports?{k}"));
    let next = |cursor: &str| {
        let glue = if kept.contains('?') { '&' } else { '?' };
        format!("{kept}{glue}{}", serde_urlencoded::to_string([("cursor", cursor)]).unwrap_or_default())
    };
    let notice = moved.and_then(|m| Status::parse(&m)).map(|s| {
        format!(
            "Паспорт переведено в стан «{}» і повернуто ініціатору; вам він більше не доступний.",
            labels::status(s)
        )
    });
    let (typed_from, raw) = take_param(raw, "cost_from");
    let (typed_to, raw) = take_param(raw, "cost_to");
    let mut errors = Errors::default();
    let cost_from = cost_bound("cost_from", typed_from.as_deref(), &mut errors);
    let cost_to = cost_bound("cost_to", typed_to.as_deref(), &mut errors);
    let q: ListQuery = query(raw)?;
    let (status, text) = (q.status, q.q.clone().unwrap_or_default());
    let (organisation, sector, year) = (q.organisation_id, q.sector.clone(), q.year);
    let mut organisations: Vec<(Uuid, String)> = organisation_names(&state, &user).await?.into_iter().collect();
    organisations.sort_by(|a, b| a.1.cmp(&b.1));
    let first_page = q.cursor.is_none();
    let asked = ListQuery { limit: Some(PASSPORTS_PER_PAGE), cost_from, cost_to, ..q };
    let page = match api::passport_summaries(&user.auth, &state.app, asked).await {
        Err(ApiError::Validation(refused)) => {
            errors.0.extend(refused);
            api::PassportSummaryPage { items: Vec::new(), next_cursor: None }
        }
        other => other?,
    };
    let typed = |t: &Option<String>| t.clone().unwrap_or_default();
    Ok(layout::page(
        &user,
        "Паспорти проєктів",
        html! {
            h1 { "Паспорти проєктів" }
            (layout::notice(notice.as_deref(), "ok"))
            @if user.may(Permission::CreatePassports) { p { a.button href="/passports/new" { "Новий паспорт" } } }
            (layout::error_summary(&errors))
            form.filters method="get" action="/passports" {
                div {
                    label for="status" { "Стан" }
                    select #status name="status" {
                        option value="" { "усі" }
                        @for s in Status::ALL {
                            option value=(s.as_str()) selected[status == Some(s)] { (labels::status(s)) }
                        }
                    }
                }
                div {
                    label for="organisation_id" { "Ініціатор" }
                    select #organisation_id name="organisation_id" {
                        option value="" { "усі" }
                        @for (id, name) in &organisations {
                            option value=(id) selected[organisation == Some(*id)] { (name) }
                        }
                    }
                }
                div {
                    label for="sector" { "Сектор" }
                    select #sector name="sector" {
                        option value="" { "усі" }
                        @for (code, name) in codelist(Codelist::WbEco) {
                            option value=(code) selected[sector.as_deref() == Some(code.as_str())] { (name) }
                        }
                    }
                }
                div { label for="year" { "Рік реалізації" } input #year type="number" name="year" min="2000" max="2100" value=[year]; }
                div { label for="q" { "Слова в назві, описі чи коді" } input #q type="search" name="q" value=(text); }
                (cost_filter("cost_from", "Вартість від, грн", &typed(&typed_from), &errors))
                (cost_filter("cost_to", "Вартість до, грн", &typed(&typed_to), &errors))
                button type="submit" { "Показати" }
                a href="/passports" { "Скинути фільтри" }
            }
            @if page.items.is_empty() { p { "Паспортів не знайдено." } } @else {
                table {
                    caption.muted {
                        @if first_page && page.next_cursor.is_none() { "Паспортів: " (page.items.len()) }
                        @else { "Паспортів на цій сторінці: " (page.items.len()) }
                    }
                    thead { tr { th { "Назва" } th { "Ініціатор" } th { "Стан" } th.num { "Вартість, грн" } th.num { "Початок" } th { "Оновлено" } } }
                    tbody {
                        @for p in &page.items {
                            tr {
                                td { a href=(format!("/passports/{}", p.id)) { (p.title) } }
                                td { (p.organisation) }
                                td { (badge(p.status)) }
                                td.num { (format::uah(p.total_cost.value())) }
                                td.num { (p.start_year.map(|y| y.to_string()).unwrap_or_default()) }
                                td { (p.updated_at.format("%d.%m.%Y")) }
                            }
                        }
                    }
                }
            }
            @if !first_page || page.next_cursor.is_some() {
                nav.pages aria-label="Сторінки" {
                    @if !first_page { a href=(kept) rel="first" { "← На початок списку" } }
                    @if let Some(c) = &page.next_cursor { a href=(next(c)) rel="next" { "Наступні " (PASSPORTS_PER_PAGE) " →" } }
                }
            }
        },
    ))
}

/// Passports on one page of the list.
const PASSPORTS_PER_PAGE: u64 = 200;

/// A cost bound typed in a filter (`1 000 000`, `2500000,50`), blank for
/// none; what is no amount is noted in `errors` and left out of the search.
fn cost_bound(name: &str, typed: Option<&str>, errors: &mut Errors) -> Option<rust_decimal::Decimal> {
    let typed = typed.map(str::trim).filter(|t| !t.is_empty())?;
    let value = crate::forms::amount(typed).parse().ok();
    if value.is_none() {
        errors.0.push(portfel_domain::FieldError::of(name, "invalid_amount", &[("value", typed.to_owned())]));
    }
    value
}

/// A cost bound's input in the filters, with its error beside it.
fn cost_filter(name: &str, label: &str, typed: &str, errors: &Errors) -> Markup {
    let wrong = !errors.at(name).is_empty();
    html! {
        div {
            label for=(name) { (label) }
            input id=(name) type="text" inputmode="decimal" name=(name) value=(typed)
                aria-invalid=[wrong.then_some("true")] aria-describedby=[wrong.then(|| format!("{name}-error"))];
            @for e in errors.at(name) { p.field-error id=(format!("{name}-error")) { (labels::message(e)) } }
        }
    }
}

/// GET /passports/{id}.
pub async fn show(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    passport_page(&state, &user, id, &Errors::default(), None).await
}

async fn passport_page(
    state: &WebState,
    user: &Signed,
    id: Uuid,
    errors: &Errors,
    notice: Option<&str>,
) -> PageResult<Markup> {
    let app = || State(state.app.clone());
    let p = api::get_passport(user.auth.clone(), app(), Path(id)).await?.into_body();
    let axum::Json(allowed) = api::list_transitions(user.auth.clone(), app(), Path(id)).await?;
    let axum::Json(history) = api::passport_history(user.auth.clone(), app(), Path(id)).await?;
    let names = organisation_names(state, user).await?;
    let goals = strategy_goals(state, user).await?;
    let roles = &user.auth.claims.roles;
    let editable = p.status.content_editable()
        && portfel_domain::access::may_edit(roles, user.auth.claims.org, p.organisation_id, p.status).is_ok();
    let steps: Vec<_> = allowed.iter().filter(|t| t.roles.iter().any(|r| roles.contains(r))).collect();
    let monitoring = if user.may(Permission::ReadReports) {
        super::monitoring::passport_section(state, user, id, p.status, p.organisation_id).await?
    } else {
        maud::html! {}
    };
    let files = super::attachments::section(
        state,
        user,
        portfel_api::routes::attachments::OwnerQuery {
            owner_kind: portfel_domain::attachment::OwnerKind::Passport,
            owner_id: id,
        },
        &format!("/passports/{id}"),
    )
    .await?;
    let closing = super::completion::passport_section(state, user, &p).await?;
    let c = &p.content;
    Ok(layout::page(
        user,
        &c.title.uk,
        html! {
            p { a href="/passports" { "← Усі паспорти" } }
            h1 { (c.title.uk) }
            p { (badge(p.status)) " · " (names.get(&p.organisation_id).map_or("—", String::as_str))
                " · версія " (p.meta.version) " · редакція " (p.revision) }
            (layout::notice(notice, "ok"))
            @if let (Status::Draft, Some(by)) = (p.status, p.resubmit_by) {
                p.notice role="status" { "Паспорт повернуто на доопрацювання: подати знову до " strong { (by.format("%d.%m.%Y")) } "." }
            }
            (layout::error_summary(errors))
            @if let Some(last) = history.last().filter(|h| h.reason.is_some()) {
                div.notice.bad role="status" {
                    strong { (labels::status(last.from)) " → " (labels::status(last.to)) } " ("
                    (last.actor_name.as_deref().unwrap_or(&last.actor)) ", " (last.at.format("%d.%m.%Y %H:%M")) "): " (last.reason.as_deref().unwrap_or_default())
                }
            }
            div.actions {
                @if editable { a.button href=(format!("/passports/{id}/edit")) { "Редагувати" } }
                a.button.secondary href=(format!("/passports/{id}/print")) { "Версія для друку" }
                a.button.secondary href=(format!("/passports/{id}/concept.docx")) download { "Концепція (DOCX)" }
                @for t in &steps {
                    form method="post" action=(format!("/passports/{id}/transition")) {
                        (layout::guarded(user, p.meta.version))
                        input type="hidden" name="to" value=(t.to.as_str());
                        @if t.reason_required {
                            label for=(format!("reason-{}", t.to.as_str())) { "Причина (" (labels::status(t.to)) ")" }
                            input id=(format!("reason-{}", t.to.as_str())) type="text" name="reason" required;
                        }
                        @if t.to == Status::Draft {
                            (crate::returns::back_by_input("resubmit_by", &Values::default(), errors))
                        }
                        button type="submit" class=[t.reason_required.then_some("secondary")] {
                            "→ " (labels::status(t.to))
                        }
                    }
                }
            }
            (passport_view::whole(&p, &passport_view::Context { organisation: names.get(&p.organisation_id).map_or("—", String::as_str), goals: &goals }))
            (files)
            (monitoring)
            (closing)
            @if !history.is_empty() {
                h2 { "Історія стану" }
                table {
                    thead { tr { th { "Коли" } th { "Хто" } th { "Зміна" } th { "Причина" } } }
                    tbody { @for h in &history { tr {
                        td { (h.at.format("%d.%m.%Y %H:%M")) } td { (h.actor_name.as_deref().unwrap_or(&h.actor)) }
                        td { (labels::status(h.from)) " → " (labels::status(h.to)) } td { (h.reason.as_deref().unwrap_or("")) }
                    } } }
                }
            }
        },
    ))
}

/// How each field of the passport form becomes JSON.
fn kind(path: &str) -> Kind {
    match path {
        "start_year"
        | "duration_years"
        | "costs.year"
        | "financing.year"
        | "beneficiaries.total"
        | "beneficiaries.idps" => Kind::Integer,
        "costs.amount" | "financing.amount" | "om_cost_per_year" => Kind::Money,
        "goals" => Kind::Lines,
        "strategy_goal_ids" | "nature" => Kind::List,
        p if p.starts_with("cross_cutting.") => Kind::Flag,
        _ => Kind::Text,
    }
}

/// GET /passports/{id}/print: the concept of the project as a document.
pub async fn print(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let p = api::get_passport(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    let names = organisation_names(&state, &user).await?;
    let goals = strategy_goals(&state, &user).await?;
    let organisation = names.get(&p.organisation_id).map_or("—", String::as_str);
    let hromada = hromada(&state, &user).await?;
    Ok(layout::page(
        &user,
        "Паспорт проєкту — друк",
        html! {
            p.no-print { a href=(format!("/passports/{id}")) { "← До паспорта" } " "
                button type="button" data-action="print" { "Друкувати або зберегти як PDF" } }
            p.doc-org { (hromada) }
            p.annex-ref { (organisation) }
            h1 { "Концепція публічного інвестиційного проєкту" }
            p.doc-title { strong { (p.content.title.uk) } }
            p { "Стан: " (labels::status(p.status)) " · редакція " (p.revision)
                @if let Some(at) = p.submitted_at { " · подано " (at.format("%d.%m.%Y")) } }
            (passport_view::whole(&p, &passport_view::Context { organisation, goals: &goals }))
            (layout::signatures(&["Керівник виконавчого органу — ініціатора"]))
        },
    ))
}

/// GET /passports/{id}/concept.docx: the passport as the project's concept, to edit.
pub async fn concept(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Response> {
    let head = portfel_documents::Letterhead { hromada: hromada(&state, &user).await? };
    Ok(api::concept_file(&state.app, &user.auth, id, &head).await?)
}

/// Every strategy goal the user may see, as (id, "code title").
pub async fn strategy_goals(state: &WebState, user: &Signed) -> PageResult<Vec<(String, String)>> {
    use portfel_api::routes::strategy;
    let axum::Json(documents) = strategy::list_documents(user.auth.clone(), State(state.app.clone())).await?;
    let mut goals = Vec::new();
    for d in documents {
        let axum::Json(list) =
            strategy::list_goals(user.auth.clone(), State(state.app.clone()), Path(d.meta.id)).await?;
        goals.extend(list.into_iter().map(|g| (g.meta.id.to_string(), format!("{} {}", g.data.code, g.data.title))));
    }
    Ok(goals)
}

#[allow(clippy::too_many_lines)]
async fn passport_form(
    state: &WebState,
    user: &Signed,
    target: Option<(Uuid, i32)>,
    values: &Values,
    errors: &Errors,
) -> PageResult<Markup> {
    let goals = strategy_goals(state, user).await?;
    let organisations = organisation_names(state, user).await?;
    let mut organisations: Vec<(String, String)> = organisations.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    organisations.sort_by(|a, b| a.1.cmp(&b.1));
    let sources = codelist(Codelist::FundingSourceCategories);
    let (action, title) = match target {
        Some((id, _)) => (format!("/passports/{id}"), "Редагування паспорта"),
        None => ("/passports".to_owned(), "Новий паспорт проєкту"),
    };
    let e = errors;
    Ok(layout::page(
        user,
        title,
        html! {
            h1 { (title) }
            p.muted { "Чернетку можна зберегти неповною; повноту перевіряємо під час подання." }
            (layout::error_summary(errors))
            form method="post" action=(action) novalidate {
                @match target {
                    Some((_, version)) => (layout::guarded(user, version)),
                    None => (layout::csrf(user)),
                }
                @if target.is_none() && user.may(Permission::CreateForAnyOrganisation) {
                    (select(Some("Організація-ініціатор"), "_organisation", &organisations, values, e))
                }
                fieldset.card { legend { "Загальне" }
                    (input("Назва проєкту (українською)", "title.uk", "text", values, e))
                    (input("Назва англійською", "title.en", "text", values, e))
                    (area("Опис", "description.uk", values, e))
                    (area("Опис англійською", "description.en", values, e))
                    (area("Проблема, яку розв'язує проєкт", "problem", values, e))
                    (area("Цілі (кожна з нового рядка)", "goals", values, e))
                    div.grid {
                        div { (select(Some("Тип проєкту"), "project_type", &codelist(Codelist::InitiationTypes), values, e)) }
                        div { (select(Some("Призначення"), "purpose", &codelist(Codelist::InitiationPurpose), values, e)) }
                        div { (select(Some("Сектор (WB-ECO)"), "sector", &codelist(Codelist::WbEco), values, e)) }
                    }
                    fieldset { legend { "Характер робіт" }
                        @for (code, label) in codelist(Codelist::InitiationNature) {
                            input id=(format!("nature-{code}")) type="checkbox" name="nature" value=(code)
                                checked[values.has("nature", &code)];
                            label.inline for=(format!("nature-{code}")) { (label) }
                        }
                        (layout::field_errors(e, "nature"))
                    }
                    div.grid {
                        (input("Балансоутримувач", "balance_holder.name", "text", values, e))
                        (input("Код ЄДРПОУ балансоутримувача", "balance_holder.edrpou", "text", values, e))
                        (input("Виконавець", "implementer.name", "text", values, e))
                        (input("Код ЄДРПОУ виконавця", "implementer.edrpou", "text", values, e))
                    }
                }
                fieldset.card { legend { "Місце реалізації" }
                    @for i in 0..values.rows("locations", 1) {
                        div.grid {
                            (input(&format!("Код КАТОТТГ №{}", i + 1), &format!("locations[{i}].katottg"), "text", values, e))
                            (input(&format!("Адреса №{}", i + 1), &format!("locations[{i}].address"), "text", values, e))
                        }
                    }
                }
                fieldset.card { legend { "Зв'язок зі стратегією" }
                    @for (id, goal) in &goals {
                        div {
                            input id=(format!("goal-{id}")) type="checkbox" name="strategy_goal_ids" value=(id)
                                checked[values.has("strategy_goal_ids", id)];
                            label.inline for=(format!("goal-{id}")) { (goal) }
                        }
                    }
                    (layout::field_errors(e, "strategy_goal_ids"))
                }
                fieldset.card { legend { "Строки, вартість і фінансування" }
                    div.grid {
                        (input("Рік початку", "start_year", "number", values, e))
                        (input("Тривалість, років", "duration_years", "number", values, e))
                        (input("Витрати на утримання на рік, грн", "om_cost_per_year", "text", values, e))
                    }
                    h3 { "Витрати" }
                    (layout::field_errors(e, "costs"))
                    table {
                        thead { tr { th { "Рік" } th { "Стаття" } th { "Вид" } th { "Сума, грн" } } }
                        tbody { @for i in 0..values.rows("costs", 2) { tr {
                            (cell("Рік витрат", &format!("costs[{i}].year"), "number", values, e))
                            td { (select(None, &format!("costs[{i}].item"), &options(&COST_ITEMS), values, e)) }
                            td { (select(None, &format!("costs[{i}].cost_type"), &options(&COST_TYPES), values, e)) }
                            (cell("Сума витрат, грн", &format!("costs[{i}].amount"), "text", values, e))
                        } } }
                    }
                    h3 { "Фінансування" }
                    (layout::field_errors(e, "financing"))
                    table {
                        thead { tr { th { "Рік" } th { "Джерело" } th { "Сума, грн" } } }
                        tbody { @for i in 0..values.rows("financing", 2) { tr {
                            (cell("Рік фінансування", &format!("financing[{i}].year"), "number", values, e))
                            td { (select(None, &format!("financing[{i}].source"), &sources, values, e)) }
                            (cell("Сума фінансування, грн", &format!("financing[{i}].amount"), "text", values, e))
                        } } }
                    }
                }
                fieldset.card { legend { "Готовність, бенефіціари, ризики" }
                    div.grid {
                        div { (select(Some("Проєктна документація"), "readiness.design_documentation", &options(&DESIGN), values, e)) }
                        div { (select(Some("Земельна ділянка"), "readiness.land", &options(&LAND), values, e)) }
                        div { (select(Some("Експертиза"), "readiness.state_expertise", &options(&EXPERTISE), values, e)) }
                    }
                    h3 { "Документи, що підтверджують готовність" }
                    (layout::field_errors(e, "readiness.documents"))
                    table {
                        thead { tr { th { "Вид" } th { "Назва" } th { "Номер" } th { "Дата" } th { "Посилання" } } }
                        tbody { @for i in 0..values.rows("readiness.documents", 1) { tr {
                            @let at = |f: &str| format!("readiness.documents[{i}].{f}");
                            td { (select(None, &at("kind"), &options(&DOCUMENT_KINDS), values, e)) }
                            (cell("Назва документа", &at("title"), "text", values, e))
                            (cell("Номер документа", &at("number"), "text", values, e))
                            (cell("Дата документа", &at("date"), "date", values, e))
                            (cell("Посилання на документ", &at("url"), "url", values, e))
                        } } }
                    }
                    div.grid {
                        (input("Бенефіціарів усього", "beneficiaries.total", "number", values, e))
                        (input("З них ВПО", "beneficiaries.idps", "number", values, e))
                    }
                    table {
                        thead { tr { th { "Ризик" } th { "Імовірність" } th { "Вплив" } th { "Заходи" } } }
                        tbody { @for i in 0..values.rows("risks", 1) { tr {
                            (cell("Опис ризику", &format!("risks[{i}].description"), "text", values, e))
                            td { (select(None, &format!("risks[{i}].likelihood"), &options(&LEVELS), values, e)) }
                            td { (select(None, &format!("risks[{i}].impact"), &options(&LEVELS), values, e)) }
                            (cell("Заходи щодо ризику", &format!("risks[{i}].mitigation"), "text", values, e))
                        } } }
                    }
                    div.grid {
                        (checkbox("Енергоефективність", "cross_cutting.energy_efficiency", values))
                        (checkbox("Адаптація до зміни клімату", "cross_cutting.climate_adaptation", values))
                        (checkbox("Гендерна рівність", "cross_cutting.gender_equality", values))
                        (checkbox("Безбар'єрність", "cross_cutting.barrier_free", values))
                    }
                }
                fieldset.card { legend { "Контактні особи" }
                    @for i in 0..values.rows("contacts", 1) {
                        @let at = |f: &str| format!("contacts[{i}].{f}");
                        div.grid {
                            (input(&format!("Ім'я №{}", i + 1), &at("name"), "text", values, e))
                            (input(&format!("Посада №{}", i + 1), &at("position"), "text", values, e))
                            (input(&format!("Ел. пошта №{}", i + 1), &at("email"), "email", values, e))
                            (input(&format!("Телефон №{}", i + 1), &at("phone"), "text", values, e))
                        }
                    }
                }
                p.actions { button type="submit" { "Зберегти чернетку" } a href="/passports" { "Скасувати" } }
            }
        },
    ))
}

/// GET /passports/new.
pub async fn new_form(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    user.auth.require(Permission::CreatePassports)?;
    passport_form(&state, &user, None, &Values::default(), &Errors::default()).await
}

/// GET /passports/{id}/edit.
pub async fn edit_form(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let p = api::get_passport(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    portfel_domain::access::may_edit(&user.auth.claims.roles, user.auth.claims.org, p.organisation_id, p.status)
        .map_err(|e| ApiError::Forbidden(e.to_string()))?;
    let values = Values::from_json(&serde_json::to_value(&p.content)?);
    passport_form(&state, &user, Some((id, p.meta.version)), &values, &Errors::default()).await
}

/// The form again, with the refusal's field errors (422), or the refusal's page.
async fn refused(
    state: &WebState,
    user: &Signed,
    target: Option<(Uuid, i32)>,
    fields: &Fields,
    e: ApiError,
) -> PageResult<Response> {
    match e {
        ApiError::Validation(errors) => {
            let page = passport_form(state, user, target, &fields.values(), &Errors(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        other => Err(other.into()),
    }
}

/// POST /passports: creates a draft.
pub async fn create(State(state): State<WebState>, Posted { user, fields }: Posted) -> PageResult<Response> {
    let organisation_id = fields.text("_organisation").and_then(|o| o.parse().ok());
    let body = JsonBody::from_value(fields.to_json(kind));
    match api::create_passport(
        user.auth.clone(),
        State(state.app.clone()),
        QueryParams(CreateQuery { organisation_id }),
        body,
    )
    .await
    {
        Ok(created) => Ok(Redirect::to(&format!("/passports/{}", created.into_body().meta.id)).into_response()),
        Err(e) => refused(&state, &user, None, &fields, e).await,
    }
}

/// POST /passports/{id}: saves the draft.
pub async fn update(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let IfMatch(v) = fields.version()?;
    let body = JsonBody::from_value(fields.to_json(kind));
    match api::update_passport(user.auth.clone(), State(state.app.clone()), Path(id), IfMatch(v), body).await {
        Ok(_) => Ok(Redirect::to(&format!("/passports/{id}")).into_response()),
        Err(e) => refused(&state, &user, Some((id, v)), &fields, e).await,
    }
}

/// POST /passports/{id}/transition: submits, screens, returns, ...
pub async fn transition(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let IfMatch(v) = fields.version()?;
    let to = fields.text("to").unwrap_or_default();
    let app = State(state.app.clone());
    let result = if to == Status::Submitted.as_str() {
        api::submit_passport(user.auth.clone(), app, Path(id), IfMatch(v)).await
    } else {
        let body = JsonBody::from_value(
            json!({"to": to, "reason": fields.text("reason"), "resubmit_by": fields.text("resubmit_by")}),
        );
        api::transition_passport(user.auth.clone(), app, Path(id), IfMatch(v), body).await
    };
    match result {
        Ok(moved) => {
            // A passport returned to its initiator as a draft is no longer the PIM unit's to read.
            let readable = api::get_passport(user.auth.clone(), State(state.app.clone()), Path(id)).await.is_ok();
            let to = if readable {
                format!("/passports/{id}")
            } else {
                format!("/passports?moved={}", moved.into_body().status.as_str())
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(ApiError::Validation(errors)) => {
            let page = passport_page(&state, &user, id, &Errors(errors), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
