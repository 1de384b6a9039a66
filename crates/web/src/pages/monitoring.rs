//! Monitoring: the summary with every flag for the PIM unit and the council,
//! a project's reports and flags on its passport page, and the target
//! programmes with their annual report (printable), with downloads of both.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use portfel_api::extract::QueryParams;
use portfel_api::routes::council::ExportFormat;
use portfel_api::routes::monitoring::{DayQuery, MonitoringQuery, project_flags, summary_on};
use portfel_api::routes::programmes::{self, ReportFormat, ReportQuery, report_of};
use portfel_api::routes::reports::list_reports;
use portfel_domain::{Permission, Status};
use portfel_monitoring::annual::PlanFact;
use portfel_monitoring::deviation::Flag;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::PageResult;
use crate::session::Signed;
use crate::{WebState, format, labels, layout};

/// The day asked for.
#[derive(Debug, Default, Deserialize)]
pub struct OnQuery {
    /// `YYYY-MM-DD`; today when left out.
    pub on: Option<chrono::NaiveDate>,
}

/// The year asked for.
#[derive(Debug, Deserialize)]
pub struct YearQuery {
    /// Budget year.
    pub year: Option<i32>,
}

fn flag_list(flags: &[Flag]) -> Markup {
    html! { @if flags.is_empty() { "—" } @else { ul.flags { @for f in flags { li { (f.reason) } } } } }
}

fn rate(r: Option<rust_decimal::Decimal>) -> String {
    r.map(|r| format!("{} %", format::number(r, 1))).unwrap_or_default()
}

/// What the monitoring page is asked for: the day, only flagged projects, a page.
#[derive(Debug, Default, Deserialize)]
pub struct SummaryQuery {
    /// `YYYY-MM-DD`; today when left out.
    pub on: Option<chrono::NaiveDate>,
    /// Only projects with flags (`1`).
    #[serde(default, deserialize_with = "checked")]
    pub flagged: bool,
    /// The page of the project table, from 1.
    pub page: Option<usize>,
    /// Projects to a page, 1–500; 100 when left out.
    pub per_page: Option<usize>,
}

/// A checkbox's value: present (whatever it says) is ticked.
fn checked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(!String::deserialize(d)?.is_empty())
}

/// The choices of projects to a page of the monitoring table, the first the default.
const PAGE_SIZES: [usize; 4] = [100, 50, 200, 500];

