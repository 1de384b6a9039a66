//! Deviation flags and the monitoring summary, computed from the plan in
//! force, the passports and their reports on the day asked for.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use portfel_domain::Permission;
use portfel_monitoring::deviation::{Flag, ProjectFacts, Thresholds, flags};
use portfel_monitoring::summary::{MonitoredProject, ProjectResult, Summary, summary};
use portfel_monitoring::thousands::thousand_uah;
use portfel_planning::council::PlanContent;
use portfel_store::council::{self, Kind};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::council::{ExportFormat, export};
use super::passports::visible;
use crate::auth::Auth;
use crate::export::{Cell, CsvDialect, Table};
use crate::extract::QueryParams;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// The day the rules apply on.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// The day the rules are applied on, `YYYY-MM-DD` in 2000–2100; today when left out.
    #[param(value_type = Option<String>, format = Date, pattern = r"^(20\d{2}|2100)-\d{2}-\d{2}$", example = "2027-10-25")]
    pub on: Option<NaiveDate>,
}

/// The day the rules apply on and the format of the summary.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MonitoringQuery {
    /// The day the rules are applied on, `YYYY-MM-DD` in 2000–2100; today when left out.
    #[param(value_type = Option<String>, format = Date, pattern = r"^(20\d{2}|2100)-\d{2}-\d{2}$", example = "2027-10-25")]
    pub on: Option<NaiveDate>,
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<ExportFormat>,
}

/// `on`, or today; within the years reports are kept for.
fn day(on: Option<NaiveDate>) -> ApiResult<NaiveDate> {
    let day = on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    if portfel_monitoring::period::Period::YEARS.contains(&chrono::Datelike::year(&day)) {
        Ok(day)
    } else {
        Err(ApiError::bad_field("on", "invalid_parameter", "the day lies in the years 2000 to 2100"))
    }
}

/// The monitored projects: those of the plan in force, and any other with
/// implementation or completion reports.
pub(crate) async fn monitored(state: &AppState, only: Option<Uuid>) -> ApiResult<Vec<MonitoredProject>> {
    let db = state.store.db();
    let plan = council::in_force::<_, PlanContent>(db, Kind::Plan).await?.map(|p| p.content);
    let mut reports = portfel_store::reports::facts_by_project(db, only).await?;
    let mut planned: BTreeMap<Uuid, Vec<(i32, String, rust_decimal::Decimal)>> = BTreeMap::new();
    for i in plan.iter().flat_map(|p| &p.result.included) {
        planned.insert(i.id, i.amounts.iter().map(|a| (a.year, a.source.clone(), a.amount)).collect());
    }
    let mut results = results(state, only).await?;
    for id in reports.keys().chain(results.keys()) {
        planned.entry(*id).or_default();
    }
    if let Some(id) = only {
        planned.retain(|k, _| *k == id);
        planned.entry(id).or_default();
    }
    let (first_year, plan_last_year) =
        (plan.as_ref().map(|p| p.request.first_year), plan.as_ref().map(|p| p.request.last_year));
    let ids: Vec<Uuid> = planned.keys().copied().collect();
    let passports: HashMap<Uuid, _> =
        portfel_store::passports::briefs(db, &ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let mut out = Vec::with_capacity(planned.len());
    for (id, amounts) in planned {
        let Some(passport) = passports.get(&id) else { continue };
        let mut by_year: BTreeMap<i32, rust_decimal::Decimal> = BTreeMap::new();
        for (year, _, amount) in &amounts {
            *by_year.entry(*year).or_default() += amount;
        }
        let first = by_year.keys().next().copied().or(first_year).or(passport.start_year).unwrap_or(2000);
        let last = [passport.end_year, plan_last_year].into_iter().flatten().min().unwrap_or(first);
        out.push(MonitoredProject {
            id,
            title: passport.title.clone(),
            status: passport.status.as_str().to_owned(),
            planned: amounts,
            facts: ProjectFacts {
                in_implementation: passport.status == portfel_domain::Status::Implementation,
                approved_cost: passport.total_cost.value(),
                planned: by_year,
                first_year: first,
                last_year: last,
                reports: reports.remove(&id).unwrap_or_default(),
            },
            result: results.remove(&id),
        });
    }
    Ok(out)
}

/// The projects (or `only` the one) with a completion report: the report's
/// and the evaluation's state, with the figures the summary shows.
async fn results(state: &AppState, only: Option<Uuid>) -> ApiResult<HashMap<Uuid, ProjectResult>> {
    use portfel_monitoring::report::ReportStatus;
    let db = state.store.db();
    let reports = match only {
        Some(id) => portfel_store::completions::of_passport(db, id).await?.into_iter().collect(),
        None => portfel_store::completions::in_states(db, &ReportStatus::ALL, None).await?,
    };
    let evaluations: HashMap<Uuid, portfel_monitoring::expost::EvaluationRecord> =
        portfel_store::evaluations::list(db).await?.into_iter().map(|e| (e.passport_id, e)).collect();
    let mut out = HashMap::new();
    for r in reports {
        let passport = portfel_store::passports::get(db, r.passport_id).await?;
        let figures = portfel_monitoring::completion::figures(&passport.content, &r.content);
        let evaluation = evaluations.get(&r.passport_id);
        let signed = evaluation.filter(|e| e.status == portfel_monitoring::expost::EvaluationStatus::SignedOff);
        out.insert(
            r.passport_id,
            ProjectResult {
                completion: r.status,
                outcome: r.content.outcome,
                cost_ratio: figures.cost.ratio,
                mean_achievement: figures.mean_achievement,
                evaluation: evaluation.map(|e| e.status),
                overall: signed.and_then(|e| e.content.overall),
            },
        );
    }
    Ok(out)
}

/// How project `id` ended and was judged, once its completion report is written.
pub async fn result_of(state: &AppState, id: Uuid) -> ApiResult<Option<ProjectResult>> {
    Ok(results(state, Some(id)).await?.remove(&id))
}

/// A project's flags
#[utoipa::path(get, path = "/api/v1/passports/{id}/flags", tag = "monitoring", description = "The deviation rules applied to the project on a day: spending behind \
        the plan after the third quarter (less than half of the year's plan), cost overrun (over 10 % above the approved cost), a milestone past its date, \
        an indicator more than 25 points behind physical progress, a quarter's report missing 20 days after the quarter. Each flag clears once its cause is gone.",
    params(("id" = Uuid, Path, description = "Passport id"), DayQuery),
    responses((status = 200, description = "Raised flags with their reasons", body = [Flag])))]
