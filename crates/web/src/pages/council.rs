//! What the council works with on every version: its state, the decision,
//! the workflow actions its roles allow; and a project's score card.

use axum::body::to_bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::{IfMatch, JsonBody, QueryParams};
use portfel_api::problem::ApiError;
use portfel_api::routes::council as flow;
use portfel_api::routes::methodologies::get_methodology;
use portfel_api::routes::rounds::results::{self, CardQuery};
use portfel_api::routes::rounds::setup::get_round;
use portfel_domain::FieldError;
use portfel_domain::Permission;
use portfel_planning::council::{CouncilPaper, DocumentStatus, Workflow};
use portfel_planning::workflow::{Decision, Kind};
use portfel_scoring::scorecard::ScoreCard;
use uuid::Uuid;

use crate::error::PageResult;
use crate::forms::{Errors, Fields};
use crate::session::{Posted, Signed};
use crate::{WebState, charts, format, labels, layout};
use serde_json::json;

/// The state badge of a version.
pub fn status_badge(status: DocumentStatus) -> Markup {
    html! { span class=(format!("badge {}", status.as_str())) { (labels::document_status(status)) } }
}

/// State, decision, comments and the actions the user's roles allow now on a
/// version at `base` (`/portfolios/{id}` or `/plans/{id}`).
pub fn workflow(user: &Signed, base: &str, w: &Workflow) -> Markup {
    let preparer = user.may(Permission::PrepareDecisions);
    let council = user.may(Permission::Decide);
    let form = |action: &str, inner: Markup| {
        html! {
            form method="post" action=(format!("{base}/{action}")) {
                (layout::guarded(user, w.version))
                (inner)
            }
        }
    };
    html! {
        p { (status_badge(w.status)) " · версія " (w.number) " · змін: " (w.version)
            @if let Some(d) = &w.decision { " · рішення ради № " (d.number) " від " (d.date.format("%d.%m.%Y")) }
            @if let (DocumentStatus::Submitted, Some(on)) = (w.status, w.meeting_on) { " · засідання ради " strong { (on.format("%d.%m.%Y")) } } }
        @if let Some(c) = &w.comment { p.notice.bad { strong { "Коментар ради: " } (c) } }
        div.actions.no-print {
            @if preparer && w.status.editable() {
                (form("submit", html! { button type="submit" { "Подати на розгляд ради" } }))
            }
            @if preparer && w.status == DocumentStatus::Submitted {
                (form("meeting", html! {
                    div { label for="meeting" { "Дата засідання ради" } input #meeting type="date" name="date" value=[w.meeting_on.map(|d| d.to_string())] required; }
                    button.secondary type="submit" { "Внести до порядку денного" }
                }))
            }
            @if council && w.status == DocumentStatus::Submitted {
                (form("review", decision_inputs(None, None)))
                (form("return", html! {
                    div { label for="comment" { "Коментар для доопрацювання" } input #comment type="text" name="comment" required; }
                    button.danger type="submit" { "Повернути на доопрацювання" }
                }))
            }
            a.button.secondary href=(format!("{base}/print")) { "Версія для друку" }
        }
    }
}

/// The decision's number and date (not after today), and the button that
/// leads to the confirmation step.
fn decision_inputs(number: Option<&str>, date: Option<&str>) -> Markup {
    let today = portfel_domain::calendar::local_date(chrono::Utc::now()).format("%Y-%m-%d").to_string();
    html! {
        div { label for="number" { "Номер рішення" } input #number type="text" name="number" value=[number] required; }
        div { label for="date" { "Дата рішення" } input #date type="date" name="date" value=[date] max=(today) required; }
        button type="submit" { "Схвалити…" }
    }
}

/// What is approved, in words: "єдиний проєктний портфель" or "середньостроковий план".
fn paper_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Portfolio => "єдиний проєктний портфель",
        Kind::Plan => "середньостроковий план пріоритетних публічних інвестицій",
    }
}

/// The confirmation step of an approval: what will be frozen and what the
/// approval moves, with the decision checked by the rule the API applies.
async fn confirm_approval<T: CouncilPaper + 'static>(
    state: &WebState,
    user: &Signed,
    id: Uuid,
    fields: &Fields,
) -> PageResult<Response> {
    let doc = flow::read::<T>(&state.app, &user.auth, id).await?;
    let base = format!("/{}s/{id}", T::KIND.as_str());
    let number = fields.text("number").unwrap_or_default().to_owned();
    let date = fields.text("date").unwrap_or_default().to_owned();
    let today = portfel_domain::calendar::local_date(chrono::Utc::now());
    let decision =
        chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok().map(|d| Decision { number: number.clone(), date: d });
    let errors = match &decision {
        Some(d) => d.check(today),
        None => {
            let mut errors = vec![FieldError::new("date", "required", "the decision date is required")];
            errors.extend(Decision { number: number.clone(), date: today }.check(today));
            errors
        }
    };
    let approval = doc.content.approval();
    let titles = super::rounds::titles(state, user, approval.passports.clone()).await;
    let title = format!("Підтвердження схвалення: {}", paper_name(T::KIND));
    let page = layout::page(
        user,
        &title,
        html! {
            p { a href=(base) { "← До версії " (doc.workflow.number) } }
            h1 { "Підтвердження схвалення" }
            @if !errors.is_empty() {
                (layout::error_summary(&Errors(errors.clone())))
                form method="post" action=(format!("{base}/review")) {
                    (layout::guarded(user, doc.workflow.version))
                    (decision_inputs(Some(&number), Some(&date)))
                }
            } @else if let Some(decision) = decision.map(|d| d.normalised()) {
                div.card {
                    p { "Інвестиційна рада схвалює " strong { (paper_name(T::KIND)) ", версію " (doc.workflow.number) }
                        " рішенням № " (decision.number) " від " (decision.date.format("%d.%m.%Y")) "." }
                    p { "Після схвалення ця версія буде заморожена: змінити її можна буде лише новою версією (зміною). "
                        "Чинна раніше схвалена версія втратить чинність." }
                    @if !approval.passports.is_empty() {
                        p { "Проєкти, що перейдуть зі стану «" (labels::status(approval.from)) "» у стан «" (labels::status(approval.to)) "» ("
                            (approval.passports.len()) "):" }
                        ol { @for pid in &approval.passports { li { (titles.get(pid).map_or("—", String::as_str)) } } }
                    }
                }
                div.actions {
                    form method="post" action=(format!("{base}/approve")) {
                        (layout::guarded(user, doc.workflow.version))
                        input type="hidden" name="number" value=(decision.number);
                        input type="hidden" name="date" value=(date);
                        button type="submit" { "Підтвердити схвалення" }
                    }
                    a.button.secondary href=(base) { "Скасувати" }
                }
            }
        },
    );
    Ok(page.into_response())
}

/// A table of versions with links.
pub fn versions_table<'a>(base: &str, rows: impl Iterator<Item = (&'a Workflow, usize)>) -> Markup {
    html! {
        table {
            thead { tr { th { "Версія" } th { "Стан" } th { "Рішення ради" } th.num { "Проєктів" } th { "Оновлено" } } }
            tbody { @for (w, n) in rows { tr {
                td { a href=(format!("{base}/{}", w.id)) { "Версія " (w.number) } }
                td { (status_badge(w.status)) }
                td { @if let Some(d) = &w.decision { "№ " (d.number) " від " (d.date.format("%d.%m.%Y")) } }
                td.num { (n) }
                td { (w.updated_at.format("%d.%m.%Y %H:%M")) }
            } } }
        }
    }
}

