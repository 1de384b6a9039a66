//! Ex-post evaluations in the workspace: the register of closed projects with
//! their due dates (overdue marked), the evaluation page where the PIM unit and
//! the experts it named judge each section of the conclusion against the
//! computed figures, the sign-off that freezes it, and the conclusion as DOCX.
//! Every step goes through the API's handlers.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::{IfMatch, JsonBody};
use portfel_api::problem::ApiError;
use portfel_api::routes::evaluations::{self as api, Evaluation};
use portfel_domain::Permission;
use portfel_monitoring::expost::{EvaluationStatus, Rating};
use uuid::Uuid;

use crate::error::PageResult;
use crate::forms::{Errors, Kind, Values};
use crate::session::{Posted, Signed};
use crate::widgets::{area, select};
use crate::{WebState, layout};

fn kind(path: &str) -> Kind {
    match path {
        "lessons" | "experts" => Kind::Lines,
        _ => Kind::Text,
    }
}

fn ratings() -> Vec<(String, String)> {
    Rating::ALL.iter().map(|r| (r.as_str().to_owned(), r.label().to_owned())).collect()
}

/// GET /evaluations: closed projects, evaluations to do first, soonest due first.
pub async fn register(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    let list = api::closed_projects(&state.app, &user.auth).await?;
    let title = "Оцінювання результатів проєктів";
    Ok(layout::page(
        &user,
        title,
        html! {
            h1 { (title) }
            p.muted { "Завершені, неуспішні та припинені проєкти з прийнятим звітом про завершення. Строк оцінювання — "
                (state.app.expost_after_days) " дн. після завершення робіт." }
            @if list.is_empty() { p.notice { "Закритих проєктів ще немає." } } @else {
                table {
                    thead { tr { th { "Проєкт" } th { "Результат" } th { "Роботи завершено" } th { "Оцінити до" } th { "Оцінювання" } } }
                    tbody { @for c in &list { tr {
                        td { a href=(format!("/passports/{}", c.passport_id)) { (c.title) } }
                        td { (super::completion::outcome(c.outcome)) }
                        td { (c.actual_end.format("%d.%m.%Y")) }
                        td { (c.due.format("%d.%m.%Y")) @if c.overdue { " " strong { "(прострочено)" } } }
                        td { @match (c.evaluation_id, c.status) {
                            (Some(e), Some(EvaluationStatus::SignedOff)) => {
                                a href=(format!("/evaluations/{e}")) { "висновок підписано" }
                                @if let Some(r) = c.overall { " (" (r.label()) ")" }
                            }
                            (Some(e), _) => { a href=(format!("/evaluations/{e}")) { "триває" } }
                            _ => { "не розпочато" }
                        } }
                    } } }
                }
            }
        },
    ))
}

/// POST /passports/{id}/evaluation: begins the evaluation.
pub async fn begin(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, .. }: Posted,
) -> PageResult<Response> {
    let made = api::create_evaluation(user.auth.clone(), State(state.app.clone()), Path(id)).await?;
    Ok(Redirect::to(&format!("/evaluations/{}", made.into_body().evaluation.id)).into_response())
}

