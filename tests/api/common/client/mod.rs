//! A typed client of the API: one caller (a token) and helpers per area that
//! send a request and return its typed body, or the refusal's status and
//! problem. Tests read as the steps people take: `pim.build_portfolio(..)`,
//! `council.approve_portfolio(..)`, `expert.declare(..)`.

use portfel_domain::records::Passport;
use portfel_planning::council::{Portfolio, PortfolioContent};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{IfMatchExt, TestApp, send};

mod rounds;

/// A request the API refused: its status and problem document.
#[derive(Debug)]
pub struct Refused {
    /// HTTP status.
    pub status: u16,
    /// The problem document.
    pub problem: Value,
}

/// Someone calling the API with one token.
pub struct Caller<'a> {
    app: &'a TestApp,
    token: String,
}

impl TestApp {
    /// A caller with `token`.
    pub fn caller(&self, token: impl Into<String>) -> Caller<'_> {
        Caller { app: self, token: token.into() }
    }
}

impl Caller<'_> {
    /// Sends `method path` (with `If-Match: version` and a JSON `body` when
    /// given) and reads a 2xx answer as `T`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        version: Option<i32>,
        body: Option<&Value>,
    ) -> Result<T, Refused> {
        let mut request = self.app.req(method.clone(), path, &self.token);
        if let Some(v) = version {
            request = request.if_match(v);
        }
        if let Some(b) = body {
            request = request.json(b);
        }
        let (status, value) = send(request).await;
        if !(200..300).contains(&status) {
            return Err(Refused { status, problem: value });
        }
        Ok(serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("[{}] {method} {path}: {e} in {value}", self.app.backend)))
    }

    /// Creates a passport.
    pub async fn create_passport(&self, body: &Value) -> Result<Passport, Refused> {
        self.call(Method::POST, "/api/v1/passports", None, Some(body)).await
    }

    /// Reads a passport.
    pub async fn passport(&self, id: Uuid) -> Result<Passport, Refused> {
        self.call(Method::GET, &format!("/api/v1/passports/{id}"), None, None).await
    }

    /// Moves a passport held at `version` to state `to`.
    pub async fn move_passport(&self, id: Uuid, version: i32, to: &str) -> Result<Passport, Refused> {
        let path = format!("/api/v1/passports/{id}/transitions");
        self.call(Method::POST, &path, Some(version), Some(&json!({"to": to}))).await
    }

    /// Builds a draft portfolio from the closed round `round` with at least `min_score`.
    pub async fn build_portfolio(&self, round: &str, min_score: &str) -> Result<Portfolio, Refused> {
        let body = json!({"round_id": round, "min_score": min_score});
        self.call(Method::POST, "/api/v1/portfolios", None, Some(&body)).await
    }

    /// Rebuilds a draft portfolio held at `version`.
    pub async fn rebuild_portfolio(&self, p: &Portfolio, min_score: &str) -> Result<Portfolio, Refused> {
        let body = json!({"round_id": p.content.round_id, "min_score": min_score});
        let path = format!("/api/v1/portfolios/{}", p.workflow.id);
        self.call(Method::PUT, &path, Some(p.workflow.version), Some(&body)).await
    }

    /// Takes a portfolio one workflow step (`submit`, `approve` with `body`, `return` with `body`).
    pub async fn portfolio_step(&self, p: &Portfolio, step: &str, body: Option<&Value>) -> Result<Portfolio, Refused> {
        let path = format!("/api/v1/portfolios/{}/{step}", p.workflow.id);
        self.call(Method::POST, &path, Some(p.workflow.version), body).await
    }

    /// Puts a portfolio before the council.
    pub async fn submit_portfolio(&self, p: &Portfolio) -> Result<Portfolio, Refused> {
        self.portfolio_step(p, "submit", None).await
    }

    /// Approves a portfolio with decision `number` of `date`.
    pub async fn approve_portfolio(&self, p: &Portfolio, number: &str, date: &str) -> Result<Portfolio, Refused> {
        self.portfolio_step(p, "approve", Some(&json!({"number": number, "date": date}))).await
    }

    /// Returns a portfolio with `comment`.
    pub async fn return_portfolio(&self, p: &Portfolio, comment: &str) -> Result<Portfolio, Refused> {
        self.portfolio_step(p, "return", Some(&json!({"comment": comment}))).await
    }

    /// Starts a new draft amending `p`.
    pub async fn amend_portfolio(&self, p: &Portfolio, content: &PortfolioContent) -> Result<Portfolio, Refused> {
        let body = json!({"round_id": content.round_id, "min_score": content.min_score});
        self.call(Method::POST, &format!("/api/v1/portfolios/{}/amendments", p.workflow.id), None, Some(&body)).await
    }

    /// Every portfolio version the caller may read.
    pub async fn portfolios(&self) -> Result<Vec<Portfolio>, Refused> {
        self.call(Method::GET, "/api/v1/portfolios", None, None).await
    }
}
