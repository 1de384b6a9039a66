//! The expert's work: assignments, the conflict-of-interest declaration that
//! opens a project, and the blind scoring form (draft, then submit).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::JsonBody;
use portfel_api::problem::ApiError;
use portfel_api::routes::methodologies::get_methodology;
use portfel_api::routes::passports::get_passport;
use portfel_api::routes::rounds::{scoring, setup};
use portfel_domain::FieldError;
use portfel_scoring::methodology::CriterionKind;
use portfel_scoring::round::{Assignment, AssignmentStatus};
use serde_json::json;
use uuid::Uuid;

use crate::error::{PageError, PageResult};
use crate::forms::{Errors, Fields, Values};
use crate::session::{Posted, Signed};
use crate::{WebState, format, labels, layout, passport_view};

/// GET /assignments: the expert's projects in every round.
pub async fn assignments(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    let app = || State(state.app.clone());
    let axum::Json(rounds) = setup::list_rounds(user.auth.clone(), app()).await?;
    let mut rows = Vec::new();
    for r in &rounds {
        let axum::Json(list) = setup::list_assignments(user.auth.clone(), app(), Path(r.meta.id)).await?;
        for a in list.into_iter().filter(|a| a.expert == user.auth.claims.sub) {
            let title = match get_passport(user.auth.clone(), app(), Path(a.passport_id)).await {
                Ok(p) => p.into_body().content.title.uk,
                Err(_) => "Проєкт відкриється після декларації".to_owned(),
            };
            rows.push((r, a, title));
        }
    }
    Ok(layout::page(
        &user,
        "Мої призначення",
        html! {
            h1 { "Мої призначення" }
            @if rows.is_empty() { p { "Призначень немає." } } @else {
                table {
                    thead { tr { th { "Раунд" } th { "Проєкт" } th { "Строк" } th { "Стан" } } }
                    tbody { @for (r, a, title) in &rows { tr {
                        td { (r.data.name) }
                        td { a href=(format!("/rounds/{}/projects/{}/score", r.meta.id, a.passport_id)) { (title) } }
                        td { (r.data.deadline.format("%d.%m.%Y")) }
                        td { (labels::assignment(a)) }
                    } } }
                }
            }
        },
    ))
}

async fn own_assignment(state: &WebState, user: &Signed, id: Uuid, pid: Uuid) -> PageResult<Assignment> {
    let axum::Json(list) = scoring::read_scores(user.auth.clone(), State(state.app.clone()), Path((id, pid))).await?;
    list.into_iter()
        .find(|a| a.expert == user.auth.claims.sub)
        .ok_or_else(|| ApiError::Forbidden("you are not assigned to this project".into()).into())
}

/// GET /rounds/{id}/projects/{pid}/score.
pub async fn score_form(
    State(state): State<WebState>,
    user: Signed,
    Path((id, pid)): Path<(Uuid, Uuid)>,
    RawQuery(query): RawQuery,
) -> PageResult<Markup> {
    let a = own_assignment(&state, &user, id, pid).await?;
    let mut values = Values::default();
    for s in &a.scores {
        values.set(&format!("score.{}", s.criterion), s.score.to_string());
        values.set(&format!("justification.{}", s.criterion), s.justification.clone().unwrap_or_default());
    }
    let saved = match query.as_deref() {
        Some("saved=draft") => Some("Чернетку оцінок збережено. Її можна змінювати до подання."),
        Some("saved=submitted") => {
            Some("Оцінки подано. Змінити їх тепер може лише підрозділ, повернувши на доопрацювання.")
        }
        _ => None,
    };
    scoring_page(&state, &user, id, pid, &a, &values, &Errors::default(), saved).await
}

