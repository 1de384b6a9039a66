//! Recording what a programme's measures spent in a year: one small form per
//! measure (amount in UAH, what was done), saved through the API's handler,
//! so a second fact for a measure and year replaces the first and both are
//! audited.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::JsonBody;
use portfel_api::problem::ApiError;
use portfel_api::routes::programmes as api;
use portfel_domain::Permission;
use portfel_monitoring::programme::MeasureFact;
use uuid::Uuid;

use super::monitoring::YearQuery;
use crate::error::PageResult;
use crate::forms::{Errors, Kind, Values};
use crate::session::{Posted, Signed};
use crate::widgets::{area, input};
use crate::{WebState, format, layout};

/// The anchor of a measure's form.
fn anchor(number: &str) -> String {
    format!("m-{}", number.replace('.', "-"))
}

/// The page; `refused` holds the measure whose save was refused, with the values typed and the errors.
async fn page(
    state: &WebState,
    user: &Signed,
    id: Uuid,
    year: Option<i32>,
    refused: Option<(&str, &Values, &Errors)>,
) -> PageResult<Markup> {
    user.auth.require(Permission::KeepProgrammes)?;
    let record = api::get_programme(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    let p = &record.programme;
    let year = year
        .unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now().date_naive()))
        .clamp(p.period_start, p.period_end);
    let facts = portfel_store::programmes::facts(state.app.store.db(), id).await?;
    Ok(layout::page(
        user,
        &p.title,
        html! {
            p { a href=(format!("/programmes/{id}?year={year}")) { "← Звіт про виконання за " (year) " рік" } }
            h1 { "Фактичне виконання заходів за " (year) " рік: " (p.title) }
            form.filters method="get" action=(format!("/programmes/{id}/facts")) {
                div { label for="year" { "Рік" } select #year name="year" {
                    @for y in p.period_start..=p.period_end { option value=(y) selected[y == year] { (y) } } } }
                button type="submit" { "Показати" }
            }
            @for section in &p.sections {
                h2 { (section.number) ". " (section.title) }
                @for m in &section.measures {
                    @let planned: rust_decimal::Decimal = m.planned.iter().filter(|a| a.year == year).map(|a| a.amount.value()).sum();
                    @let stored = facts.iter().find(|f| f.measure == m.number && f.year == year);
                    @let (values, errors) = match refused {
                        Some((number, values, errors)) if number == m.number => (values.clone(), errors.clone()),
                        _ => {
                            let mut v = Values::default();
                            if let Some(f) = stored {
                                v.set("amount", f.amount.value().to_string());
                                v.set("narrative", f.narrative.clone());
                            }
                            (v, Errors::default())
                        }
                    };
                    form.card id=(anchor(&m.number)) method="post" action=(format!("/programmes/{id}/facts")) {
                        (layout::csrf(user))
                        input type="hidden" name="measure" value=(m.number);
                        input type="hidden" name="year" value=(year);
                        h3 { (m.number) " " (m.text) }
                        p.muted { "За планом на " (year) " рік: " (format::uah(planned)) " грн"
                            @if stored.is_none() { " · факт ще не внесено" } }
                        (layout::error_summary(&errors))
                        (input(&format!("Витрачено за {year} рік, грн (захід {})", m.number), "amount", "text", &values, &errors))
                        (area(&format!("Стан виконання заходу {}", m.number), "narrative", &values, &errors))
                        button type="submit" { "Зберегти факт заходу " (m.number) }
                    }
                }
            }
        },
    ))
}

/// GET /programmes/{id}/facts?year=.
pub async fn form(
    State(state): State<WebState>,
    user: Signed,
    Path(id): Path<Uuid>,
    Query(q): Query<YearQuery>,
) -> PageResult<Markup> {
    page(&state, &user, id, q.year, None).await
}

/// POST /programmes/{id}/facts: one measure's fact for a year.
pub async fn record(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    let body = fields.to_json(|path| match path {
        "year" => Kind::Integer,
        "amount" => Kind::Money,
        _ => Kind::Text,
    });
    let measure = fields.text("measure").unwrap_or_default().to_owned();
    let year = fields.text("year").and_then(|y| y.parse().ok());
    let sent = JsonBody::<MeasureFact>::from_value(body);
    match api::record_fact(user.auth.clone(), State(state.app.clone()), Path(id), sent).await {
        Ok(_) => {
            let year = year.unwrap_or_default();
            Ok(Redirect::to(&format!("/programmes/{id}/facts?year={year}#{}", anchor(&measure))).into_response())
        }
        Err(ApiError::Validation(errors)) => {
            let (values, errors) = (fields.values(), Errors(errors));
            let page = page(&state, &user, id, year, Some((&measure, &values, &errors))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
