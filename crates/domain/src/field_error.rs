//! A rule violation tied to one field of an input document.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One failing field: a JSON-pointer-like path, a stable code and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// Path of the field, dot-separated with indices, e.g. `costs[2].amount`.
    #[schema(example = "financing")]
    pub field: String,
    /// Stable machine-readable code, e.g. `financing_mismatch`.
    #[schema(example = "financing_mismatch")]
    pub code: String,
    /// Human-readable explanation.
    #[schema(example = "financing for 2027 (100.00) does not match cost (120.00)")]
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.to_owned(), message: message.into() }
    }
}
