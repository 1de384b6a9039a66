//! The investment council's decision on the medium-term plan of priority
//! public investments, as a DOCX to edit: the decision (a draft, or its
//! number and date) with the plan's sums per year, signatures, and three
//! annexes in thousand UAH — the plan's projects per year, the financing per
//! funding source and year, and the portfolio's projects left out with why.

use docx_rs::{AlignmentType, Paragraph, TableRow};
use portfel_monitoring::thousands::thousand_uah;
use rust_decimal::Decimal;

use crate::council::{self, SIGNATORIES, Taken, annex_reference};
use crate::typography::figure;
use crate::word::{self, Orientation};
use crate::{DocumentError, Letterhead};

/// A project of the plan: its title, first year, whether it continues, and UAH per plan year.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    /// Title.
    pub title: String,
    /// First year of its financing.
    pub start_year: i32,
    /// Already being implemented.
    pub continuing: bool,
    /// UAH in each of the plan's years, in order.
    pub by_year: Vec<Decimal>,
}

/// A plan version as its decision prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanPaper {
    /// The version's number.
    pub version: i32,
    /// The council's decision (number, date) once taken; a draft before.
    pub decision: Taken,
    /// The plan's years, in order.
    pub years: Vec<i32>,
    /// Its projects.
    pub projects: Vec<PlanRow>,
    /// Each funding source (in Ukrainian) with UAH per year.
    pub sources: Vec<(String, Vec<Decimal>)>,
    /// The portfolio's projects left out: title and why.
    pub left_out: Vec<(String, String)>,
}

/// The decision's subject for a plan of `years`.
pub fn subject(years: &[i32]) -> String {
    let (first, last) = (years.first().copied().unwrap_or_default(), years.last().copied().unwrap_or_default());
    format!("Про схвалення середньострокового плану пріоритетних публічних інвестицій на {first}–{last} роки")
}

/// Each year's total over the plan's projects, UAH.
pub fn year_totals(p: &PlanPaper) -> Vec<Decimal> {
    (0..p.years.len()).map(|i| p.projects.iter().filter_map(|r| r.by_year.get(i)).copied().sum()).collect()
}

fn thousands(uah: Decimal) -> String {
    figure(thousand_uah(uah), 1)
}

/// A table of a title column and one column per year plus «Разом», its last row the totals.
fn year_table(head: &[&str], rows: &[(Vec<String>, Vec<Decimal>)], years: &[i32], total_label: &str) -> docx_rs::Table {
    let width = Orientation::Portrait.text_width();
    let money = 1050usize;
    let fixed: usize = money * (years.len() + 1);
    let lead = head.len().max(1);
    let first = (width - fixed - 850 * (lead - 1)).max(1500);
    let mut widths = vec![first];
    widths.extend(std::iter::repeat_n(850, lead - 1));
    widths.extend(std::iter::repeat_n(money, years.len() + 1));
    let cell = |i: usize, text: &str, bold: bool, align: AlignmentType| word::cell(widths[i], text, bold, align);
    let mut header: Vec<_> = head.iter().enumerate().map(|(i, h)| cell(i, h, true, AlignmentType::Center)).collect();
    header.extend(years.iter().enumerate().map(|(k, y)| cell(lead + k, &y.to_string(), true, AlignmentType::Center)));
    header.push(cell(lead + years.len(), "Разом", true, AlignmentType::Center));
    let mut out = vec![TableRow::new(header).cant_split()];
    let mut totals = vec![Decimal::ZERO; years.len()];
    for (texts, amounts) in rows {
        let mut cells: Vec<_> = texts.iter().enumerate().map(|(i, t)| cell(i, t, false, AlignmentType::Left)).collect();
        for (k, a) in amounts.iter().enumerate() {
            totals[k] += a;
            cells.push(cell(lead + k, &thousands(*a), false, AlignmentType::Right));
        }
        cells.push(cell(lead + years.len(), &thousands(amounts.iter().copied().sum()), false, AlignmentType::Right));
        out.push(TableRow::new(cells));
    }
    let mut last =
        vec![word::cell(widths[..lead].iter().sum(), total_label, true, AlignmentType::Left).grid_span(lead)];
    last.extend(totals.iter().enumerate().map(|(k, a)| cell(lead + k, &thousands(*a), true, AlignmentType::Right)));
    last.push(cell(lead + years.len(), &thousands(totals.iter().copied().sum()), true, AlignmentType::Right));
    out.push(TableRow::new(last).cant_split());
    word::table(&widths, out)
}

