//! The single project portfolio: versions, the ranked list with filters and
//! sorting, the diff of two versions, the print annex, building from a round.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use portfel_api::extract::JsonBody;
use portfel_api::routes::portfolios as api;
use portfel_domain::Permission;
use portfel_planning::council::{Portfolio, PortfolioItem};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::council::{diff_table, membership_rows, versions_table, workflow};
use super::names::organisation_names;
use crate::error::PageResult;
use crate::session::{Posted, Signed};
use crate::{WebState, format, labels, layout};

/// GET /portfolios.
pub async fn list(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    let axum::Json(versions) = api::list_portfolios(user.auth.clone(), State(state.app.clone())).await?;
    let rounds = if user.may(Permission::PrepareDecisions) {
        portfel_api::routes::rounds::setup::list_rounds(user.auth.clone(), State(state.app.clone())).await?.0
    } else {
        Vec::new()
    };
    Ok(layout::page(
        &user,
        "Єдиний проєктний портфель",
        html! {
            h1 { "Єдиний проєктний портфель" }
            (versions_table("/portfolios", versions.iter().map(|p| (&p.workflow, p.content.items.len()))))
            @if user.may(Permission::PrepareDecisions) {
                h2 { "Сформувати версію портфеля" }
                form.card method="post" action="/portfolios" {
                    (layout::csrf(&user))
                    label for="round" { "Раунд оцінювання (закритий)" }
                    select #round name="round_id" required {
                        @for r in rounds.iter().filter(|r| r.status == portfel_scoring::round::RoundStatus::Closed) {
                            option value=(r.meta.id) { (r.data.name) }
                        }
                    }
                    label for="min_score" { "Мінімальний підсумковий бал для включення" }
                    input #min_score type="text" name="min_score" value="0" inputmode="decimal";
                    p { button type="submit" { "Сформувати" } }
                }
            }
        },
    ))
}

/// POST /portfolios.
pub async fn create(State(state): State<WebState>, Posted { user, fields }: Posted) -> PageResult<Response> {
    let body = json!({"round_id": fields.text("round_id"), "min_score": fields.text("min_score").map(|s| s.replace(',', "."))});
    let created =
        api::create_portfolio(user.auth.clone(), State(state.app.clone()), JsonBody::from_value(body)).await?;
    Ok(Redirect::to(&format!("/portfolios/{}", created.into_body().workflow.id)).into_response())
}

/// Filters and sorting of the ranked list.
#[derive(Debug, Default, Deserialize)]
pub struct View {
    sector: Option<String>,
    organisation: Option<String>,
    q: Option<String>,
    sort: Option<String>,
}

fn visible_items<'a>(items: &'a [PortfolioItem], view: &View) -> Vec<&'a PortfolioItem> {
    let text = view.q.as_deref().map(str::to_lowercase).filter(|t| !t.trim().is_empty());
    let mut out: Vec<_> = items
        .iter()
        .filter(|i| view.sector.as_deref().is_none_or(|s| s.is_empty() || i.sector == s))
        .filter(|i| view.organisation.as_deref().is_none_or(|o| o.is_empty() || i.organisation_id.to_string() == o))
        .filter(|i| text.as_deref().is_none_or(|t| i.title.to_lowercase().contains(t)))
        .collect();
    match view.sort.as_deref() {
        Some("cost") => out.sort_by_key(|i| std::cmp::Reverse(i.total_cost)),
        Some("title") => out.sort_by(|a, b| a.title.cmp(&b.title)),
        _ => {}
    }
    out
}

