//! Ex-post evaluations: the PIM unit begins the evaluation of a closed
//! project, names the experts who write with it, judges each section of the
//! conclusion's form against the computed figures, and signs it off; it never
//! changes after. The register lists every closed project with its due date,
//! and an initiator's track record sums up what its closed projects achieved.

use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use portfel_domain::records::Passport;
use portfel_domain::{Permission, Role};
use portfel_monitoring::completion::{self, CompletionFigures, Outcome, TrackRecord};
use portfel_monitoring::expost::{self, EvaluationContent, EvaluationRecord, EvaluationStatus, Evaluator, Rating};
use portfel_monitoring::report::ReportStatus;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Versioned;
use super::passports::visible;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// An evaluation with what it judges: the completion figures and its due date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Evaluation {
    /// The evaluation.
    #[serde(flatten)]
    pub evaluation: EvaluationRecord,
    /// The project's completion report.
    pub completion_id: Uuid,
    /// Planned against actual, from the completion report.
    pub figures: CompletionFigures,
    /// When the evaluation is due.
    pub due: NaiveDate,
    /// For each section, the rating the figures suggest (efficiency from the
    /// cost variance, effectiveness from the indicators), for the evaluators to weigh.
    pub suggested: Vec<SuggestedRating>,
}

/// A rating the figures suggest for a section.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestedRating {
    /// The section's key.
    pub key: String,
    /// The rating.
    pub rating: Rating,
}

/// A closed project in the register of evaluations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Closed {
    /// The project.
    pub passport_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its initiator.
    pub organisation_id: Uuid,
    /// How it ended.
    pub outcome: Outcome,
    /// When its works ended.
    pub actual_end: NaiveDate,
    /// When its evaluation is due.
    pub due: NaiveDate,
    /// True when due and not signed off.
    pub overdue: bool,
    /// Its evaluation, once begun.
    pub evaluation_id: Option<Uuid>,
    /// Where the evaluation stands.
    pub status: Option<EvaluationStatus>,
    /// The signed-off overall rating.
    pub overall: Option<Rating>,
}

fn suggested(figures: &CompletionFigures) -> Vec<SuggestedRating> {
    let mut out = Vec::new();
    if let Some(ratio) = figures.cost.ratio {
        // Within the plan is the promise kept; each share over it a share less.
        let kept = rust_decimal::Decimal::ONE - ratio.max(rust_decimal::Decimal::ZERO);
        out.push(SuggestedRating { key: "efficiency".into(), rating: Rating::suggested(kept) });
    }
    if let Some(mean) = figures.mean_achievement {
        out.push(SuggestedRating { key: "effectiveness".into(), rating: Rating::suggested(mean) });
    }
    out
}

/// The caller's part in evaluations: the unit, a named expert, or a reader.
fn evaluator<'a>(auth: &'a Auth, content: &EvaluationContent) -> Option<Evaluator<'a>> {
    if auth.may(Permission::Evaluate) {
        Some(Evaluator::Unit)
    } else if auth.claims.roles.contains(&Role::Expert) && expost::named(content, &auth.claims.sub) {
        Some(Evaluator::Expert(&auth.claims.sub))
    } else {
        None
    }
}

/// The caller as an evaluator of `e`: the PIM unit or an expert it named (403 otherwise).
pub fn require_evaluator<'a>(auth: &'a Auth, e: &EvaluationRecord) -> ApiResult<Evaluator<'a>> {
    evaluator(auth, &e.content)
        .ok_or_else(|| ApiError::Forbidden("the PIM unit and the experts it named write the evaluation".into()))
}

/// Reads an evaluation when the caller evaluates, reads reports, or is named in it.
fn may_read(auth: &Auth, e: &EvaluationRecord) -> ApiResult<()> {
    if evaluator(auth, &e.content).is_some() || auth.may(Permission::ReadReports) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "evaluations are read by the PIM unit, the council, the initiator and the experts named".into(),
        ))
    }
}

async fn full(state: &AppState, passport: &Passport, evaluation: EvaluationRecord) -> ApiResult<Versioned<Evaluation>> {
    let report = portfel_store::completions::of_passport(state.store.db(), passport.meta.id)
        .await?
        .ok_or_else(|| ApiError::Internal("an evaluation without its completion report".into()))?;
    let figures = completion::figures(&passport.content, &report.content);
    let due = expost::due(report.content.actual_end, state.expost_after_days);
    let suggested = suggested(&figures);
    Ok(Versioned::ok(evaluation.version, Evaluation { evaluation, completion_id: report.id, figures, due, suggested }))
}

