//! Generated documents read back as people's programs read them: LibreOffice
//! in headless mode turns a DOCX or XLSX into PDF, poppler's `pdftotext`
//! gives its text and `pdftoppm` its pages as PNG.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SOFFICE: &str = "/usr/bin/soffice";
const PDFTOTEXT: &str = "/usr/bin/pdftotext";
/// Set by CI, where missing LibreOffice or poppler is a failure rather than a skip.
const REQUIRED: &str = "PORTFEL_DOCUMENT_TESTS";
/// Longest a conversion may take.
const LIMIT: Duration = Duration::from_secs(120);

/// A converted document: its PDF, the PDF's text in reading order (each
/// cell's text whole) and as laid out (each table row on its lines).
pub struct Converted {
    pub pdf: PathBuf,
    pub text: String,
    pub layout: String,
    pub pages: usize,
}

/// True when the tools are here; otherwise says so and (unless required) skips.
pub fn available() -> bool {
    if Path::new(SOFFICE).exists() && Path::new(PDFTOTEXT).exists() {
        return true;
    }
    assert!(
        std::env::var(REQUIRED).as_deref() != Ok("required"),
        "{SOFFICE} and {PDFTOTEXT} are required here ({REQUIRED}=required)"
    );
    eprintln!(
        "skipped: the document tests need LibreOffice and poppler-utils (Debian: libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils)"
    );
    false
}

fn run(command: &mut Command) {
    let started = Instant::now();
    let mut child = command.spawn().expect("the tool starts");
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{command:?} failed: {status}");
            return;
        }
        if started.elapsed() > LIMIT {
            child.kill().ok();
            child.wait().ok();
            panic!("{command:?} took over {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `bytes` saved as `name` in `dir`, converted to PDF by LibreOffice (its own
/// profile, so conversions may run side by side), and the PDF's text.
pub fn to_pdf(dir: &Path, name: &str, bytes: &[u8]) -> Converted {
    let source = dir.join(name);
    std::fs::write(&source, bytes).unwrap();
    let profile = tempfile::tempdir().unwrap();
    run(Command::new(SOFFICE)
        .arg(format!("-env:UserInstallation=file://{}", profile.path().display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(&source)
        .stdout(std::process::Stdio::null()));
    let pdf = source.with_extension("pdf");
    assert!(pdf.exists(), "LibreOffice wrote no {}", pdf.display());
    let txt = source.with_extension("txt");
    run(Command::new(PDFTOTEXT).arg(&pdf).arg(&txt));
    let text = std::fs::read_to_string(&txt).unwrap();
    run(Command::new(PDFTOTEXT).arg("-layout").arg(&pdf).arg(&txt));
    let layout = std::fs::read_to_string(&txt).unwrap();
    let pages = text.matches('\u{c}').count().max(1);
    Converted { pdf, text, layout, pages }
}

/// The first page of `pdf` as a PNG beside it (for looking at), when `pdftoppm` is here.
pub fn first_page_png(pdf: &Path) -> Option<PathBuf> {
    let prefix = pdf.with_extension("");
    Command::new("/usr/bin/pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .ok()
        .filter(|s| s.success())
        .map(|_| prefix.with_extension("png"))
}

/// `text` with every kind of space as one plain space, for comparing figures.
pub fn plain(text: &str) -> String {
    text.replace(['\u{202f}', '\u{a0}', '\u{2009}'], " ").split_whitespace().collect::<Vec<_>>().join(" ")
}
