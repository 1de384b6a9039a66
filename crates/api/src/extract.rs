//! Request extractors that turn every malformed input into a problem naming
//! the field: JSON bodies, query strings, `If-Match`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::problem::ApiError;
use crate::state::AppState;
use crate::unique_keys::Refusal;

/// A JSON body, parsed with the path of any failing field.
///
/// The media type must be `application/json`; the body must hold exactly one
/// JSON value; every string in it must be free of control characters and is
/// stored in Unicode NFC. A malformed body is reported only when the handler
/// asks for the value with [`JsonBody::value`], after its role checks, so a
/// caller without the right role learns 403 and nothing about the body.
#[derive(Debug)]
pub struct JsonBody<T>(Result<T, ApiError>);

impl<T> JsonBody<T> {
    /// The parsed body, or the problem with it.
    pub fn value(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned> JsonBody<T> {
    /// A body given as a JSON value (by the web workspace's forms), checked
    /// exactly as a request body is: control characters, NFC, field paths.
    pub fn from_value(value: serde_json::Value) -> Self {
        JsonBody(checked_value(value))
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let media_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
        if media_type.as_deref() != Some("application/json") {
            return Ok(JsonBody(Err(ApiError::UnsupportedMediaType(
                "the body must be JSON with Content-Type: application/json".into(),
            ))));
        }
        let bytes = read_body(req, state).await?;
        Ok(JsonBody(parse_json(&bytes)))
    }
}

/// Reads a whole request body: 413 over the body limit, 408 when it stops
/// arriving (see [`crate::state::Timeouts`]), 400 when the connection fails.
pub async fn read_body(req: Request, state: &AppState) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::PayloadTooLarge(state.body_limit);
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(error) = source {
            if error.is::<tower_http::timeout::TimeoutError>() {
                return ApiError::RequestTimeout(state.timeouts.body.as_secs());
            }
            source = error.source();
        }
        ApiError::BadRequest { detail: e.body_text(), errors: vec![] }
    })
}

/// Parses exactly one JSON value, reporting syntax errors (and trailing data)
/// as 400, duplicate keys, strings with control characters and data errors
/// as 422 naming the field. Every string comes out in Unicode NFC.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value = crate::unique_keys::parse(bytes).map_err(|refusal| match refusal {
        Refusal::Malformed(e) => ApiError::bad_field("body", "malformed_json", format!("malformed JSON: {e}")),
        Refusal::DuplicateKey(path) => ApiError::Validation(vec![portfel_domain::FieldError::new(
            path,
            "duplicate_key",
            "the key appears more than once in its object; send it once",
        )]),
    })?;
    checked_value(value)
}

/// Checks the strings of one JSON value and deserialises it, naming the
/// failing field.
fn checked_value<T: DeserializeOwned>(mut value: serde_json::Value) -> Result<T, ApiError> {
    let mut errors = Vec::new();
    clean_strings(&mut value, &mut String::new(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = match e.path().to_string() {
            p if p == "." => "body".to_owned(),
            p => p,
        };
        ApiError::Validation(vec![serde_refusal(field, &e.into_inner().to_string())])
    })
}

/// A deserialisation error as a field error with a catalogue code: a
/// missing or null value is `required`, an unreadable amount
/// `invalid_amount` naming the text as sent; anything else `invalid_value`.
fn serde_refusal(field: String, message: &str) -> portfel_domain::FieldError {
    use portfel_domain::FieldError;
    if message.starts_with("invalid type: null") || message.starts_with("missing field") {
        return FieldError { message: message.to_owned(), ..FieldError::of(field, "required", &[]) };
    }
    // `portfel_domain::money` writes `invalid amount "<text>": <reason>`.
    if let Some(rest) = message.strip_prefix("invalid amount \"")
        && let Some((text, _)) = rest.rsplit_once("\":")
    {
        return FieldError {
            message: message.to_owned(),
            ..FieldError::of(field, "invalid_amount", &[("value", text.to_owned())])
        };
    }
    FieldError::new(field, "invalid_value", message)
}

