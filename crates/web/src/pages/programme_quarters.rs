//! A programme's quarterly reports of a year, measure by measure: the
//! executive bodies carrying out a measure submit each begun quarter's fact
//! (thousand UAH, as the report shows it) and what was done; the PIM unit
//! accepts or returns each submitted one. Every write goes through the API's
//! handlers, which hold the rules.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::{IfMatch, JsonBody, QueryParams};
use portfel_api::problem::ApiError;
use portfel_api::routes::quarters::{self as api, OnBehalf};
use portfel_domain::{FieldError, Permission};
use portfel_monitoring::quarters::{
    QuarterFact, QuarterReport, QuarterStatus, quarter_due, quarter_name, quarter_start,
};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::error::PageResult;
use crate::forms::{Errors, Values};
use crate::session::{Posted, Signed};
use crate::{WebState, format, labels, layout, returns};

/// The year shown, and what the last action did.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuartersQuery {
    /// Budget year (default: this year, within the programme's period).
    pub year: Option<i32>,
    /// `submitted`, `accepted` or `returned` after an action.
    pub done: Option<String>,
}

/// The anchor of a measure's quarter on the page.
fn anchor(measure: &str, quarter: u8) -> String {
    format!("q-{}-{quarter}", measure.replace('.', "-"))
}

fn status_word(s: QuarterStatus) -> &'static str {
    match s {
        QuarterStatus::Submitted => "подано, чекає на перевірку",
        QuarterStatus::Accepted => "прийнято",
        QuarterStatus::Returned => "повернуто на доопрацювання",
    }
}

/// A refusal shown at the top: the measure and quarter, and why.
struct Refused {
    measure: String,
    quarter: u8,
    error: FieldError,
    amount: String,
    narrative: String,
}