fn left_out_table(p: &PlanPaper) -> docx_rs::Table {
    let width = Orientation::Portrait.text_width();
    let widths = [width * 45 / 100, width - width * 45 / 100];
    let mut rows = vec![TableRow::new(vec![
        word::cell(widths[0], "Проєкт", true, AlignmentType::Center),
        word::cell(widths[1], "Причина", true, AlignmentType::Center),
    ])];
    rows.extend(p.left_out.iter().map(|(title, why)| {
        TableRow::new(vec![
            word::cell(widths[0], title, false, AlignmentType::Left),
            word::cell(widths[1], why, false, AlignmentType::Left),
        ])
    }));
    word::table(&widths, rows)
}

/// The decision with its annexes, as a DOCX document (A4 upright).
pub fn docx(p: &PlanPaper, head: &Letterhead) -> Result<Vec<u8>, DocumentError> {
    let width = Orientation::Portrait.text_width();
    let centred = |t: &str, size: usize, bold: bool| word::line(t, size, bold, AlignmentType::Center);
    let text = |t: &str| word::line(t, 26, false, AlignmentType::Both);
    let totals = year_totals(p);
    let by_year: Vec<String> =
        p.years.iter().zip(&totals).map(|(y, a)| format!("{y} рік — {} тис. гривень", thousands(*a))).collect();
    let page_break = council::page_break;
    let annex_ref = |n: usize| annex_reference(&p.decision, Some(n));
    let mut doc = council::head(word::document(Orientation::Portrait), head, &p.decision, &subject(&p.years));
    doc = doc
        .add_paragraph(text(
            "Відповідно до статті 75-2 Бюджетного кодексу України та постанови Кабінету Міністрів України \
             від 28 лютого 2025 р. № 294, з урахуванням схваленого єдиного проєктного портфеля публічних \
             інвестиційних проєктів, інвестиційна рада ВИРІШИЛА:",
        ))
        .add_paragraph(text(&format!(
            "1. Схвалити середньостроковий план пріоритетних публічних інвестицій {} (версія {}), що додається: \
             проєктів — {}, обсяг публічних інвестицій — {} тис. гривень, у тому числі: {}.",
            head.hromada,
            p.version,
            p.projects.len(),
            thousands(totals.iter().copied().sum()),
            by_year.join("; ")
        )))
        .add_paragraph(text(
            "2. Головним розпорядникам бюджетних коштів врахувати план під час підготовки прогнозу місцевого \
             бюджету та проєкту рішення про місцевий бюджет.",
        ))
        .add_paragraph(text("3. Контроль за виконанням цього рішення покласти на голову інвестиційної ради."))
        .add_paragraph(Paragraph::new())
        .add_table(word::signatures(&SIGNATORIES, width));
    let projects: Vec<(Vec<String>, Vec<Decimal>)> = p
        .projects
        .iter()
        .map(|r| {
            let title = if r.continuing { format!("{} (триває)", r.title) } else { r.title.clone() };
            (vec![title, r.start_year.to_string()], r.by_year.clone())
        })
        .collect();
    let sources: Vec<(Vec<String>, Vec<Decimal>)> =
        p.sources.iter().map(|(s, amounts)| (vec![s.clone()], amounts.clone())).collect();
    doc = doc
        .add_paragraph(page_break())
        .add_paragraph(word::line(&annex_ref(1), 22, false, AlignmentType::Right))
        .add_paragraph(centred(
            "Проєкти середньострокового плану пріоритетних публічних інвестицій, тис. гривень",
            26,
            true,
        ))
        .add_paragraph(Paragraph::new())
        .add_table(year_table(&["Назва проєкту", "Рік початку"], &projects, &p.years, "Усього"))
        .add_paragraph(page_break())
        .add_paragraph(word::line(&annex_ref(2), 22, false, AlignmentType::Right))
        .add_paragraph(centred("Фінансування плану за джерелами, тис. гривень", 26, true))
        .add_paragraph(Paragraph::new())
        .add_table(year_table(&["Джерело фінансування"], &sources, &p.years, "Усього"));
    if !p.left_out.is_empty() {
        doc = doc
            .add_paragraph(page_break())
            .add_paragraph(word::line(&annex_ref(3), 22, false, AlignmentType::Right))
            .add_paragraph(centred("Проєкти портфеля, не включені до плану, і причини", 26, true))
            .add_paragraph(Paragraph::new())
            .add_table(left_out_table(p));
    }
    doc = doc.add_paragraph(Paragraph::new()).add_table(word::signatures(&SIGNATORIES[1..], width));
    word::pack(doc)
}
