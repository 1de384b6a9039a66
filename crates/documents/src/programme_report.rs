//! The annual report of a local target programme as the council receives it:
//! the hromada at the head, the title «Звіт про стан реалізації …» with the
//! year, the decision and version it reports against, the table «№», «Зміст
//! заходу», «Виконання заходів» and «Обсяг фінансування, тис. гривень» over
//! «План» and «Факт», a row per section, each measure, «Разом за розділом»
//! and «Усього», then the responsible body and a signature block. DOCX for a
//! word processor, XLSX for a spreadsheet; the figures are the report's own.

use docx_rs::{AlignmentType, Paragraph, TableCell, TableRow, VAlignType, VMergeType, WidthType};
use portfel_monitoring::annual::{AnnualReport, PlanFact};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use crate::typography::{figure, quoted};
use crate::word::{self, Orientation, run};
use crate::{DocumentError, Letterhead};

/// The report's title.
pub fn title(r: &AnnualReport) -> String {
    format!("Звіт про стан реалізації місцевої цільової програми {} за {} рік", quoted(&r.programme), r.year)
}

/// The line under the title: the decision and version reported against.
pub fn basis(r: &AnnualReport) -> String {
    let version = r.version.filter(|v| *v > 1).map(|v| format!(", у редакції змін (версія {v})")).unwrap_or_default();
    format!("затвердженої рішенням № {} від {}{version}", r.decision_number, r.decision_date.format("%d.%m.%Y"))
}

/// The table's column headings: the first three over both header rows, the
/// fourth over «План» and «Факт».
pub const HEADINGS: [&str; 4] = ["№ з/п", "Зміст заходу", "Виконання заходів", "Обсяг фінансування, тис. гривень"];

/// What a row of the table is.
enum Line<'a> {
    /// A section's heading across the table.
    Section(String),
    /// A measure: number, text, what was done, plan and fact.
    Measure(&'a str, &'a str, String, &'a PlanFact),
    /// A subtotal or the total: its label and amounts.
    Sum(String, &'a PlanFact),
}

fn lines(r: &AnnualReport) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    for s in &r.sections {
        out.push(Line::Section(format!("Розділ {}. {}", s.number, s.title)));
        for m in &s.rows {
            out.push(Line::Measure(&m.number, &m.text, m.done(), &m.amounts));
        }
        out.push(Line::Sum(format!("Разом за розділом {}", s.number), &s.subtotal));
    }
    out.push(Line::Sum("Усього".to_owned(), &r.total));
    out
}

/// Widths of the DOCX table's columns, twentieths of a point (landscape A4 less margins).
const WIDTHS: [usize; 5] = [900, 4300, 6254, 1700, 1700];
const FONT: &str = "Times New Roman";

fn cell(column: usize, text: &str, bold: bool, align: AlignmentType) -> TableCell {
    word::cell(WIDTHS[column], text, bold, align)
}

fn amount_cells(a: &PlanFact, bold: bool) -> [TableCell; 2] {
    [cell(3, &figure(a.plan, 1), bold, AlignmentType::Right), cell(4, &figure(a.fact, 1), bold, AlignmentType::Right)]
}

fn header_rows() -> [TableRow; 2] {
    let merged = |column: usize, text: &str| {
        cell(column, text, true, AlignmentType::Center)
            .vertical_merge(VMergeType::Restart)
            .vertical_align(VAlignType::Center)
    };
    let continued =
        |column: usize| TableCell::new().width(WIDTHS[column], WidthType::Dxa).vertical_merge(VMergeType::Continue);
    let money = TableCell::new().width(WIDTHS[3] + WIDTHS[4], WidthType::Dxa).grid_span(2).add_paragraph(word::line(
        HEADINGS[3],
        22,
        true,
        AlignmentType::Center,
    ));
    [
        TableRow::new(vec![merged(0, HEADINGS[0]), merged(1, HEADINGS[1]), merged(2, HEADINGS[2]), money]).cant_split(),
        TableRow::new(vec![
            continued(0),
            continued(1),
            continued(2),
            cell(3, "План", true, AlignmentType::Center),
            cell(4, "Факт", true, AlignmentType::Center),
        ])
        .cant_split(),
    ]
}

fn table_row(line: &Line<'_>) -> TableRow {
    match line {
        Line::Section(heading) => TableRow::new(vec![
            cell(0, "", true, AlignmentType::Left),
            cell(1, heading, true, AlignmentType::Left).grid_span(4).width(WIDTHS[1..].iter().sum(), WidthType::Dxa),
        ]),
        Line::Measure(number, text, narrative, amounts) => {
            let mut cells = vec![
                cell(0, number, false, AlignmentType::Center),
                cell(1, text, false, AlignmentType::Left),
                cell(2, narrative, false, AlignmentType::Both),
            ];
            cells.extend(amount_cells(amounts, false));
            TableRow::new(cells)
        }
        Line::Sum(label, amounts) => {
            let mut cells = vec![
                cell(0, "", true, AlignmentType::Left),
                cell(1, label, true, AlignmentType::Left).grid_span(2).width(WIDTHS[1] + WIDTHS[2], WidthType::Dxa),
            ];
            cells.extend(amount_cells(amounts, true));
            TableRow::new(cells).cant_split()
        }
    }
}