/// The council's decision from the approval form.
fn decision<T: serde::de::DeserializeOwned>(fields: &Fields) -> JsonBody<T> {
    JsonBody::from_value(json!({"number": fields.text("number"), "date": fields.text("date")}))
}

/// The council's comments from the return form.
fn comment<T: serde::de::DeserializeOwned>(fields: &Fields) -> JsonBody<T> {
    JsonBody::from_value(json!({"comment": fields.text("comment")}))
}

/// POST /portfolios/{id}/{action} and /plans/{id}/{action}: submit, review
/// an approval (the confirmation step, which changes nothing), approve or
/// return a version, through the API's one council workflow; then back to
/// the version, or the refusal's page.
pub async fn workflow_action<T: CouncilPaper + 'static>(
    State(state): State<WebState>,
    Path((id, action)): Path<(Uuid, String)>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let IfMatch(v) = fields.version()?;
    let (app, auth) = (&state.app, &user.auth);
    let done = match action.as_str() {
        "review" => return confirm_approval::<T>(&state, &user, id, &fields).await,
        "submit" => flow::submit::<T>(app, auth, id, v).await.map(drop),
        "approve" => flow::approve::<T>(app, auth, id, v, decision(&fields)).await.map(drop),
        "return" => flow::send_back::<T>(app, auth, id, v, comment(&fields)).await.map(drop),
        "meeting" => {
            let date = JsonBody::from_value(json!({"date": fields.text("date")}));
            flow::schedule::<T>(app, auth, id, v, date).await.map(drop)
        }
        _ => Err(ApiError::NotFound("no such action".into())),
    };
    done?;
    Ok(Redirect::to(&format!("/{}s/{id}", T::KIND.as_str())).into_response())
}

/// The table of a diff between two versions, around its `rows`.
pub fn diff_table(rows: Markup) -> Markup {
    html! {
        table {
            thead { tr { th { "Зміна" } th { "Проєкт" } th { "Було" } th { "Стало" } } }
            tbody { (rows) }
        }
    }
}

