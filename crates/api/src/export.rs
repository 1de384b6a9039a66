//! Exports for the council and the public: CSV and XLSX with Ukrainian
//! headers, amounts in thousand UAH with two decimals, totals per year and source.

use std::collections::BTreeMap;

use portfel_domain::codelist::Codelist;
use portfel_domain::messages::code_label;
use portfel_planning::council::{PlanVersion, Portfolio};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook};

use crate::problem::ApiError;

/// One record of the open-data plan export (see `docs/open-data.md`).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OpenDataRecord {
    /// Plan version number.
    pub plan_number: i32,
    /// Council decision number.
    pub decision_number: String,
    /// Council decision date.
    pub decision_date: chrono::NaiveDate,
    /// Passport id.
    pub project_id: uuid::Uuid,
    /// Project title (Ukrainian).
    pub project_title: String,
    /// Sector (DREAM WB-ECO code).
    pub sector: String,
    /// True for continuing projects.
    pub continuing: bool,
    /// Start year in the plan.
    pub start_year: i32,
    /// Budget year.
    pub year: i32,
    /// Funding source (DREAM fundingSourceCategories code).
    pub funding_source: String,
    /// Amount, UAH, two decimals.
    pub amount_uah: Decimal,
}

/// A table: header and rows of text or amounts.
pub struct Table {
    /// Sheet name.
    pub title: String,
    /// Column headers.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// How its CSV is written.
    pub csv: CsvDialect,
}

/// How a table's CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvDialect {
    /// For people opening it in a spreadsheet set to Ukrainian: a UTF-8 byte
    /// order mark (so the Cyrillic is read as UTF-8), `;` between cells and
    /// decimal commas (`1384,6`), as Ukrainian regional settings expect.
    People,
    /// Open data for programs: RFC 4180 — no byte order mark, `,` between
    /// cells, decimal points — the columns documented in docs/open-data.md.
    OpenData,
}

/// A cell.
pub enum Cell {
    /// Text.
    Text(String),
    /// Thousand UAH.
    Amount(Decimal),
    /// A figure with one decimal: thousand UAH or a percentage in a programme report.
    Tenths(Decimal),
}

/// A text cell of a CSV: one that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return — which spreadsheets read as a formula — gets a leading
/// apostrophe (OWASP's advice on CSV injection), so it is shown as the text
/// it is; amounts are written as numbers and never pass through here.
pub fn csv_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

/// `a` written with exactly `decimals` decimals.
fn fixed(mut a: Decimal, decimals: u32) -> String {
    a.rescale(decimals);
    a.to_string()
}

fn thousands(amount: Decimal) -> Decimal {
    (amount / Decimal::from(1000)).round_dp(2)
}

impl Table {
    /// CSV in the table's [`CsvDialect`]; a text that a spreadsheet would
    /// read as a formula is neutralised (see [`csv_text`]).
    pub fn to_csv(&self) -> Result<Vec<u8>, ApiError> {
        let people = self.csv == CsvDialect::People;
        let start = if people { "\u{feff}".as_bytes().to_vec() } else { Vec::new() };
        let mut w = csv::WriterBuilder::new().delimiter(if people { b';' } else { b',' }).from_writer(start);
        let fail = |e: csv::Error| ApiError::Internal(format!("CSV export failed: {e}"));
        let figure = |a: Decimal, decimals: u32| {
            let text = fixed(a, decimals);
            if people { text.replace('.', ",") } else { text }
        };
        w.write_record(self.header.iter().map(|h| csv_text(h))).map_err(fail)?;
        for row in &self.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => csv_text(t),
                Cell::Amount(a) => figure(*a, 2),
                Cell::Tenths(a) => figure(*a, 1),
            }))
            .map_err(fail)?;
        }
        w.into_inner().map_err(|e| ApiError::Internal(format!("CSV export failed: {e}")))
    }

    /// XLSX with a bold header and `#,##0.00` amounts.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, ApiError> {
        let fail = |e: rust_xlsxwriter::XlsxError| ApiError::Internal(format!("XLSX export failed: {e}"));
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(&self.title).map_err(fail)?;
        let bold = Format::new().set_bold().set_text_wrap();
        let money = Format::new().set_num_format("#,##0.00");
        let tenths = Format::new().set_num_format("#,##0.0");
        for (c, h) in self.header.iter().enumerate() {
            sheet.write_with_format(0, c as u16, h, &bold).map_err(fail)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    Cell::Text(t) => sheet.write(r, c, t).map(|_| ()).map_err(fail)?,
                    Cell::Amount(a) => {
                        sheet.write_with_format(r, c, a.to_f64().unwrap_or(0.0), &money).map(|_| ()).map_err(fail)?
                    }
                    Cell::Tenths(a) => {
                        sheet.write_with_format(r, c, a.to_f64().unwrap_or(0.0), &tenths).map(|_| ()).map_err(fail)?
                    }
                }
            }
        }
        sheet.set_column_width(1, 60).map_err(fail)?;
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
        book.save_to_buffer().map_err(fail)
    }
}

/// A funding source in Ukrainian, as people's tables show it.
pub fn source_label(code: &str) -> String {
    code_label(Codelist::FundingSourceCategories, code)
}