async fn page(
    state: &WebState,
    user: &Signed,
    id: Uuid,
    q: &QuartersQuery,
    refused: Option<&Refused>,
) -> PageResult<Markup> {
    let app = State(state.app.clone());
    let record =
        portfel_api::routes::programmes::get_programme(user.auth.clone(), app.clone(), Path(id)).await?.into_body();
    let p = &record.programme;
    let today = chrono::Utc::now().date_naive();
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&today)).clamp(p.period_start, p.period_end);
    let axum::Json(reports) = api::list_quarters(user.auth.clone(), app, Path(id)).await?;
    let org = user.auth.claims.org;
    let reports_writer = user.may(Permission::WriteReports);
    let checker = user.may(Permission::CheckReports);
    let done = match q.done.as_deref() {
        Some("submitted") => Some("Звіт подано на перевірку."),
        Some("accepted") => Some("Звіт прийнято: його факт увійшов до річного звіту."),
        Some("returned") => Some("Звіт повернуто виконавцю з причиною."),
        _ => None,
    };
    let found = |measure: &str, quarter: u8| -> Option<&QuarterReport> {
        reports.iter().find(|r| r.fact.measure == measure && r.fact.year == year && r.fact.quarter == quarter)
    };
    Ok(layout::page(
        user,
        &p.title,
        html! {
            p { a href=(format!("/programmes/{id}?year={year}")) { "← Звіт про виконання за " (year) " рік" } }
            h1 { "Квартальні звіти за " (year) " рік: " (p.title) }
            p.muted { "Виконавці заходу звітують за кожен квартал, що розпочався: скільки витрачено (тис. грн) і що зроблено. Управління приймає звіт або повертає його з причиною; до річного звіту входять лише прийняті квартали." }
            form.filters method="get" action=(format!("/programmes/{id}/quarters")) {
                div { label for="year" { "Рік" } select #year name="year" {
                    @for y in p.period_start..=p.period_end { option value=(y) selected[y == year] { (y) } } } }
                button type="submit" { "Показати" }
            }
            (layout::notice(done, "ok"))
            @if let Some(r) = refused {
                div.error-summary role="alert" tabindex="-1" {
                    h2 { "Звіт не прийнято системою" }
                    p { strong { "Захід " (r.measure) ", " (quarter_name(r.quarter)) } ": " (labels::message(&r.error)) }
                }
            }
            @for section in &p.sections {
                h2 { (section.number) ". " (section.title) }
                @for m in section.measures.iter().filter(|m| m.runs_in(year)) {
                    @let mine = org.is_some_and(|o| m.organisation_ids.contains(&o)) && reports_writer;
                    section.card aria-label=(format!("Захід {}", m.number)) {
                        h3 { "Захід " (m.number) ": " (m.text) }
                        div.scroll { table {
                            thead { tr { th scope="col" { "Квартал" } th scope="col" { "Термін подання" } th scope="col" { "Стан" } th.num scope="col" { "Витрачено, тис. грн" } th scope="col" { "Що зроблено" } th scope="col" { "Дія" } } }
                            tbody { @for quarter in 1..=4u8 {
                                @let report = found(&m.number, quarter);
                                @let begun = quarter_start(year, quarter).is_some_and(|d| d <= today);
                                @let due = quarter_due(year, quarter);
                                @let owed = report.is_none_or(|r| r.status == QuarterStatus::Returned);
                                tr id=(anchor(&m.number, quarter)) {
                                    th scope="row" { (quarter_name(quarter)) }
                                    td { "до " (due.format("%d.%m.%Y")) @if owed && today > due { " " strong.overdue { "прострочено" } } }
                                    td {
                                        @match report {
                                            Some(r) => { (status_word(r.status))
                                                @if let Some(reason) = &r.return_reason { br; span.muted { "Причина: " (reason) } }
                                                @if let Some(by) = r.resubmit_by.filter(|_| r.status == QuarterStatus::Returned) { br; (returns::back_by(by, today)) } }
                                            None => { @if begun { "не подано" } @else { "ще не розпочався" } }
                                        }
                                    }
                                    td.num { @if let Some(r) = report { (format::thousands(r.fact.amount.value())) } }
                                    td { @if let Some(r) = report { (r.fact.narrative) } }
                                    td {
                                        @if mine && begun && report.is_none_or(|r| r.status != QuarterStatus::Accepted) {
                                            (submit_form(user, id, year, &m.number, quarter, report, refused))
                                        }
                                        @if checker && let Some(r) = report.filter(|r| r.status == QuarterStatus::Submitted) {
                                            (review_forms(user, r))
                                        }
                                    }
                                }
                            } }
                        } }
                    }
                }
            }
        },
    ))
}

/// The executor's form for one quarter, filled with what was typed or submitted.
fn submit_form(
    user: &Signed,
    id: Uuid,
    year: i32,
    measure: &str,
    quarter: u8,
    report: Option<&QuarterReport>,
    refused: Option<&Refused>,
) -> Markup {
    let typed = refused.filter(|r| r.measure == measure && r.quarter == quarter);
    let amount = typed
        .map(|r| r.amount.clone())
        .or_else(|| report.map(|r| format::thousands_exact(r.fact.amount.value()).replace('.', ",")))
        .unwrap_or_default();
    let narrative =
        typed.map(|r| r.narrative.clone()).or_else(|| report.map(|r| r.fact.narrative.clone())).unwrap_or_default();
    let at = anchor(measure, quarter);
    html! {
        form.stack method="post" action=(format!("/programmes/{id}/quarters")) {
            (layout::csrf(user))
            input type="hidden" name="measure" value=(measure);
            input type="hidden" name="year" value=(year);
            input type="hidden" name="quarter" value=(quarter);
            label for=(format!("{at}-amount")) { "Витрачено, тис. грн" }
            input id=(format!("{at}-amount")) type="text" inputmode="decimal" name="amount" value=(amount) required autocomplete="off" size="8" aria-invalid=[typed.map(|_| "true")];
            label for=(format!("{at}-narrative")) { "Що зроблено" }
            textarea id=(format!("{at}-narrative")) name="narrative" rows="2" { (narrative) }
            button type="submit" { @if report.is_some() { "Подати знову" } @else { "Подати звіт" } }
        }
    }
}

