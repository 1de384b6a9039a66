//! Recording what a programme's measures spent in a year: one form for every
//! measure, amounts in thousand UAH as the annual report shows them, saved
//! through the API's handler measure by measure (a second fact for a measure
//! and year replaces the first; both are audited).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::JsonBody;
use portfel_api::problem::ApiError;
use portfel_api::routes::programmes as api;
use portfel_domain::{FieldError, Permission};
use portfel_monitoring::programme::MeasureFact;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::error::PageResult;
use crate::forms::{Errors, Fields, Values};
use crate::session::{Posted, Signed};
use crate::widgets::input_id;
use crate::{WebState, format, layout};

/// The year asked for, and how many facts the last save changed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsQuery {
    /// Budget year (default: this year, within the programme's period).
    pub year: Option<i32>,
    /// Facts saved by the form just posted.
    pub saved: Option<usize>,
}

/// The form's field of a measure's `part` (`amount` or `narrative`).
fn field(part: &str, measure: &str) -> String {
    format!("{part}.{measure}")
}

/// The page, with the values typed and their `errors` when a save was refused.
async fn page(
    state: &WebState,
    user: &Signed,
    id: Uuid,
    q: &FactsQuery,
    typed: Option<(&Values, &Errors)>,
) -> PageResult<Markup> {
    user.auth.require(Permission::KeepProgrammes)?;
    let record = api::get_programme(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    let p = &record.programme;
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now().date_naive()))
        .clamp(p.period_start, p.period_end);
    let facts = portfel_store::programmes::facts(state.app.store.db(), id).await?;
    let (values, errors) = match typed {
        Some((values, errors)) => (values.clone(), errors.clone()),
        None => {
            let mut v = Values::default();
            for f in facts.iter().filter(|f| f.year == year) {
                v.set(&field("amount", &f.measure), format::thousands_exact(f.amount.value()));
                v.set(&field("narrative", &f.measure), f.narrative.clone());
            }
            (v, Errors::default())
        }
    };
    let saved = q.saved.map(|n| format!("Збережено фактів: {n}."));
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
            (layout::notice(saved.as_deref(), "ok"))
            (layout::error_summary(&errors))
            form method="post" action=(format!("/programmes/{id}/facts")) {
                (layout::csrf(user))
                input type="hidden" name="year" value=(year);
                @for section in &p.sections {
                    h2 { (section.number) ". " (section.title) }
                    div.scroll { table {
                        thead { tr { th scope="col" { "Захід" } th.num scope="col" { "За планом, тис. грн" }
                            th scope="col" { "Фактично, тис. грн" } th scope="col" { "Стан виконання" } } }
                        tbody { @for m in &section.measures {
                            @let planned: Decimal = m.planned.iter().filter(|a| a.year == year).map(|a| a.amount.value()).sum();
                            @let (amount, narrative) = (field("amount", &m.number), field("narrative", &m.number));
                            tr id=(format!("m-{}", m.number.replace('.', "-"))) {
                                td { strong { (m.number) } " " (m.text) }
                                td.num { (format::thousands(planned)) }
                                (crate::widgets::decimal_cell(&format!("Фактично за {year} рік, тис. грн (захід {})", m.number), &amount, &values, &errors))
                                td { textarea id=(input_id(&narrative)) name=(narrative) aria-label=(format!("Стан виконання заходу {}", m.number)) { (values.get(&narrative)) } }
                            }
                        } }
                    } }
                }
                p { button type="submit" { "Зберегти факти за " (year) " рік" } }
            }
        },
    ))
}

/// GET /programmes/{id}/facts?year=.
pub async fn form(
    State(state): State<WebState>,
    user: Signed,
    Path(id): Path<Uuid>,
    Query(q): Query<FactsQuery>,
) -> PageResult<Markup> {
    page(&state, &user, id, &q, None).await
}

/// The facts of the form that differ from those stored: every measure with an
/// amount, in UAH; an amount that is no number is refused by its field.
fn posted_facts(fields: &Fields, year: i32, stored: &[MeasureFact]) -> Result<Vec<MeasureFact>, Vec<FieldError>> {
    let (mut facts, mut errors) = (Vec::new(), Vec::new());
    for (measure, typed) in fields.all_named_with("amount.") {
        let typed = typed.trim();
        if typed.is_empty() {
            continue;
        }
        let Some(amount) = crate::forms::thousand_uah(typed) else {
            errors.push(FieldError::of(field("amount", &measure), "invalid_amount", &[("value", typed.to_owned())]));
            continue;
        };
        let narrative = fields.get(&field("narrative", &measure)).unwrap_or_default().replace("\r\n", "\n");
        let same = stored
            .iter()
            .any(|f| f.measure == measure && f.year == year && f.amount.value() == amount && f.narrative == narrative);
        if !same {
            let fact = json!({"measure": measure, "year": year, "amount": amount.to_string(), "narrative": narrative});
            facts.push(serde_json::from_value(fact).map_err(|_| {
                vec![FieldError::of(field("amount", &measure), "invalid_amount", &[("value", typed.to_owned())])]
            })?);
        }
    }
    if errors.is_empty() { Ok(facts) } else { Err(errors) }
}

/// POST /programmes/{id}/facts: every measure's fact for a year.
pub async fn record(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Response> {
    user.auth.require(Permission::KeepProgrammes)?;
    let year = fields.text("year").and_then(|y| y.parse().ok()).unwrap_or_default();
    let q = FactsQuery { year: Some(year), saved: None };
    let stored = portfel_store::programmes::facts(state.app.store.db(), id).await?;
    let refused = |errors: Vec<FieldError>| async {
        let page = page(&state, &user, id, &q, Some((&fields.values(), &Errors(errors)))).await?;
        PageResult::Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let facts = match posted_facts(&fields, year, &stored) {
        Ok(facts) => facts,
        Err(errors) => return refused(errors).await,
    };
    for fact in &facts {
        let sent = JsonBody::<MeasureFact>::from_value(serde_json::to_value(fact)?);
        match api::record_fact(user.auth.clone(), State(state.app.clone()), Path(id), sent).await {
            Ok(_) => {}
            Err(ApiError::Validation(errors)) => {
                let named = errors.into_iter().map(|e| FieldError { field: field("amount", &fact.measure), ..e });
                return refused(named.collect()).await;
            }
            Err(ApiError::Conflict(e)) => {
                return refused(vec![FieldError { field: field("amount", &fact.measure), ..e }]).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Redirect::to(&format!("/programmes/{id}/facts?year={year}&saved={}", facts.len())).into_response())
}
