//! Expert evaluation rounds, as the PIM unit runs them: projects and their
//! screening, expert assignment and progress, disagreements, closing.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::JsonBody;
use portfel_api::problem::ApiError;
use portfel_api::routes::passports::{self as passports_api, ListQuery};
use portfel_api::routes::rounds::{results, scoring, setup};
use portfel_domain::{Permission, Role, Status};
use portfel_scoring::round::{AssignmentStatus, RoundStatus};
use serde_json::json;
use uuid::Uuid;

use crate::error::PageResult;
use crate::forms::Errors;
use crate::session::{Posted, Signed};
use crate::{WebState, format, labels, layout};

/// Titles of the passports the user may see, by id.
pub async fn titles(state: &WebState, user: &Signed, ids: Vec<Uuid>) -> HashMap<Uuid, String> {
    let mut out = HashMap::new();
    for id in ids {
        if let Ok(p) = passports_api::get_passport(user.auth.clone(), State(state.app.clone()), Path(id)).await {
            out.insert(id, p.into_body().content.title.uk);
        }
    }
    out
}

/// The errors with each project they name (`project`, an id) named by its title.
fn with_titles(errors: &Errors, names: &HashMap<Uuid, String>) -> Errors {
    let titled = errors.0.iter().cloned().map(|mut e| {
        let title = e.params.get("project").and_then(|id| id.parse::<Uuid>().ok()).and_then(|id| names.get(&id));
        if let Some(title) = title.cloned() {
            e.params.insert("project".into(), title);
        }
        e
    });
    Errors(titled.collect())
}

/// GET /rounds.
pub async fn list(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    let axum::Json(rounds) = setup::list_rounds(user.auth.clone(), State(state.app.clone())).await?;
    let axum::Json(methodologies) =
        portfel_api::routes::methodologies::list_methodologies(user.auth.clone(), State(state.app.clone())).await?;
    let approved: Vec<_> =
        methodologies.iter().filter(|m| m.status == portfel_scoring::round::MethodologyStatus::Approved).collect();
    Ok(layout::page(
        &user,
        "Оцінювання",
        html! {
            h1 { "Раунди експертного оцінювання" }
            table {
                thead { tr { th { "Назва" } th { "Строк для експертів" } th { "Стан" } } }
                tbody { @for r in &rounds { tr {
                    td { a href=(format!("/rounds/{}", r.meta.id)) { (r.data.name) } }
                    td { (r.data.deadline.format("%d.%m.%Y")) }
                    td { @if r.status == RoundStatus::Closed { "закрито" } @else { "триває" } }
                } } }
            }
            @if user.may(Permission::PrepareRounds) {
                h2 { "Новий раунд" }
                form.card method="post" action="/rounds" {
                    (layout::csrf(&user))
                    label for="name" { "Назва" }
                    input #name type="text" name="name" required;
                    label for="methodology" { "Методика (затверджена версія)" }
                    select #methodology name="methodology_id" required {
                        @for m in &approved { option value=(m.meta.id) { (m.definition.name) " (версія " (m.number) ")" } }
                    }
                    label for="deadline" { "Строк для експертів" }
                    input #deadline type="date" name="deadline" required;
                    p { button type="submit" { "Відкрити раунд" } }
                }
            }
        },
    ))
}

/// POST /rounds.
pub async fn create(State(state): State<WebState>, Posted { user, fields }: Posted) -> PageResult<Response> {
    let body = json!({"name": fields.text("name"), "methodology_id": fields.text("methodology_id"), "deadline": fields.text("deadline")});
    let round = setup::create_round(user.auth.clone(), State(state.app.clone()), JsonBody::from_value(body)).await?;
    Ok(Redirect::to(&format!("/rounds/{}", round.into_body().meta.id)).into_response())
}

/// GET /rounds/{id}.
pub async fn show(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    round_page(&state, &user, id, &Errors::default(), None).await
}