/// Rows of the projects one version added (`added_word`) and removed.
pub fn membership_rows(added: &[Uuid], removed: &[Uuid], added_word: &str, name: &impl Fn(&Uuid) -> String) -> Markup {
    html! {
        @for pid in added { tr.diff-added { td { (added_word) } td { (name(pid)) } td {} td {} } }
        @for pid in removed { tr.diff-removed { td { "вилучено" } td { (name(pid)) } td {} td {} } }
    }
}

/// GET /rounds/{id}/projects/{pid}/card: every criterion, weight, expert
/// scores, aggregate and points, and how stable the rank is.
pub async fn score_card(
    State(state): State<WebState>,
    user: Signed,
    Path((id, pid)): Path<(Uuid, Uuid)>,
) -> PageResult<Markup> {
    let response = results::scorecard(
        user.auth.clone(),
        State(state.app.clone()),
        Path((id, pid)),
        QueryParams(CardQuery { format: None }),
    )
    .await?;
    let bytes =
        to_bytes(response.into_body(), 16 * 1024 * 1024).await.map_err(|e| ApiError::Internal(e.to_string()))?;
    let card: ScoreCard = serde_json::from_slice(&bytes)?;
    let axum::Json(all) = results::round_results(user.auth.clone(), State(state.app.clone()), Path(id)).await?;
    let ranked = all.ranking.iter().filter(|r| r.rank.is_some()).count() as u32;
    let round = get_round(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    let methodology = get_methodology(user.auth.clone(), State(state.app.clone()), Path(round.data.methodology_id))
        .await?
        .into_body();
    let m = &methodology.definition;
    let group = |code: &str| m.groups.iter().find(|g| g.code == code).map_or(code.to_owned(), |g| g.name.clone());
    let criterion = |code: &str| m.criterion(code).map(|c| c.name.clone()).unwrap_or_default();
    Ok(layout::page(
        &user,
        "Картка оцінювання",
        html! {
            @if user.may(Permission::PrepareRounds) {
                p { a href=(format!("/rounds/{id}")) { "← До раунду оцінювання" } }
            } @else {
                p { a href="/portfolios" { "← До проєктного портфеля" } }
            }
            h1 { "Картка оцінювання: " (card.title) }
            p { "Методика: " (card.methodology) " · місце: " (card.rank.map_or("—".to_owned(), |r| r.to_string()))
                " · підсумковий бал: " strong { (format::score(card.final_score)) } " з 100"
                @if !card.eligible { " · " span.badge.rejected { "не пройшов бар'єрні критерії" } } }
            h2 { "Індекси груп критеріїв" }
            table { thead { tr { th { "Група" } th.num { "Індекс (0–100)" } } }
                tbody { @for (g, v) in &card.group_indices { tr { td { (group(g)) " (" (g) ")" } td.num { (format::score(*v)) } } } } }
            @if !card.gates.is_empty() {
                h2 { "Бар'єрні критерії" }
                table { thead { tr { th { "Код" } th { "Результат" } th { "Пояснення" } } }
                    tbody { @for g in &card.gates { tr { td { (labels::gate(&g.gate)) } td { @if g.passed { "так" } @else { "ні" } } td { (g.reason.as_deref().unwrap_or("")) } } } } }
            }
            h2 { "Критерії" }
            table {
                thead { tr { th { "Критерій" } th { "Група" } th.num { "Вага" } th { "Оцінки експертів" } th.num { "Агреговано" } th.num { "Нормовано" } th.num { "Бали" } } }
                tbody { @for c in &card.criteria { tr class=[c.disagreement.then_some("diff-changed")] {
                    td { strong { (c.code) } " " (criterion(&c.code)) @if let Some(n) = card.consensus.get(&c.code) { div.muted { "консенсус: " (n.note) } } }
                    td { (c.group) }
                    td.num { (format::number(c.weight * rust_decimal::Decimal::from(100), 1)) " %" }
                    td { (c.raw_scores.iter().map(|s| format::score(*s)).collect::<Vec<_>>().join("; ")) @if let Some(v) = c.value { (format::score(v)) } }
                    td.num { (c.aggregate.map(format::score).unwrap_or_default()) }
                    td.num { (format::score(c.normalised)) }
                    td.num { (format::score(c.points)) }
                } } }
            }
            @if let Some(s) = &card.sensitivity {
                h2 { "Стійкість місця в рейтингу" }
                p { "За випадкових змін ваг (±20 %, " (all.sensitivity.config.trials) " випробувань) проєкт лишався в першій " (card.sensitivity_top_k) " з імовірністю:" }
                (charts::probability(s.top_k_probability, &format!("Імовірність залишитися в топ-{}: {}", card.sensitivity_top_k, format::percent(s.top_k_probability))))
                p { "Місце: базове " (s.base_rank) ", у 90 % випробувань " (s.rank_p05) "–" (s.rank_p95) ", крайні " (s.rank_min) "–" (s.rank_max) "." }
                (charts::rank_interval(s.base_rank, s.rank_min, s.rank_max, s.rank_p05, s.rank_p95, ranked, card.sensitivity_top_k as u32))
            }
        },
    ))
}
