//! JWT bearer authentication (HS256) and role checks.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use portfel_domain::Role;
use portfel_domain::access::Visibility;
use portfel_store::Actor;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::problem::ApiError;
use crate::state::AppState;

/// Token settings shared by the server and the token issuer.
#[derive(Clone)]
pub struct JwtSettings {
    /// HS256 secret.
    pub secret: Vec<u8>,
    /// Expected `iss`.
    pub issuer: String,
    /// Expected `aud`.
    pub audience: String,
}

impl std::fmt::Debug for JwtSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtSettings")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// Claims carried by a Portfel token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// User login.
    pub sub: String,
    /// Organisation of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<Uuid>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Expiry (seconds since epoch).
    pub exp: i64,
    /// Issued at (seconds since epoch).
    pub iat: i64,
    /// Audience.
    pub aud: String,
    /// Issuer.
    pub iss: String,
}

impl JwtSettings {
    /// Issues a token valid for `ttl`.
    pub fn issue(&self, sub: &str, org: Option<Uuid>, roles: &[Role], ttl: chrono::Duration) -> String {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_owned(),
            org,
            roles: roles.to_vec(),
            iat: now,
            exp: now + ttl.num_seconds(),
            aud: self.audience.clone(),
            iss: self.issuer.clone(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&self.secret))
            .expect("HS256 encoding with a byte secret cannot fail")
    }

    /// Verifies signature, algorithm, expiry, audience and issuer.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[&self.audience]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "aud", "iss"]);
        validation.leeway = 30;
        decode::<Claims>(token, &DecodingKey::from_secret(&self.secret), &validation)
            .map(|data| data.claims)
            .map_err(|e| ApiError::Unauthorized(format!("invalid token: {e}")))
    }
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Auth {
    /// Verified claims.
    pub claims: Claims,
    /// Id of the request, for the audit log.
    pub request_id: Option<String>,
}

impl Auth {
    /// True when the caller has any of `roles`.
    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.claims.roles.iter().any(|r| roles.contains(r))
    }

    /// Fails with 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if self.has_any(roles) {
            Ok(())
        } else {
            let names = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
            Err(ApiError::Forbidden(format!("this needs one of the roles: {names}")))
        }
    }

    /// The caller as the store records it.
    pub fn actor(&self) -> Actor {
        Actor { sub: self.claims.sub.clone(), organisation: self.claims.org, request_id: self.request_id.clone() }
    }

    /// Which passports the caller may see.
    pub fn visibility(&self) -> Visibility {
        Visibility::of(&self.claims.roles, self.claims.org)
    }
}

/// Extracts the bearer token, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
        let claims = state.jwt.verify(token)?;
        let request_id = parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Auth { claims, request_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> JwtSettings {
        JwtSettings {
            secret: b"test-secret-test-secret".to_vec(),
            issuer: "portfel".into(),
            audience: "portfel-api".into(),
        }
    }

    #[test]
    fn issued_tokens_verify() {
        let s = settings();
        let token = s.issue("olena", None, &[Role::PimUnit], chrono::Duration::hours(1));
        let claims = s.verify(&token).unwrap();
        assert_eq!(claims.sub, "olena");
        assert_eq!(claims.roles, vec![Role::PimUnit]);
    }

    #[test]
    fn wrong_secret_audience_or_expiry_fail() {
        let s = settings();
        let other = JwtSettings { secret: b"another-secret-entirely".to_vec(), ..settings() };
        let token = other.issue("x", None, &[Role::Admin], chrono::Duration::hours(1));
        assert!(s.verify(&token).is_err());
        let wrong_aud = JwtSettings { audience: "elsewhere".into(), ..settings() };
        assert!(s.verify(&wrong_aud.issue("x", None, &[Role::Admin], chrono::Duration::hours(1))).is_err());
        assert!(s.verify(&s.issue("x", None, &[Role::Admin], chrono::Duration::hours(-1))).is_err());
    }
}