#[allow(clippy::too_many_arguments)]
async fn scoring_page(
    state: &WebState,
    user: &Signed,
    id: Uuid,
    pid: Uuid,
    a: &Assignment,
    values: &Values,
    errors: &Errors,
    saved: Option<&str>,
) -> PageResult<Markup> {
    let app = || State(state.app.clone());
    let round = setup::get_round(user.auth.clone(), app(), Path(id)).await?.into_body();
    if a.status != AssignmentStatus::Active {
        let axum::Json(brief) = setup::project_brief(user.auth.clone(), app(), Path((id, pid))).await?;
        return Ok(layout::page(
            user,
            "Декларація",
            html! {
                p { a href="/assignments" { "← Мої призначення" } }
                h1 { "Декларація про відсутність конфлікту інтересів" }
                dl.facts {
                    dt { "Проєкт" } dd { strong { (brief.title) } }
                    dt { "Ініціатор" } dd { (brief.organisation) " (ЄДРПОУ " (brief.edrpou) ")" }
                    dt { "Раунд" } dd { (round.data.name) }
                    dt { "Строк оцінювання" } dd { (round.data.deadline.format("%d.%m.%Y")) }
                }
                @if a.status == AssignmentStatus::Conflict {
                    p.notice.bad { "Ви заявили конфлікт інтересів; підрозділ призначить іншого експерта." }
                } @else {
                    p { "Паспорт проєкту відкриється для оцінювання після вашої декларації." }
                    form.card method="post" action=(format!("/rounds/{id}/projects/{pid}/declaration")) {
                        (layout::csrf(user))
                        fieldset { legend { "Чи маєте ви реальний або потенційний конфлікт інтересів щодо проєкту «" (brief.title) "»?" }
                            div { input #c-no type="radio" name="conflict" value="false" required; label.inline for="c-no" { "Ні, конфлікту інтересів немає" } }
                            div { input #c-yes type="radio" name="conflict" value="true" required; label.inline for="c-yes" { "Так, маю конфлікт інтересів" } }
                        }
                        label for="note" { "Пояснення (якщо конфлікт є)" }
                        input #note type="text" name="note";
                        p { button type="submit" { "Подати декларацію" } }
                    }
                }
            },
        ));
    }
    let passport = get_passport(user.auth.clone(), app(), Path(pid)).await?.into_body();
    let axum::Json(brief) = setup::project_brief(user.auth.clone(), app(), Path((id, pid))).await?;
    let goals = super::passports::strategy_goals(state, user).await?;
    let methodology = get_methodology(user.auth.clone(), app(), Path(round.data.methodology_id)).await?.into_body();
    let submitted = a.submitted_at.is_some();
    let c = &passport.content;
    Ok(layout::page(
        user,
        "Оцінювання проєкту",
        html! {
            p { a href="/assignments" { "← Мої призначення" } }
            h1 { (c.title.uk) }
            p.muted { "Раунд: " (round.data.name) " · методика: " (methodology.definition.name) " · оцінювання сліпе: оцінок інших експертів не видно" }
            (layout::notice(saved, "ok"))
            details.card open { summary { "Паспорт проєкту повністю" }
                (passport_view::whole(&passport, &passport_view::Context { organisation: &brief.organisation, goals: &goals }))
            }
            @if submitted { p.notice role="status" { "Оцінки подано " (a.submitted_at.map(|t| t.format("%d.%m.%Y %H:%M").to_string()).unwrap_or_default()) "." } }
            (layout::error_summary(errors))
            form method="post" action=(format!("/rounds/{id}/projects/{pid}/score")) {
                (layout::csrf(user))
                table {
                    thead { tr { th { "Критерій" } th { "Шкала" } th { "Бал" } th { "Обґрунтування" } } }
                    tbody {
                        @for (group, criterion, _) in methodology.definition.criteria() {
                            @if let CriterionKind::Expert { scale_min, scale_max } = &criterion.kind {
                                @let name = format!("score.{}", criterion.code);
                                @let just = format!("justification.{}", criterion.code);
                                tr {
                                    td { strong { (criterion.code) } " " (criterion.name) div.muted { (group.name) } }
                                    td { (format::score(*scale_min)) "–" (format::score(*scale_max))
                                        @if let Some(g) = &criterion.guidance { div.guidance { (g) } }
                                        div.muted { "крайні значення потребують обґрунтування" } }
                                    (crate::widgets::decimal_cell(&format!("Бал за критерієм {}", criterion.code), &name, values, errors))
                                    (crate::widgets::cell(&format!("Обґрунтування за критерієм {}", criterion.code), &just, "text", values, errors))
                                }
                            }
                        }
                    }
                }
                @if !submitted {
                    div.actions {
                        button.secondary type="submit" name="_submit" value="false" { "Зберегти чернетку" }
                        button type="submit" name="_submit" value="true" { "Подати оцінки" }
                    }
                }
            }
        },
    ))
}

/// POST /rounds/{id}/projects/{pid}/declaration.
pub async fn declare(
    State(state): State<WebState>,
    Path((id, pid)): Path<(Uuid, Uuid)>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let conflict = fields.get("conflict") == Some("true");
    let body = JsonBody::from_value(json!({"conflict": conflict, "note": fields.text("note")}));
    let _ = scoring::declare(user.auth.clone(), State(state.app.clone()), Path((id, pid)), body).await?;
    Ok(Redirect::to(&format!("/rounds/{id}/projects/{pid}/score")).into_response())
}

/// The scores of the form, in the API's shape, with the form field of each.
fn scores(fields: &Fields) -> Vec<(String, serde_json::Value)> {
    fields
        .all_named_with("score.")
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(code, v)| {
            let justification = fields.text(&format!("justification.{code}"));
            (
                code.clone(),
                json!({"criterion": code, "score": v.trim().replace(',', "."), "justification": justification}),
            )
        })
        .collect()
}

/// POST /rounds/{id}/projects/{pid}/score: saves a draft or submits.
pub async fn save_scores(
    State(state): State<WebState>,
    Path((id, pid)): Path<(Uuid, Uuid)>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let submit = fields.get("_submit") == Some("true");
    let list = scores(&fields);
    let body =
        JsonBody::from_value(json!({"scores": list.iter().map(|(_, v)| v).collect::<Vec<_>>(), "submit": submit}));
    match scoring::save_scores(user.auth.clone(), State(state.app.clone()), Path((id, pid)), body).await {
        Ok(_) => {
            let saved = if submit { "submitted" } else { "draft" };
            Ok(Redirect::to(&format!("/rounds/{id}/projects/{pid}/score?saved={saved}")).into_response())
        }
        Err(ApiError::Validation(errors)) => {
            // `scores[2].score` is the field `score.<code of the third score>`.
            let errors = errors
                .into_iter()
                .map(|e| {
                    let field = e.field.strip_prefix("scores[").and_then(|rest| {
                        let (index, tail) = rest.split_once(']')?;
                        let code = &list.get(index.parse::<usize>().ok()?)?.0;
                        Some(if tail == ".justification" {
                            format!("justification.{code}")
                        } else {
                            format!("score.{code}")
                        })
                    });
                    FieldError { field: field.unwrap_or(e.field), ..e }
                })
                .collect();
            let a = own_assignment(&state, &user, id, pid).await?;
            let page = scoring_page(&state, &user, id, pid, &a, &fields.values(), &Errors(errors), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageError::Api(e)),
    }
}