#[allow(clippy::too_many_lines)]
async fn round_page(
    state: &WebState,
    user: &Signed,
    id: Uuid,
    errors: &Errors,
    refusal: Option<&str>,
) -> PageResult<Markup> {
    let app = || State(state.app.clone());
    let round = setup::get_round(user.auth.clone(), app(), Path(id)).await?;
    let version = round.version();
    let round = round.into_body();
    let axum::Json(projects) = setup::list_round_projects(user.auth.clone(), app(), Path(id)).await?;
    let axum::Json(assignments) = setup::list_assignments(user.auth.clone(), app(), Path(id)).await?;
    let axum::Json(disagreements) = scoring::list_disagreements(user.auth.clone(), app(), Path(id)).await?;
    let closed = round.status == RoundStatus::Closed;
    let ranking = if closed { Some(results::round_results(user.auth.clone(), app(), Path(id)).await?.0) } else { None };
    let names = titles(state, user, projects.iter().map(|p| p.passport_id).collect()).await;
    let mut candidates = Vec::new();
    if !closed {
        for status in [Status::Submitted, Status::Screening, Status::UnderEvaluation] {
            let q = ListQuery::in_state(status, 200);
            let page = passports_api::passport_summaries(&user.auth, &state.app, q).await?;
            candidates.extend(page.items.into_iter().filter(|p| !projects.iter().any(|r| r.passport_id == p.id)));
        }
    }
    let experts: Vec<(String, String)> = match portfel_api::routes::users::list_users(user.auth.clone(), app()).await {
        Ok(axum::Json(users)) => users
            .into_iter()
            .filter(|u| u.data.roles.contains(&Role::Expert))
            .map(|u| (u.data.sub, u.data.full_name))
            .collect(),
        Err(_) => Vec::new(),
    };
    let person = |sub: &str| experts.iter().find(|(s, _)| s == sub).map_or(sub, |(_, name)| name.as_str()).to_owned();
    let mut progress: std::collections::BTreeMap<&str, (usize, usize, usize)> = Default::default();
    for a in &assignments {
        let entry = progress.entry(a.expert.as_str()).or_default();
        entry.0 += 1;
        if a.submitted_at.is_some() {
            entry.1 += 1;
        }
        if a.status == AssignmentStatus::Conflict {
            entry.2 += 1;
        }
    }
    let step = |name: &str, label: &str, inner: Markup| {
        html! {
            form method="post" action=(format!("/rounds/{id}/{name}")) {
                (layout::guarded(user, version))
                (inner) button type="submit" { (label) }
            }
        }
    };
    Ok(layout::page(
        user,
        &round.data.name,
        html! {
            p { a href="/rounds" { "← Усі раунди" } }
            h1 { (round.data.name) }
            p { "Строк: " (round.data.deadline.format("%d.%m.%Y")) " · " @if closed { "закрито" } @else { "триває" } " · версія " (version) }
            @if let Some(r) = refusal { p.problem role="alert" { (r) } }
            (layout::error_summary(&with_titles(errors, &names)))
            @if !closed && user.may(Permission::PrepareRounds) {
                div.actions {
                    (step("screen", "Провести скринінг", html! {}))
                    (step("close", "Закрити раунд і розрахувати рейтинг", html! {}))
                }
            }
            h2 { "Проєкти (" (projects.len()) ")" }
            table {
                thead { tr { th { "Проєкт" } th { "Скринінг" } th { "Причини" } @if closed { th { "Картка" } } } }
                tbody { @for p in &projects { tr {
                    td { a href=(format!("/passports/{}", p.passport_id)) { (names.get(&p.passport_id).map_or("—", String::as_str)) } }
                    td { @match p.eligible { Some(true) => "пройшов", Some(false) => "не пройшов", None => "не проводився" } }
                    td { @for g in p.screening.iter().flatten().filter(|g| !g.passed) { div { (labels::gate(&g.gate)) ": " (g.reason.as_deref().unwrap_or("")) } } }
                    @if closed { td { a href=(format!("/rounds/{id}/projects/{}/card", p.passport_id)) { "картка оцінювання" } } }
                } } }
            }
            @if !closed && !candidates.is_empty() && user.may(Permission::PrepareRounds) {
                details.card { summary { "Додати проєкти до раунду" }
                    (step("projects", "Додати вибрані", html! {
                        @for p in &candidates { div {
                            input id=(format!("add-{}", p.id)) type="checkbox" name="passport_ids" value=(p.id);
                            label.inline for=(format!("add-{}", p.id)) { (p.title) " (" (labels::status(p.status)) ")" }
                        } }
                    }))
                }
            }
            h2 { "Експерти та хід оцінювання" }
            table {
                thead { tr { th { "Експерт" } th.num { "Призначено" } th.num { "Подано оцінок" } th.num { "Конфлікт інтересів" } } }
                tbody { @for (expert, (n, done, conflict)) in &progress { tr {
                    td { (person(expert)) } td.num { (n) } td.num { (done) } td.num { (conflict) }
                } } }
            }
            @if !closed && user.may(Permission::PrepareRounds) {
                details.card { summary { "Призначити експертів" }
                    (step("assign", "Призначити", html! {
                        fieldset { legend { "Експерти" }
                            @for (e, name) in &experts { div {
                                input id=(format!("exp-{e}")) type="checkbox" name="experts" value=(e);
                                label.inline for=(format!("exp-{e}")) { (name) }
                            } }
                        }
                        label for="per_project" { "Експертів на проєкт (порожньо — усі вибрані)" }
                        input #per_project type="number" name="per_project" min="1";
                    }))
                }
            }
            @if !closed && user.may(Permission::PrepareRounds) && !projects.is_empty() {
                h2 { "Склад експертів за проєктами" }
                p.muted { "Тут можна призначити експерта на окремий проєкт (зокрема замість того, хто заявив конфлікт інтересів), повернути подані оцінки на доопрацювання або вилучити проєкт із раунду." }
                @for p in &projects {
                    @let on: Vec<_> = assignments.iter().filter(|a| a.passport_id == p.passport_id).collect();
                    @let title = names.get(&p.passport_id).map_or("—", String::as_str);
                    @let pid = p.passport_id;
                    details.card {
                        summary { (title) " — експертів: " (on.iter().filter(|a| a.status != AssignmentStatus::Conflict).count())
                            @let conflicts = on.iter().filter(|a| a.status == AssignmentStatus::Conflict).count();
                            @if conflicts > 0 { ", конфлікт інтересів: " (conflicts) } }
                        @if !on.is_empty() { div.scroll { table {
                            thead { tr { th scope="col" { "Експерт" } th scope="col" { "Стан" } th scope="col" { "Дія" } } }
                            tbody { @for a in &on { tr {
                                td { (person(&a.expert)) } td { (labels::assignment(a)) }
                                td { @if a.submitted_at.is_some() {
                                    form method="post" action=(format!("/rounds/{id}/projects/{pid}/experts/{}/reopen", a.expert)) {
                                        (layout::csrf(user))
                                        label for=(format!("reopen-{pid}-{}", a.expert)) { "Причина повернення оцінок" }
                                        input id=(format!("reopen-{pid}-{}", a.expert)) type="text" name="reason" required;
                                        button.secondary type="submit" { "Повернути оцінки на доопрацювання" }
                                    }
                                } }
                            } } }
                        } } }
                        @if p.eligible == Some(true) {
                            @let free: Vec<_> = experts.iter().filter(|(e, _)| !on.iter().any(|a| &a.expert == e)).collect();
                            form method="post" action=(format!("/rounds/{id}/projects/{pid}/experts")) {
                                (layout::guarded(user, version))
                                label for=(format!("add-expert-{pid}")) { "Призначити експерта на цей проєкт" }
                                select id=(format!("add-expert-{pid}")) name="expert" required {
                                    option value="" { "— оберіть експерта —" }
                                    @for (e, name) in &free { option value=(e) { (name) } }
                                }
                                button type="submit" { "Призначити" }
                            }
                        }
                        form method="post" action=(format!("/rounds/{id}/projects/{pid}/withdrawal")) {
                            (layout::guarded(user, version))
                            label for=(format!("withdraw-{pid}")) { "Причина вилучення (її побачить ініціатор)" }
                            input id=(format!("withdraw-{pid}")) type="text" name="reason" required;
                            button.danger type="submit" { "Вилучити проєкт із раунду" }
                        }
                    }
                }
            }
            @if !disagreements.is_empty() {
                h2 { "Розбіжності оцінок" }
                table {
                    thead { tr { th { "Проєкт" } th { "Критерій" } th { "Оцінки" } th.num { "Розкид" } th { "Консенсус" } } }
                    tbody { @for d in &disagreements { tr {
                        td { (names.get(&d.passport_id).map_or("—", String::as_str)) } td { (d.criterion) }
                        td { (d.scores.iter().map(|s| format::score(*s)).collect::<Vec<_>>().join("; ")) }
                        td.num { (format::score(d.spread)) }
                        td { @if d.resolved { "узгоджено" } @else if !closed {
                            form method="post" action=(format!("/rounds/{id}/projects/{}/consensus", d.passport_id)) {
                                (layout::csrf(user)) input type="hidden" name="criterion" value=(d.criterion);
                                label for=(format!("note-{}-{}", d.passport_id, d.criterion)) { "Узгоджене рішення" }
                                input id=(format!("note-{}-{}", d.passport_id, d.criterion)) type="text" name="note" required;
                                button type="submit" { "Записати" }
                            }
                        } }
                    } } }
                }
            }
            @if let Some(results) = &ranking {
                h2 { "Рейтинг" }
                table {
                    thead { tr { th.num { "Місце" } th { "Проєкт" } th.num { "Бал" } } }
                    tbody { @for r in &results.ranking { tr {
                        td.num { (r.rank.map(|x| x.to_string()).unwrap_or_else(|| "—".into())) }
                        td { a href=(format!("/rounds/{id}/projects/{}/card", r.id)) { (names.get(&r.id).map_or("—", String::as_str)) } }
                        td.num { (format::score(r.final_score)) }
                    } } }
                }
            }
        },
    ))
}

