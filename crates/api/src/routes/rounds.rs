//! Evaluation rounds: projects, screening, expert assignment, conflict of
//! interest, blind scoring, disagreements, closing, results, score cards, sensitivity.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use portfel_domain::Role;
use portfel_scoring::round::{Assignment, Disagreement, ExpertScore, Round, RoundInput, RoundProject, RoundResults};
use portfel_scoring::scorecard::ScoreCard;
use portfel_scoring::sensitivity::{SensitivityConfig, SensitivityReport, analyse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Versioned;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody, QueryParams};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

const PIM: &[Role] = &[Role::PimUnit, Role::Admin];
const READERS: &[Role] = &[Role::PimUnit, Role::Admin, Role::Council];

/// Passports to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddProjects {
    /// Submitted passports (they move to screening).
    pub passport_ids: Vec<Uuid>,
}

/// Experts to spread over the round's eligible projects.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// Registered users with the expert role.
    pub experts: Vec<String>,
    /// Experts per project (at least the methodology's minimum).
    #[serde(default)]
    pub per_project: Option<u8>,
}

/// An expert's conflict of interest declaration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// True when the expert has a conflict of interest with the project.
    pub conflict: bool,
    /// Explanation.
    #[serde(default)]
    pub note: Option<String>,
}

/// An expert's scores on a project.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoresRequest {
    /// Scores on expert criteria.
    pub scores: Vec<ExpertScore>,
    /// True to submit (final unless the PIM unit reopens them); false saves a draft.
    #[serde(default)]
    pub submit: bool,
}

/// A reason for reopening scores.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenRequest {
    /// Why the scores are reopened.
    pub reason: String,
}

/// A consensus note on a criterion.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsensusRequest {
    /// Expert criterion code.
    pub criterion: String,
    /// What the experts agreed and why.
    pub note: String,
}

/// Options of a sensitivity run.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SensitivityRequest {
    /// Random trials (default 1000, at most 10000).
    #[schema(minimum = 1, maximum = 10000)]
    pub trials: Option<u32>,
    /// Relative weight perturbation (default 0.2), strictly between 0 and 1.
    #[schema(exclusive_minimum = 0.0, exclusive_maximum = 1.0)]
    pub spread: Option<f64>,
    /// Size of the tracked top group (default 10).
    #[schema(minimum = 1)]
    pub top_k: Option<usize>,
    /// Seed (default 2025).
    pub seed: Option<u64>,
}

impl SensitivityRequest {
    fn config(&self) -> ApiResult<SensitivityConfig> {
        let d = SensitivityConfig::default();
        let config = SensitivityConfig {
            trials: self.trials.unwrap_or(d.trials),
            spread: self.spread.unwrap_or(d.spread),
            top_k: self.top_k.unwrap_or(d.top_k),
            seed: self.seed.unwrap_or(d.seed),
            sweep_factors: d.sweep_factors,
        };
        let mut errors = Vec::new();
        if !(1..=10_000).contains(&config.trials) {
            errors.push(portfel_domain::FieldError::new(
                "trials",
                "out_of_range",
                "trials must be between 1 and 10000",
            ));
        }
        if !(config.spread > 0.0 && config.spread < 1.0) {
            errors.push(portfel_domain::FieldError::new(
                "spread",
                "out_of_range",
                "spread must lie strictly between 0 and 1",
            ));
        }
        if config.top_k == 0 {
            errors.push(portfel_domain::FieldError::new("top_k", "out_of_range", "top_k must be at least 1"));
        }
        if errors.is_empty() { Ok(config) } else { Err(ApiError::Validation(errors)) }
    }
}

/// Score card format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CardQuery {
    /// `json` (default) or `markdown`.
    pub format: Option<CardFormat>,
}

/// Score card format.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CardFormat {
    /// JSON document.
    Json,
    /// Markdown text.
    Markdown,
}

/// A closed round's results with the methodology they were computed under.
async fn closed(state: &AppState, id: Uuid) -> ApiResult<(RoundResults, portfel_scoring::Methodology)> {
    let db = state.store.db();
    let round = portfel_store::rounds::get(db, id).await?;
    let results = portfel_store::rounds::results(db, id).await?;
    let methodology = portfel_store::methodologies::get(db, round.data.methodology_id).await?.definition;
    Ok((results, methodology))
}

/// Lists rounds.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "evaluation", summary = "List evaluation rounds",
    responses((status = 200, description = "All rounds", body = [Round])))]
pub async fn list_rounds(auth: Auth, State(state): State<AppState>) -> ApiResult<Json<Vec<Round>>> {
    auth.require(&[Role::PimUnit, Role::Admin, Role::Council, Role::Expert])?;
    Ok(Json(portfel_store::rounds::list(state.store.db()).await?))
}

