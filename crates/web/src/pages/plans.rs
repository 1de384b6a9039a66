//! The medium-term plan: versions, ceiling usage per year and source, the
//! optimal and rank-order plans side by side with every exclusion's reason,
//! what-if scenarios, the diff and the print annex.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::JsonBody;
use portfel_api::problem::ApiError;
use portfel_api::routes::plans::{scenarios, versions as api};
use portfel_domain::{FieldError, Permission};
use portfel_planning::council::{DocumentStatus, PlanVersion};
use portfel_planning::{Plan, PlanBuilder};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

use super::council::{diff_table, membership_rows, versions_table, workflow};
use crate::charts::{self, YearBar};
use crate::error::PageResult;
use crate::forms::{Errors, Fields, Kind};
use crate::session::{Posted, Signed};
use crate::{WebState, format, labels, layout};

/// GET /plans.
pub async fn list(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    list_page(&state, &user, &Errors::default()).await
}

/// The plan versions and the form of a new one, with the form's `errors`.
async fn list_page(state: &WebState, user: &Signed, errors: &Errors) -> PageResult<Markup> {
    let axum::Json(plans) = api::list_plans(user.auth.clone(), State(state.app.clone())).await?;
    let axum::Json(portfolios) =
        portfel_api::routes::portfolios::list_portfolios(user.auth.clone(), State(state.app.clone())).await?;
    let approved: Vec<_> = portfolios.iter().filter(|p| p.workflow.status == DocumentStatus::Approved).collect();
    let first = chrono::Utc::now().date_naive().format("%Y").to_string().parse::<i32>().unwrap_or(2027) + 1;
    let sources = crate::widgets::codelist(portfel_domain::codelist::Codelist::FundingSourceCategories);
    let sectors = crate::widgets::codelist(portfel_domain::codelist::Codelist::WbEco);
    Ok(layout::page(
        user,
        "Середньостроковий план",
        html! {
            h1 { "Середньостроковий план пріоритетних публічних інвестицій" }
            (versions_table("/plans", plans.iter().map(|p| (&p.workflow, p.content.result.included.len()))))
            @if user.may(Permission::PrepareDecisions) {
                h2 { "Сформувати версію плану" }
                (layout::error_summary(errors))
                form.card method="post" action="/plans" {
                    (layout::csrf(user))
                    label for="portfolio" { "Схвалений портфель" }
                    select #portfolio name="portfolio_id" required {
                        @for p in &approved { option value=(p.workflow.id) { "Версія " (p.workflow.number)
                            @if let Some(d) = &p.workflow.decision { " (рішення № " (d.number) ")" } } }
                    }
                    div.grid {
                        div { label for="first_year" { "Перший рік" } input #first_year type="number" name="first_year" value=(first); }
                        div { label for="last_year" { "Останній рік" } input #last_year type="number" name="last_year" value=(first + 2); }
                    }
                    fieldset { legend { "Стелі видатків на рік, грн (порожньо — без стелі)" }
                        table {
                            thead { tr { th { "Рік" } th { "Стеля, грн" } } }
                            tbody { @for (i, year) in (first..first + 3).enumerate() { tr {
                                td { input type="number" name=(format!("_ceiling_year{i}")) value=(year)
                                    aria-label=(format!("Рік стелі №{}", i + 1)) id=(format!("ceiling-year-{i}")); }
                                td { input id=(format!("ceiling-{i}")) type="text" name=(format!("_ceiling{i}")) inputmode="decimal"
                                    aria-label=(format!("Стеля видатків №{}, грн", i + 1)); }
                            } } }
                        }
                    }
                    details {
                        summary { "Стелі за джерелами фінансування (необов'язково)" }
                        table {
                            thead { tr { th { "Рік" } th { "Джерело" } th { "Стеля, грн" } } }
                            tbody { @for i in 0..6 { tr {
                                td { input type="number" name=(format!("_src_year{i}")) min="2000" max="2100"
                                    aria-label=(format!("Рік стелі за джерелом №{}", i + 1)); }
                                td { select name=(format!("_src{i}")) aria-label=(format!("Джерело стелі №{}", i + 1)) {
                                    option value="" { "—" }
                                    @for (code, name) in &sources { option value=(code) { (name) } } } }
                                td { input type="text" inputmode="decimal" name=(format!("_src_amount{i}"))
                                    aria-label=(format!("Стеля за джерелом №{}, грн", i + 1)); }
                            } } }
                        }
                    }
                    details {
                        summary { "Частки секторів за весь період (необов'язково)" }
                        table {
                            thead { tr { th { "Сектор" } th { "Не менше, %" } th { "Не більше, %" } } }
                            tbody { @for i in 0..4 { tr {
                                td { select name=(format!("_sector{i}")) aria-label=(format!("Сектор №{}", i + 1)) {
                                    option value="" { "—" }
                                    @for (code, name) in &sectors { option value=(code) { (name) } } } }
                                td { input type="text" inputmode="decimal" name=(format!("_sector_min{i}"))
                                    aria-label=(format!("Найменша частка сектору №{}, %", i + 1)); }
                                td { input type="text" inputmode="decimal" name=(format!("_sector_max{i}"))
                                    aria-label=(format!("Найбільша частка сектору №{}, %", i + 1)); }
                            } } }
                        }
                    }
                    label for="builder" { "Спосіб формування" }
                    select #builder name="builder" {
                        option value="optimal" { "оптимальний добір (найбільша сумарна цінність у межах стель)" }
                        option value="rank_order" { "за місцем у рейтингу" }
                    }
                    div { input #carry_unspent type="checkbox" name="carry_unspent" checked;
                        label.inline for="carry_unspent" { "Переносити на перший рік кошти, не використані в попередні роки проєктами, що тривають" } }
                    p { button type="submit" { "Сформувати" } }
                }
            }
        },
    ))
}

