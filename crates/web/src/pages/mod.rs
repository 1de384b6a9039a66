//! The workspace's pages, one module per part of the cycle.

mod attachments;
mod completion;
mod council;
mod evaluations;
mod expert;
mod inbox;
mod meetings;
mod monitoring;
mod names;
mod passports;
mod plans;
mod portfolios;
mod programme_facts;
mod programme_form;
mod programme_quarters;
mod programme_versions;
mod reports;
mod rounds;
mod sign_in;
mod tasks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use portfel_planning::council::{PlanContent, PortfolioContent};

use crate::WebState;
use crate::session::Signed;

/// Every page.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(sign_in::form).post(sign_in::sign_in))
        .route("/logout", post(sign_in::sign_out))
        .route("/tasks", get(tasks::list))
        .route("/inbox", get(inbox::list))
        .route("/meetings", get(meetings::list))
        .route("/inbox/read", post(inbox::read_all))
        .route("/inbox/settings", post(inbox::settings))
        .route("/inbox/{id}/read", post(inbox::read))
        .route("/passports", get(passports::list).post(passports::create))
        .route("/passports/new", get(passports::new_form))
        .route("/passports/{id}", get(passports::show).post(passports::update))
        .route("/passports/{id}/edit", get(passports::edit_form))
        .route("/passports/{id}/print", get(passports::print))
        .route("/passports/{id}/concept.docx", get(passports::concept))
        .route("/passports/{id}/transition", post(passports::transition))
        .route("/attachments", post(attachments::upload).layer(DefaultBodyLimit::disable()))
        .route("/attachments/{id}", get(attachments::download))
        .route("/attachments/{id}/replace", post(attachments::replace).layer(DefaultBodyLimit::disable()))
        .route("/attachments/{id}/remove", post(attachments::remove))
        .route("/rounds", get(rounds::list).post(rounds::create))
        .route("/rounds/{id}", get(rounds::show))
        .route("/rounds/{id}/{step}", post(rounds::step))
        .route("/rounds/{id}/projects/{pid}/consensus", post(rounds::consensus))
        .route("/rounds/{id}/projects/{pid}/{action}", post(rounds::membership))
        .route("/rounds/{id}/projects/{pid}/experts/{sub}/reopen", post(rounds::reopen))
        .route("/rounds/{id}/projects/{pid}/card", get(council::score_card))
        .route("/assignments", get(expert::assignments))
        .route("/rounds/{id}/projects/{pid}/score", get(expert::score_form).post(expert::save_scores))
        .route("/rounds/{id}/projects/{pid}/declaration", post(expert::declare))
        .route("/portfolios", get(portfolios::list).post(portfolios::create))
        .route("/portfolios/{id}", get(portfolios::show))
        .route("/portfolios/{id}/print", get(portfolios::print))
        .route("/portfolios/{id}/decision.docx", get(portfolios::decision))
        .route("/portfolios/{id}/diff/{other}", get(portfolios::diff))
        .route("/portfolios/{id}/{action}", post(council::workflow_action::<PortfolioContent>))
        .route("/passports/{id}/reports", post(reports::create))
        .route("/passports/{id}/reports/new", get(reports::new_form))
        .route("/reports/{id}", get(reports::show).post(reports::update))
        .route("/reports/{id}/edit", get(reports::edit_form))
        .route("/reports/{id}/{action}", post(reports::decide))
        .route("/passports/{id}/completion", get(completion::of_project).post(completion::create))
        .route("/completions/{id}", get(completion::show).post(completion::update))
        .route("/completions/{id}/edit", get(completion::edit_form))
        .route("/completions/{id}/{action}", post(completion::decide))
        .route("/evaluations", get(evaluations::register))
        .route("/passports/{id}/evaluation", post(evaluations::begin))
        .route("/evaluations/{id}", get(evaluations::show).post(evaluations::save))
        .route("/evaluations/{id}/sign-off", post(evaluations::sign_off))
        .route("/evaluations/{id}/print", get(evaluations::print))
        .route("/evaluations/{id}/conclusion.docx", get(evaluations::conclusion))
        .route("/monitoring", get(monitoring::summary))
        .route("/monitoring/summary.{ext}", get(monitoring::summary_download))
        .route("/programmes", get(monitoring::programmes).post(programme_form::create))
        .route("/programmes/new", get(programme_form::new_form))
        .route("/programmes/{id}", get(monitoring::programme).post(programme_form::update))
        .route("/programmes/{id}/edit", get(programme_form::edit_form))
        .route("/programmes/{id}/facts", get(programme_facts::form).post(programme_facts::record))
        .route("/programmes/{id}/versions", get(programme_versions::history))
        .route("/programmes/{id}/quarters", get(programme_quarters::list).post(programme_quarters::submit))
        .route("/programme-quarters/{id}/accept", post(programme_quarters::accept))
        .route("/programme-quarters/{id}/return", post(programme_quarters::give_back))
        .route("/programmes/{id}/report.{ext}", get(monitoring::programme_download))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/{id}", get(plans::show))
        .route("/plans/{id}/print", get(plans::print))
        .route("/plans/{id}/decision.docx", get(plans::decision))
        .route("/plans/{id}/diff/{other}", get(plans::diff))
        .route("/plans/{id}/scenarios", get(plans::scenario_form).post(plans::scenario))
        .route("/plans/{id}/{action}", post(council::workflow_action::<PlanContent>))
}

/// The start page: the first section the navigation offers the user.
async fn home(user: Signed) -> Response {
    let first = crate::layout::NAVIGATION.into_iter().find(|(_, _, permission)| user.may(*permission));
    Redirect::to(first.map_or("/passports", |(href, _, _)| href)).into_response()
}