/// The portfolio as a table: continuing projects, then new ones by rank.
pub fn portfolio_table(p: &Portfolio) -> Table {
    let header = ["№", "Назва проєкту", "Сектор", "Перехідний", "Бал", "Вартість, тис. грн"].map(String::from).to_vec();
    let mut rows: Vec<Vec<Cell>> = p
        .content
        .items
        .iter()
        .map(|i| {
            vec![
                Cell::Text(i.rank.map_or("—".into(), |r| r.to_string())),
                Cell::Text(i.title.clone()),
                Cell::Text(code_label(Codelist::WbEco, &i.sector)),
                Cell::Text(if i.continuing { "так" } else { "ні" }.into()),
                Cell::Text(i.score.map_or(String::new(), |s| s.to_string())),
                Cell::Amount(thousands(i.total_cost)),
            ]
        })
        .collect();
    let total: Decimal = p.content.items.iter().map(|i| i.total_cost).sum();
    rows.push(vec![
        Cell::Text(String::new()),
        Cell::Text("Усього".into()),
        Cell::Text(String::new()),
        Cell::Text(String::new()),
        Cell::Text(String::new()),
        Cell::Amount(thousands(total)),
    ]);
    Table { title: "ЄПП".into(), header, rows, csv: CsvDialect::People }
}

/// The plan as a table: one row per project and funding source with yearly
/// amounts, then totals per source and the grand total per year.
pub fn plan_table(p: &PlanVersion, titles: &BTreeMap<uuid::Uuid, String>) -> Table {
    let years: Vec<i32> = (p.content.request.first_year..=p.content.request.last_year).collect();
    let mut header = ["№", "Назва проєкту", "Рік початку", "Джерело фінансування"].map(String::from).to_vec();
    header.extend(years.iter().map(|y| format!("{y}, тис. грн")));
    header.push("Усього, тис. грн".into());
    let mut rows = Vec::new();
    let mut by_source: BTreeMap<String, BTreeMap<i32, Decimal>> = BTreeMap::new();
    for (n, inc) in p.content.result.included.iter().enumerate() {
        let mut per_source: BTreeMap<&str, BTreeMap<i32, Decimal>> = BTreeMap::new();
        for a in &inc.amounts {
            *per_source.entry(a.source.as_str()).or_default().entry(a.year).or_default() += a.amount;
            *by_source.entry(a.source.clone()).or_default().entry(a.year).or_default() += a.amount;
        }
        for (source, amounts) in per_source {
            let mut row = vec![
                Cell::Text((n + 1).to_string()),
                Cell::Text(titles.get(&inc.id).cloned().unwrap_or_else(|| inc.id.to_string())),
                Cell::Text(inc.start_year.to_string()),
                Cell::Text(source_label(source)),
            ];
            row.extend(years.iter().map(|y| Cell::Amount(thousands(amounts.get(y).copied().unwrap_or_default()))));
            row.push(Cell::Amount(thousands(years.iter().filter_map(|y| amounts.get(y)).copied().sum())));
            rows.push(row);
        }
    }
    let mut grand: BTreeMap<i32, Decimal> = BTreeMap::new();
    for (source, amounts) in &by_source {
        let mut row = vec![
            Cell::Text(String::new()),
            Cell::Text(format!("Усього за джерелом «{}»", source_label(source))),
            Cell::Text(String::new()),
            Cell::Text(source_label(source)),
        ];
        row.extend(years.iter().map(|y| Cell::Amount(thousands(amounts.get(y).copied().unwrap_or_default()))));
        row.push(Cell::Amount(thousands(years.iter().filter_map(|y| amounts.get(y)).copied().sum())));
        rows.push(row);
        for (y, a) in amounts {
            *grand.entry(*y).or_default() += a;
        }
    }
    let mut row = vec![
        Cell::Text(String::new()),
        Cell::Text("Усього".into()),
        Cell::Text(String::new()),
        Cell::Text(String::new()),
    ];
    row.extend(years.iter().map(|y| Cell::Amount(thousands(grand.get(y).copied().unwrap_or_default()))));
    row.push(Cell::Amount(thousands(years.iter().filter_map(|y| grand.get(y)).copied().sum())));
    rows.push(row);
    Table { title: "План".into(), header, rows, csv: CsvDialect::People }
}

/// Open-data records as a flat table with the JSON field names as headers.
pub fn open_data_table(records: &[OpenDataRecord]) -> Table {
    let header = [
        "plan_number",
        "decision_number",
        "decision_date",
        "project_id",
        "project_title",
        "sector",
        "continuing",
        "start_year",
        "year",
        "funding_source",
        "amount_uah",
    ]
    .map(String::from)
    .to_vec();
    let rows = records
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.plan_number.to_string()),
                Cell::Text(r.decision_number.clone()),
                Cell::Text(r.decision_date.to_string()),
                Cell::Text(r.project_id.to_string()),
                Cell::Text(r.project_title.clone()),
                Cell::Text(r.sector.clone()),
                Cell::Text(r.continuing.to_string()),
                Cell::Text(r.start_year.to_string()),
                Cell::Text(r.year.to_string()),
                Cell::Text(r.funding_source.clone()),
                Cell::Amount(r.amount_uah),
            ]
        })
        .collect();
    Table { title: "open-data".into(), header, rows, csv: CsvDialect::OpenData }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_in_csv_text_are_neutralised_and_amounts_stay_numbers() {
        for (text, shown) in [
            ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
            ("+380441234567", "'+380441234567"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Школа №3", "Школа №3"),
            ("", ""),
        ] {
            assert_eq!(csv_text(text), shown);
        }
        let table = Table {
            title: "t".into(),
            header: vec!["Назва".into(), "Сума".into()],
            rows: vec![vec![Cell::Text("=1+1".into()), Cell::Amount(Decimal::new(-150, 2))]],
            csv: CsvDialect::People,
        };
        let csv = String::from_utf8(table.to_csv().unwrap()).unwrap();
        assert_eq!(csv, "\u{feff}Назва;Сума\n'=1+1;-1,50\n", "a byte order mark, semicolons, decimal commas");
        let open = Table { csv: CsvDialect::OpenData, ..table };
        assert_eq!(String::from_utf8(open.to_csv().unwrap()).unwrap(), "Назва,Сума\n'=1+1,-1.50\n");
    }
}
