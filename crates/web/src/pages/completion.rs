//! The completion report in the workspace: the initiator writes it from the
//! passport's plan (dates, costs, promised indicators, upkeep), corrects what
//! differed and submits it; the PIM unit accepts it — which closes the
//! project — or returns it with a reason. The page shows its figures against
//! the passport. Every step goes through the API's handlers.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::{IfMatch, JsonBody};
use portfel_api::problem::ApiError;
use portfel_api::routes::completions::{self as api, Completion};
use portfel_api::routes::passports as passports_api;
use portfel_domain::Permission;
use portfel_domain::codelist::Codelist;
use portfel_monitoring::completion::{CompletionFigures, Outcome, Variance};
use portfel_monitoring::report::ReportStatus;
use uuid::Uuid;

use crate::error::PageResult;
use crate::forms::{Errors, Fields, Kind, VERSION_FIELD, Values};
use crate::labels::{COST_ITEMS, choice_of};
use crate::session::{Posted, Signed};
use crate::widgets::{area, cell, codelist, input, link, options, select};
use crate::{WebState, format, labels, layout, returns};

/// Blank rows offered beyond the filled ones.
const SPARE_ROWS: usize = 1;

fn kind(path: &str) -> Kind {
    match path {
        "costs.year" => Kind::Integer,
        "costs.amount" | "handover.value" | "upkeep.cost_per_year" => Kind::Money,
        "indicators.baseline" | "indicators.target" | "indicators.actual" => Kind::Money,
        _ => Kind::Text,
    }
}

/// How a project ended, in words.
pub fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Completed => "Роботи виконано, проєкт завершено",
        Outcome::Unsuccessful => "Реалізація не вдалася",
        Outcome::Cancelled => "Реалізацію припинено",
    }
}

/// Where the form goes: a project's new report, or the report's next version.
enum Target {
    New(Uuid),
    Existing { id: Uuid, version: i32 },
}

