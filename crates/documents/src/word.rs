//! The pieces every DOCX here is built of: Times New Roman runs, paragraphs
//! of multi-line text, fixed-width table cells, numbered pages and the
//! signature block.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, Footer, PageMargin, PageNum, PageOrientationType, Paragraph, Run, RunFonts, Table, TableCell,
    TableLayoutType, TableRow, WidthType,
};

use crate::DocumentError;

const FONT: &str = "Times New Roman";

fn fonts() -> RunFonts {
    RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT)
}

/// A run of `text` at `size` half-points.
pub fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts()).size(size)
}

/// One paragraph of `text`, bold if asked, aligned.
pub fn line(text: &str, size: usize, bold: bool, align: AlignmentType) -> Paragraph {
    let r = run(text, size);
    Paragraph::new().add_run(if bold { r.bold() } else { r }).align(align)
}

/// A table cell `width` twentieths of a point wide holding `text`, a paragraph per line.
pub fn cell(width: usize, text: &str, bold: bool, align: AlignmentType) -> TableCell {
    text.split('\n')
        .map(|l| line(l.trim_end(), 22, bold, align))
        .fold(TableCell::new().width(width, WidthType::Dxa), TableCell::add_paragraph)
}

/// Page orientation of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// A4 upright.
    Portrait,
    /// A4 on its side, for wide tables.
    Landscape,
}

impl Orientation {
    /// Width of the text between the margins, twentieths of a point.
    pub fn text_width(self) -> usize {
        match self {
            Orientation::Portrait => 11906 - 1701 - 850,
            Orientation::Landscape => 16838 - 1134 - 850,
        }
    }
}

/// An empty A4 document in `orientation`, Times New Roman, pages numbered at the foot.
pub fn document(orientation: Orientation) -> Docx {
    let footer = Footer::new().add_paragraph(
        Paragraph::new().add_run(run("Сторінка ", 18)).add_page_num(PageNum::new()).align(AlignmentType::Right),
    );
    let doc = Docx::new().default_fonts(fonts()).footer(footer);
    match orientation {
        Orientation::Portrait => {
            doc.page_size(11906, 16838).page_margin(PageMargin::new().top(1134).bottom(1134).left(1701).right(850))
        }
        Orientation::Landscape => doc
            .page_size(16838, 11906)
            .page_orient(PageOrientationType::Landscape)
            .page_margin(PageMargin::new().top(1134).bottom(1134).left(1134).right(850)),
    }
}

/// A bordered table of `rows` over columns of `widths`.
pub fn table(widths: &[usize], rows: Vec<TableRow>) -> Table {
    Table::new(rows).set_grid(widths.to_vec()).layout(TableLayoutType::Fixed)
}

/// A portrait-width table: a bold heading row of `head` over columns of
/// `shares` (percent of the text width), then `rows`; the columns in `right`
/// aligned right (figures).
pub fn grid(head: &[&str], shares: &[usize], rows: Vec<Vec<String>>, right: &[usize]) -> Table {
    let width = Orientation::Portrait.text_width();
    let widths: Vec<usize> = shares.iter().map(|s| width * s / 100).collect();
    let align = |i: usize| if right.contains(&i) { AlignmentType::Right } else { AlignmentType::Left };
    let mut out = vec![TableRow::new(
        head.iter().enumerate().map(|(i, h)| cell(widths[i], h, true, AlignmentType::Center)).collect(),
    )];
    out.extend(
        rows.into_iter()
            .map(|r| TableRow::new(r.iter().enumerate().map(|(i, t)| cell(widths[i], t, false, align(i))).collect())),
    );
    table(&widths, out)
}

/// The signature block: for each position, blanks for the signature and the name, `width` wide in all.
pub fn signatures(positions: &[&str], width: usize) -> Table {
    let widths = [width * 45 / 100, width * 22 / 100, width - width * 45 / 100 - width * 22 / 100];
    let plain = |text: &str, w: usize, align: AlignmentType| {
        TableCell::new().width(w, WidthType::Dxa).add_paragraph(line(text, 24, false, align))
    };
    let small = |text: &str, w: usize| {
        TableCell::new()
            .width(w, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(run(text, 18).italic()).align(AlignmentType::Center))
    };
    let mut rows = Vec::new();
    for position in positions {
        rows.push(TableRow::new(vec![
            plain(position, widths[0], AlignmentType::Left),
            plain("______________", widths[1], AlignmentType::Center),
            plain("______________________", widths[2], AlignmentType::Center),
        ]));
        rows.push(TableRow::new(vec![
            small("", widths[0]),
            small("(підпис)", widths[1]),
            small("(власне ім'я, прізвище)", widths[2]),
        ]));
    }
    Table::without_borders(rows).set_grid(widths.to_vec()).layout(TableLayoutType::Fixed)
}

/// The document as the bytes of a DOCX file, its parts deflated.
pub fn pack(doc: Docx) -> Result<Vec<u8>, DocumentError> {
    let mut stored = Cursor::new(Vec::new());
    doc.build().pack(&mut stored).map_err(|e| DocumentError::Docx(e.to_string()))?;
    deflated(stored.into_inner()).map_err(|e| DocumentError::Docx(e.to_string()))
}

/// The same package with every part deflated: docx-rs stores them as they
/// are, which makes a long table's file several times larger.
fn deflated(stored: Vec<u8>) -> zip::result::ZipResult<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(stored))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i)?;
        let name = part.name()?.into_owned();
        if part.is_dir() {
            out.add_directory(name, options)?;
        } else {
            out.start_file(name, options)?;
            std::io::copy(&mut part, &mut out)?;
        }
    }
    Ok(out.finish()?.into_inner())
}
