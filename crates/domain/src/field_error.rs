//! A rule violation tied to one field of an input document.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::messages::{Lang, render};

/// One failing field: a JSON-pointer-like path, a stable code, the code's
/// parameters and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// Path of the field, dot-separated with indices, e.g. `costs[2].amount`.
    #[schema(example = "financing")]
    pub field: String,
    /// Stable machine-readable code, e.g. `financing_mismatch`.
    #[schema(example = "financing_mismatch")]
    pub code: String,
    /// The code's parameters (amounts as decimal strings, dates as ISO dates),
    /// from which the message is written in the reader's language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(example = json!({"year": "2027", "financed": "100.00", "cost": "120.00"}))]
    pub params: BTreeMap<String, String>,
    /// Human-readable explanation, in the language the request asked for.
    #[schema(example = "financing for 2027 (100.00) does not match the cost (120.00)")]
    pub message: String,
}

impl FieldError {
    /// Builds a field error with its own English message (for codes whose
    /// catalogue message needs no parameters).
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.to_owned(), params: BTreeMap::new(), message: message.into() }
    }

    /// Builds a field error of `code` with `params`, its message from the
    /// catalogue (English; [`FieldError::text`] gives other languages).
    pub fn of(field: impl Into<String>, code: &str, params: &[(&str, String)]) -> Self {
        let params: BTreeMap<String, String> = params.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        let message = render(code, &params, Lang::En).unwrap_or_else(|| code.to_owned());
        Self { field: field.into(), code: code.to_owned(), params, message }
    }

    /// The message in `lang`: the catalogue's, or the one given when the
    /// catalogue cannot write it.
    pub fn text(&self, lang: Lang) -> String {
        render(&self.code, &self.params, lang).unwrap_or_else(|| self.message.clone())
    }
}
