//! JWT bearer authentication (HS256) and role checks.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use portfel_domain::access::Visibility;
use portfel_domain::{Permission, Role};
use portfel_store::Actor;
use portfel_store::access::Viewer;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::problem::ApiError;

/// Token settings shared by the server and the token issuer.
#[derive(Clone)]
pub struct JwtSettings {
    /// HS256 secret: signs new tokens and verifies them.
    pub secret: Vec<u8>,
    /// A previous secret that still verifies tokens (never signs), for key rotation.
    pub previous_secret: Option<Vec<u8>>,
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

    /// Verifies signature (with the current secret, then the previous one),
    /// algorithm, expiry, not-before, issue time, audience, issuer, subject,
    /// and that an initiator's token names its organisation.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[&self.audience]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "aud", "iss"]);
        validation.validate_nbf = true;
        validation.leeway = CLOCK_LEEWAY_SECONDS;
        let invalid = |e: jsonwebtoken::errors::Error| ApiError::Unauthorized(format!("invalid token: {e}"));
        let claims = match decode::<Claims>(token, &DecodingKey::from_secret(&self.secret), &validation) {
            Ok(data) => data.claims,
            Err(e) => match (&self.previous_secret, e.kind()) {
                (Some(previous), jsonwebtoken::errors::ErrorKind::InvalidSignature) => {
                    decode::<Claims>(token, &DecodingKey::from_secret(previous), &validation).map_err(invalid)?.claims
                }
                _ => return Err(invalid(e)),
            },
        };
        claims.check()?;
        Ok(claims)
    }
}

/// Clock difference tolerated between the token issuer and this server.
pub const CLOCK_LEEWAY_SECONDS: u64 = 30;

/// Fewest bytes a token secret may have.
pub const MIN_SECRET_BYTES: usize = 32;
/// Least estimated entropy of a token secret, in bits.
pub const MIN_SECRET_BITS: f64 = 128.0;

/// Checks a token secret: at least [`MIN_SECRET_BYTES`] bytes and an estimated
/// entropy of at least [`MIN_SECRET_BITS`] (the byte frequencies' Shannon
/// entropy times the length), so an empty, blank or repetitive secret is refused.
pub fn check_secret(secret: &[u8]) -> Result<(), String> {
    let advice = "use at least 32 random bytes, e.g. 64 hex digits from `openssl rand -hex 32`";
    if secret.len() < MIN_SECRET_BYTES {
        return Err(format!("the secret has {} bytes; {advice}", secret.len()));
    }
    let mut counts = [0usize; 256];
    for b in secret {
        counts[usize::from(*b)] += 1;
    }
    let n = secret.len() as f64;
    let per_byte: f64 = counts.iter().filter(|c| **c > 0).map(|c| *c as f64 / n).map(|p| -p * p.log2()).sum();
    if per_byte * n < MIN_SECRET_BITS {
        return Err(format!("the secret is too predictable (about {:.0} bits); {advice}", per_byte * n));
    }
    Ok(())
}

impl Claims {
    /// Checks what the signature does not: a subject, an issue time not in the
    /// future, and an organisation on initiator tokens.
    fn check(&self) -> Result<(), ApiError> {
        if self.sub.trim().is_empty() {
            return Err(ApiError::Unauthorized("invalid token: the subject (sub) is empty".into()));
        }
        if self.iat > Utc::now().timestamp() + CLOCK_LEEWAY_SECONDS as i64 {
            return Err(ApiError::Unauthorized("invalid token: issued in the future (iat)".into()));
        }
        if self.roles.contains(&Role::Initiator) && self.org.is_none() {
            return Err(ApiError::Unauthorized(
                "invalid token: an initiator's token must name its organisation (org)".into(),
            ));
        }
        Ok(())
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
    /// True when the caller's roles grant `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        permission.granted(&self.claims.roles)
    }

