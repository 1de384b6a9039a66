//! What the investment council's decisions share: the head (a draft's mark,
//! the hromada, «ІНВЕСТИЦІЙНА РАДА», «РІШЕННЯ», number and date, subject),
//! the reference an annex makes to its decision, and who signs.

use chrono::NaiveDate;
use docx_rs::{AlignmentType, BreakType, Docx, Paragraph, Run};

use crate::Letterhead;
use crate::word;

/// Who signs a decision.
pub const SIGNATORIES: [&str; 2] = ["Голова інвестиційної ради", "Секретар інвестиційної ради"];

/// A decision's number and date once the council took it; none for a draft.
pub type Taken = Option<(String, NaiveDate)>;

/// "№ 15/2026 від 18.11.2026", or blanks for a draft.
pub fn reference(decision: &Taken) -> String {
    match decision {
        Some((number, date)) => format!("№ {number} від {}", date.format("%d.%m.%Y")),
        None => "№ ______ від «___» ____________ 20___ року".to_owned(),
    }
}

/// The line over annex `n` (or the only annex) naming its decision.
pub fn annex_reference(decision: &Taken, n: Option<usize>) -> String {
    let annex = n.map_or_else(|| "Додаток".to_owned(), |n| format!("Додаток {n}"));
    match decision {
        Some(_) => format!("{annex} до рішення інвестиційної ради {}", reference(decision)),
        None => format!("{annex} до рішення інвестиційної ради (проєкт)"),
    }
}

/// `doc` with the decision's head added: «ПРОЄКТ» for a draft, the
/// hromada, the council, «РІШЕННЯ», its reference and `subject`.
pub fn head(doc: Docx, letterhead: &Letterhead, decision: &Taken, subject: &str) -> Docx {
    let centred = |t: &str, size: usize, bold: bool| word::line(t, size, bold, AlignmentType::Center);
    let doc = if decision.is_none() {
        doc.add_paragraph(word::line("ПРОЄКТ", 24, true, AlignmentType::Right))
    } else {
        doc
    };
    doc.add_paragraph(centred(&letterhead.hromada.to_uppercase(), 26, true))
        .add_paragraph(centred("ІНВЕСТИЦІЙНА РАДА", 26, true))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred("РІШЕННЯ", 28, true))
        .add_paragraph(centred(&reference(decision), 26, false))
        .add_paragraph(Paragraph::new())
        .add_paragraph(word::line(subject, 26, true, AlignmentType::Left))
        .add_paragraph(Paragraph::new())
}

/// A paragraph that starts a new page.
pub fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}
