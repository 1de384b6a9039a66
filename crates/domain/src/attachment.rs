//! Attached files: what they belong to, which types are accepted (taken
//! from the content, never from the name), how a name is cleaned, and when
//! an owner's files may change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::lifecycle::Status;
use crate::passport::DocumentKind;

/// What a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum OwnerKind {
    /// A project passport (its readiness evidence).
    Passport,
    /// An implementation report.
    Report,
    /// A target programme (its decisions and amendments).
    Programme,
    /// A version of the single project portfolio (the council's decision).
    Portfolio,
    /// A version of the medium-term plan (the council's decision).
    Plan,
    /// A project's completion report (acts of works, handover, photos).
    Completion,
    /// A project's ex-post evaluation (its evidence).
    Evaluation,
}

impl OwnerKind {
    /// Every kind.
    pub const ALL: [OwnerKind; 7] = [
        OwnerKind::Passport,
        OwnerKind::Report,
        OwnerKind::Programme,
        OwnerKind::Portfolio,
        OwnerKind::Plan,
        OwnerKind::Completion,
        OwnerKind::Evaluation,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Passport => "passport",
            OwnerKind::Report => "report",
            OwnerKind::Programme => "programme",
            OwnerKind::Portfolio => "portfolio",
            OwnerKind::Plan => "plan",
            OwnerKind::Completion => "completion",
            OwnerKind::Evaluation => "evaluation",
        }
    }

    /// The kind with the stored `code`.
    pub fn parse(code: &str) -> Option<OwnerKind> {
        OwnerKind::ALL.into_iter().find(|k| k.as_str() == code)
    }
}

/// A file type on the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum FileType {
    Pdf,
    Docx,
    Xlsx,
    Odt,
    Ods,
    Jpeg,
    Png,
    Zip,
    P7s,
}

impl FileType {
    /// Every accepted type.
    pub const ALL: [FileType; 9] = [
        FileType::Pdf,
        FileType::Docx,
        FileType::Xlsx,
        FileType::Odt,
        FileType::Ods,
        FileType::Jpeg,
        FileType::Png,
        FileType::Zip,
        FileType::P7s,
    ];

    /// The media type a download is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Odt => "application/vnd.oasis.opendocument.text",
            FileType::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Zip => "application/zip",
            FileType::P7s => "application/pkcs7-signature",
        }
    }

    /// The type served as `media_type`.
    pub fn from_media_type(media_type: &str) -> Option<FileType> {
        FileType::ALL.into_iter().find(|t| t.media_type() == media_type)
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Docx => "DOCX",
            FileType::Xlsx => "XLSX",
            FileType::Odt => "ODT",
            FileType::Ods => "ODS",
            FileType::Jpeg => "JPEG",
            FileType::Png => "PNG",
            FileType::Zip => "ZIP",
            FileType::P7s => "P7S",
        }
    }
}

/// How many first bytes of a file [`sniff`] wants to see (fewer when the file is shorter).
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The type of a file whose first bytes are `head`, when it is on the
/// allow-list. Office documents are told apart by the entries of their ZIP
/// container; a `.p7s` is a PKCS #7 signed-data structure, DER or PEM.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    use infer::{archive, doc, image, odf};
    let found = [
        (doc::is_docx as fn(&[u8]) -> bool, FileType::Docx),
        (doc::is_xlsx, FileType::Xlsx),
        (odf::is_odt, FileType::Odt),
        (odf::is_ods, FileType::Ods),
        (archive::is_pdf, FileType::Pdf),
        (image::is_jpeg, FileType::Jpeg),
        (image::is_png, FileType::Png),
        (archive::is_zip, FileType::Zip),
        (is_signature, FileType::P7s),
    ];
    found.into_iter().find(|(is, _)| is(head)).map(|(_, t)| t)
}

/// The object identifier of PKCS #7 signed data (1.2.840.113549.1.7.2), DER-encoded.
const SIGNED_DATA: [u8; 11] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];

fn is_signature(head: &[u8]) -> bool {
    if head.starts_with(b"-----BEGIN PKCS7-----") || head.starts_with(b"-----BEGIN CMS-----") {
        return true;
    }
    // A DER SEQUENCE whose content type comes within its first bytes.
    head.first() == Some(&0x30) && head[..head.len().min(32)].windows(SIGNED_DATA.len()).any(|w| w == SIGNED_DATA)
}

/// Longest kept name, characters.
pub const NAME_CHARS: usize = 200;

/// A file's name as it is kept: only its last path part, without control
/// or text-direction characters, trimmed of spaces and dots at the ends,
/// at most [`NAME_CHARS`] characters (the extension kept); «файл» when
/// nothing is left.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last.chars().filter(|c| !c.is_control() && !crate::text::is_direction_control(*c)).collect();
    let trimmed = kept.trim_matches(|c: char| c.is_whitespace() || c == '.');
    if trimmed.is_empty() {
        return "файл".to_owned();
    }
    if trimmed.chars().count() <= NAME_CHARS {
        return trimmed.to_owned();
    }
    let (stem, extension) = match trimmed.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 10 && !stem.is_empty() => (stem, Some(ext)),
        _ => (trimmed, None),
    };
    let room = NAME_CHARS - extension.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    match extension {
        Some(ext) => format!("{}.{ext}", stem.trim_end()),
        None => stem.trim_end().to_owned(),
    }
}