    /// Fails with 403 unless the caller's roles grant `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.may(permission) {
            Ok(())
        } else {
            let names = permission.roles().iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
            Err(ApiError::Forbidden(format!("this needs one of the roles: {names}")))
        }
    }

    /// Fails with 403 unless the caller writes reports and acts for the
    /// project's `organisation` ([`portfel_domain::access::acts_for`]).
    pub fn require_reporter(&self, organisation: Uuid) -> Result<(), ApiError> {
        self.require(Permission::WriteReports)?;
        if portfel_domain::access::acts_for(&self.claims.roles, self.claims.org, organisation) {
            Ok(())
        } else {
            Err(ApiError::Forbidden("initiators report on their own organisation's projects".into()))
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

    /// The caller as a reader, for the store's visibility rule.
    pub fn viewer(&self) -> Viewer {
        Viewer { sub: self.claims.sub.clone(), visibility: self.visibility(), expert: self.may(Permission::Score) }
    }
}

/// The token of an `Authorization: Bearer ...` header, if any (the scheme
/// name is case-insensitive).
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim_start();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The caller of any state that holds the token settings.
impl<S> FromRequestParts<S> for Auth
where
    Arc<JwtSettings>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let jwt = Arc::<JwtSettings>::from_ref(state);
        let token =
            bearer_token(&parts.headers).ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
        let claims = jwt.verify(token)?;
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
            previous_secret: None,
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

    #[test]
    fn previous_secret_verifies_but_never_signs() {
        let old = settings();
        let rotated = JwtSettings {
            secret: b"the-new-secret-after-rotation!!".to_vec(),
            previous_secret: Some(old.secret.clone()),
            ..settings()
        };
        let old_token = old.issue("x", None, &[Role::Admin], chrono::Duration::hours(1));
        assert_eq!(rotated.verify(&old_token).unwrap().sub, "x");
        let new_token = rotated.issue("y", None, &[Role::Admin], chrono::Duration::hours(1));
        assert!(old.verify(&new_token).is_err(), "new tokens are signed with the new secret");
        let dropped = JwtSettings { previous_secret: None, ..rotated };
        assert!(dropped.verify(&old_token).is_err());
    }

    #[test]
    fn weak_secrets_are_refused() {
        assert!(check_secret(b"").is_err());
        assert!(check_secret(b"    ").is_err());
        assert!(check_secret(&[b'a'; 64]).is_err());
        assert!(check_secret(b"abababababababababababababababab").is_err());
        assert!(check_secret(b"0123456789abcdef0123456789abcde").is_err(), "31 bytes");
        assert!(check_secret(b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08").is_ok());
    }

    #[test]
    fn claims_need_subject_past_issue_time_and_initiator_organisation() {
        let s = settings();
        let now = Utc::now().timestamp();
        let sign = |claims: &Claims| {
            encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(&s.secret)).unwrap()
        };
        let good = Claims {
            sub: "x".into(),
            org: None,
            roles: vec![Role::PimUnit],
            exp: now + 3600,
            iat: now,
            aud: s.audience.clone(),
            iss: s.issuer.clone(),
        };
        assert!(s.verify(&sign(&good)).is_ok());
        assert!(s.verify(&sign(&Claims { sub: " ".into(), ..good.clone() })).is_err(), "blank sub");
        assert!(s.verify(&sign(&Claims { iat: now + 600, ..good.clone() })).is_err(), "future iat");
        assert!(s.verify(&sign(&Claims { iat: now + 10, ..good.clone() })).is_ok(), "within the leeway");
        assert!(s.verify(&sign(&Claims { roles: vec![Role::Initiator], ..good.clone() })).is_err(), "no org");
        let with_org = Claims { roles: vec![Role::Initiator], org: Some(Uuid::now_v7()), ..good.clone() };
        assert!(s.verify(&sign(&with_org)).is_ok());
        let mut nbf = serde_json::to_value(&good).unwrap();
        nbf["nbf"] = serde_json::json!(now + 600);
        let token = encode(&Header::new(Algorithm::HS256), &nbf, &EncodingKey::from_secret(&s.secret)).unwrap();
        assert!(s.verify(&token).is_err(), "not yet valid");
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        let mut headers = axum::http::HeaderMap::new();
        for value in ["Bearer abc", "bearer abc", "BEARER  abc "] {
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            assert_eq!(bearer_token(&headers), Some("abc"), "{value}");
        }
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer_token(&headers), None);
    }
}
