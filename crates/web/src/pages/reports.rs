//! Implementation reports in the workspace: the initiator writes a period's
//! report (money per funding source, progress, milestones, indicators, what
//! was done, documents), corrects it while it is a draft or returned, and
//! submits it; the PIM unit accepts it or returns it with a reason. Every
//! step goes through the API's handlers, so its rules and audit apply.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::{IfMatch, JsonBody};
use portfel_api::problem::ApiError;
use portfel_api::routes::passports as passports_api;
use portfel_api::routes::reports as api;
use portfel_domain::Permission;
use portfel_domain::codelist::Codelist;
use portfel_monitoring::records::ReportRecord;
use portfel_monitoring::report::ReportStatus;
use uuid::Uuid;

use crate::error::PageResult;
use crate::forms::{Errors, Fields, Kind, VERSION_FIELD, Values};
use crate::session::{Posted, Signed};
use crate::widgets::{area, cell, codelist, input, link, options, select};
use crate::{WebState, format, labels, layout, returns};

/// Blank rows offered beyond the filled ones.
const SPARE_ROWS: usize = 2;

fn kind(path: &str) -> Kind {
    match path {
        "period.year" | "period.quarter" => Kind::Integer,
        "financing.received" | "financing.spent" | "progress_percent" | "estimated_cost" => Kind::Money,
        "indicators.baseline" | "indicators.target" | "indicators.actual" => Kind::Money,
        _ => Kind::Text,
    }
}

/// Rows to show for the list `name`: up to the last filled one, and some blank
/// (so posting a form back with blank rows does not add more).
fn rows(values: &Values, name: &str) -> usize {
    let present = (0..).take_while(|i| values.has_prefix(&format!("{name}[{i}]")));
    present.filter(|i| values.filled(&format!("{name}[{i}]"))).last().map_or(0, |i| i + 1) + SPARE_ROWS
}

/// Where the form goes: a new report of a project, or a report's next version.
enum Target {
    New(Uuid),
    Existing { id: Uuid, version: i32 },
}