/// Opens a round.
#[utoipa::path(post, path = "/api/v1/rounds", tag = "evaluation", summary = "Open an evaluation round",
    request_body = RoundInput,
    responses((status = 201, description = "Opened", body = Round, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_round(
    auth: Auth,
    State(state): State<AppState>,
    input: JsonBody<RoundInput>,
) -> ApiResult<Versioned<Round>> {
    auth.require(PIM)?;
    let input = input.value()?;
    if input.name.trim().is_empty() {
        return Err(ApiError::Validation(vec![portfel_domain::FieldError::new(
            "name",
            "required",
            "a round needs a name",
        )]));
    }
    let round = portfel_store::rounds::create(state.store.db(), &auth.actor(), &input).await?;
    Ok(Versioned::created(round.meta.version, format!("/api/v1/rounds/{}", round.meta.id), round))
}

/// Reads a round.
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "evaluation", summary = "Get an evaluation round",
    params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "The round", body = Round, headers(("ETag" = String)))))]
pub async fn get_round(auth: Auth, State(state): State<AppState>, Path(id): Path<Uuid>) -> ApiResult<Versioned<Round>> {
    auth.require(&[Role::PimUnit, Role::Admin, Role::Council, Role::Expert])?;
    let round = portfel_store::rounds::get(state.store.db(), id).await?;
    Ok(Versioned::ok(round.meta.version, round))
}

/// Lists the round's projects with screening results.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/projects", tag = "evaluation", summary = "List a round's projects",
    params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "Projects with gate results and consensus notes", body = [RoundProject])))]
pub async fn list_round_projects(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<RoundProject>>> {
    auth.require(READERS)?;
    portfel_store::rounds::get(state.store.db(), id).await?;
    Ok(Json(portfel_store::rounds::projects(state.store.db(), id).await?))
}

/// Adds submitted passports to the round.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects", tag = "evaluation", summary = "Add projects to a round",
    params(("id" = Uuid, Path, description = "Round id"), ("If-Match" = String, Header, description = "ETag of the round")),
    request_body = AddProjects,
    responses((status = 200, description = "The round's projects", body = [RoundProject], headers(("ETag" = String)))))]
pub async fn add_round_projects(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<AddProjects>,
) -> ApiResult<Versioned<Vec<RoundProject>>> {
    auth.require(PIM)?;
    let req = req.value()?;
    let projects =
        portfel_store::rounds::add_projects(state.store.db(), &auth.actor(), id, version, &req.passport_ids).await?;
    Ok(Versioned::ok(version + 1, projects))
}

/// Screens every project against the methodology's gates.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/screen", tag = "evaluation", summary = "Screen a round's projects",
    description = "Runs completeness and every gate of the methodology; each project gets a report with reasons.",
    params(("id" = Uuid, Path, description = "Round id"), ("If-Match" = String, Header, description = "ETag of the round")),
    responses((status = 200, description = "Screening reports", body = [RoundProject], headers(("ETag" = String)))))]
pub async fn screen_round(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<Vec<RoundProject>>> {
    auth.require(PIM)?;
    let projects = portfel_store::rounds::screen(state.store.db(), &auth.actor(), id, version).await?;
    Ok(Versioned::ok(version + 1, projects))
}

/// Assigns experts to eligible projects, balancing load.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/assign", tag = "evaluation", summary = "Assign experts",
    description = "Fills every eligible project up to the number of experts needed, least-loaded first, never with an expert \
        of the initiating organisation or one who declared a conflict. Call again after a conflict to assign a replacement.",
    params(("id" = Uuid, Path, description = "Round id"), ("If-Match" = String, Header, description = "ETag of the round")),
    request_body = AssignRequest,
    responses((status = 200, description = "New assignments", body = [Assignment], headers(("ETag" = String)))))]
pub async fn assign_experts(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<AssignRequest>,
) -> ApiResult<Versioned<Vec<Assignment>>> {
    auth.require(PIM)?;
    let req = req.value()?;
    let created =
        portfel_store::rounds::assign(state.store.db(), &auth.actor(), id, version, &req.experts, req.per_project)
            .await?;
    Ok(Versioned::ok(version + 1, created))
}

/// Lists assignments: all for the PIM unit, one's own for an expert.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/assignments", tag = "evaluation", summary = "List assignments",
    description = "The PIM unit sees every assignment (including conflicts to replace); an expert sees only its own, without others' scores.",
    params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "Assignments", body = [Assignment])))]
