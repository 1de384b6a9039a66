//! The investment council's decision on the single project portfolio, as a
//! DOCX the PIM unit edits before the meeting: the decision (a draft, or the
//! number and date it was taken under) approving the portfolio, signatures,
//! and its annex — the ranked list with each project's DREAM code, title,
//! initiator, sector, score and cost in thousand UAH, and the total.

use docx_rs::{AlignmentType, Paragraph, TableRow};
use rust_decimal::Decimal;

use crate::council::{self, SIGNATORIES, Taken, annex_reference};
use crate::typography::figure;
use crate::word::{self, Orientation};
use crate::{DocumentError, Letterhead};

/// One project of the annex.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioRow {
    /// Its place in the ranking; none for a continuing project, listed first.
    pub place: Option<u32>,
    /// Its DREAM code, once the project is in DREAM.
    pub code: Option<String>,
    /// Title.
    pub title: String,
    /// The initiating organisation's name.
    pub initiator: String,
    /// The sector, in Ukrainian.
    pub sector: String,
    /// Final score; none for a continuing project.
    pub score: Option<Decimal>,
    /// Total cost, UAH.
    pub cost: Decimal,
}

/// A portfolio version as its decision prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioPaper {
    /// The version's number.
    pub version: i32,
    /// The council's decision (number, date) once taken; a draft before.
    pub decision: Taken,
    /// Its projects, in the portfolio's order.
    pub rows: Vec<PortfolioRow>,
}

/// The decision's title.
pub const SUBJECT: &str = "Про схвалення єдиного проєктного портфеля публічних інвестиційних проєктів";
/// The annex's columns.
pub const COLUMNS: [&str; 7] =
    ["Місце", "Код у DREAM", "Назва проєкту", "Ініціатор", "Сектор", "Бал", "Вартість, тис. грн"];
const WIDTHS: [usize; 7] = [750, 1300, 2250, 1755, 1250, 900, 1150];

/// The total cost in thousand UAH, rounded once from exact hryvnias.
pub fn total_thousands(p: &PortfolioPaper) -> Decimal {
    portfel_monitoring::thousands::thousand_uah(p.rows.iter().map(|r| r.cost).sum())
}

fn body(p: &PortfolioPaper, head: &Letterhead) -> Vec<Paragraph> {
    let text = |t: &str| word::line(t, 26, false, AlignmentType::Both);
    vec![
        text(
            "Відповідно до статті 75-2 Бюджетного кодексу України та постанови Кабінету Міністрів України \
             від 28 лютого 2025 р. № 527, розглянувши результати експертної оцінки публічних інвестиційних \
             проєктів, інвестиційна рада ВИРІШИЛА:",
        ),
        text(&format!(
            "1. Схвалити єдиний проєктний портфель публічних інвестиційних проєктів {} (версія {}), що \
             додається: проєктів — {}, загальна вартість — {} тис. гривень.",
            head.hromada,
            p.version,
            p.rows.len(),
            figure(total_thousands(p), 1)
        )),
        text(
            "2. Підрозділу з управління публічними інвестиціями врахувати проєкти портфеля під час формування \
             середньострокового плану пріоритетних публічних інвестицій.",
        ),
        text("3. Контроль за виконанням цього рішення покласти на голову інвестиційної ради."),
    ]
}

fn annex(p: &PortfolioPaper) -> Vec<TableRow> {
    let cell = |i: usize, text: &str, bold: bool, align: AlignmentType| word::cell(WIDTHS[i], text, bold, align);
    let mut rows = vec![
        TableRow::new(COLUMNS.iter().enumerate().map(|(i, c)| cell(i, c, true, AlignmentType::Center)).collect())
            .cant_split(),
    ];
    for r in &p.rows {
        let place = r.place.map_or_else(|| "триває".to_owned(), |n| n.to_string());
        let cost = figure(portfel_monitoring::thousands::thousand_uah(r.cost), 1);
        let score = r.score.map(|s| figure(s, 2)).unwrap_or_default();
        rows.push(TableRow::new(vec![
            cell(0, &place, false, AlignmentType::Center),
            cell(1, r.code.as_deref().unwrap_or("—"), false, AlignmentType::Left),
            cell(2, &r.title, false, AlignmentType::Left),
            cell(3, &r.initiator, false, AlignmentType::Left),
            cell(4, &r.sector, false, AlignmentType::Left),
            cell(5, &score, false, AlignmentType::Right),
            cell(6, &cost, false, AlignmentType::Right),
        ]));
    }
    let label = format!("Разом, проєктів: {}", p.rows.len());
    rows.push(TableRow::new(vec![
        cell(0, "", true, AlignmentType::Left),
        word::cell(WIDTHS[1..6].iter().sum(), &label, true, AlignmentType::Left).grid_span(5),
        cell(6, &figure(total_thousands(p), 1), true, AlignmentType::Right),
    ]));
    rows
}

/// The decision with its annex, as a DOCX document (A4 upright).
pub fn docx(p: &PortfolioPaper, head: &Letterhead) -> Result<Vec<u8>, DocumentError> {
    let width = Orientation::Portrait.text_width();
    let centred = |t: &str, size: usize, bold: bool| word::line(t, size, bold, AlignmentType::Center);
    let mut doc = council::head(word::document(Orientation::Portrait), head, &p.decision, SUBJECT);
    for paragraph in body(p, head) {
        doc = doc.add_paragraph(paragraph);
    }
    doc = doc.add_paragraph(Paragraph::new()).add_table(word::signatures(&SIGNATORIES, width));
    doc = doc
        .add_paragraph(council::page_break())
        .add_paragraph(word::line(&annex_reference(&p.decision, None), 22, false, AlignmentType::Right))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(
            &format!(
                "Єдиний проєктний портфель публічних інвестиційних проєктів {}, версія {}",
                head.hromada, p.version
            ),
            26,
            true,
        ))
        .add_paragraph(Paragraph::new())
        .add_table(word::table(&WIDTHS, annex(p)))
        .add_paragraph(Paragraph::new())
        .add_table(word::signatures(&SIGNATORIES[1..], width));
    word::pack(doc)
}