/// GET /evaluations/{id}.
pub async fn show(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let e = api::get_evaluation(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    let values = Values::from_json(&serde_json::to_value(&e.evaluation.content)?);
    page(&state, &user, &e, &values, &Errors::default()).await
}

/// POST /evaluations/{id}: saves what the evaluators wrote.
pub async fn save(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let IfMatch(version) = fields.version()?;
    let body = JsonBody::from_value(fields.to_json(kind));
    match api::update_evaluation(user.auth.clone(), State(state.app.clone()), Path(id), IfMatch(version), body).await {
        Ok(_) => Ok(Redirect::to(&format!("/evaluations/{id}")).into_response()),
        Err(ApiError::Validation(errors)) => {
            let e = api::get_evaluation(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
            let page = page(&state, &user, &e, &fields.values(), &Errors(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /evaluations/{id}/sign-off.
pub async fn sign_off(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let version = fields.version()?;
    match api::sign_off_evaluation(user.auth.clone(), State(state.app.clone()), Path(id), version).await {
        Ok(_) => Ok(Redirect::to(&format!("/evaluations/{id}")).into_response()),
        Err(ApiError::Validation(errors)) => {
            let e = api::get_evaluation(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
            let values = Values::from_json(&serde_json::to_value(&e.evaluation.content)?);
            let page = page(&state, &user, &e, &values, &Errors(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /evaluations/{id}/print: the conclusion as a page to print or save as PDF.
pub async fn print(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let e = api::get_evaluation(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    let r = &e.evaluation;
    let passport =
        portfel_api::routes::passports::get_passport(user.auth.clone(), State(state.app.clone()), Path(r.passport_id))
            .await?
            .into_body();
    let names = super::names::organisation_names(&state, &user).await?;
    let hromada = super::names::hromada(&state, &user).await?;
    let completion = portfel_api::routes::completions::get_completion(
        user.auth.clone(),
        State(state.app.clone()),
        Path(e.completion_id),
    )
    .await?
    .into_body()
    .report;
    let c = &completion.content;
    Ok(layout::page(
        &user,
        "Висновок — друк",
        html! {
            p.no-print { a href=(format!("/evaluations/{id}")) { "← До оцінювання" } " "
                button type="button" data-action="print" { "Друкувати або зберегти як PDF" } }
            @if r.status != EvaluationStatus::SignedOff { p.annex-ref { strong { "ПРОЄКТ" } } }
            p.doc-org { (hromada) }
            h1 { (r.form.title) }
            p.doc-title { strong { "«" (passport.content.title.uk) "»" } }
            p { "Ініціатор: " (names.get(&passport.organisation_id).map_or("—", String::as_str)) "." }
            p { "Результат реалізації: " (super::completion::outcome(c.outcome)) "; роботи тривали з "
                (c.actual_start.format("%d.%m.%Y")) " до " (c.actual_end.format("%d.%m.%Y")) "." }
            (super::completion::figures(&e.figures))
            @for section in &r.form.sections {
                @let judged = r.content.sections.iter().find(|s| s.key == section.key);
                h2 { (section.title) }
                p { "Оцінка: " strong { (judged.and_then(|s| s.rating).map_or("не визначено", |r| r.label())) } }
                @if let Some(s) = judged {
                    @if !s.judgement.is_empty() { p { (s.judgement) } }
                    @if !s.evidence.is_empty() { p { "Підстави: " (s.evidence) } }
                }
            }
            h2 { "Висновок" }
            p { "Загальна оцінка результатів проєкту: " strong { (r.content.overall.map_or("не визначено", |r| r.label())) } "." }
            p { (r.content.conclusion) }
            @if !r.content.lessons.is_empty() { h2 { "Уроки для наступних проєктів" } ol { @for l in &r.content.lessons { li { (l) } } } }
            @if !r.content.experts.is_empty() { p { "Оцінювання проведено за участі експертів: " (r.content.experts.join(", ")) "." } }
            @if let Some(at) = r.signed_at { p { "Висновок підписано " (at.format("%d.%m.%Y")) "." } }
            (layout::signatures(&["Керівник підрозділу з питань публічних інвестицій"]))
        },
    ))
}

/// GET /evaluations/{id}/conclusion.docx.
pub async fn conclusion(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Response> {
    let head = portfel_documents::Letterhead { hromada: super::names::hromada(&state, &user).await? };
    Ok(api::conclusion_file(&state.app, &user.auth, id, &head).await?)
}

async fn page(state: &WebState, user: &Signed, e: &Evaluation, values: &Values, errors: &Errors) -> PageResult<Markup> {
    let r = &e.evaluation;
    let id = r.id;
    let signed = r.status == EvaluationStatus::SignedOff;
    let unit = user.may(Permission::Evaluate);
    let writer = !signed && api::require_evaluator(&user.auth, r).is_ok();
    let passport =
        portfel_api::routes::passports::get_passport(user.auth.clone(), State(state.app.clone()), Path(r.passport_id))
            .await?
            .into_body();
    let project = passport.content.title.uk.as_str();
    let owner = portfel_api::routes::attachments::OwnerQuery {
        owner_kind: portfel_domain::attachment::OwnerKind::Evaluation,
        owner_id: id,
    };
    let files = super::attachments::section(state, user, owner, &format!("/evaluations/{id}")).await?;
    let suggested = |key: &str| e.suggested.iter().find(|s| s.key == key).map(|s| s.rating.label());
    let rating_options = ratings();
    Ok(layout::page(
        user,
        &r.form.title,
        html! {
            p { a href=(format!("/passports/{}", r.passport_id)) { "← До паспорта проєкту" } " · " a href="/evaluations" { "Усі оцінювання" } }
            h1 { "Оцінювання результатів: " (project) }
            p { "Стан: " strong { @if signed { "висновок підписано" } @else { "триває" } }
                " · оцінити до " (e.due.format("%d.%m.%Y"))
                @if let (Some(by), Some(at)) = (&r.signed_by, r.signed_at) { " · підписав " (by) " " (at.format("%d.%m.%Y")) } }
            div.actions {
                a.button.secondary href=(format!("/evaluations/{id}/print")) { "Версія для друку" }
                a.button.secondary href=(format!("/evaluations/{id}/conclusion.docx")) download { "Висновок (DOCX)" }
                a.button.secondary href=(format!("/completions/{}", e.completion_id)) { "Звіт про завершення" }
            }
            (layout::error_summary(errors))
            (super::completion::figures(&e.figures))
            form.card method="post" action=(format!("/evaluations/{id}")) novalidate {
                (layout::guarded(user, r.version))
                @for (i, section) in r.form.sections.iter().enumerate() {
                    fieldset {
                        legend { (section.title) }
                        p.muted { (section.guidance) "." @if let Some(s) = suggested(&section.key) { " Показники вказують на оцінку: " strong { (s) } "." } }
                        input type="hidden" name=(format!("sections[{i}].key")) value=(section.key);
                        @if writer {
                            div.field { (select(Some("Оцінка"), &format!("sections[{i}].rating"), &rating_options, values, errors)) }
                            (area("Висновок за розділом", &format!("sections[{i}].judgement"), values, errors))
                            (area("Підстави (документи, вимірювання, опитування)", &format!("sections[{i}].evidence"), values, errors))
                        } @else {
                            @let judged = r.content.sections.iter().find(|s| s.key == section.key);
                            p { "Оцінка: " strong { (judged.and_then(|s| s.rating).map_or("не визначено", |r| r.label())) } }
                            @if let Some(s) = judged { p { (s.judgement) } @if !s.evidence.is_empty() { p.muted { "Підстави: " (s.evidence) } } }
                        }
                    }
                }
                fieldset {
                    legend { "Висновок" }
                    @if writer {
                        div.field { (select(Some("Загальна оцінка"), "overall", &rating_options, values, errors)) }
                        (area("Висновок", "conclusion", values, errors))
                        (area("Уроки для наступних проєктів (кожен з нового рядка)", "lessons", values, errors))
                        @if unit {
                            (area("Експерти-оцінювачі (логіни, кожен з нового рядка)", "experts", values, errors))
                        } @else {
                            @for (n, expert) in r.content.experts.iter().enumerate() {
                                input type="hidden" name="experts" value=(expert) aria-label=(format!("Експерт №{}", n + 1));
                            }
                        }
                    } @else {
                        p { "Загальна оцінка: " strong { (r.content.overall.map_or("не визначено", |r| r.label())) } }
                        p { (r.content.conclusion) }
                        @if !r.content.lessons.is_empty() { ol { @for l in &r.content.lessons { li { (l) } } } }
                    }
                }
                @if writer { p.actions { button type="submit" { "Зберегти" } } }
            }
            @if unit && !signed {
                form method="post" action=(format!("/evaluations/{id}/sign-off")) {
                    (layout::guarded(user, r.version))
                    button type="submit" { "Підписати висновок" }
                    span.muted { " Після підписання висновок не змінюється." }
                }
            }
            (files)
        },
    ))
}
