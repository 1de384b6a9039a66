//! Store errors.

use portfel_domain::FieldError;
use sea_orm::{DbErr, SqlErr};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such resource.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The resource changed since the version the caller holds.
    #[error("version mismatch: the resource is at version {current}")]
    VersionMismatch {
        /// Version now stored.
        current: i32,
    },
    /// A uniqueness rule or another state rule refused the write.
    #[error("{}", .0.message)]
    Conflict(FieldError),
    /// The input refers to something that does not exist or breaks a stored rule.
    #[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// Stored data could not be decoded.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database cannot be reached: no connection could be made or had from the pool.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The file store failed (disk or object store).
    #[error("file store: {0}")]
    Files(String),
    /// The database failed.
    #[error(transparent)]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        match e {
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => StoreError::Unavailable(e.to_string()),
            other => StoreError::Db(other),
        }
    }
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// One invalid field.
    pub(crate) fn invalid(field: impl Into<String>, code: &str, message: impl Into<String>) -> StoreError {
        StoreError::Invalid(vec![FieldError::new(field, code, message)])
    }

    /// Turns a unique-constraint violation into a [`StoreError::Conflict`].
    pub(crate) fn unique(err: DbErr, what: &str) -> StoreError {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                StoreError::Conflict(FieldError::of("state", "already_exists", &[("what", what.to_owned())]))
            }
            _ => StoreError::from(err),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

impl From<portfel_scoring::round::Frozen> for StoreError {
    fn from(e: portfel_scoring::round::Frozen) -> Self {
        StoreError::Conflict(e.refusal())
    }
}

impl From<portfel_scoring::assignment::Refusal> for StoreError {
    fn from(e: portfel_scoring::assignment::Refusal) -> Self {
        StoreError::Conflict(e.refusal())
    }
}

impl From<portfel_scoring::assignment::ScoringRefusal> for StoreError {
    fn from(e: portfel_scoring::assignment::ScoringRefusal) -> Self {
        match e {
            portfel_scoring::assignment::ScoringRefusal::State(refusal) => refusal.into(),
            portfel_scoring::assignment::ScoringRefusal::Invalid(errors) => StoreError::Invalid(errors),
        }
    }
}

impl From<portfel_monitoring::reporting::Refusal> for StoreError {
    fn from(e: portfel_monitoring::reporting::Refusal) -> Self {
        StoreError::Conflict(e.refusal())
    }
}

impl From<portfel_planning::workflow::Refusal> for StoreError {
    fn from(e: portfel_planning::workflow::Refusal) -> Self {
        StoreError::Conflict(e.refusal())
    }
}