/// The report as a DOCX document, landscape A4, numbered pages.
pub fn docx(r: &AnnualReport, head: &Letterhead) -> Result<Vec<u8>, DocumentError> {
    let mut rows: Vec<TableRow> = header_rows().into();
    rows.extend(lines(r).iter().map(table_row));
    let width = Orientation::Landscape.text_width();
    let doc = word::document(Orientation::Landscape)
        .add_paragraph(word::line(&head.hromada.to_uppercase(), 24, true, AlignmentType::Center))
        .add_paragraph(Paragraph::new())
        .add_paragraph(word::line(&title(r), 28, true, AlignmentType::Center))
        .add_paragraph(word::line(&basis(r), 24, false, AlignmentType::Center))
        .add_paragraph(Paragraph::new())
        .add_table(word::table(&WIDTHS, rows))
        .add_paragraph(Paragraph::new())
        .add_paragraph(
            Paragraph::new().add_run(run("Відповідальний виконавець програми: ", 24)).add_run(run(&r.responsible, 24)),
        )
        .add_paragraph(Paragraph::new())
        .add_table(word::signatures(&[r.responsible.as_str()], width));
    word::pack(doc)
}

/// Column widths of the XLSX sheet, in characters.
const XLSX_WIDTHS: [f64; 5] = [7.0, 42.0, 62.0, 13.0, 13.0];

/// Points of one line of 11-point text.
const LINE_HEIGHT: f64 = 15.0;

/// The height a row needs for its wrapped `texts`, each in a column `width`
/// characters wide: spreadsheets do not grow a row for wrapped text they
/// open, so the row is given the height of its tallest cell.
fn row_height(texts: &[(&str, f64)]) -> f64 {
    let lines = |text: &str, width: f64| -> usize {
        let per_line = (width * 1.4).floor().max(1.0) as usize;
        text.split('\n').map(|l| l.chars().count().div_ceil(per_line).max(1)).sum()
    };
    let most = texts.iter().map(|(t, w)| lines(t, *w)).max().unwrap_or(1);
    most as f64 * LINE_HEIGHT + 3.0
}

/// The report as an XLSX workbook in the same layout: merged headings,
/// wrapped text, amounts as numbers with one decimal, printed landscape on
/// one page wide with the heading rows repeated.
pub fn xlsx(r: &AnnualReport, head: &Letterhead) -> Result<Vec<u8>, DocumentError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(format!("Звіт {}", r.year))?;
    let base = Format::new().set_font_name(FONT).set_font_size(11).set_text_wrap().set_align(FormatAlign::Top);
    let boxed = base.clone().set_border(FormatBorder::Thin);
    let bold = boxed.clone().set_bold();
    let heading = bold.clone().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    // `[$-422]`: Ukrainian figures (decimal comma, grouped thousands) whatever the reader's locale.
    let number = boxed.clone().set_num_format("[$-422]#,##0.0").set_align(FormatAlign::Right);
    let bold_number = number.clone().set_bold();
    let centred = base.clone().set_align(FormatAlign::Center);
    for (c, w) in XLSX_WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.merge_range(0, 0, 0, 4, &head.hromada.to_uppercase(), &centred.clone().set_bold())?;
    sheet.merge_range(2, 0, 2, 4, &title(r), &centred.clone().set_bold().set_font_size(13))?;
    sheet.set_row_height(2, 36)?;
    sheet.merge_range(3, 0, 3, 4, &basis(r), &centred)?;
    for c in 0..3u16 {
        sheet.merge_range(5, c, 6, c, HEADINGS[usize::from(c)], &heading)?;
    }
    sheet.merge_range(5, 3, 5, 4, HEADINGS[3], &heading)?;
    sheet.write_with_format(6, 3, "План", &heading)?;
    sheet.write_with_format(6, 4, "Факт", &heading)?;
    let mut row = 7u32;
    let tenths = |d: rust_decimal::Decimal| rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or(0.0);
    for line in lines(r) {
        match line {
            Line::Section(text) => {
                sheet.write_with_format(row, 0, "", &bold)?;
                sheet.merge_range(row, 1, row, 4, &text, &bold)?;
            }
            Line::Measure(n, text, narrative, a) => {
                sheet.set_row_height(row, row_height(&[(text, XLSX_WIDTHS[1]), (&narrative, XLSX_WIDTHS[2])]))?;
                sheet.write_with_format(row, 0, n, &boxed.clone().set_align(FormatAlign::Center))?;
                sheet.write_with_format(row, 1, text, &boxed)?;
                sheet.write_with_format(row, 2, &narrative, &boxed)?;
                sheet.write_with_format(row, 3, tenths(a.plan), &number)?;
                sheet.write_with_format(row, 4, tenths(a.fact), &number)?;
            }
            Line::Sum(label, a) => {
                sheet.write_with_format(row, 0, "", &bold)?;
                sheet.merge_range(row, 1, row, 2, &label, &bold)?;
                sheet.write_with_format(row, 3, tenths(a.plan), &bold_number)?;
                sheet.write_with_format(row, 4, tenths(a.fact), &bold_number)?;
            }
        }
        row += 1;
    }
    row += 1;
    sheet.merge_range(row, 0, row, 4, &format!("Відповідальний виконавець програми: {}", r.responsible), &base)?;
    row += 2;
    sheet.merge_range(row, 0, row, 1, &r.responsible, &base)?;
    sheet.write_with_format(row, 2, "______________                 ______________________", &centred)?;
    let note = base.clone().set_italic().set_font_size(9).set_align(FormatAlign::Center);
    sheet.merge_range(row + 1, 0, row + 1, 1, "(посада керівника)", &note)?;
    sheet.write_with_format(row + 1, 2, "(підпис)                               (власне ім'я, прізвище)", &note)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(5, 6)?;
    sheet.set_footer("&RСторінка &P з &N");
    sheet.set_freeze_panes(7, 0)?;
    Ok(book.save_to_buffer()?)
}