pub async fn project_flags(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    QueryParams(q): QueryParams<DayQuery>,
) -> ApiResult<Json<Vec<Flag>>> {
    let day = day(q.on)?;
    visible(&state, &auth, id).await?;
    let projects = monitored(&state, Some(id)).await?;
    Ok(Json(projects.first().map(|p| flags(&p.facts, &Thresholds::default(), day)).unwrap_or_default()))
}

/// How a project ended and was judged, in words: «завершено (звіт прийнято), оцінка: висока».
pub fn result_words(r: &ProjectResult) -> String {
    use portfel_domain::messages::state_word;
    let judged = match (r.evaluation, r.overall) {
        (_, Some(overall)) => format!(", оцінка: {}", overall.label()),
        (Some(_), None) => ", оцінювання триває".to_owned(),
        (None, None) => String::new(),
    };
    format!("{} (звіт {}){judged}", state_word(r.outcome.as_str()), state_word(r.completion.as_str()))
}

fn summary_table(s: &Summary) -> Table {
    let header = [
        "Рік",
        "Джерело / проєкт",
        "Стан",
        "План, тис. грн",
        "Отримано, тис. грн",
        "Витрачено, тис. грн",
        "Виконання, %",
        "Прогрес, %",
        "Відхилення",
        "Результат",
    ];
    let text = |t: String| Cell::Text(t);
    let mut rows: Vec<Vec<Cell>> = s
        .by_year_and_source
        .iter()
        .map(|l| {
            vec![
                text(l.year.to_string()),
                text(crate::export::source_label(&l.source)),
                text(String::new()),
                Cell::Tenths(thousand_uah(l.planned)),
                Cell::Tenths(thousand_uah(l.received)),
                Cell::Tenths(thousand_uah(l.spent)),
                l.rate.map_or(text(String::new()), Cell::Tenths),
                text(String::new()),
                text(String::new()),
                text(String::new()),
            ]
        })
        .collect();
    rows.extend(s.projects.iter().map(|p| {
        vec![
            text(String::new()),
            text(p.title.clone()),
            text(portfel_domain::messages::state_word(&p.status)),
            text(String::new()),
            text(String::new()),
            Cell::Tenths(thousand_uah(p.spent)),
            text(String::new()),
            p.progress_percent.map_or(text(String::new()), Cell::Tenths),
            text(p.flags.iter().map(|f| f.reason.as_str()).collect::<Vec<_>>().join("; ")),
            text(p.result.as_ref().map(result_words).unwrap_or_default()),
        ]
    }));
    Table {
        title: "Моніторинг".into(), header: header.map(String::from).to_vec(), rows, csv: CsvDialect::People
    }
}

/// The monitoring summary
#[utoipa::path(get, path = "/api/v1/monitoring/summary", tag = "monitoring", description = "Per year and funding source: planned in the plan in force, received, spent and \
        the rate; per project: state, progress, spending and flags, on a day. CSV and XLSX give amounts in thousand UAH with one decimal.",
    params(MonitoringQuery),
    responses((status = 200, description = "The summary (JSON, or CSV / XLSX)", body = Summary)))]
pub async fn monitoring_summary(
    auth: Auth,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<MonitoringQuery>,
) -> ApiResult<Response> {
    let s = summary_on(&auth, &state, &q).await?;
    export(q.format, &format!("monitoring-{}", s.on), || Json(&s).into_response(), || summary_table(&s))
}

/// The summary on the query's day, for the PIM unit, the council, integration scripts and administrators.
pub async fn summary_on(auth: &Auth, state: &AppState, q: &MonitoringQuery) -> ApiResult<Summary> {
    auth.require(Permission::ReadMonitoring)?;
    let day = day(q.on)?;
    let projects = monitored(state, None).await?;
    Ok(summary(&projects, &Thresholds::default(), day))
}