/// The input of the ceiling of `year`, a year of the plan, read back by [`ceilings`].
fn ceiling_input(i: usize, year: i32, label: Markup) -> Markup {
    html! {
        div {
            label for=(format!("ceiling-{i}")) { (label) }
            input type="hidden" name=(format!("_ceiling_year{i}")) value=(year);
            input id=(format!("ceiling-{i}")) type="text" name=(format!("_ceiling{i}")) inputmode="decimal";
        }
    }
}

/// An amount typed into `field`, or the refusal naming what was typed.
fn typed_amount(typed: &str, field: String, errors: &mut Vec<FieldError>) -> Value {
    let amount = crate::forms::amount(typed);
    if amount.parse::<Decimal>().is_err() {
        errors.push(FieldError::of(field, "invalid_amount", &[("value", typed.to_owned())]));
    }
    Value::String(amount)
}

/// The ceilings of a form: year totals (`_ceiling_yearN`, `_ceilingN`), per
/// source (`_src_yearN`, `_srcN`, `_src_amountN`) and sector shares in per
/// cent (`_sectorN`, `_sector_minN`, `_sector_maxN`), with every amount that
/// is no number refused by name.
fn ceilings(fields: &Fields) -> (Value, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut total = serde_json::Map::new();
    for i in 0..10 {
        if let (Some(year), Some(typed)) =
            (fields.text(&format!("_ceiling_year{i}")), fields.text(&format!("_ceiling{i}")))
        {
            let amount = typed_amount(typed, format!("ceilings.total.{year}"), &mut errors);
            total.insert(year.to_owned(), amount);
        }
    }
    let mut by_source = serde_json::Map::new();
    for i in 0..10 {
        let (year, source) = (fields.text(&format!("_src_year{i}")), fields.text(&format!("_src{i}")));
        if let (Some(year), Some(source), Some(typed)) = (year, source, fields.text(&format!("_src_amount{i}"))) {
            let key = portfel_planning::input::Ceilings::source_key(year.parse().unwrap_or_default(), source);
            let amount = typed_amount(typed, format!("ceilings.by_source.{key}"), &mut errors);
            by_source.insert(key, amount);
        }
    }
    let mut sectors = Vec::new();
    for i in 0..10 {
        let Some(sector) = fields.text(&format!("_sector{i}")) else { continue };
        let share = |name: &str, errors: &mut Vec<FieldError>| {
            let typed = fields.text(&format!("{name}{i}"))?;
            let field = format!(
                "ceilings.sectors[{}].{}",
                sectors.len(),
                if name == "_sector_min" { "min_share" } else { "max_share" }
            );
            let percent = typed_amount(typed, field, errors);
            let share = percent.as_str().and_then(|p| p.parse::<Decimal>().ok()).map(|p| p / Decimal::ONE_HUNDRED);
            Some(share.map_or(percent, |s| Value::String(s.normalize().to_string())))
        };
        let (min, max) = (share("_sector_min", &mut errors), share("_sector_max", &mut errors));
        sectors.push(json!({"sector": sector, "min_share": min, "max_share": max}));
    }
    (json!({"total": total, "by_source": by_source, "sectors": sectors}), errors)
}

