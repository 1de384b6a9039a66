//! The papers people sign, as files they can open, edit and print: built
//! from the rules' results (never re-deciding them), in Ukrainian, with
//! Ukrainian typography. Pure: bytes out, no IO.

pub mod concept;
pub mod conclusion;
pub mod council;
pub mod plan_decision;
pub mod portfolio_decision;
pub mod programme_report;
pub mod typography;
pub mod word;

/// Why a document could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The DOCX writer failed.
    #[error("DOCX: {0}")]
    Docx(String),
    /// The XLSX writer failed.
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Who issues a paper: the hromada named at its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    /// The hromada's (or council's) name.
    pub hromada: String,
}
