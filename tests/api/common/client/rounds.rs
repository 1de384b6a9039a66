//! Evaluation: methodologies, rounds, assignments, scores and results.

use portfel_scoring::round::{Assignment, Disagreement, MethodologyRecord, Round, RoundProject, RoundResults};
use portfel_scoring::scorecard::ScoreCard;
use portfel_scoring::sensitivity::SensitivityReport;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Caller, Refused};

/// A project of a round (`/api/v1/rounds/{round}/projects/{passport}{rest}`).
fn project(round: Uuid, passport: Uuid, rest: &str) -> String {
    format!("/api/v1/rounds/{round}/projects/{passport}{rest}")
}

impl Caller<'_> {
    /// Creates a user (admin).
    pub async fn create_user(&self, sub: &str, organisation: Uuid, roles: &[&str]) -> Result<Value, Refused> {
        let body = json!({"sub": sub, "full_name": sub, "organisation_id": organisation, "roles": roles});
        self.call(Method::POST, "/api/v1/users", None, Some(&body)).await
    }

    /// Every methodology version.
    pub async fn methodologies(&self) -> Result<Vec<MethodologyRecord>, Refused> {
        self.call(Method::GET, "/api/v1/methodologies", None, None).await
    }

    /// Opens a round with an approved methodology.
    pub async fn open_round(&self, name: &str, methodology: Uuid, deadline: &str) -> Result<Round, Refused> {
        let body = json!({"name": name, "methodology_id": methodology, "deadline": deadline});
        self.call(Method::POST, "/api/v1/rounds", None, Some(&body)).await
    }

    /// Reads a round.
    pub async fn round(&self, id: Uuid) -> Result<Round, Refused> {
        self.call(Method::GET, &format!("/api/v1/rounds/{id}"), None, None).await
    }

    /// Adds passports to the round held at `version`.
    pub async fn add_to_round(&self, id: Uuid, version: i32, passports: &[Uuid]) -> Result<Vec<RoundProject>, Refused> {
        let body = json!({"passport_ids": passports});
        self.call(Method::POST, &format!("/api/v1/rounds/{id}/projects"), Some(version), Some(&body)).await
    }

    /// Screens the round's projects against the gates.
    pub async fn screen(&self, id: Uuid, version: i32) -> Result<Vec<RoundProject>, Refused> {
        self.call(Method::POST, &format!("/api/v1/rounds/{id}/screen"), Some(version), None).await
    }

    /// Assigns experts from `pool` to every eligible project short of experts.
    pub async fn assign(&self, id: Uuid, version: i32, pool: &[&str]) -> Result<Vec<Assignment>, Refused> {
        let body = json!({"experts": pool});
        self.call(Method::POST, &format!("/api/v1/rounds/{id}/assign"), Some(version), Some(&body)).await
    }

    /// Every assignment of the round.
    pub async fn assignments(&self, id: Uuid) -> Result<Vec<Assignment>, Refused> {
        self.call(Method::GET, &format!("/api/v1/rounds/{id}/assignments"), None, None).await
    }

    /// Declares whether the caller (an expert) has a conflict of interest.
    pub async fn declare(
        &self,
        round: Uuid,
        passport: Uuid,
        conflict: bool,
        note: Option<&str>,
    ) -> Result<Assignment, Refused> {
        let body = json!({"conflict": conflict, "note": note});
        self.call(Method::POST, &project(round, passport, "/declaration"), None, Some(&body)).await
    }

    /// Saves the caller's scores as a draft, or submits them.
    pub async fn put_scores(
        &self,
        round: Uuid,
        passport: Uuid,
        scores: &Value,
        submit: bool,
    ) -> Result<Assignment, Refused> {
        let body = json!({"scores": scores, "submit": submit});
        self.call(Method::PUT, &project(round, passport, "/scores"), None, Some(&body)).await
    }

    /// The scores the caller may see on a project.
    pub async fn scores(&self, round: Uuid, passport: Uuid) -> Result<Vec<Assignment>, Refused> {
        self.call(Method::GET, &project(round, passport, "/scores"), None, None).await
    }

    /// Reopens one expert's submitted scores.
    pub async fn reopen(&self, round: Uuid, passport: Uuid, expert: &str, reason: &str) -> Result<Assignment, Refused> {
        let path = project(round, passport, &format!("/experts/{expert}/reopen"));
        self.call(Method::POST, &path, None, Some(&json!({"reason": reason}))).await
    }

    /// Where experts disagree beyond the threshold.
    pub async fn disagreements(&self, id: Uuid) -> Result<Vec<Disagreement>, Refused> {
        self.call(Method::GET, &format!("/api/v1/rounds/{id}/disagreements"), None, None).await
    }

    /// Records the consensus reached on a criterion.
    pub async fn consensus(
        &self,
        round: Uuid,
        passport: Uuid,
        criterion: &str,
        note: &str,
    ) -> Result<RoundProject, Refused> {
        let body = json!({"criterion": criterion, "note": note});
        self.call(Method::POST, &project(round, passport, "/consensus"), None, Some(&body)).await
    }

    /// Closes the round held at `version` with sensitivity settings `body`.
    pub async fn close_round(&self, id: Uuid, version: i32, body: &Value) -> Result<RoundResults, Refused> {
        self.call(Method::POST, &format!("/api/v1/rounds/{id}/close"), Some(version), Some(body)).await
    }

    /// A project's score card.
    pub async fn scorecard(&self, round: Uuid, passport: Uuid) -> Result<ScoreCard, Refused> {
        self.call(Method::GET, &project(round, passport, "/scorecard"), None, None).await
    }

    /// Runs the weight-sensitivity analysis with settings `body`.
    pub async fn sensitivity(&self, id: Uuid, body: &Value) -> Result<SensitivityReport, Refused> {
        self.call(Method::POST, &format!("/api/v1/rounds/{id}/sensitivity"), None, Some(body)).await
    }
}