/// POST /plans.
pub async fn create(State(state): State<WebState>, Posted { user, fields }: Posted) -> PageResult<Response> {
    let mut body = fields.to_json(|path| match path {
        "first_year" | "last_year" => Kind::Integer,
        _ => Kind::Text,
    });
    let (limits, errors) = ceilings(&fields);
    if !errors.is_empty() {
        let page = list_page(&state, &user, &Errors(errors)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    body["ceilings"] = limits;
    body["carry_unspent"] = json!(fields.text("carry_unspent").is_some());
    let created = match api::create_plan(user.auth.clone(), State(state.app.clone()), JsonBody::from_value(body)).await
    {
        Ok(created) => created,
        Err(ApiError::Validation(errors)) => {
            let page = list_page(&state, &user, &Errors(errors)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let plan = created.into_body();
    // The side-by-side view needs the other builder's plan: start on it now, not at the first view.
    let (alternatives, content) = (state.alternatives.clone(), plan.content);
    tokio::spawn(async move { alternatives.of(&content).await.map(drop) });
    Ok(Redirect::to(&format!("/plans/{}", plan.workflow.id)).into_response())
}

async fn get(state: &WebState, user: &Signed, id: Uuid) -> PageResult<PlanVersion> {
    Ok(api::get_plan(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body())
}

/// Titles of the plan's candidates, from the portfolio it was built from.
async fn candidate_titles(state: &WebState, user: &Signed, plan: &PlanVersion) -> PageResult<HashMap<Uuid, String>> {
    let portfolio = portfel_api::routes::portfolios::get_portfolio(
        user.auth.clone(),
        State(state.app.clone()),
        Path(plan.content.request.portfolio_id),
    )
    .await?
    .into_body();
    Ok(portfolio.content.items.into_iter().map(|i| (i.passport_id, i.title)).collect())
}

fn builder_name(b: PlanBuilder) -> &'static str {
    match b {
        PlanBuilder::RankOrder => "за місцем у рейтингу",
        PlanBuilder::Optimal => "оптимальний добір",
    }
}

/// For an optimal plan: how far from the best possible plan it is proven to
/// be (the solver that proved it is named in the API's `solver`).
fn proof(plan: &Plan) -> Option<String> {
    let gap = plan.gap?;
    plan.solver?;
    let within = format!("{:.3}", gap * 100.0).replace('.', ",");
    Some(format!("доведено: сумарна цінність менша від найбільшої можливої не більш як на {within} %"))
}

/// Years of the plan period.
fn years(plan: &PlanVersion) -> Vec<i32> {
    (plan.content.request.first_year..=plan.content.request.last_year).collect()
}

/// Ceiling usage: a chart of the years and a table per year and source.
fn usage(plan: &Plan, years: &[i32]) -> Markup {
    let mut bars = Vec::new();
    for y in years {
        let mut parts: BTreeMap<String, Decimal> = BTreeMap::new();
        for i in &plan.included {
            for a in i.amounts.iter().filter(|a| a.year == *y) {
                *parts.entry(labels::source(&a.source)).or_default() += a.amount;
            }
        }
        let ceiling = plan.usage.iter().find(|u| u.year == *y && u.source.is_none()).map(|u| format::to_f64(u.ceiling));
        bars.push(YearBar {
            label: y.to_string(),
            parts: parts.into_iter().map(|(s, a)| (s, format::to_f64(a))).collect(),
            ceiling,
        });
    }
    html! {
        (charts::ceiling_usage(&bars, "Використання стель видатків за роками і джерелами, тис. грн"))
        (usage_table(plan))
    }
}

/// Ceiling, allocation and room per year and source, thousand UAH.
fn usage_table(plan: &Plan) -> Markup {
    html! {
        table {
            thead { tr { th { "Рік" } th { "Джерело" } th.num { "Стеля, тис. грн" } th.num { "Використано" } th.num { "Залишок" } } }
            tbody { @for u in &plan.usage { tr class=[u.source.is_none().then_some("total")] {
                td { (u.year) } td { (u.source.as_deref().map_or_else(|| "усього".to_owned(), labels::source)) }
                td.num { (format::thousands(u.ceiling)) } td.num { (format::thousands(u.allocated)) } td.num { (format::thousands(u.remaining)) }
            } } }
        }
    }
}

/// The included projects with thousand UAH per year, totals per year.
fn included(plan: &Plan, years: &[i32], titles: &HashMap<Uuid, String>) -> Markup {
    let per_year = |amounts: &[portfel_planning::outcome::YearAmount], y: i32| -> Decimal {
        amounts.iter().filter(|a| a.year == y).map(|a| a.amount).sum()
    };
    html! {
        table {
            thead { tr { th { "Проєкт" } th.num { "Початок" } @for y in years { th.num { (y) ", тис. грн" } } } }
            tbody { @for i in &plan.included { tr {
                td { (titles.get(&i.id).map_or_else(|| i.id.to_string(), Clone::clone)) @if i.continuing { " " span.badge { "триває" } } }
                td.num { (i.start_year) }
                @for y in years { td.num { (format::thousands(per_year(&i.amounts, *y))) } }
            } } }
            tfoot { tr { td colspan="2" { "Разом" } @for y in years {
                td.num { (format::thousands(plan.included.iter().map(|i| per_year(&i.amounts, *y)).sum())) } } } }
        }
    }
}

/// The included projects with their total over the period, thousand UAH.
fn included_totals(plan: &Plan, titles: &HashMap<Uuid, String>) -> Markup {
    let total =
        |amounts: &[portfel_planning::outcome::YearAmount]| -> Decimal { amounts.iter().map(|a| a.amount).sum() };
    html! {
        table {
            thead { tr { th { "Проєкт" } th.num { "Початок" } th.num { "За період, тис. грн" } } }
            tbody { @for i in &plan.included { tr {
                td { (titles.get(&i.id).map_or_else(|| i.id.to_string(), Clone::clone)) @if i.continuing { " " span.badge { "триває" } } }
                td.num { (i.start_year) }
                td.num { (format::thousands(total(&i.amounts))) }
            } } }
            tfoot { tr { td colspan="2" { "Разом" } td.num { (format::thousands(plan.total_allocated)) } } }
        }
    }
}

/// Every included project's money by funding source and year, thousand UAH.
fn by_source(plan: &Plan, years: &[i32], titles: &HashMap<Uuid, String>) -> Markup {
    let rows: Vec<(Uuid, String)> = plan
        .included
        .iter()
        .flat_map(|i| {
            let mut sources: Vec<String> = i.amounts.iter().map(|a| a.source.clone()).collect();
            sources.sort();
            sources.dedup();
            sources.into_iter().map(move |s| (i.id, s))
        })
        .collect();
    let amount = |id: Uuid, source: &str, year: i32| -> Decimal {
        let inclusion = plan.included.iter().find(|i| i.id == id);
        inclusion.map_or(Decimal::ZERO, |i| {
            i.amounts.iter().filter(|a| a.source == source && a.year == year).map(|a| a.amount).sum()
        })
    };
    html! {
        div.scroll { table {
            thead { tr { th { "Проєкт" } th { "Джерело" } @for y in years { th.num { (y) } } } }
            tbody { @for (id, source) in &rows { tr {
                td { (titles.get(id).map_or_else(|| id.to_string(), Clone::clone)) } td { (labels::source(source)) }
                @for y in years { td.num { (format::thousands(amount(*id, source, *y))) } }
            } } }
        } }
    }
}

/// Why a project is left out, in words (the planning crate's wording).
fn reason(e: &portfel_planning::outcome::Exclusion, titles: &HashMap<Uuid, String>) -> String {
    e.explained(titles)
}

fn exclusions(plan: &Plan, titles: &HashMap<Uuid, String>) -> Markup {
    html! {
        @if !plan.excluded.is_empty() {
            table {
                thead { tr { th { "Не включено" } th { "Чому" } } }
                tbody { @for e in &plan.excluded { tr {
                    td { (titles.get(&e.id).map_or_else(|| e.id.to_string(), Clone::clone)) }
                    td { (reason(e, titles)) }
                } } }
            }
        }
    }
}

/// GET /plans/{id}.
pub async fn show(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let plan = get(&state, &user, id).await?;
    let titles = candidate_titles(&state, &user, &plan).await?;
    let ys = years(&plan);
    let axum::Json(all) = api::list_plans(user.auth.clone(), State(state.app.clone())).await?;
    let compared = compare(&state, &plan, &titles).await?;
    let r = &plan.content.result;
    let base = format!("/plans/{id}");
    let owner = portfel_api::routes::attachments::OwnerQuery {
        owner_kind: portfel_domain::attachment::OwnerKind::Plan,
        owner_id: id,
    };
    let files = super::attachments::section(&state, &user, owner, &base).await?;
    Ok(layout::page(
        &user,
        "План",
        html! {
            p { a href="/plans" { "← Усі версії" } }
            h1 { "Середньостроковий план " (plan.content.request.first_year) "–" (plan.content.request.last_year) ", версія " (plan.workflow.number) }
            (workflow(&user, &base, &plan.workflow))
            p.no-print { a.button.secondary href=(format!("{base}/decision.docx")) download { "Рішення ради з додатками (DOCX)" } }
            p { "Спосіб формування: " (builder_name(r.builder)) " · обрано проєктів: " (r.included.len())
                " · усього в періоді: " (format::thousands(r.total_allocated)) " тис. грн"
                " · невикористані кошти попередніх років "
                (if plan.content.request.carry_unspent { "перенесено на перший рік" } else { "не переносяться" }) }
            @if let Some(proof) = proof(r) { p #proof { (proof) } }
            @for w in &r.warnings { p.notice.bad { (w) } }
            section #ceilings aria-labelledby="ceilings-title" {
                h2 #ceilings-title { "Використання стель" }
                (usage(r, &ys))
            }
            h2 { "Проєкти плану" }
            (included(r, &ys, &titles))
            (exclusions(r, &titles))
            (compared)
            (files)
            p.no-print { a href=(format!("{base}/scenarios")) { "Що, як? Змінити стелю або примусово включити чи виключити проєкт" } }
            @let others: Vec<_> = all.iter().filter(|o| o.workflow.id != id).collect();
            @if !others.is_empty() {
                h2 { "Порівняти з іншою версією" }
                ul { @for o in others { li { a href=(format!("{base}/diff/{}", o.workflow.id)) { "Версія " (o.workflow.number) } } } }
            }
        },
    ))
}

/// Runs both builders on `request` through the scenario endpoint.
async fn both(
    state: &WebState,
    user: &Signed,
    request: Value,
    variants: Value,
) -> PageResult<Vec<scenarios::ScenarioResult>> {
    let body = JsonBody::from_value(json!({"base": request, "variants": variants}));
    Ok(scenarios::scenarios(user.auth.clone(), State(state.app.clone()), body).await?.0)
}

/// The plan beside the one the other builder makes from the same input.
async fn compare(state: &WebState, plan: &PlanVersion, titles: &HashMap<Uuid, String>) -> PageResult<Markup> {
    let other = state.alternatives.of(&plan.content).await?;
    let own = &plan.content.result;
    Ok(match own.builder {
        PlanBuilder::Optimal => side_by_side(own, &other, titles),
        PlanBuilder::RankOrder => side_by_side(&other, own, titles),
    })
}

fn side_by_side(optimal: &Plan, rank: &Plan, titles: &HashMap<Uuid, String>) -> Markup {
    let ids = |p: &Plan| p.included.iter().map(|i| i.id).collect::<BTreeSet<_>>();
    let (o, r) = (ids(optimal), ids(rank));
    let name = |id: &Uuid| titles.get(id).map_or_else(|| id.to_string(), Clone::clone);
    let why =
        |p: &Plan, id: &Uuid| p.excluded.iter().find(|e| e.id == *id).map(|e| reason(e, titles)).unwrap_or_default();
    html! {
        section #side-by-side aria-labelledby="side-by-side-title" {
            h2 #side-by-side-title { "Оптимальний план і план за рейтингом" }
            div.side {
                div { h3 { "Оптимальний добір" } p { "Цінність: " (format::score(optimal.objective_value)) ", " (format::thousands(optimal.total_allocated)) " тис. грн" }
                    (included_totals(optimal, titles)) }
                div { h3 { "За місцем у рейтингу" } p { "Цінність: " (format::score(rank.objective_value)) ", " (format::thousands(rank.total_allocated)) " тис. грн" }
                    (included_totals(rank, titles)) }
            }
            @if o == r { p { "Обидва способи обирають ті самі проєкти." } } @else {
                table {
                    thead { tr { th { "Проєкт" } th { "Де включено" } th { "Чому не включено в іншому" } } }
                    tbody {
                        @for id in o.difference(&r) { tr.diff-added { td { (name(id)) } td { "лише в оптимальному" } td { (why(rank, id)) } } }
                        @for id in r.difference(&o) { tr.diff-removed { td { (name(id)) } td { "лише за рейтингом" } td { (why(optimal, id)) } } }
                    }
                }
            }
        }
    }
}

/// GET /plans/{id}/scenarios.
pub async fn scenario_form(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    scenario_page(&state, &user, id, None).await
}

/// POST /plans/{id}/scenarios: compares the plan's request with a variant.
pub async fn scenario(
    State(state): State<WebState>,
    Path(id): Path<Uuid>,
    Posted { user, fields }: Posted,
) -> PageResult<Markup> {
    scenario_page(&state, &user, id, Some(fields)).await
}

async fn scenario_page(state: &WebState, user: &Signed, id: Uuid, fields: Option<Fields>) -> PageResult<Markup> {
    user.auth.require(Permission::RunScenarios)?;
    let plan = get(state, user, id).await?;
    let titles = candidate_titles(state, user, &plan).await?;
    let ys = years(&plan);
    let req = &plan.content.request;
    let outcome = match &fields {
        None => None,
        Some(f) => {
            let mut total = serde_json::to_value(&req.ceilings)?;
            let (typed, _) = ceilings(f);
            for (y, amount) in typed["total"].as_object().into_iter().flatten() {
                total["total"][y] = amount.clone();
            }
            let mut constraints = serde_json::to_value(&req.constraints)?;
            constraints["forced_in"] = json!(f.all("forced_in"));
            constraints["forced_out"] = json!(f.all("forced_out"));
            let variant = json!([{"name": "варіант", "ceilings": total, "constraints": constraints}]);
            let request = serde_json::to_value(req)?;
            Some(both(state, user, request, variant).await?)
        }
    };
    let mut candidates: Vec<_> = plan.content.candidates.iter().filter(|c| !c.continuing).collect();
    candidates.sort_by_key(|c| c.rank);
    Ok(layout::page(
        user,
        "Сценарії",
        html! {
            p { a href=(format!("/plans/{id}")) { "← До плану" } }
            h1 { "Що, як? Сценарії плану, версія " (plan.workflow.number) }
            form.card method="post" action=(format!("/plans/{id}/scenarios")) {
                (layout::csrf(user))
                fieldset { legend { "Стелі на рік, грн (порожньо — як у плані)" }
                    div.grid { @for (i, y) in ys.iter().enumerate() {
                        (ceiling_input(i, *y, html! { (y) " (зараз " (req.ceilings.total.get(y).map_or("без стелі".to_owned(), |c| format::uah(*c))) ")" }))
                    } }
                }
                table {
                    thead { tr { th { "Проєкт" } th { "Включити примусово" } th { "Виключити" } } }
                    tbody { @for c in &candidates { tr {
                        td { (c.rank) ". " (titles.get(&c.id).map_or("", String::as_str)) }
                        td { input type="checkbox" name="forced_in" value=(c.id) aria-label=(format!("Включити {}", c.rank))
                            checked[fields.as_ref().is_some_and(|f| f.all("forced_in").contains(&c.id.to_string().as_str()))]; }
                        td { input type="checkbox" name="forced_out" value=(c.id) aria-label=(format!("Виключити {}", c.rank))
                            checked[fields.as_ref().is_some_and(|f| f.all("forced_out").contains(&c.id.to_string().as_str()))]; }
                    } } }
                }
                button type="submit" { "Порівняти" }
            }
            @if let Some(results) = &outcome {
                @for r in results {
                    h2 { @if r.name == "base" { "Як у плані" } @else { "Варіант" } }
                    (side_by_side(&r.optimal, &r.rank_order, &titles))
                    (exclusions(&r.optimal, &titles))
                }
            }
        },
    ))
}

/// GET /plans/{id}/print: the council annex.
pub async fn print(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let plan = get(&state, &user, id).await?;
    let titles = candidate_titles(&state, &user, &plan).await?;
    let ys = years(&plan);
    let r = &plan.content.result;
    let hromada = super::names::hromada(&state, &user).await?;
    let (first, last) = (plan.content.request.first_year, plan.content.request.last_year);
    let title = format!("Середньостроковий план пріоритетних публічних інвестицій на {first}–{last} роки");
    Ok(layout::page(
        &user,
        "План — друк",
        html! {
            p.no-print { button type="button" data-action="print" { "Друкувати або зберегти як PDF" } }
            (layout::annex_head(&hromada, &title, &plan.workflow))
            h2 { "1. Проєкти плану, тис. грн" }
            (included(r, &ys, &titles))
            h2 { "2. Фінансування проєктів за джерелами, тис. грн" }
            (by_source(r, &ys, &titles))
            h2 { "3. Граничні обсяги (стелі) та їх використання, тис. грн" }
            (usage_table(r))
            @if !r.excluded.is_empty() {
                h2 { "4. Проєкти портфеля, не включені до плану, і причини" }
                (exclusions(r, &titles))
            }
            (layout::signatures(&layout::COUNCIL_SIGNATORIES))
        },
    ))
}

/// GET /plans/{id}/decision.docx: the council's decision with its annexes, to edit.
pub async fn decision(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Response> {
    let head = portfel_documents::Letterhead { hromada: super::names::hromada(&state, &user).await? };
    Ok(portfel_api::routes::plans::exports::decision_file(&state.app, &user.auth, id, &head).await?)
}

/// GET /plans/{id}/diff/{other}.
pub async fn diff(
    State(state): State<WebState>,
    user: Signed,
    Path((id, other)): Path<(Uuid, Uuid)>,
) -> PageResult<Markup> {
    let axum::Json(d) = api::diff_plan(user.auth.clone(), State(state.app.clone()), Path((id, other))).await?;
    let a = get(&state, &user, id).await?;
    let b = get(&state, &user, other).await?;
    let mut titles = candidate_titles(&state, &user, &a).await?;
    titles.extend(candidate_titles(&state, &user, &b).await?);
    let name = |pid: &Uuid| titles.get(pid).map_or_else(|| pid.to_string(), Clone::clone);
    Ok(layout::page(
        &user,
        "Порівняння версій плану",
        html! {
            p { a href=(format!("/plans/{id}")) { "← До версії " (a.workflow.number) } }
            h1 { "План: версія " (a.workflow.number) " → версія " (b.workflow.number) }
            (diff_table(html! {
                    (membership_rows(&d.added, &d.removed, "включено", &name))
                    @for c in &d.start_changed { tr.diff-changed { td { "рік початку" } td { (name(&c.passport_id)) } td { (c.from) } td { (c.to) } } }
                    @for c in &d.amounts_changed { tr.diff-changed { td { "сума, тис. грн" } td { (name(&c.passport_id)) }
                        td { (format::thousands(c.from)) } td { (format::thousands(c.to)) } } }
            }))
        },
    ))
}