/// Normalises every string (and object key) of `value` to NFC, collecting a
/// field error for each one holding a control character.
fn clean_strings(value: &mut serde_json::Value, path: &mut String, errors: &mut Vec<portfel_domain::FieldError>) {
    use serde_json::Value;
    match value {
        Value::String(text) => match portfel_domain::text::normalise(text) {
            Ok(std::borrow::Cow::Owned(normal)) => *text = normal,
            Ok(std::borrow::Cow::Borrowed(_)) => {}
            Err(e) => errors.push(control_error(path, e)),
        },
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                clean_strings(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key);
                let key = match portfel_domain::text::normalise(&key) {
                    Ok(normal) => normal.into_owned(),
                    Err(e) => {
                        errors.push(control_error(path, e));
                        key
                    }
                };
                clean_strings(&mut item, path, errors);
                path.truncate(len);
                map.insert(key, item);
            }
        }
        Value::Number(number) => {
            // JSON Schema counts 3.0 as an integer; so does the server.
            if let Some(f) = number.as_f64().filter(|f| number.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15) {
                *number = serde_json::Number::from(f as i64);
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
}

fn control_error(path: &str, e: portfel_domain::text::TextError) -> portfel_domain::FieldError {
    let field = if path.is_empty() { "body" } else { path };
    portfel_domain::FieldError::new(field, "control_character", e.to_string())
}

/// A query string, parsed with the name of any failing parameter.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let mut pairs = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match portfel_domain::text::normalise(&value) {
                Ok(normal) => pairs.push((name.into_owned(), normal.into_owned())),
                Err(e) => return Err(ApiError::bad_field(&name, "control_character", e.to_string())),
            }
        }
        let normalised = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(normalised.as_bytes()));
        serde_path_to_error::deserialize(de).map(QueryParams).map_err(|e| {
            let field = e.path().to_string();
            ApiError::bad_field(&field, "invalid_parameter", e.into_inner().to_string())
        })
    }
}

/// The version named by `If-Match` (our ETags are `"<version>"`).
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub i32);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let value = parts.headers.get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
        value.to_str().ok().and_then(parse_etag).map(IfMatch).ok_or_else(|| {
            ApiError::bad_field("If-Match", "invalid_etag", "If-Match must be an ETag returned by this API, e.g. \"3\"")
        })
    }
}

/// Pattern of an `ETag` / `If-Match` value.
pub const ETAG_PATTERN: &str = "^(W/)?\"[0-9]{1,9}\"$";

impl utoipa::IntoParams for IfMatch {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        let schema = ObjectBuilder::new().schema_type(Type::String).pattern(Some(ETAG_PATTERN));
        vec![
            ParameterBuilder::new()
                .name("If-Match")
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some("The `ETag` of the resource as last read, e.g. `\"3\"`; a stale one gets 412"))
                .schema(Some(schema))
                .build(),
        ]
    }
}

/// The version of an ETag as this API writes it: `"<version>"`, optionally weak (`W/"3"`).
fn parse_etag(value: &str) -> Option<i32> {
    let quoted = value.strip_prefix("W/").unwrap_or(value);
    let digits = quoted.strip_prefix('"')?.strip_suffix('"')?;
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The `ETag` value for a version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_quoted_versions() {
        assert_eq!(parse_etag("\"3\""), Some(3));
        assert_eq!(parse_etag("W/\"12\""), Some(12));
        for bad in ["3", "\"\"", "\"-1\"", "\"3", "\"1234567890\"", "\" 3\"", "*"] {
            assert_eq!(parse_etag(bad), None, "{bad}");
        }
    }

    #[test]
    fn integral_floats_are_integers_and_text_is_clean() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Body {
            trials: u32,
            name: String,
        }
        let body: Body = parse_json(br#"{"trials": 6961.0, "name": "\u0438\u0306"}"#).unwrap();
        assert_eq!(body, Body { trials: 6961, name: "й".into() });
        assert!(parse_json::<Body>(br#"{"trials": 1.5, "name": "x"}"#).is_err());
    }
}