fn report_form(user: &Signed, target: &Target, values: &Values, e: &Errors) -> Markup {
    let (action, back) = match target {
        Target::New(passport) => (format!("/passports/{passport}/completion"), format!("/passports/{passport}")),
        Target::Existing { id, .. } => (format!("/completions/{id}"), format!("/completions/{id}")),
    };
    let sources = codelist(Codelist::FundingSourceCategories);
    let items = options(&COST_ITEMS);
    let outcomes: Vec<(String, String)> =
        Outcome::ALL.iter().map(|o| (o.as_str().to_owned(), outcome(*o).to_owned())).collect();
    let title = "Звіт про завершення проєкту";
    layout::page(
        user,
        title,
        html! {
            h1 { (title) }
            p.muted { "Форму заповнено з паспорта: виправте те, що відбулося інакше, ніж планувалося." }
            (layout::error_summary(e))
            form.card method="post" action=(action) novalidate {
                (layout::csrf(user))
                @if let Target::Existing { version, .. } = target { input type="hidden" name=(VERSION_FIELD) value=(version); }
                div.field { (select(Some("Результат"), "outcome", &outcomes, values, e)) }
                div.grid {
                    (input("Фактичний початок робіт", "actual_start", "date", values, e))
                    (input("Фактичне завершення (припинення) робіт", "actual_end", "date", values, e))
                }
                fieldset { legend { "Фактичні витрати, грн" }
                    table {
                        thead { tr { th { "Рік" } th { "Стаття" } th { "Джерело" } th { "Сума" } } }
                        tbody { @for i in 0..values.rows("costs", SPARE_ROWS) {
                            @let at = |f: &str| format!("costs[{i}].{f}");
                            tr {
                                (cell(&format!("Рік, рядок {}", i + 1), &at("year"), "number", values, e))
                                td { (select(None, &at("item"), &items, values, e)) }
                                td { (select(None, &at("source"), &sources, values, e)) }
                                (cell(&format!("Сума, рядок {}", i + 1), &at("amount"), "text", values, e))
                            }
                        } }
                    }
                }
                fieldset { legend { "Показники: досягнуті значення" }
                    table {
                        thead { tr { th { "Показник" } th { "Одиниця" } th { "Базове" } th { "Цільове" } th { "Досягнуте" } } }
                        tbody { @for i in 0..values.rows("indicators", SPARE_ROWS) {
                            @let at = |f: &str| format!("indicators[{i}].{f}");
                            @let n = i + 1;
                            tr {
                                (cell(&format!("Показник №{n}"), &at("name"), "text", values, e))
                                (cell(&format!("Одиниця показника №{n}"), &at("unit"), "text", values, e))
                                (cell(&format!("Базове значення показника №{n}"), &at("baseline"), "text", values, e))
                                (cell(&format!("Цільове значення показника №{n}"), &at("target"), "text", values, e))
                                (cell(&format!("Досягнуте значення показника №{n}"), &at("actual"), "text", values, e))
                            }
                        } }
                    }
                }
                fieldset { legend { "Передача активу балансоутримувачу (якщо є)" }
                    div.grid {
                        (input("Балансоутримувач", "handover.balance_holder.name", "text", values, e))
                        (input("Код ЄДРПОУ балансоутримувача", "handover.balance_holder.edrpou", "text", values, e))
                        (input("Номер акта приймання-передачі", "handover.act_number", "text", values, e))
                        (input("Дата акта", "handover.act_date", "date", values, e))
                        (input("Вартість активу, грн", "handover.value", "text", values, e))
                    }
                }
                fieldset { legend { "Утримання після завершення" }
                    div.grid {
                        (input("Витрати на утримання на рік, грн", "upkeep.cost_per_year", "text", values, e))
                        div.field { (select(Some("Джерело"), "upkeep.source", &sources, values, e)) }
                        (input("Де передбачено кошти (програма, рішення)", "upkeep.arranged_by", "text", values, e))
                    }
                }
                (area("Що не виконано і чому", "shortfalls", values, e))
                (area("Що залишилося (для припиненого чи невдалого проєкту)", "remaining", values, e))
                fieldset { legend { "Документи (акти, фото) за посиланнями" }
                    table {
                        thead { tr { th { "Назва" } th { "Посилання" } } }
                        tbody { @for i in 0..values.rows("documents", SPARE_ROWS) {
                            @let at = |f: &str| format!("documents[{i}].{f}");
                            tr {
                                (cell(&format!("Назва документа №{}", i + 1), &at("title"), "text", values, e))
                                (cell(&format!("Посилання на документ №{}", i + 1), &at("url"), "url", values, e))
                            }
                        } }
                    }
                }
                p.actions { button type="submit" { "Зберегти чернетку" } a href=(back) { "Скасувати" } }
            }
        },
    )
}