pub async fn list_assignments(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<Assignment>>> {
    auth.require(&[Role::PimUnit, Role::Admin, Role::Expert])?;
    let all = portfel_store::rounds::assignments(state.store.db(), id, None).await?;
    if auth.has_any(PIM) {
        return Ok(Json(all));
    }
    Ok(Json(all.into_iter().filter(|a| a.expert == auth.claims.sub).collect()))
}

/// An expert declares a conflict of interest, or its absence.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects/{passport_id}/declaration", tag = "evaluation", summary = "Declare conflict of interest",
    description = "Before seeing a project, an assigned expert declares whether it has a conflict of interest. A conflict blocks the assignment.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id")),
    request_body = Declaration,
    responses((status = 200, description = "The assignment", body = Assignment),
              (status = 409, description = "Already declared", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn declare(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    req: JsonBody<Declaration>,
) -> ApiResult<Json<Assignment>> {
    auth.require(&[Role::Expert])?;
    let req = req.value()?;
    Ok(Json(
        portfel_store::rounds::declare(state.store.db(), &auth.actor(), id, passport_id, req.conflict, req.note)
            .await?,
    ))
}

/// Saves or submits the caller's scores on a project.
#[utoipa::path(put, path = "/api/v1/rounds/{id}/projects/{passport_id}/scores", tag = "evaluation", summary = "Save or submit scores",
    description = "Expert criteria only, on their scales; extreme scores need a justification; submission needs every expert criterion. \
        Submitted scores are final unless the PIM unit reopens them.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id")),
    request_body(content = ScoresRequest, example = json!({"scores": [{"criterion": "SE1", "score": 4}, {"criterion": "SE2", "score": 5, "justification": "Єдиний ліцей у старостинському окрузі"}], "submit": false})),
    responses((status = 200, description = "The assignment with its scores", body = Assignment),
              (status = 409, description = "Not declared, conflicted or already submitted", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn save_scores(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    req: JsonBody<ScoresRequest>,
) -> ApiResult<Json<Assignment>> {
    auth.require(&[Role::Expert])?;
    let req = req.value()?;
    Ok(Json(
        portfel_store::rounds::save_scores(state.store.db(), &auth.actor(), id, passport_id, req.scores, req.submit)
            .await?,
    ))
}

/// Reads the scores on a project, blind for experts who have not submitted.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/projects/{passport_id}/scores", tag = "evaluation", summary = "Read scores on a project",
    description = "Blind: an expert sees only its own scores until it submits them; then it sees the others'. The PIM unit sees all.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "Visible assignments with scores", body = [Assignment])))]
pub async fn read_scores(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Vec<Assignment>>> {
    auth.require(&[Role::PimUnit, Role::Admin, Role::Expert])?;
    let all = portfel_store::rounds::assignments(state.store.db(), id, Some(passport_id)).await?;
    if auth.has_any(PIM) {
        return Ok(Json(all));
    }
    let own = all
        .iter()
        .find(|a| a.expert == auth.claims.sub)
        .ok_or_else(|| ApiError::Forbidden("you are not assigned to this project".into()))?;
    if own.submitted_at.is_some() {
        Ok(Json(all.into_iter().filter(|a| a.submitted_at.is_some()).collect()))
    } else {
        Ok(Json(vec![own.clone()]))
    }
}

/// Reopens an expert's submitted scores.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects/{passport_id}/experts/{expert}/reopen", tag = "evaluation", summary = "Reopen an expert's scores",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id"), ("expert" = String, Path, description = "Expert's sub")),
    request_body = ReopenRequest,
    responses((status = 200, description = "The reopened assignment", body = Assignment)))]
pub async fn reopen_scores(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id, expert)): Path<(Uuid, Uuid, String)>,
    req: JsonBody<ReopenRequest>,
) -> ApiResult<Json<Assignment>> {
    auth.require(PIM)?;
    let req = req.value()?;
    if req.reason.trim().is_empty() {
        return Err(ApiError::Validation(vec![portfel_domain::FieldError::new(
            "reason",
            "required",
            "reopening needs a reason",
        )]));
    }
    Ok(Json(
        portfel_store::rounds::reopen(state.store.db(), &auth.actor(), id, passport_id, &expert, &req.reason).await?,
    ))
}

/// Lists disagreements among submitted scores.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/disagreements", tag = "evaluation", summary = "List disagreements",
    description = "Criteria where experts' scores spread at or beyond the methodology's threshold. The round cannot close while any is unresolved.",
    params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "Disagreements", body = [Disagreement])))]
pub async fn list_disagreements(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<Disagreement>>> {
    auth.require(PIM)?;
    Ok(Json(portfel_store::rounds::disagreements_of(state.store.db(), id).await?))
}

/// Records a consensus note resolving a disagreement.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/projects/{passport_id}/consensus", tag = "evaluation", summary = "Resolve a disagreement",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id")),
    request_body = ConsensusRequest,
    responses((status = 200, description = "The project with its consensus notes", body = RoundProject)))]