/// An evaluation the caller may read, with its project.
pub(crate) async fn readable(state: &AppState, auth: &Auth, id: Uuid) -> ApiResult<(Passport, EvaluationRecord)> {
    let evaluation = portfel_store::evaluations::get(state.store.db(), id).await?;
    may_read(auth, &evaluation)?;
    let passport = visible(state, auth, evaluation.passport_id).await?;
    Ok((passport, evaluation))
}

/// A project's evaluation with its figures, when it has one.
pub async fn of_project(state: &AppState, auth: &Auth, passport_id: Uuid) -> ApiResult<Option<Versioned<Evaluation>>> {
    let Some(evaluation) = portfel_store::evaluations::of_passport(state.store.db(), passport_id).await? else {
        return Ok(None);
    };
    may_read(auth, &evaluation)?;
    let passport = visible(state, auth, passport_id).await?;
    Ok(Some(full(state, &passport, evaluation).await?))
}

/// Begin a project's ex-post evaluation
#[utoipa::path(post, path = "/api/v1/passports/{id}/evaluation", tag = "completion",
    description = "The PIM unit begins the evaluation of a closed project with an accepted completion report (409 otherwise, or when begun): \
        on the standard conclusion form (efficiency, effectiveness, economic benefit, social effect, environmental impact), every section to judge.",
    params(("id" = Uuid, Path, description = "Passport id")),
    responses((status = 201, description = "Begun", body = Evaluation, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_evaluation(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<Evaluation>> {
    auth.require(Permission::Evaluate)?;
    let passport = visible(&state, &auth, id).await?;
    let evaluation = portfel_store::evaluations::create(state.store.db(), &auth.actor(), id).await?;
    let location = format!("/api/v1/evaluations/{}", evaluation.id);
    let made = full(&state, &passport, evaluation).await?;
    Ok(Versioned::created(made.version(), location, made.into_body()))
}

/// Get an evaluation
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "completion", params(("id" = Uuid, Path, description = "Evaluation id")),
    responses((status = 200, description = "The evaluation", body = Evaluation, headers(("ETag" = String)))))]
pub async fn get_evaluation(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<Evaluation>> {
    let (passport, evaluation) = readable(&state, &auth, id).await?;
    full(&state, &passport, evaluation).await
}

/// Write an evaluation
#[utoipa::path(put, path = "/api/v1/evaluations/{id}", tag = "completion",
    description = "The PIM unit, or an expert it named, writes the judgements: per section a rating, the judgement and its evidence; \
        the overall rating, the conclusion, lessons. Only the PIM unit changes who evaluates. A signed-off conclusion never changes (409).",
    params(("id" = Uuid, Path, description = "Evaluation id"), IfMatch), request_body = EvaluationContent,
    responses((status = 200, description = "Written", body = Evaluation, headers(("ETag" = String)))))]
pub async fn update_evaluation(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    body: JsonBody<EvaluationContent>,
) -> ApiResult<Versioned<Evaluation>> {
    let (passport, evaluation) = readable(&state, &auth, id).await?;
    let by = require_evaluator(&auth, &evaluation)?;
    let content = body.value()?;
    let after = portfel_store::evaluations::update(state.store.db(), &auth.actor(), id, version, by, &content).await?;
    full(&state, &passport, after).await
}

/// Sign an evaluation off
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/sign-off", tag = "completion",
    description = "The PIM unit signs the conclusion off once every section is rated and judged and the overall rating and conclusion are written \
        (422 naming what is missing); it never changes after.",
    params(("id" = Uuid, Path, description = "Evaluation id"), IfMatch),
    responses((status = 200, description = "Signed off", body = Evaluation, headers(("ETag" = String)))))]
