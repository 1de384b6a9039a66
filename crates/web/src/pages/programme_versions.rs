//! A programme's history on one page: every version with its council
//! decision, and what one version changed from another, measure by measure
//! (the API's `versions` and `diff`).

use axum::extract::{Path, Query, State};
use maud::{Markup, html};
use portfel_api::extract::QueryParams;
use portfel_api::routes::programmes::{DiffQuery, programme_diff, programme_versions};
use portfel_monitoring::versions::MeasureChangeKind;
use uuid::Uuid;

use crate::error::PageResult;
use crate::session::Signed;
use crate::{WebState, format, layout};

fn kind_word(k: MeasureChangeKind) -> &'static str {
    match k {
        MeasureChangeKind::Added => "додано",
        MeasureChangeKind::Removed => "вилучено",
        MeasureChangeKind::Closed => "закрито",
        MeasureChangeKind::Changed => "змінено",
    }
}

fn field_word(f: &str) -> &'static str {
    match f {
        "title" => "назва",
        "decision_number" => "номер рішення",
        "decision_date" => "дата рішення",
        "period_start" => "перший рік",
        "period_end" => "останній рік",
        "responsible" => "відповідальний виконавець",
        _ => "інше поле",
    }
}

/// GET /programmes/{id}/versions?from=&to=.
pub async fn history(
    State(state): State<WebState>,
    user: Signed,
    Path(id): Path<Uuid>,
    Query(q): Query<DiffQuery>,
) -> PageResult<Markup> {
    let app = State(state.app.clone());
    let axum::Json(versions) = programme_versions(user.auth.clone(), app.clone(), Path(id)).await?;
    let axum::Json(d) = programme_diff(user.auth.clone(), app, Path(id), QueryParams(q)).await?;
    let title = versions.last().map(|v| v.programme.title.clone()).unwrap_or_default();
    Ok(layout::page(
        &user,
        &title,
        html! {
            p { a href=(format!("/programmes/{id}")) { "← Звіт про виконання" } }
            h1 { "Версії програми: " (title) }
            div.scroll { table {
                caption { "Програма в редакції кожного рішення ради (звіт за рік читає версію, чинну наприкінці того року)" }
                thead { tr { th scope="col" { "Версія" } th scope="col" { "Рішення" } th scope="col" { "Період" } th scope="col" { "Внесено" } th scope="col" { "Порівняти" } } }
                tbody { @for v in &versions {
                    tr {
                        td { (v.number) @if v.number == 1 { " (затверджена)" } }
                        td { "№ " (v.programme.decision_number) " від " (v.programme.decision_date.format("%d.%m.%Y")) }
                        td { (v.programme.period_start) "–" (v.programme.period_end) }
                        td { (v.recorded_at.format("%d.%m.%Y %H:%M")) }
                        td { @if v.number > 1 { a href=(format!("/programmes/{id}/versions?from={}&to={}", v.number - 1, v.number)) { "Зміни щодо версії " (v.number - 1) } } }
                    }
                } }
            } }
            @if d.from != d.to {
                h2 { "Що змінила версія " (d.to) " порівняно з версією " (d.from) }
                @if d.fields.is_empty() && d.measures.is_empty() { p.notice { "Версії однакові." } }
                @if !d.fields.is_empty() {
                    p { "Змінено: " (d.fields.iter().map(|f| field_word(f)).collect::<Vec<_>>().join(", ")) "." }
                }
                @if !d.measures.is_empty() {
                    div.scroll { table {
                        thead { tr { th scope="col" { "Захід" } th scope="col" { "Зміна" } th scope="col" { "Зміст" } th scope="col" { "Фінансування за планом, тис. грн" } } }
                        tbody { @for m in &d.measures {
                            tr {
                                td { (m.number) }
                                td { (kind_word(m.kind)) }
                                td {
                                    @match (&m.text_before, &m.text_after) {
                                        (Some(b), Some(a)) if b != a => { s { (b) } br; (a) }
                                        (_, Some(a)) => { (a) }
                                        (Some(b), None) => { (b) }
                                        (None, None) => {}
                                    }
                                }
                                td { ul { @for c in &m.planned {
                                    li { (c.year) ": " (format::thousands(c.before)) " → " (format::thousands(c.after)) }
                                } } }
                            }
                        } }
                    } }
                }
            }
        },
    ))
}