pub async fn resolve_disagreement(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    req: JsonBody<ConsensusRequest>,
) -> ApiResult<Json<RoundProject>> {
    auth.require(PIM)?;
    let req = req.value()?;
    if req.note.trim().is_empty() {
        return Err(ApiError::Validation(vec![portfel_domain::FieldError::new(
            "note",
            "required",
            "a consensus note is required",
        )]));
    }
    Ok(Json(
        portfel_store::rounds::resolve(state.store.db(), &auth.actor(), id, passport_id, &req.criterion, &req.note)
            .await?,
    ))
}

/// Closes the round and computes results.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/close", tag = "evaluation", summary = "Close a round",
    description = "Needs every eligible project fully scored and no unresolved disagreement. Computes gate results, aggregated \
        scores, group indices, final scores, ranks and a sensitivity analysis, freezes them, and moves evaluated projects to `evaluated`.",
    params(("id" = Uuid, Path, description = "Round id"), ("If-Match" = String, Header, description = "ETag of the round")),
    request_body = SensitivityRequest,
    responses((status = 200, description = "Results", body = RoundResults, headers(("ETag" = String)))))]
pub async fn close_round(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<SensitivityRequest>,
) -> ApiResult<Versioned<RoundResults>> {
    auth.require(PIM)?;
    let req = req.value()?;
    let config = req.config()?;
    let (round, results) = portfel_store::rounds::close(state.store.db(), &auth.actor(), id, version, &config).await?;
    Ok(Versioned::ok(round.meta.version, results))
}

/// Results of a closed round.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/results", tag = "evaluation", summary = "Get a round's results",
    params(("id" = Uuid, Path, description = "Round id")),
    responses((status = 200, description = "Ranking, evaluations and sensitivity", body = RoundResults),
              (status = 409, description = "The round is still open", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn round_results(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<RoundResults>> {
    auth.require(READERS)?;
    Ok(Json(portfel_store::rounds::results(state.store.db(), id).await?))
}

/// A project's score card.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/projects/{passport_id}/scorecard", tag = "evaluation", summary = "Get a score card",
    description = "Every contribution: gates, criterion, weight, raw scores, aggregate, points, indices, rank and sensitivity. \
        `format=markdown` returns a readable rendering. Visible to whoever may see the passport.",
    params(("id" = Uuid, Path, description = "Round id"), ("passport_id" = Uuid, Path, description = "Passport id"), CardQuery),
    responses((status = 200, description = "The score card", body = ScoreCard),
              (status = 409, description = "The round is still open", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn scorecard(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, passport_id)): Path<(Uuid, Uuid)>,
    QueryParams(q): QueryParams<CardQuery>,
) -> ApiResult<Response> {
    let passport = super::passports::visible(&state, &auth, passport_id).await?;
    let db = state.store.db();
    let (results, methodology) = closed(&state, id).await?;
    let consensus = portfel_store::rounds::projects(db, id)
        .await?
        .into_iter()
        .find(|p| p.passport_id == passport_id)
        .map(|p| p.consensus)
        .unwrap_or_default();
    let card = ScoreCard::build(id, passport_id, passport.content.title.uk, &methodology, &results, consensus)
        .ok_or_else(|| ApiError::NotFound("the project was not evaluated in this round".into()))?;
    Ok(match q.format {
        Some(CardFormat::Markdown) => {
            ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], card.to_markdown(&methodology)).into_response()
        }
        _ => Json(card).into_response(),
    })
}

/// Runs a sensitivity analysis on a closed round's results with other parameters.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/sensitivity", tag = "evaluation", summary = "Run a sensitivity analysis",
    description = "Perturbs all weights (uniformly within ±spread, renormalised; seeded) and reports each project's probability of \
        staying in the top k and its rank interval, plus a one-at-a-time sweep per criterion. Nothing is stored.",
    params(("id" = Uuid, Path, description = "Round id")),
    request_body = SensitivityRequest,
    responses((status = 200, description = "The analysis", body = SensitivityReport)))]
pub async fn run_sensitivity(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    req: JsonBody<SensitivityRequest>,
) -> ApiResult<Json<SensitivityReport>> {
    auth.require(READERS)?;
    let req = req.value()?;
    let config = req.config()?;
    let (results, methodology) = closed(&state, id).await?;
    let report = tokio::task::spawn_blocking(move || analyse(&methodology, &results.evaluations, &config))
        .await
        .map_err(|e| ApiError::Internal(format!("sensitivity analysis failed: {e}")))?;
    Ok(Json(report))
}