pub async fn sign_off_evaluation(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<Evaluation>> {
    auth.require(Permission::Evaluate)?;
    let (passport, _) = readable(&state, &auth, id).await?;
    let after = portfel_store::evaluations::sign_off(state.store.db(), &auth.actor(), id, version).await?;
    full(&state, &passport, after).await
}

/// The closed projects the caller may see, with their evaluations' state and due dates.
pub async fn closed_projects(state: &AppState, auth: &Auth) -> ApiResult<Vec<Closed>> {
    if !auth.may(Permission::Evaluate) {
        auth.require(Permission::ReadReports)?;
    }
    let db = state.store.db();
    let reports = portfel_store::completions::in_states(db, &[ReportStatus::Accepted], None).await?;
    let ids: Vec<Uuid> = reports.iter().map(|r| r.passport_id).collect();
    let visible = portfel_store::access::visible_ids(db, &auth.viewer(), &ids).await?;
    let titles: std::collections::HashMap<Uuid, String> =
        portfel_store::passports::briefs(db, &ids).await?.into_iter().map(|b| (b.id, b.title)).collect();
    let evaluations: std::collections::HashMap<Uuid, EvaluationRecord> =
        portfel_store::evaluations::list(db).await?.into_iter().map(|e| (e.passport_id, e)).collect();
    let today = chrono::Utc::now().date_naive();
    let mut out: Vec<Closed> = reports
        .into_iter()
        .filter(|r| visible.contains(&r.passport_id))
        .map(|r| {
            let evaluation = evaluations.get(&r.passport_id);
            let due = expost::due(r.content.actual_end, state.expost_after_days);
            let status = evaluation.map(|e| e.status);
            Closed {
                passport_id: r.passport_id,
                title: titles.get(&r.passport_id).cloned().unwrap_or_default(),
                organisation_id: r.organisation_id,
                outcome: r.content.outcome,
                actual_end: r.content.actual_end,
                due,
                overdue: due < today && status != Some(EvaluationStatus::SignedOff),
                evaluation_id: evaluation.map(|e| e.id),
                status,
                overall: evaluation.filter(|e| e.status == EvaluationStatus::SignedOff).and_then(|e| e.content.overall),
            }
        })
        .collect();
    out.sort_by_key(|c| (c.status == Some(EvaluationStatus::SignedOff), c.due));
    Ok(out)
}

/// List closed projects and their evaluations
#[utoipa::path(get, path = "/api/v1/evaluations", tag = "completion",
    description = "Every closed project with an accepted completion report the caller may see: its outcome, when its works ended, \
        when its evaluation is due (a configured number of days after), whether it is overdue, and the evaluation's state and rating. \
        Evaluations still to do come first, soonest due first.",
    responses((status = 200, description = "The register", body = [Closed])))]
pub async fn list_evaluations(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<Closed>>> {
    Ok(Json(closed_projects(&state, &auth).await?))
}

/// The track record of organisation `id`.
pub async fn record_of(state: &AppState, auth: &Auth, id: Uuid) -> ApiResult<TrackRecord> {
    if !portfel_domain::access::acts_for(&auth.claims.roles, auth.claims.org, id) {
        auth.require(Permission::ReadRounds)?;
    }
    Ok(portfel_store::completions::track_record(state.store.db(), id).await?)
}

/// An initiator's track record
#[utoipa::path(get, path = "/api/v1/organisations/{id}/track-record", tag = "completion",
    description = "What the organisation's closed projects achieved: how many were completed, failed or stopped; the mean cost variance, \
        end delay and indicator achievement of the completed ones; each project. Shown beside its new passports to the PIM unit, experts and the council.",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses((status = 200, description = "The record", body = TrackRecord)))]
pub async fn track_record(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<TrackRecord>> {
    portfel_store::organisations::get(state.store.db(), id).await?;
    Ok(Json(record_of(&state, &auth, id).await?))
}

/// The conclusion of an evaluation
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/conclusion", tag = "completion",
    description = "The conclusion in its one form as DOCX: the project, how it ended, the figures planned against actual, each section's \
        rating, judgement and evidence, the overall rating, the conclusion, lessons and a signature block; marked «ПРОЄКТ» until signed off.",
    params(("id" = Uuid, Path, description = "Evaluation id")),
    responses((status = 200, description = "The conclusion",
        content((Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))))]
pub async fn evaluation_conclusion(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::response::Response> {
    let head = super::council::letterhead(&state).await?;
    conclusion_file(&state, &auth, id, &head).await
}

/// The conclusion of evaluation `id` under `head`, if the caller may read it.
pub async fn conclusion_file(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    head: &portfel_documents::Letterhead,
) -> ApiResult<axum::response::Response> {
    let (passport, evaluation) = readable(state, auth, id).await?;
    let db = state.store.db();
    let report = portfel_store::completions::of_passport(db, passport.meta.id)
        .await?
        .ok_or_else(|| ApiError::Internal("an evaluation without its completion report".into()))?;
    let initiator = portfel_store::organisations::get(db, passport.organisation_id).await?.data.name;
    let figures = completion::figures(&passport.content, &report.content);
    let paper = portfel_documents::conclusion::ConclusionPaper {
        project: &passport.content.title.uk,
        initiator: &initiator,
        completion: &report.content,
        figures: &figures,
        evaluation: &evaluation,
    };
    let bytes = portfel_documents::conclusion::docx(&paper, head).map_err(super::council::document_failed)?;
    Ok(super::council::download(bytes, super::council::DOCX, &format!("conclusion-{}.docx", passport.meta.id)))
}
