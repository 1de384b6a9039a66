//! Project passports: create, read, update, list, submit, lifecycle transitions, revisions.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::Permission;
use portfel_domain::access::{creating_organisation, may_edit};
use portfel_domain::lifecycle::{check_transition, next_states};
use portfel_domain::records::{Passport, PassportRevision, PassportSummary, StateChange};
use portfel_domain::rules::{check_content, check_submission};
use portfel_domain::{Codelists, FieldError, PassportContent, Role, Status};
use portfel_store::passports::PassportFilter;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Versioned;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody, QueryParams};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;

/// Where a new passport belongs.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CreateQuery {
    /// Initiating organisation. Initiators may omit it (their own is used)
    /// and may not name another; other roles must name one unless their token carries one.
    pub organisation_id: Option<Uuid>,
}

/// Filters and paging of the passport list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only this lifecycle state.
    pub status: Option<Status>,
    /// Only this organisation.
    pub organisation_id: Option<Uuid>,
    /// Only this sector (WB-ECO code).
    pub sector: Option<String>,
    /// Only projects running in this year.
    pub year: Option<i32>,
    /// Words to find, each somewhere in the title, description or DREAM code
    /// (any case; a word may be part of a longer one).
    pub q: Option<String>,
    /// Only passports whose total cost is at least this many UAH.
    #[param(value_type = Option<String>, pattern = r"^-?\d{1,13}(\.\d{1,2})?$", example = "1000000.00")]
    pub cost_from: Option<Decimal>,
    /// Only passports whose total cost is at most this many UAH.
    #[param(value_type = Option<String>, pattern = r"^-?\d{1,13}(\.\d{1,2})?$", example = "5000000.00")]
    pub cost_to: Option<Decimal>,
    /// Cursor from `next_cursor` of the previous page.
    #[param(pattern = "^[0-9a-f]{32}$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// `summary` (default): what a list shows of each passport;
    /// `full`: whole passports, as `GET /passports/{id}` returns them.
    pub view: Option<ListView>,
}

impl ListQuery {
    /// The first `limit` passports in state `status`, nothing else filtered.
    pub fn in_state(status: Status, limit: u64) -> ListQuery {
        ListQuery {
            status: Some(status),
            organisation_id: None,
            sector: None,
            year: None,
            q: None,
            cost_from: None,
            cost_to: None,
            cursor: None,
            limit: Some(limit),
            view: None,
        }
    }
}

/// How much of each item a list returns: summaries (passports), events without
/// their states before and after (audit), or whole records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListView {
    /// Summaries.
    #[default]
    Summary,
    /// Whole records.
    Full,
}

/// A page of passport summaries (the default view).
#[derive(Debug)]
pub struct PassportSummaryPage {
    /// Passports in creation order.
    pub items: Vec<PassportSummary>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A page of whole passports (`view=full`).
#[derive(Debug)]
pub struct PassportPage {
    /// Passports in creation order.
    pub items: Vec<Passport>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A page of the passport list: summaries, or whole passports with `view=full`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PassportListPage {
    /// Passports in creation order.
    pub items: Vec<PassportListItem>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One passport of a list page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PassportListItem {
    /// A summary (default).
    Summary(Box<PassportSummary>),
    /// The whole passport (`view=full`).
    Full(Box<Passport>),
}

/// A lifecycle transition request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// Target state.
    #[schema(example = "screening")]
    pub to: Status,
    /// Reason; required for refusals, returns for revision and cancellations.
    #[serde(default)]
    #[schema(example = "Не додано кошторис")]
    pub reason: Option<String>,
    /// For a return to the initiator (`draft`): the day to submit it again by, today or later.
    #[serde(default)]
    pub resubmit_by: Option<chrono::NaiveDate>,
}

/// States a passport may move to next, with what each demands.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowedTransition {
    /// Target state.
    pub to: Status,
    /// Roles allowed.
    pub roles: Vec<Role>,
    /// True when a reason must be given.
    pub reason_required: bool,
}

fn storable(content: &PassportContent) -> ApiResult<()> {
    let errors = check_content(content, Codelists::embedded());
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// Loads a passport the caller may see (403 otherwise). Experts see the
/// passports they are assigned to and declared no conflict of interest on.
pub(crate) async fn visible(state: &AppState, auth: &Auth, id: Uuid) -> ApiResult<Passport> {
    let passport = portfel_store::passports::get(state.store.db(), id).await?;
    if portfel_store::access::can_see(state.store.db(), &auth.viewer(), &passport).await? {
        Ok(passport)
    } else {
        Err(ApiError::Forbidden("this passport belongs to another organisation".into()))
    }
}

/// Create a draft passport
#[utoipa::path(post, path = "/api/v1/passports", tag = "passports", description = "Initiators create passports for their own organisation. Drafts may be incomplete; \
        formats, codes, amounts and years are checked on every save, completeness on submission.",
    params(CreateQuery),
    request_body(content = PassportContent, example = json!({
        "title": {"uk": "Капітальний ремонт ліцею №3", "en": "Major repair of Lyceum No. 3"},
        "sector": "EP", "start_year": 2027, "duration_years": 2,
        "costs": [{"year": 2027, "item": "design", "cost_type": "capex", "amount": "500000.00"}],
        "financing": [{"year": 2027, "source": "localBudget", "amount": "500000.00"}]
    })),
    responses((status = 201, description = "Created", body = Passport, headers(("ETag" = String), ("Location" = String)))))]