/// A stored file attached to an owner. Rows never change except to be
/// marked removed; a replacement is a new row naming the one it replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    /// Identifier; the download is at `/api/v1/attachments/{id}/content`.
    pub id: Uuid,
    /// What it is attached to.
    pub owner_kind: OwnerKind,
    /// Id of the owner.
    pub owner_id: Uuid,
    /// DREAM document type, for a passport's readiness evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DocumentKind>,
    /// The file's name, cleaned.
    #[schema(example = "Кошторис.pdf")]
    pub name: String,
    /// Type taken from the content.
    pub file_type: FileType,
    /// Media type served with the download.
    #[schema(example = "application/pdf")]
    pub media_type: String,
    /// Size, bytes.
    pub size: i64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Who uploaded it (`sub`).
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
    /// The attachment this one replaced (its earlier version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Uuid>,
    /// For a passport: the revision whose files it joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_revision: Option<i32>,
    /// When it was removed or replaced; kept for the versions that had it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<DateTime<Utc>>,
    /// For a passport: the revision it left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_revision: Option<i32>,
}

impl Attachment {
    /// True when the file belongs to the passport's `revision`.
    pub fn in_revision(&self, revision: i32) -> bool {
        self.from_revision.is_some_and(|from| from <= revision)
            && self.until_revision.is_none_or(|until| until > revision)
    }
}

/// The state of an owner that decides whether its files may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerState {
    /// A passport in its lifecycle state.
    Passport(Status),
    /// A report: true while a draft or returned.
    Report {
        /// The report can still be corrected.
        editable: bool,
    },
    /// A programme: its documents follow its amendments.
    Programme,
    /// A portfolio or plan version: true once the council approved it.
    Council {
        /// Approved, so frozen.
        approved: bool,
        /// A draft the PIM unit still prepares.
        draft: bool,
    },
}

/// What is asked of an owner's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    /// A new file.
    Add,
    /// A file replaced by a new version, or removed.
    ReplaceOrRemove,
}

/// Why an owner's files may not change now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Frozen {
    /// The owner is not editable in its state.
    #[error("the files can change only while their owner can")]
    NotEditable,
    /// An approved version keeps every file it had; its signed decision may still be added.
    #[error("an approved version keeps its files; only new ones may be added")]
    Approved,
}

impl Frozen {
    /// The catalogue code of the refusal.
    pub fn code(self) -> &'static str {
        match self {
            Frozen::NotEditable => "files_frozen",
            Frozen::Approved => "files_approved",
        }
    }
}

/// Whether `change` may be made to the files of an owner in `state`: a
/// passport's while its content may change (a draft; submitted or in
/// screening, for the PIM unit's corrections), a report's while it can be
/// corrected, a programme's always (each amendment brings its decision), a
/// council paper's while a draft — and, once approved, only additions (the
/// signed decision), never a removal.
pub fn may_change(state: OwnerState, change: FileChange) -> Result<(), Frozen> {
    let open = match state {
        OwnerState::Passport(status) => matches!(status, Status::Draft | Status::Submitted | Status::Screening),
        OwnerState::Report { editable } => editable,
        OwnerState::Programme => true,
        OwnerState::Council { approved: true, .. } => {
            return if change == FileChange::Add { Ok(()) } else { Err(Frozen::Approved) };
        }
        OwnerState::Council { draft, .. } => draft,
    };
    if open { Ok(()) } else { Err(Frozen::NotEditable) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_paths_and_controls() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\Олена\\Кошторис.pdf"), "Кошторис.pdf");
        assert_eq!(clean_name("a\u{0}b\u{202e}fdp.exe"), "abfdp.exe");
        assert_eq!(clean_name(" .. "), "файл");
        assert_eq!(clean_name("../"), "файл");
        let long = format!("{}.pdf", "я".repeat(300));
        let cleaned = clean_name(&long);
        assert_eq!(cleaned.chars().count(), NAME_CHARS);
        assert!(cleaned.ends_with(".pdf"));
    }

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3"), Some(FileType::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(FileType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileType::Png));
        assert_eq!(sniff(b"PK\x03\x04\x14\0\0\0\0\0"), Some(FileType::Zip));
        let der = [&[0x30, 0x82, 0x05, 0x10][..], &SIGNED_DATA, &[0xA0, 0x82]].concat();
        assert_eq!(sniff(&der), Some(FileType::P7s));
        assert_eq!(sniff(b"MZ\x90\0 this program"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn frozen_owners_keep_their_files() {
        use FileChange::{Add, ReplaceOrRemove};
        assert!(may_change(OwnerState::Passport(Status::Draft), Add).is_ok());
        assert!(may_change(OwnerState::Passport(Status::Screening), ReplaceOrRemove).is_ok());
        assert_eq!(may_change(OwnerState::Passport(Status::UnderEvaluation), Add), Err(Frozen::NotEditable));
        assert_eq!(may_change(OwnerState::Report { editable: false }, Add), Err(Frozen::NotEditable));
        let approved = OwnerState::Council { approved: true, draft: false };
        assert!(may_change(approved, Add).is_ok());
        assert_eq!(may_change(approved, ReplaceOrRemove), Err(Frozen::Approved));
        let submitted = OwnerState::Council { approved: false, draft: false };
        assert_eq!(may_change(submitted, Add), Err(Frozen::NotEditable));
    }
}