fn report_form(user: &Signed, title: &str, target: &Target, values: &Values, e: &Errors) -> Markup {
    let (action, back) = match target {
        Target::New(passport) => (format!("/passports/{passport}/reports"), format!("/passports/{passport}")),
        Target::Existing { id, .. } => (format!("/reports/{id}"), format!("/reports/{id}")),
    };
    let sources = codelist(Codelist::FundingSourceCategories);
    let quarters = options(&[("1", "I квартал"), ("2", "II квартал"), ("3", "III квартал"), ("4", "IV квартал")]);
    layout::page(
        user,
        title,
        html! {
            h1 { (title) }
            (layout::error_summary(e))
            form.card method="post" action=(action) novalidate {
                (layout::csrf(user))
                @if let Target::Existing { version, .. } = target { input type="hidden" name=(VERSION_FIELD) value=(version); }
                fieldset { legend { "Звітний період" }
                    div.grid {
                        (input("Рік", "period.year", "number", values, e))
                        div.field { (select(Some("Квартал (порожньо — за рік)"), "period.quarter", &quarters, values, e)) }
                    }
                }
                fieldset { legend { "Фінансування за джерелами, грн" }
                    table {
                        thead { tr { th { "Джерело" } th { "Отримано" } th { "Витрачено" } } }
                        tbody { @for i in 0..rows(values, "financing") {
                            @let at = |f: &str| format!("financing[{i}].{f}");
                            tr {
                                td { (select(None, &at("source"), &sources, values, e)) }
                                (cell(&format!("Отримано, рядок {}", i + 1), &at("received"), "text", values, e))
                                (cell(&format!("Витрачено, рядок {}", i + 1), &at("spent"), "text", values, e))
                            }
                        } }
                    }
                }
                (input("Фізичний прогрес на кінець періоду, %", "progress_percent", "text", values, e))
                fieldset { legend { "Віхи" }
                    table {
                        thead { tr { th { "Віха" } th { "Дата за планом" } th { "Фактична дата" } } }
                        tbody { @for i in 0..rows(values, "milestones") {
                            @let at = |f: &str| format!("milestones[{i}].{f}");
                            tr {
                                (cell(&format!("Віха №{}", i + 1), &at("name"), "text", values, e))
                                (cell(&format!("Дата віхи №{} за планом", i + 1), &at("planned"), "date", values, e))
                                (cell(&format!("Фактична дата віхи №{}", i + 1), &at("actual"), "date", values, e))
                            }
                        } }
                    }
                }
                fieldset { legend { "Показники продукту й результату" }
                    table {
                        thead { tr { th { "Показник" } th { "Одиниця" } th { "Базове" } th { "Цільове" } th { "Фактичне" } } }
                        tbody { @for i in 0..rows(values, "indicators") {
                            @let at = |f: &str| format!("indicators[{i}].{f}");
                            @let n = i + 1;
                            tr {
                                (cell(&format!("Показник №{n}"), &at("name"), "text", values, e))
                                (cell(&format!("Одиниця показника №{n}"), &at("unit"), "text", values, e))
                                (cell(&format!("Базове значення показника №{n}"), &at("baseline"), "text", values, e))
                                (cell(&format!("Цільове значення показника №{n}"), &at("target"), "text", values, e))
                                (cell(&format!("Фактичне значення показника №{n}"), &at("actual"), "text", values, e))
                            }
                        } }
                    }
                }
                (area("Що зроблено", "narrative", values, e))
                (input("Очікувана вартість проєкту, грн (якщо змінилася)", "estimated_cost", "text", values, e))
                fieldset { legend { "Документи (акти, звіти, фото)" }
                    table {
                        thead { tr { th { "Назва" } th { "Посилання" } } }
                        tbody { @for i in 0..rows(values, "documents") {
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

/// The form again with the refusal's field errors (422), or the refusal's page.
fn refused(user: &Signed, title: &str, target: &Target, fields: &Fields, e: ApiError) -> PageResult<Response> {
    match e {
        ApiError::Validation(errors) => {
            let page = report_form(user, title, target, &fields.values(), &Errors(errors));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        other => Err(other.into()),
    }
}

const NEW_TITLE: &str = "Новий звіт про реалізацію";
const EDIT_TITLE: &str = "Звіт про реалізацію: зміни";

/// GET /passports/{id}/reports/new.
pub async fn new_form(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let passport =
        passports_api::get_passport(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    user.auth.require_reporter(passport.organisation_id)?;
    let mut values = Values::default();
    values.set("period.year", chrono::Utc::now().date_naive().format("%Y").to_string());
    Ok(report_form(&user, NEW_TITLE, &Target::New(id), &values, &Errors::default()))
}

/// POST /passports/{id}/reports.
pub async fn create(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let body = JsonBody::from_value(fields.to_json(kind));
    match api::create_report(user.auth.clone(), State(state.app.clone()), Path(id), body).await {
        Ok(created) => Ok(Redirect::to(&format!("/reports/{}", created.into_body().id)).into_response()),
        Err(e) => refused(&user, NEW_TITLE, &Target::New(id), &fields, e),
    }
}

async fn get(state: &WebState, user: &Signed, id: Uuid) -> PageResult<ReportRecord> {
    Ok(api::get_report(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body())
}

/// GET /reports/{id}/edit.
pub async fn edit_form(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let report = get(&state, &user, id).await?;
    user.auth.require_reporter(report.organisation_id)?;
    if !report.status.editable() {
        let state = [("state", report.status.as_str().to_owned())];
        return Err(ApiError::Conflict(portfel_domain::FieldError::of("state", "report_fixed", &state)).into());
    }
    let values = Values::from_json(&serde_json::to_value(&report.content)?);
    let target = Target::Existing { id, version: report.version };
    Ok(report_form(&user, EDIT_TITLE, &target, &values, &Errors::default()))
}

/// POST /reports/{id}: saves a draft or returned report.
pub async fn update(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let IfMatch(version) = fields.version()?;
    let body = JsonBody::from_value(fields.to_json(kind));
    match api::update_report(user.auth.clone(), State(state.app.clone()), Path(id), IfMatch(version), body).await {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}")).into_response()),
        Err(e) => refused(&user, EDIT_TITLE, &Target::Existing { id, version }, &fields, e),
    }
}

/// POST /reports/{id}/{action}: submit, accept or return (with a reason).
pub async fn decide(
    State(state): State<WebState>,
    Path((id, action)): Path<(Uuid, String)>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let version = fields.version()?;
    let (auth, app) = (user.auth.clone(), State(state.app.clone()));
    let result = match action.as_str() {
        "submit" => api::submit_report(auth, app, Path(id), version).await,
        "accept" => api::accept_report(auth, app, Path(id), version).await,
        "return" => api::return_report(auth, app, Path(id), version, returns::body(&fields)).await,
        _ => return Err(ApiError::NotFound("no such step".into()).into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}")).into_response()),
        Err(ApiError::Validation(errors)) => {
            // The return's reason and day stay as typed beside the errors.
            let page = show_page(&state, &user, id, (&fields.values(), &Errors(errors))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /reports/{id}.
pub async fn show(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    show_page(&state, &user, id, (&Values::default(), &Errors::default())).await
}

fn step(user: &Signed, id: Uuid, version: i32, action: &str, label: &str) -> Markup {
    html! {
        form.inline method="post" action=(format!("/reports/{id}/{action}")) {
            (layout::csrf(user))
            input type="hidden" name=(VERSION_FIELD) value=(version);
            button type="submit" { (label) }
        }
    }
}

/// The page of report `id`, its return form holding `posted` values and errors.
async fn show_page(state: &WebState, user: &Signed, id: Uuid, posted: (&Values, &Errors)) -> PageResult<Markup> {
    let (typed, e) = posted;
    let r = get(state, user, id).await?;
    let c = &r.content;
    let writer = user.auth.require_reporter(r.organisation_id).is_ok();
    let checker = user.may(Permission::CheckReports);
    let title = format!("Звіт про реалізацію за {}", c.period);
    let owner = portfel_api::routes::attachments::OwnerQuery {
        owner_kind: portfel_domain::attachment::OwnerKind::Report,
        owner_id: id,
    };
    let files = super::attachments::section(state, user, owner, &format!("/reports/{id}")).await?;
    Ok(layout::page(
        user,
        &title,
        html! {
            p { a href=(format!("/passports/{}", r.passport_id)) { "← До паспорта проєкту" } }
            h1 { (title) }
            p { "Редакція " (r.revision) " · стан: " strong { (labels::report_status(r.status)) }
                " · склав " (r.created_by) @if let Some(d) = &r.decided_by { " · розглянув " (d) } }
            (returns::notice(r.return_reason.as_deref(), r.resubmit_by.filter(|_| r.status == ReportStatus::Returned)))
            (layout::error_summary(e))
            h2 { "Фінансування, грн" }
            table {
                thead { tr { th { "Джерело" } th.num { "Отримано" } th.num { "Витрачено" } } }
                tbody { @for f in &c.financing { tr {
                    td { (labels::source(&f.source)) } td.num { (format::uah(f.received.value())) } td.num { (format::uah(f.spent.value())) }
                } } }
                tfoot { tr { th { "Усього" } th.num { (format::uah(c.received().value())) } th.num { (format::uah(c.spent().value())) } } }
            }
            p { "Фізичний прогрес: " strong { (format::number(c.progress_percent, 1)) " %" }
                @if let Some(cost) = c.estimated_cost { " · очікувана вартість: " (format::uah(cost.value())) " грн" } }
            @if !c.milestones.is_empty() {
                h2 { "Віхи" }
                table {
                    thead { tr { th { "Віха" } th { "За планом" } th { "Фактично" } } }
                    tbody { @for m in &c.milestones { tr {
                        td { (m.name) } td { (m.planned) } td { @if let Some(a) = m.actual { (a) } @else { "—" } }
                    } } }
                }
            }
            @if !c.indicators.is_empty() {
                h2 { "Показники" }
                table {
                    thead { tr { th { "Показник" } th { "Одиниця" } th.num { "Базове" } th.num { "Цільове" } th.num { "Фактичне" } } }
                    tbody { @for i in &c.indicators { tr {
                        td { (i.name) } td { (i.unit) } td.num { (format::number(i.baseline, 2)) } td.num { (format::number(i.target, 2)) }
                        td.num { @if let Some(a) = i.actual { (format::number(a, 2)) } @else { "—" } }
                    } } }
                }
            }
            @if !c.narrative.is_empty() { h2 { "Що зроблено" } p { (c.narrative) } }
            @if !c.documents.is_empty() {
                h2 { "Документи" }
                ul { @for d in &c.documents { li { (link(&d.url, &d.title)) } } }
            }
            (files)
            @if writer && r.status.editable() {
                p.actions {
                    a href=(format!("/reports/{id}/edit")) { "Змінити" }
                    (step(user, id, r.version, "submit", "Подати до уповноваженого підрозділу"))
                }
            }
            @if checker && r.status == ReportStatus::Submitted {
                h2 { "Розгляд" }
                (step(user, id, r.version, "accept", "Прийняти звіт"))
                form.card method="post" action=(format!("/reports/{id}/return")) {
                    (layout::csrf(user))
                    input type="hidden" name=(VERSION_FIELD) value=(r.version);
                    (area("Що виправити (причина повернення)", "reason", typed, e))
                    (returns::back_by_input("resubmit_by", typed, e))
                    button type="submit" { "Повернути на доопрацювання" }
                }
            }
        },
    ))
}