/// GET /monitoring: per year and source, and per project with its flags,
/// flagged projects first, a hundred to a page.
pub async fn summary(State(state): State<WebState>, user: Signed, Query(q): Query<SummaryQuery>) -> PageResult<Markup> {
    let s = summary_on(&user.auth, &state.app, &MonitoringQuery { on: q.on, format: None }).await?;
    let flagged = s.projects.iter().filter(|p| !p.flags.is_empty()).count();
    let mut shown: Vec<_> = s.projects.iter().filter(|p| !q.flagged || !p.flags.is_empty()).collect();
    shown.sort_by_key(|p| p.flags.is_empty());
    let per_page = q.per_page.unwrap_or(PAGE_SIZES[0]).clamp(1, 500);
    let pages = shown.len().div_ceil(per_page).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let first = (page - 1) * per_page;
    let download = |ext: &str| format!("/monitoring/summary.{ext}?on={}", s.on);
    let only = if q.flagged { "&flagged=1" } else { "" };
    let link = |to: usize| format!("/monitoring?on={}{only}&per_page={per_page}&page={to}", s.on);
    let body = html! {
            h1 { "Моніторинг реалізації" }
            form.filters method="get" action="/monitoring" {
                div { label for="on" { "Станом на" } input #on type="date" name="on" value=(s.on); }
                div.check { input #flagged type="checkbox" name="flagged" value="1" checked[q.flagged]; label for="flagged" { "Лише з відхиленнями" } }
                div { label for="per_page" { "Проєктів на сторінці" } select #per_page name="per_page" {
                    @for n in PAGE_SIZES { option value=(n) selected[n == per_page] { (n) } }
                } }
                button type="submit" { "Показати" }
            }
            p { "Проєктів: " (s.projects.len()) " · з відхиленнями: " strong { (flagged) }
                " · " a href=(download("xlsx")) { "XLSX" } " · " a href=(download("csv")) { "CSV" } }
            h2 { "За роками і джерелами, тис. грн" }
            table {
                thead { tr { th { "Рік" } th { "Джерело" } th.num { "За планом" } th.num { "Отримано" } th.num { "Витрачено" } th.num { "Виконання" } } }
                tbody { @for l in &s.by_year_and_source { tr {
                    td { (l.year) } td { (labels::source(&l.source)) }
                    td.num { (format::thousands(l.planned)) } td.num { (format::thousands(l.received)) }
                    td.num { (format::thousands(l.spent)) } td.num { (rate(l.rate)) }
                } } }
            }
            h2 { "Проєкти" }
            @if shown.is_empty() { p { "Проєктів не знайдено." } } @else {
                table {
                    caption.muted { "Спершу проєкти з відхиленнями · показано " (first + 1) "–"
                        ((first + per_page).min(shown.len())) " з " (shown.len()) }
                    thead { tr { th { "Проєкт" } th { "Стан" } th.num { "Прогрес" } th.num { "Витрачено, тис. грн" } th { "Відхилення" } th { "Результат" } } }
                    tbody { @for p in shown.iter().skip(first).take(per_page) { tr class=[(!p.flags.is_empty()).then_some("diff-removed")] {
                        td { a href=(format!("/passports/{}", p.id)) { (p.title) } }
                        td { (Status::parse(&p.status).map_or_else(|| p.status.clone(), |s| labels::status(s).to_owned())) }
                        td.num { (p.progress_percent.map(|v| format!("{} %", format::number(v, 0))).unwrap_or_default()) }
                        td.num { (format::thousands(p.spent)) }
                        td { (flag_list(&p.flags)) }
                        td { (p.result.as_ref().map(portfel_api::routes::monitoring::result_words).unwrap_or_default()) }
                    } } }
                }
                (layout::pages_nav(page, pages, link))
            }
    };
    Ok(layout::page(&user, "Моніторинг", body))
}

/// GET /monitoring/summary.{csv,xlsx}.
pub async fn summary_download(
    State(state): State<WebState>,
    user: Signed,
    Path(ext): Path<String>,
    Query(q): Query<OnQuery>,
) -> PageResult<Response> {
    let format = export_format(&ext)?;
    let q = MonitoringQuery { on: q.on, format: Some(format) };
    Ok(portfel_api::routes::monitoring::monitoring_summary(user.auth, State(state.app), QueryParams(q)).await?)
}

fn export_format(ext: &str) -> PageResult<ExportFormat> {
    match ext {
        "csv" => Ok(ExportFormat::Csv),
        "xlsx" => Ok(ExportFormat::Xlsx),
        _ => Err(portfel_api::problem::ApiError::NotFound("no such download".into()).into()),
    }
}

/// The monitoring part of a passport page: its reports and flags, for projects in the plan or in implementation.
pub async fn passport_section(
    state: &WebState,
    user: &Signed,
    id: Uuid,
    status: Status,
    organisation_id: Uuid,
) -> PageResult<Markup> {
    if !portfel_monitoring::reporting::takes_reports(status) {
        return Ok(html! {});
    }
    let app = || State(state.app.clone());
    let axum::Json(reports) = list_reports(user.auth.clone(), app(), Path(id)).await?;
    let axum::Json(flags) =
        project_flags(user.auth.clone(), app(), Path(id), QueryParams(DayQuery { on: None })).await?;
    let writer = user.auth.require_reporter(organisation_id).is_ok();
    Ok(html! {
        h2 { "Моніторинг реалізації" }
        @if !flags.is_empty() { div.notice.bad role="status" { strong { "Відхилення: " } (flag_list(&flags)) } }
        @if writer { p { a.button href=(format!("/passports/{id}/reports/new")) { "Новий звіт про реалізацію" } } }
        @if reports.is_empty() { p { "Звітів ще немає." } } @else {
            table {
                thead { tr { th { "Період" } th { "Редакція" } th { "Стан" } th.num { "Отримано, грн" } th.num { "Витрачено, грн" } th.num { "Прогрес" } th { "Що зроблено" } } }
                tbody { @for r in &reports { tr {
                    td { a href=(format!("/reports/{}", r.id)) { (r.content.period) } } td { (r.revision) } td { (labels::report_status(r.status))
                        @if let Some(reason) = &r.return_reason { div.muted { (reason) } } }
                    td.num { (format::uah(r.content.received().value())) } td.num { (format::uah(r.content.spent().value())) }
                    td.num { (format::number(r.content.progress_percent, 0)) " %" } td { (r.content.narrative) }
                } } }
            }
        }
    })
}

/// GET /programmes.
pub async fn programmes(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    let axum::Json(list) = programmes::list_programmes(user.auth.clone(), State(state.app.clone())).await?;
    Ok(layout::page(
        &user,
        "Цільові програми",
        html! {
            h1 { "Місцеві цільові програми" }
            @if user.may(Permission::KeepProgrammes) { p { a.button href="/programmes/new" { "Нова програма" } } }
            @if list.is_empty() { p { "Програм ще немає." } } @else {
                table {
                    thead { tr { th { "Програма" } th { "Рішення" } th { "Період" } th { "Відповідальний" } } }
                    tbody { @for p in &list { tr {
                        td { a href=(format!("/programmes/{}", p.id)) { (p.programme.title) } }
                        td { "№ " (p.programme.decision_number) " від " (p.programme.decision_date.format("%d.%m.%Y")) }
                        td { (p.programme.period_start) "–" (p.programme.period_end) }
                        td { (p.programme.responsible) }
                    } } }
                }
            }
        },
    ))
}

fn line(number: &str, text: &str, narrative: &str, a: &PlanFact, class: Option<&str>) -> Markup {
    html! {
        tr class=[class] {
            td { (number) } td { (text) } td { (narrative) }
            td.num { (format::number(a.plan, 1)) } td.num { (format::number(a.fact, 1)) } td.num { (rate(a.rate)) }
        }
    }
}

/// GET /programmes/{id}?year=: the annual report, printable (A4 landscape).
pub async fn programme(
    State(state): State<WebState>,
    user: Signed,
    Path(id): Path<Uuid>,
    Query(q): Query<YearQuery>,
) -> PageResult<Markup> {
    let record = programmes::get_programme(user.auth.clone(), State(state.app.clone()), Path(id)).await?.into_body();
    let p = &record.programme;
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now().date_naive()))
        .clamp(p.period_start, p.period_end);
    let report = report_of(&state.app, id, year).await?;
    let download = |ext: &str| format!("/programmes/{id}/report.{ext}?year={year}");
    let owner = portfel_api::routes::attachments::OwnerQuery {
        owner_kind: portfel_domain::attachment::OwnerKind::Programme,
        owner_id: id,
    };
    let files = super::attachments::section(&state, &user, owner, &format!("/programmes/{id}")).await?;
    Ok(layout::page(
        &user,
        &p.title,
        html! {
            p.no-print { a href="/programmes" { "← Усі програми" } }
            h1 { "Звіт про виконання: " (p.title) " за " (year) " рік" }
            p { "Рішення № " (report.decision_number) " від " (report.decision_date.format("%d.%m.%Y"))
                @if let Some(v) = report.version { " (версія " (v) ", чинна у " (year) " році)" }
                " · відповідальний: " (report.responsible) }
            div.actions.no-print {
                form.filters method="get" action=(format!("/programmes/{id}")) {
                    div { label for="year" { "Рік" } select #year name="year" {
                        @for y in p.period_start..=p.period_end { option value=(y) selected[y == year] { (y) } } } }
                    button type="submit" { "Показати" }
                }
                button type="button" data-action="print" { "Друкувати або зберегти як PDF" }
                a.button.secondary href=(download("docx")) { "DOCX для ради" }
                a.button.secondary href=(download("xlsx")) { "XLSX" }
                a.button.secondary href=(download("csv")) { "CSV" }
                a.button.secondary href=(format!("/programmes/{id}/quarters?year={year}")) { "Квартальні звіти" }
                a.button.secondary href=(format!("/programmes/{id}/versions")) { "Версії програми" }
                @if user.may(Permission::KeepProgrammes) {
                    a.button href=(format!("/programmes/{id}/facts?year={year}")) { "Внести фактичне виконання" }
                    a.button.secondary href=(format!("/programmes/{id}/edit")) { "Змінити програму" }
                }
            }
            table {
                thead { tr { th { "№" } th { "Захід" } th { "Стан виконання" } th.num { "План, тис. грн" } th.num { "Факт, тис. грн" } th.num { "Виконання" } } }
                tbody {
                    @for s in &report.sections {
                        tr.total { td { (s.number) } td colspan="5" { (s.title) } }
                        @for r in &s.rows { (line(&r.number, &r.text, &r.done(), &r.amounts, None)) }
                        (line("", &format!("Разом за розділом {}", s.number), "", &s.subtotal, Some("total")))
                    }
                }
                tfoot { (line("", "Усього", "", &report.total, None)) }
            }
            p.muted { "Суми округлено до 0,1 тис. грн один раз від точних сум у гривнях, тому підсумок може відрізнятися від суми рядків на їх округлення." }
            div.no-print { (files) }
        },
    ))
}

/// GET /programmes/{id}/report.{csv,xlsx,docx}?year=.
pub async fn programme_download(
    State(state): State<WebState>,
    user: Signed,
    Path((id, ext)): Path<(Uuid, String)>,
    Query(q): Query<YearQuery>,
) -> PageResult<Response> {
    let format = match ext.as_str() {
        "csv" => ReportFormat::Csv,
        "xlsx" => ReportFormat::Xlsx,
        "docx" => ReportFormat::Docx,
        _ => return Err(portfel_api::problem::ApiError::NotFound("no such download".into()).into()),
    };
    let query = ReportQuery { year: q.year.unwrap_or_default(), format: Some(format) };
    let head = portfel_documents::Letterhead { hromada: super::names::hromada(&state, &user).await? };
    Ok(programmes::report_file(&state.app, id, query, &head).await?)
}
