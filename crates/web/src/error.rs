//! Why a page cannot be shown (the `error_page` module renders it).

use portfel_api::problem::ApiError;

/// Why a page cannot be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page, then back to this path.
    SignIn(String),
    /// The API refused (403, 404, 409, 412, 422, ...).
    Api(ApiError),
    /// A form without the session's CSRF token.
    Csrf,
    /// A body that is not a form.
    BadForm,
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError::Api(e)
    }
}

impl From<serde_json::Error> for PageError {
    fn from(e: serde_json::Error) -> Self {
        PageError::Api(ApiError::Internal(e.to_string()))
    }
}

impl From<portfel_store::StoreError> for PageError {
    fn from(e: portfel_store::StoreError) -> Self {
        PageError::Api(e.into())
    }
}

/// What a page handler returns.
pub type PageResult<T> = Result<T, PageError>;