async fn get(state: &WebState, user: &Signed, id: Uuid) -> PageResult<Portfolio> {
    Ok(api::get_portfolio(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body())
}

fn items_table(items: &[&PortfolioItem], names: &HashMap<Uuid, String>, round: Option<Uuid>) -> Markup {
    let total: rust_decimal::Decimal = items.iter().map(|i| i.total_cost).sum();
    html! {
        table.ranked {
            thead { tr { th.num { "Місце" } th { "Проєкт" } th.num { "Бал" } th { "Сектор" } th { "Ініціатор" } th.num { "Вартість, тис. грн" } } }
            tbody { @for i in items { tr {
                td.num { @if i.continuing { "триває" } @else { (i.rank.map(|r| r.to_string()).unwrap_or_default()) } }
                td { @match round { Some(r) if !i.continuing => a href=(format!("/rounds/{r}/projects/{}/card", i.passport_id)) { (i.title) }, _ => (i.title) } }
                td.num { (i.score.map(format::score).unwrap_or_default()) }
                td { (labels::sector(&i.sector)) }
                td { (names.get(&i.organisation_id).map_or("—", String::as_str)) }
                td.num { (format::thousands(i.total_cost)) }
            } } }
            tfoot { tr { td colspan="5" { "Разом (" (items.len()) ")" } td.num { (format::thousands(total)) } } }
        }
    }
}

/// GET /portfolios/{id}: the ranked portfolio of a version.
pub async fn show(
    State(state): State<WebState>,
    user: Signed,
    Path(id): Path<Uuid>,
    Query(view): Query<View>,
) -> PageResult<Markup> {
    let p = get(&state, &user, id).await?;
    let names = organisation_names(&state, &user).await?;
    let axum::Json(all) = api::list_portfolios(user.auth.clone(), State(state.app.clone())).await?;
    let items = visible_items(&p.content.items, &view);
    let mut sectors: Vec<&str> = p.content.items.iter().map(|i| i.sector.as_str()).collect();
    sectors.sort_unstable();
    sectors.dedup();
    let base = format!("/portfolios/{id}");
    let owner = portfel_api::routes::attachments::OwnerQuery {
        owner_kind: portfel_domain::attachment::OwnerKind::Portfolio,
        owner_id: id,
    };
    let files = super::attachments::section(&state, &user, owner, &base).await?;
    Ok(layout::page(
        &user,
        "Портфель",
        html! {
            p { a href="/portfolios" { "← Усі версії" } }
            h1 { "Єдиний проєктний портфель, версія " (p.workflow.number) }
            (workflow(&user, &base, &p.workflow))
            p.no-print { a.button.secondary href=(format!("{base}/decision.docx")) download { "Рішення ради з додатком (DOCX)" } }
            p.muted { "Мінімальний бал: " (format::score(p.content.min_score)) ". Проєкти, що тривають, ідуть першими; нові — за місцем у рейтингу." }
            form.filters method="get" action=(base) {
                div { label for="sector" { "Сектор" } select #sector name="sector" { option value="" { "усі" }
                    @for s in &sectors { option value=(s) selected[view.sector.as_deref() == Some(*s)] { (labels::sector(s)) } } } }
                div { label for="organisation" { "Ініціатор" } select #organisation name="organisation" { option value="" { "усі" }
                    @for (oid, name) in &names { @if p.content.items.iter().any(|i| i.organisation_id == *oid) {
                        option value=(oid) selected[view.organisation.as_deref() == Some(&oid.to_string())] { (name) } } } } }
                div { label for="q" { "Назва містить" } input #q type="text" name="q" value=(view.q.clone().unwrap_or_default()); }
                div { label for="sort" { "Порядок" } select #sort name="sort" {
                    option value="rank" { "за місцем" }
                    option value="cost" selected[view.sort.as_deref() == Some("cost")] { "за вартістю" }
                    option value="title" selected[view.sort.as_deref() == Some("title")] { "за назвою" } } }
                button type="submit" { "Застосувати" }
            }
            (items_table(&items, &names, Some(p.content.round_id)))
            (files)
            @let others: Vec<_> = all.iter().filter(|o| o.workflow.id != id).collect();
            @if !others.is_empty() {
                h2 { "Порівняти з іншою версією" }
                ul { @for o in others { li { a href=(format!("{base}/diff/{}", o.workflow.id)) { "Версія " (o.workflow.number) } " (" (labels::document_status(o.workflow.status)) ")" } } }
            }
        },
    ))
}

/// GET /portfolios/{id}/print: the council annex (A4 landscape when printed).
pub async fn print(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Markup> {
    let p = get(&state, &user, id).await?;
    let names = organisation_names(&state, &user).await?;
    let items: Vec<&PortfolioItem> = p.content.items.iter().collect();
    let hromada = super::names::hromada(&state, &user).await?;
    let title = format!("Єдиний проєктний портфель публічних інвестиційних проєктів, версія {}", p.workflow.number);
    Ok(layout::page(
        &user,
        "Портфель — друк",
        html! {
            p.no-print { button type="button" data-action="print" { "Друкувати або зберегти як PDF" } }
            (layout::annex_head(&hromada, &title, &p.workflow))
            (items_table(&items, &names, None))
            (layout::signatures(&layout::COUNCIL_SIGNATORIES))
        },
    ))
}

/// GET /portfolios/{id}/decision.docx: the council's decision with its annex, to edit.
pub async fn decision(State(state): State<WebState>, user: Signed, Path(id): Path<Uuid>) -> PageResult<Response> {
    let head = portfel_documents::Letterhead { hromada: super::names::hromada(&state, &user).await? };
    Ok(api::decision_file(&state.app, &user.auth, id, &head).await?)
}

/// GET /portfolios/{id}/diff/{other}.
pub async fn diff(
    State(state): State<WebState>,
    user: Signed,
    Path((id, other)): Path<(Uuid, Uuid)>,
) -> PageResult<Markup> {
    let axum::Json(d) = api::diff_portfolio(user.auth.clone(), State(state.app.clone()), Path((id, other))).await?;
    let (a, b) = (get(&state, &user, id).await?, get(&state, &user, other).await?);
    let title = |pid: &Uuid| {
        a.content
            .items
            .iter()
            .chain(&b.content.items)
            .find(|i| i.passport_id == *pid)
            .map_or_else(|| pid.to_string(), |i| i.title.clone())
    };
    Ok(layout::page(
        &user,
        "Порівняння версій портфеля",
        html! {
            p { a href=(format!("/portfolios/{id}")) { "← До версії " (a.workflow.number) } }
            h1 { "Версія " (a.workflow.number) " → версія " (b.workflow.number) }
            @if d.added.is_empty() && d.removed.is_empty() && d.reranked.is_empty() && d.amounts_changed.is_empty() { p { "Версії не відрізняються." } }
            (diff_table(html! {
                    (membership_rows(&d.added, &d.removed, "додано", &title))
                    @for c in &d.reranked { tr.diff-changed { td { "місце" } td { (title(&c.passport_id)) }
                        td { (c.from.map(|r| r.to_string()).unwrap_or_default()) } td { (c.to.map(|r| r.to_string()).unwrap_or_default()) } } }
                    @for c in &d.amounts_changed { tr.diff-changed { td { "вартість, тис. грн" } td { (title(&c.passport_id)) }
                        td { (format::thousands(c.from)) } td { (format::thousands(c.to)) } } }
            }))
        },
    ))
}