fn refused(user: &Signed, target: &Target, fields: &Fields, e: ApiError) -> PageResult<Response> {
    match e {
        ApiError::Validation(errors) => {
            let page = report_form(user, target, &fields.values(), &Errors(errors));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        other => Err(other.into()),
    }
}

/// GET /passports/{id}/completion: the project's report, or the form to write it.
pub async fn of_project(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Response> {
    if let Some(found) = api::of_project(&state.app, &user.auth, id).await? {
        return Ok(Redirect::to(&format!("/completions/{}", found.into_body().report.id)).into_response());
    }
    let passport =
        passports_api::get_passport(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    user.auth.require_reporter(passport.organisation_id)?;
    let start = api::template(&state.app, &passport).await?;
    let values = Values::from_json(&serde_json::to_value(&start)?);
    Ok(report_form(&user, &Target::New(id), &values, &Errors::default()).into_response())
}

/// POST /passports/{id}/completion.
pub async fn create(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let body = JsonBody::from_value(fields.to_json(kind));
    match api::create_completion(user.auth.clone(), State(state.app.clone()), Path(id), body).await {
        Ok(created) => Ok(Redirect::to(&format!("/completions/{}", created.into_body().report.id)).into_response()),
        Err(e) => refused(&user, &Target::New(id), &fields, e),
    }
}

async fn get(state: &WebState, user: &Signed, id: Uuid) -> PageResult<Completion> {
    Ok(api::get_completion(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body())
}

/// GET /completions/{id}/edit.
pub async fn edit_form(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let r = get(&state, &user, id).await?.report;
    user.auth.require_reporter(r.organisation_id)?;
    if !r.status.editable() {
        let state = [("state", r.status.as_str().to_owned())];
        return Err(ApiError::Conflict(portfel_domain::FieldError::of("state", "report_fixed", &state)).into());
    }
    let values = Values::from_json(&serde_json::to_value(&r.content)?);
    Ok(report_form(&user, &Target::Existing { id, version: r.version }, &values, &Errors::default()))
}

/// POST /completions/{id}: saves a draft or returned report.
pub async fn update(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let IfMatch(version) = fields.version()?;
    let body = JsonBody::from_value(fields.to_json(kind));
    match api::update_completion(user.auth.clone(), State(state.app.clone()), Path(id), IfMatch(version), body).await {
        Ok(_) => Ok(Redirect::to(&format!("/completions/{id}")).into_response()),
        Err(e) => refused(&user, &Target::Existing { id, version }, &fields, e),
    }
}

/// POST /completions/{id}/{action}: submit, accept or return (with a reason).
pub async fn decide(
    State(state): State<WebState>,
    Path((id, action)): Path<(Uuid, String)>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let version = fields.version()?;
    let (auth, app) = (user.auth.clone(), State(state.app.clone()));
    let result = match action.as_str() {
        "submit" => api::submit_completion(auth, app, Path(id), version).await,
        "accept" => api::accept_completion(auth, app, Path(id), version).await,
        "return" => api::return_completion(auth, app, Path(id), version, returns::body(&fields)).await,
        _ => return Err(ApiError::NotFound("no such step".into()).into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/completions/{id}")).into_response()),
        Err(ApiError::Validation(errors)) => {
            // The return's reason and day stay as typed beside the errors.
            let page = show_page(&state, &user, id, (&fields.values(), &Errors(errors))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /completions/{id}.
pub async fn show(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    show_page(&state, &user, id, (&Values::default(), &Errors::default())).await
}

fn step(user: &Signed, id: Uuid, version: i32, action: &str, label: &str) -> Markup {
    html! {
        form.inline method="post" action=(format!("/completions/{id}/{action}")) {
            (layout::guarded(user, version))
            button type="submit" { (label) }
        }
    }
}

fn share(ratio: Option<rust_decimal::Decimal>) -> String {
    ratio.map_or_else(|| "—".to_owned(), portfel_domain::messages::percent)
}

fn variance_cells(v: &Variance) -> Markup {
    html! {
        td.num { (format::uah(v.planned.value())) } td.num { (format::uah(v.actual.value())) }
        td.num { (format::uah(v.difference.value())) } td.num { (share(v.ratio)) }
    }
}

/// The figures planned against actual, as the completion and evaluation pages show them.
pub fn figures(f: &CompletionFigures) -> Markup {
    html! {
        h2 { "Заплановано і фактично" }
        table {
            caption { "Вартість, грн" }
            thead { tr { th { "Частина" } th.num { "За паспортом" } th.num { "Фактично" } th.num { "Відхилення" } th.num { "Відхилення, %" } } }
            tbody {
                tr { th { "Усього" } (variance_cells(&f.cost)) }
                @for y in &f.by_year { tr { td { (y.key) " рік" } (variance_cells(&y.variance)) } }
                @for i in &f.by_item { tr { td { (choice_of(&COST_ITEMS, &i.key)) } (variance_cells(&i.variance)) } }
                @for s in &f.by_source { tr { td { (labels::source(&s.key)) } (variance_cells(&s.variance)) } }
            }
        }
        @if let Some(s) = &f.schedule {
            p { "Строк: за паспортом " (s.planned_start.format("%d.%m.%Y")) " – " (s.planned_end.format("%d.%m.%Y"))
                ", фактично " (s.actual_start.format("%d.%m.%Y")) " – " (s.actual_end.format("%d.%m.%Y")) "; "
                @if s.end_delay_days > 0 { strong { "запізнення " (s.end_delay_days) " дн." } }
                @else if s.end_delay_days < 0 { "на " (-s.end_delay_days) " дн. раніше" } @else { "у строк" } }
        }
        @if !f.indicators.is_empty() {
            table {
                caption { "Показники" }
                thead { tr { th { "Показник" } th { "Одиниця" } th.num { "Базове" } th.num { "Цільове" } th.num { "Досягнуте" } th.num { "Досягнення" } } }
                tbody { @for i in &f.indicators { tr {
                    td { (i.indicator.name) } td { (i.indicator.unit) }
                    td.num { (format::number(i.indicator.baseline, 2)) } td.num { (format::number(i.indicator.target, 2)) }
                    td.num { @if let Some(a) = i.indicator.actual { (format::number(a, 2)) } @else { "—" } }
                    td.num { (share(i.achievement)) }
                } } }
            }
            @if let Some(m) = f.mean_achievement { p { "Середнє досягнення показників: " strong { (share(Some(m))) } } }
        }
        @if f.upkeep.promised.is_some() || f.upkeep.arranged.is_some() {
            p { "Утримання на рік: за паспортом " (f.upkeep.promised.map_or("—".to_owned(), |u| format::uah(u.value()))) " грн, забезпечено "
                (f.upkeep.arranged.map_or("—".to_owned(), |u| format::uah(u.value()))) " грн" }
        }
    }
}

/// The page of report `id`, its return form holding `posted` values and errors.
async fn show_page(state: &WebState, user: &Signed, id: Uuid, posted: (&Values, &Errors)) -> PageResult<Markup> {
    let (typed, e) = posted;
    let Completion { report: r, figures: f } = get(state, user, id).await?;
    let c = &r.content;
    let writer = user.auth.require_reporter(r.organisation_id).is_ok();
    let checker = user.may(Permission::CheckReports);
    let owner = portfel_api::routes::attachments::OwnerQuery {
        owner_kind: portfel_domain::attachment::OwnerKind::Completion,
        owner_id: id,
    };
    let files = super::attachments::section(state, user, owner, &format!("/completions/{id}")).await?;
    let title = "Звіт про завершення проєкту";
    Ok(layout::page(
        user,
        title,
        html! {
            p { a href=(format!("/passports/{}", r.passport_id)) { "← До паспорта проєкту" } }
            h1 { (title) }
            p { "Стан: " strong { (labels::report_status(r.status)) } " · склав " (r.created_by)
                @if let Some(d) = &r.decided_by { " · розглянув " (d) } }
            (returns::notice(r.return_reason.as_deref(), r.resubmit_by.filter(|_| r.status == ReportStatus::Returned)))
            (layout::error_summary(e))
            p { strong { (outcome(c.outcome)) } "; роботи тривали з " (c.actual_start.format("%d.%m.%Y")) " до " (c.actual_end.format("%d.%m.%Y")) "." }
            (figures(&f))
            @if let Some(h) = &c.handover {
                p { "Актив передано: " (h.balance_holder.name) " (ЄДРПОУ " (h.balance_holder.edrpou) "), акт № " (h.act_number)
                    " від " (h.act_date.format("%d.%m.%Y")) ", вартість " (format::uah(h.value.value())) " грн" }
            }
            @if let Some(u) = c.upkeep.as_ref().filter(|u| !u.arranged_by.is_empty()) { p { "Кошти на утримання: " (u.arranged_by) } }
            @if !c.shortfalls.is_empty() { h2 { "Що не виконано і чому" } p { (c.shortfalls) } }
            @if !c.remaining.is_empty() { h2 { "Що залишилося" } p { (c.remaining) } }
            @if !c.documents.is_empty() {
                h2 { "Документи" }
                ul { @for d in &c.documents { li { (link(&d.url, &d.title)) } } }
            }
            (files)
            @if writer && r.status.editable() {
                p.actions {
                    a href=(format!("/completions/{id}/edit")) { "Змінити" }
                    (step(user, id, r.version, "submit", "Подати до уповноваженого підрозділу"))
                }
            }
            @if checker && r.status == ReportStatus::Submitted {
                h2 { "Розгляд" }
                p.muted { "Прийняття звіту переводить проєкт у стан, що відповідає результату." }
                (step(user, id, r.version, "accept", "Прийняти звіт і закрити проєкт"))
                form.card method="post" action=(format!("/completions/{id}/return")) {
                    (layout::guarded(user, r.version))
                    (area("Що виправити (причина повернення)", "reason", typed, e))
                    (returns::back_by_input("resubmit_by", typed, e))
                    button type="submit" { "Повернути на доопрацювання" }
                }
            }
        },
    ))
}

/// The passport page's part on how the project ended: its completion report
/// (or the button to write it), its evaluation (or the button to begin it),
/// and — while the project is not closed — its initiator's record for those
/// who judge it.
pub async fn passport_section(
    state: &WebState,
    user: &Signed,
    p: &portfel_domain::records::Passport,
) -> PageResult<Markup> {
    use portfel_domain::Status;
    let id = p.meta.id;
    let closing = p.status == Status::Implementation || p.status.is_terminal();
    let reads = user.may(Permission::ReadReports) || user.may(Permission::Evaluate);
    let report = if closing && reads {
        api::of_project(&state.app, &user.auth, id).await?.map(|v| v.into_body().report)
    } else {
        None
    };
    let evaluation = if report.is_some() {
        portfel_api::routes::evaluations::of_project(&state.app, &user.auth, id).await?.map(|v| v.into_body())
    } else {
        None
    };
    let record = if !p.status.is_terminal() && (user.may(Permission::ReadRounds) && p.status != Status::Draft) {
        Some(portfel_api::routes::evaluations::record_of(&state.app, &user.auth, p.organisation_id).await?)
    } else {
        None
    };
    let writer = p.status == Status::Implementation && user.auth.require_reporter(p.organisation_id).is_ok();
    let accepted = report.as_ref().is_some_and(|r| r.status == ReportStatus::Accepted);
    Ok(html! {
        @if closing && (reads || writer) {
            h2 { "Завершення та оцінювання результатів" }
            @match &report {
                Some(r) => p { a href=(format!("/completions/{}", r.id)) { "Звіт про завершення" } ": " (labels::report_status(r.status))
                    " · " (outcome(r.content.outcome)) },
                None if writer => p { a.button href=(format!("/passports/{id}/completion")) { "Звіт про завершення" }
                    span.muted { " Проєкт закривається прийнятим звітом про завершення." } },
                None => p { "Звіту про завершення ще немає." },
            }
            @match &evaluation {
                Some(e) => p { a href=(format!("/evaluations/{}", e.evaluation.id)) { "Оцінювання результатів" } ": "
                    @if e.evaluation.status == portfel_monitoring::expost::EvaluationStatus::SignedOff {
                        "висновок підписано" @if let Some(r) = e.evaluation.content.overall { ", оцінка — " (r.label()) }
                    } @else { "триває, оцінити до " (e.due.format("%d.%m.%Y")) } },
                None if accepted && user.may(Permission::Evaluate) => form method="post" action=(format!("/passports/{id}/evaluation")) {
                    (layout::csrf(user)) button type="submit" { "Почати оцінювання результатів" } },
                None => {},
            }
        }
        @if let Some(record) = &record { (track_record(record)) }
    })
}

/// The initiator's record beside its passports: what its closed projects achieved.
pub fn track_record(record: &portfel_monitoring::completion::TrackRecord) -> Markup {
    html! {
        section.card aria-labelledby="track-record" {
            h2 id="track-record" { "Досвід ініціатора" }
            @if record.projects.is_empty() { p { "Завершених проєктів ініціатора ще немає." } } @else {
                p { "Завершено: " strong { (record.completed) } " · невдалих: " (record.unsuccessful) " · припинено: " (record.cancelled) }
                p { "Середнє відхилення вартості: " (share(record.mean_cost_ratio))
                    " · середнє запізнення: " (record.mean_end_delay_days.map_or("—".to_owned(), |d| format!("{} дн.", format::number(d, 0))))
                    " · середнє досягнення показників: " (share(record.mean_achievement)) }
                table {
                    thead { tr { th { "Проєкт" } th { "Результат" } th.num { "Відхилення вартості" } th.num { "Запізнення, дн." } th.num { "Досягнення показників" } } }
                    tbody { @for p in &record.projects { tr {
                        td { (p.title) } td { (outcome(p.outcome)) } td.num { (share(p.cost_ratio)) }
                        td.num { (p.end_delay_days.map_or("—".to_owned(), |d| d.to_string())) } td.num { (share(p.mean_achievement)) }
                    } } }
                }
            }
        }
    }
}