pub async fn create_passport(
    auth: Auth,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<CreateQuery>,
    content: JsonBody<PassportContent>,
) -> ApiResult<Versioned<Passport>> {
    auth.require(Permission::CreatePassports)?;
    let organisation = creating_organisation(&auth.claims.roles, auth.claims.org, q.organisation_id)?;
    let content = content.value()?;
    storable(&content)?;
    let passport = portfel_store::passports::create(state.store.db(), &auth.actor(), organisation, &content).await?;
    Ok(Versioned::created(passport.meta.version, format!("/api/v1/passports/{}", passport.meta.id), passport))
}

/// List passports
#[utoipa::path(get, path = "/api/v1/passports", tag = "passports", description = "Initiators see their organisation's passports; the PIM unit, council and integration scripts \
        see every passport past the draft stage; admins see all. Items are summaries unless `view=full` is asked for.",
    params(ListQuery),
    responses((status = 200, description = "A page of passport summaries, or of whole passports with `view=full`", body = PassportListPage),
              (status = 422, description = "`cost_to` lies below `cost_from` (`range_reversed`)", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn list_passports(
    auth: Auth,
    State(state): State<AppState>,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<PassportListPage>> {
    Ok(Json(match q.view.unwrap_or_default() {
        ListView::Summary => {
            let page = passport_summaries(&auth, &state, q).await?;
            let items = page.items.into_iter().map(|p| PassportListItem::Summary(Box::new(p))).collect();
            PassportListPage { items, next_cursor: page.next_cursor }
        }
        ListView::Full => {
            let page = full_passports(&auth, &state, q).await?;
            let items = page.items.into_iter().map(|p| PassportListItem::Full(Box::new(p))).collect();
            PassportListPage { items, next_cursor: page.next_cursor }
        }
    }))
}

fn list_filter(auth: &Auth, q: ListQuery) -> ApiResult<PassportFilter> {
    if let (Some(from), Some(to)) = (q.cost_from, q.cost_to)
        && from > to
    {
        return Err(ApiError::Validation(vec![FieldError::of(
            "cost_to",
            "range_reversed",
            &[("from", from.to_string())],
        )]));
    }
    Ok(PassportFilter {
        visibility: auth.visibility(),
        status: q.status,
        organisation_id: q.organisation_id,
        sector: q.sector,
        year: q.year,
        text: q.q.filter(|t| !t.trim().is_empty()),
        cost_from: q.cost_from,
        cost_to: q.cost_to,
        after: q.cursor.as_deref().map(crate::cursor::decode_id).transpose()?,
        limit: super::page_limit(q.limit)?,
    })
}

/// A page of the summaries the caller may see (the list's default view).
pub async fn passport_summaries(auth: &Auth, state: &AppState, q: ListQuery) -> ApiResult<PassportSummaryPage> {
    let (items, next) = portfel_store::passports::summaries(state.store.db(), &list_filter(auth, q)?).await?;
    Ok(PassportSummaryPage { items, next_cursor: next.map(crate::cursor::encode_id) })
}

/// A page of the whole passports the caller may see (`view=full`).
pub async fn full_passports(auth: &Auth, state: &AppState, q: ListQuery) -> ApiResult<PassportPage> {
    let (items, next) = portfel_store::passports::list(state.store.db(), &list_filter(auth, q)?).await?;
    Ok(PassportPage { items, next_cursor: next.map(crate::cursor::encode_id) })
}

/// Get a passport
#[utoipa::path(get, path = "/api/v1/passports/{id}", tag = "passports", params(("id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "The passport", body = Passport, headers(("ETag" = String)))))]
pub async fn get_passport(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Versioned<Passport>> {
    let passport = visible(&state, &auth, id).await?;
    Ok(Versioned::ok(passport.meta.version, passport))
}

/// Update a passport
#[utoipa::path(put, path = "/api/v1/passports/{id}", tag = "passports", description = "Initiators edit their organisation's drafts; the PIM unit corrects submitted passports \
        and those in screening. Every save is a new revision; earlier ones stay readable.",
    params(("id" = Uuid, Path, description = "Passport id"), IfMatch),
    request_body = PassportContent,
    responses((status = 200, description = "Updated", body = Passport, headers(("ETag" = String))),
              (status = 409, description = "The passport's state does not allow edits", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn update_passport(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    content: JsonBody<PassportContent>,
) -> ApiResult<Versioned<Passport>> {
    let current = visible(&state, &auth, id).await?;
    may_edit(&auth.claims.roles, auth.claims.org, current.organisation_id, current.status)?;
    let content = content.value()?;
    storable(&content)?;
    if current.meta.version != version {
        return Err(ApiError::PreconditionFailed { current: current.meta.version });
    }
    let passport =
        portfel_store::passports::update_content(state.store.db(), &auth.actor(), id, version, &content).await?;
    Ok(Versioned::ok(passport.meta.version, passport))
}

async fn move_to(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    version: i32,
    to: Status,
    (reason, back_by): (Option<&str>, Option<chrono::NaiveDate>),
) -> ApiResult<Versioned<Passport>> {
    let current = visible(state, auth, id).await?;
    let own = auth.claims.org == Some(current.organisation_id);
    check_transition(current.status, to, &auth.claims.roles, own, reason)?;
    if current.meta.version != version {
        return Err(ApiError::PreconditionFailed { current: current.meta.version });
    }
    if to == Status::Submitted {
        let errors = check_submission(&current.content, Codelists::embedded());
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let passport =
        portfel_store::passports::transition(state.store.db(), &auth.actor(), id, version, to, (reason, back_by))
            .await?;
    Ok(Versioned::ok(passport.meta.version, passport))
}

/// Submit a passport
#[utoipa::path(post, path = "/api/v1/passports/{id}/submit", tag = "passports", description = "Initiator of the owning organisation. Refused with every failing field listed when the passport \
        is incomplete, when financing does not match cost in some year, or when any rule fails.",
    params(("id" = Uuid, Path, description = "Passport id"), IfMatch),
    responses((status = 200, description = "Submitted", body = Passport, headers(("ETag" = String))),
              (status = 409, description = "The passport is not a draft", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn submit_passport(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<Passport>> {
    move_to(&state, &auth, id, version, Status::Submitted, (None, None)).await
}

/// Change a passport's lifecycle state
#[utoipa::path(post, path = "/api/v1/passports/{id}/transitions", tag = "passports", description = "Only legal transitions, each by its allowed roles; refusals, returns for revision and \
        cancellations need a reason. See `GET /api/v1/passports/{id}/transitions` for what is possible now.",
    params(("id" = Uuid, Path, description = "Passport id"), IfMatch),
    request_body(content = TransitionRequest, example = json!({"to": "draft", "reason": "Додайте кошторис на 2028 рік"})),
    responses((status = 200, description = "Moved", body = Passport, headers(("ETag" = String))),
              (status = 409, description = "No such transition from the current state", body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn transition_passport(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    req: JsonBody<TransitionRequest>,
) -> ApiResult<Versioned<Passport>> {
    let req = req.value()?;
    if let Some(by) = req.resubmit_by {
        let today = portfel_domain::calendar::local_date(chrono::Utc::now());
        let refused = |code| Err(ApiError::Validation(vec![FieldError::of("resubmit_by", code, &[])]));
        if req.to != Status::Draft {
            return refused("only_on_return");
        }
        if let Err(code) = portfel_domain::comeback::check_back_by(by, today) {
            return refused(code);
        }
    }
    move_to(&state, &auth, id, version, req.to, (req.reason.as_deref(), req.resubmit_by)).await
}

/// List possible next states
#[utoipa::path(get, path = "/api/v1/passports/{id}/transitions", tag = "passports", params(("id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "Legal next states and who may take them", body = [AllowedTransition])))]
pub async fn list_transitions(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<AllowedTransition>>> {
    let passport = visible(&state, &auth, id).await?;
    Ok(Json(
        next_states(passport.status)
            .filter_map(|to| portfel_domain::lifecycle::rule_for(passport.status, to))
            .map(|r| AllowedTransition { to: r.to, roles: r.roles.to_vec(), reason_required: r.reason_required })
            .collect(),
    ))
}

/// List revisions
#[utoipa::path(get, path = "/api/v1/passports/{id}/revisions", tag = "passports", params(("id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "Every revision, oldest first", body = [PassportRevision])))]
pub async fn list_revisions(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<PassportRevision>>> {
    visible(&state, &auth, id).await?;
    Ok(Json(portfel_store::passports::revisions(state.store.db(), id).await?))
}

/// Get a revision
#[utoipa::path(get, path = "/api/v1/passports/{id}/revisions/{revision}", tag = "passports", params(("id" = Uuid, Path, description = "Passport id"), ("revision" = i32, Path, description = "Revision number", example = 1)),
    responses((status = 200, description = "The revision", body = PassportRevision)))]
pub async fn get_revision(
    auth: Auth,
    State(state): State<AppState>,
    Path((id, revision)): Path<(Uuid, i32)>,
) -> ApiResult<Json<PassportRevision>> {
    visible(&state, &auth, id).await?;
    Ok(Json(portfel_store::passports::revision(state.store.db(), id, revision).await?))
}

/// Lifecycle history
#[utoipa::path(get, path = "/api/v1/passports/{id}/history", tag = "passports", params(("id" = Uuid, Path, description = "Passport id")),
    description = "Every state change of the passport with who made it and the reason given (for example why the PIM unit returned it), \
        for everyone who may read the passport.",
    responses((status = 200, description = "State changes, oldest first", body = [StateChange])))]
pub async fn passport_history(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<StateChange>>> {
    visible(&state, &auth, id).await?;
    Ok(Json(portfel_store::passports::history(state.store.db(), id).await?))
}

/// A passport as the project's concept
#[utoipa::path(get, path = "/api/v1/passports/{id}/document", tag = "passports", description = "The passport as a DOCX concept of the public investment project, \
        in the order of its sections (general facts, strategy, location, cost, financing, readiness, risks, contacts) with the initiator's signature block. \
        Whoever may see the passport may download it.",
    params(("id" = Uuid, Path, description = "Passport id")),
    responses((status = 200, description = "The concept",
        content((Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))))]
pub async fn passport_document(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::response::Response> {
    let head = super::council::letterhead(&state).await?;
    concept_file(&state, &auth, id, &head).await
}

/// The concept of passport `id` under `head`, if the caller may see the passport.
pub async fn concept_file(
    state: &AppState,
    auth: &Auth,
    id: Uuid,
    head: &portfel_documents::Letterhead,
) -> ApiResult<axum::response::Response> {
    let passport = visible(state, auth, id).await?;
    let db = state.store.db();
    let organisation = portfel_store::organisations::get(db, passport.organisation_id).await?.data.name;
    let mut goals = Vec::new();
    for d in portfel_store::strategy::list_documents(db).await? {
        let list = portfel_store::strategy::list_goals(db, d.meta.id).await?;
        goals.extend(list.into_iter().map(|g| (g.meta.id.to_string(), format!("{} {}", g.data.code, g.data.title))));
    }
    let cx = portfel_documents::concept::Context { organisation: &organisation, goals: &goals };
    let bytes = portfel_documents::concept::docx(&passport, &cx, head).map_err(super::council::document_failed)?;
    Ok(super::council::download(bytes, super::council::DOCX, &format!("passport-{}.docx", passport.meta.id)))
}
