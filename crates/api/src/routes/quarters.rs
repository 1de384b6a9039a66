//! Quarterly programme reporting: the executive bodies carrying out a
//! measure report each quarter's fact and what was done; the PIM unit
//! accepts or returns; the annual report counts the accepted quarters.

use axum::Json;
use axum::extract::{Path, State};
use portfel_domain::Permission;
use portfel_domain::access::creating_organisation;
use portfel_monitoring::quarters::{QuarterFact, QuarterReport};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::Versioned;
use super::reports::ReturnReason;
use crate::auth::Auth;
use crate::extract::{IfMatch, JsonBody, QueryParams};
use crate::problem::ApiResult;
use crate::state::AppState;

/// A programme's quarterly reports
#[utoipa::path(get, path = "/api/v1/programmes/{id}/quarters", tag = "monitoring",
    params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, description = "Every quarterly report, by year, quarter and measure", body = [QuarterReport])))]
pub async fn list_quarters(
    _auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<QuarterReport>>> {
    portfel_store::programmes::get(state.store.db(), id).await?;
    Ok(Json(portfel_store::programme_quarters::list(state.store.db(), id).await?))
}

/// For whom a quarter is reported.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OnBehalf {
    /// The reporting organisation (admins only; initiators report for their own).
    pub organisation_id: Option<Uuid>,
}

/// Report a measure's quarter
#[utoipa::path(post, path = "/api/v1/programmes/{id}/quarters", tag = "monitoring", description = "An initiator of an organisation carrying out the measure reports what \
        it spent in a quarter that has begun and what was done. A report submitted or returned is replaced by a second one; an accepted one is final (409). \
        A measure's year is reported either by quarters or by one annual fact of the PIM unit (409 `year_annual`).",
    params(("id" = Uuid, Path, description = "Programme id"), OnBehalf),
    request_body(content = QuarterFact, example = json!({"measure": "1.2", "year": 2027, "quarter": 1, "amount": "120000.00", "narrative": "Укладено договір, виконано 30 % робіт"})),
    responses((status = 200, description = "Submitted", body = QuarterReport, headers(("ETag" = String)))))]
pub async fn submit_quarter(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    QueryParams(q): QueryParams<OnBehalf>,
    body: JsonBody<QuarterFact>,
) -> ApiResult<Versioned<QuarterReport>> {
    auth.require(Permission::WriteReports)?;
    let organisation = creating_organisation(&auth.claims.roles, auth.claims.org, q.organisation_id)?;
    auth.require_reporter(organisation)?;
    let fact = body.value()?;
    let today = chrono::Utc::now().date_naive();
    let report =
        portfel_store::programme_quarters::submit(state.store.db(), &auth.actor(), id, organisation, &fact, today)
            .await?;
    Ok(Versioned::ok(report.version, report))
}

/// Accept a quarterly report
#[utoipa::path(post, path = "/api/v1/programme-quarters/{id}/accept", tag = "monitoring", description = "The PIM unit accepts a submitted quarterly report: it counts in the year's fact and never changes after.",
    params(("id" = Uuid, Path, description = "Quarterly report id"), IfMatch),
    responses((status = 200, description = "Accepted", body = QuarterReport, headers(("ETag" = String)))))]
pub async fn accept_quarter(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
) -> ApiResult<Versioned<QuarterReport>> {
    auth.require(Permission::CheckReports)?;
    let report =
        portfel_store::programme_quarters::review(state.store.db(), &auth.actor(), id, version, true, None).await?;
    Ok(Versioned::ok(report.version, report))
}

/// Return a quarterly report
#[utoipa::path(post, path = "/api/v1/programme-quarters/{id}/return", tag = "monitoring", description = "The PIM unit returns a submitted quarterly report with what is to be fixed.",
    params(("id" = Uuid, Path, description = "Quarterly report id"), IfMatch),
    request_body = ReturnReason,
    responses((status = 200, description = "Returned with the reason", body = QuarterReport, headers(("ETag" = String)))))]
pub async fn return_quarter(
    auth: Auth,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    body: JsonBody<ReturnReason>,
) -> ApiResult<Versioned<QuarterReport>> {
    auth.require(Permission::CheckReports)?;
    let body = body.value()?;
    let returned = Some(body.given()?);
    let report =
        portfel_store::programme_quarters::review(state.store.db(), &auth.actor(), id, version, false, returned)
            .await?;
    Ok(Versioned::ok(report.version, report))
}