/// The PIM unit's accept and return forms for a submitted report.
fn review_forms(user: &Signed, r: &QuarterReport) -> Markup {
    let at = anchor(&r.fact.measure, r.fact.quarter);
    html! {
        form method="post" action=(format!("/programme-quarters/{}/accept", r.id)) {
            (layout::guarded(user, r.version))
            button type="submit" { "Прийняти" }
        }
        form.stack method="post" action=(format!("/programme-quarters/{}/return", r.id)) {
            (layout::guarded(user, r.version))
            label for=(format!("{at}-reason")) { "Причина повернення" }
            textarea id=(format!("{at}-reason")) name="reason" rows="2" required {}
            (returns::back_by_input(&format!("{at}-resubmit"), &Values::default(), &Errors::default()))
            button.secondary type="submit" { "Повернути" }
        }
    }
}

/// GET /programmes/{id}/quarters?year=.
pub async fn list(
    State(state): State<WebState>,
    user: Signed,
    Path(id): Path<Uuid>,
    Query(q): Query<QuartersQuery>,
) -> PageResult<Markup> {
    page(&state, &user, id, &q, None).await
}

/// POST /programmes/{id}/quarters: one quarter's report.
pub async fn submit(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let text = |name: &str| fields.text(name).unwrap_or_default().trim().to_owned();
    let (measure, year) = (text("measure"), text("year").parse::<i32>().unwrap_or_default());
    let quarter = text("quarter").parse::<u8>().unwrap_or_default();
    let (amount, narrative) = (text("amount"), fields.text("narrative").unwrap_or_default().replace("\r\n", "\n"));
    let q = QuartersQuery { year: Some(year), done: None };
    let refuse = |error: FieldError| async {
        let refused =
            Refused { measure: measure.clone(), quarter, error, amount: amount.clone(), narrative: narrative.clone() };
        let page = page(&state, &user, id, &q, Some(&refused)).await?;
        PageResult::Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let Some(uah) = crate::forms::thousand_uah(&amount) else {
        return refuse(FieldError::of("amount", "invalid_amount", &[("value", amount.clone())])).await;
    };
    let body = json!({"measure": measure, "year": year, "quarter": quarter, "amount": uah.to_string(), "narrative": narrative});
    let sent = JsonBody::<QuarterFact>::from_value(body);
    let app = State(state.app.clone());
    match api::submit_quarter(user.auth.clone(), app, Path(id), QueryParams(OnBehalf::default()), sent).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/programmes/{id}/quarters?year={year}&done=submitted#{}",
            anchor(&measure, quarter)
        ))
        .into_response()),
        Err(ApiError::Validation(errors)) if !errors.is_empty() => refuse(errors[0].clone()).await,
        Err(ApiError::Conflict(error)) => refuse(error).await,
        Err(e) => Err(e.into()),
    }
}

/// The report's page after a review.
fn back(r: &QuarterReport, done: &str) -> Response {
    let at = anchor(&r.fact.measure, r.fact.quarter);
    Redirect::to(&format!("/programmes/{}/quarters?year={}&done={done}#{at}", r.programme_id, r.fact.year))
        .into_response()
}

/// POST /programme-quarters/{id}/accept.
pub async fn accept(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let version = fields.version()?;
    let report = api::accept_quarter(user.auth.clone(), State(state.app.clone()), Path(id), version).await?.into_body();
    Ok(back(&report, "accepted"))
}

/// POST /programme-quarters/{id}/return.
pub async fn give_back(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let IfMatch(version) = fields.version()?;
    let body = returns::body(&fields);
    let report = api::return_quarter(user.auth.clone(), State(state.app.clone()), Path(id), IfMatch(version), body)
        .await?
        .into_body();
    Ok(back(&report, "returned"))
}