/// POST /rounds/{id}/{step}: projects, screen, assign, close.
pub async fn step(
    State(state): State<WebState>,
    Path((id, step)): Path<(Uuid, String)>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let (auth, app, v) = (user.auth.clone(), State(state.app.clone()), fields.version()?);
    let result = match step.as_str() {
        "projects" => setup::add_round_projects(
            auth,
            app,
            Path(id),
            v,
            JsonBody::from_value(json!({"passport_ids": fields.all("passport_ids")})),
        )
        .await
        .map(drop),
        "screen" => setup::screen_round(auth, app, Path(id), v).await.map(drop),
        "assign" => {
            let per: Option<u8> = fields.text("per_project").and_then(|p| p.parse().ok());
            setup::assign_experts(
                auth,
                app,
                Path(id),
                v,
                JsonBody::from_value(json!({"experts": fields.all("experts"), "per_project": per})),
            )
            .await
            .map(drop)
        }
        "close" => results::close_round(auth, app, Path(id), v, JsonBody::from_value(json!({}))).await.map(drop),
        _ => return Err(ApiError::NotFound("no such step".into()).into()),
    };
    outcome(&state, &user, id, result).await
}

/// Back to the round after an action, or the round page with what prevented it.
async fn outcome(state: &WebState, user: &Signed, id: Uuid, result: Result<(), ApiError>) -> PageResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/rounds/{id}")).into_response()),
        Err(ApiError::Validation(errors)) => {
            let page = round_page(state, user, id, &Errors(errors), Some("Дію не виконано: ось що заважає.")).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(ApiError::Conflict(reason)) => {
            let reason = labels::message(&reason);
            let page =
                round_page(state, user, id, &Errors::default(), Some(&format!("Дію не виконано: {reason}"))).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /rounds/{id}/projects/{pid}/consensus.
pub async fn consensus(
    State(state): State<WebState>,
    Path((id, pid)): Path<(Uuid, Uuid)>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let body = JsonBody::from_value(json!({"criterion": fields.text("criterion"), "note": fields.text("note")}));
    let _ = scoring::resolve_disagreement(user.auth.clone(), State(state.app.clone()), Path((id, pid)), body).await?;
    Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
}

/// POST /rounds/{id}/projects/{pid}/{action}: one project's membership —
/// `experts` (assign the chosen expert) or `withdrawal` (with a reason).
pub async fn membership(
    State(state): State<WebState>,
    Path((id, pid, action)): Path<(Uuid, Uuid, String)>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let (auth, app, v) = (user.auth.clone(), State(state.app.clone()), fields.version()?);
    let result = match action.as_str() {
        "experts" => {
            let body = JsonBody::from_value(json!({"expert": fields.text("expert").unwrap_or_default()}));
            setup::add_project_expert(auth, app, Path((id, pid)), v, body).await.map(drop)
        }
        "withdrawal" => {
            let body = JsonBody::from_value(json!({"reason": fields.text("reason").unwrap_or_default()}));
            setup::withdraw_project(auth, app, Path((id, pid)), v, body).await.map(drop)
        }
        _ => return Err(ApiError::NotFound("no such action".into()).into()),
    };
    outcome(&state, &user, id, result).await
}

/// POST /rounds/{id}/projects/{pid}/experts/{sub}/reopen: one expert's scores back for correction.
pub async fn reopen(
    State(state): State<WebState>,
    Path((id, pid, sub)): Path<(Uuid, Uuid, String)>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let body = JsonBody::from_value(json!({"reason": fields.text("reason").unwrap_or_default()}));
    let result =
        scoring::reopen_scores(user.auth.clone(), State(state.app.clone()), Path((id, pid, sub)), body).await.map(drop);
    outcome(&state, &user, id, result).await
}
