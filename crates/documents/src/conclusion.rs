//! The conclusion of a project's ex-post evaluation in its one form: the
//! hromada at the head, the form's title, the project and its initiator, how
//! it ended, the figures planned against actual (cost, by year, schedule,
//! indicators, upkeep), a section per part of the form with its rating,
//! judgement and evidence, the overall rating, the conclusion, the lessons,
//! the evaluators and a signature block. A conclusion not yet signed off is
//! marked as a draft.

use docx_rs::{AlignmentType, Paragraph};
use portfel_domain::messages::{percent, state_word};
use portfel_monitoring::completion::{CompletionContent, CompletionFigures, Variance};
use portfel_monitoring::expost::{EvaluationRecord, EvaluationStatus};
use rust_decimal::Decimal;

use crate::typography::{figure, quoted};
use crate::word::{self, Orientation, grid};
use crate::{DocumentError, Letterhead};

/// What the conclusion is about.
#[derive(Debug, Clone, Copy)]
pub struct ConclusionPaper<'a> {
    /// The project's title.
    pub project: &'a str,
    /// The initiating organisation.
    pub initiator: &'a str,
    /// The accepted completion report.
    pub completion: &'a CompletionContent,
    /// Its figures against the passport.
    pub figures: &'a CompletionFigures,
    /// The evaluation.
    pub evaluation: &'a EvaluationRecord,
}

/// Thousand UAH with one decimal.
fn thousands(amount: Decimal) -> String {
    figure(amount / Decimal::ONE_THOUSAND, 1)
}

fn share(ratio: Option<Decimal>) -> String {
    ratio.map(signed_percent).unwrap_or_else(|| "—".to_owned())
}

fn signed_percent(r: Decimal) -> String {
    if r.is_sign_positive() && !r.is_zero() { format!("+{}", percent(r)) } else { percent(r) }
}

fn variance_row(label: String, v: &Variance) -> Vec<String> {
    vec![
        label,
        thousands(v.planned.value()),
        thousands(v.actual.value()),
        thousands(v.difference.value()),
        share(v.ratio),
    ]
}

fn heading(text: &str) -> Paragraph {
    word::line(text, 26, true, AlignmentType::Left).keep_next(true)
}

fn text(t: &str) -> Paragraph {
    word::line(t, 24, false, AlignmentType::Both)
}

fn dated(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// The figures' tables: cost, by year, schedule, indicators, upkeep.
fn figures(doc: docx_rs::Docx, f: &CompletionFigures) -> docx_rs::Docx {
    let mut cost = vec![variance_row("Усього".to_owned(), &f.cost)];
    cost.extend(f.by_year.iter().map(|y| variance_row(format!("{} рік", y.key), &y.variance)));
    let cost_table = grid(
        &["Вартість", "За концепцією, тис. грн", "Фактично, тис. грн", "Відхилення, тис. грн", "Відхилення, %"],
        &[24, 19, 19, 19, 19],
        cost,
        &[1, 2, 3, 4],
    );
    let mut doc = doc.add_paragraph(heading("1. Вартість і строки")).add_table(cost_table);
    if let Some(s) = &f.schedule {
        let delay = match s.end_delay_days {
            0 => "у запланований строк".to_owned(),
            d if d > 0 => format!("із запізненням на {d} дн."),
            d => format!("на {} дн. раніше строку", -d),
        };
        doc = doc.add_paragraph(text(&format!(
            "Строк реалізації за концепцією: {} – {}; фактично: {} – {}, {delay}; тривалість {} від запланованої.",
            dated(s.planned_start),
            dated(s.planned_end),
            dated(s.actual_start),
            dated(s.actual_end),
            signed_percent(s.duration_ratio),
        )));
    }
    let rows: Vec<Vec<String>> = f
        .indicators
        .iter()
        .map(|i| {
            let number = |d: Decimal| figure(d, d.normalize().scale());
            vec![
                format!("{}, {}", i.indicator.name, i.indicator.unit),
                number(i.indicator.baseline),
                number(i.indicator.target),
                i.indicator.actual.map(number).unwrap_or_else(|| "—".to_owned()),
                i.achievement.map(percent).unwrap_or_else(|| "—".to_owned()),
            ]
        })
        .collect();
    doc = doc.add_paragraph(heading("2. Показники"));
    doc = if rows.is_empty() {
        doc.add_paragraph(text("Показників не визначено."))
    } else {
        doc.add_table(grid(
            &["Показник", "Базове значення", "Цільове значення", "Досягнуто", "Досягнення"],
            &[36, 16, 16, 16, 16],
            rows,
            &[1, 2, 3, 4],
        ))
    };
    if let Some(mean) = f.mean_achievement {
        doc = doc.add_paragraph(text(&format!("Середнє досягнення показників: {}.", percent(mean))));
    }
    let upkeep = match (f.upkeep.promised, f.upkeep.arranged) {
        (Some(p), Some(a)) => format!(
            "Витрати на утримання: за концепцією {} тис. грн на рік, забезпечено {} тис. грн на рік.",
            thousands(p.value()),
            thousands(a.value())
        ),
        (Some(p), None) => format!(
            "Витрати на утримання: за концепцією {} тис. грн на рік; утримання не забезпечено.",
            thousands(p.value())
        ),
        (None, Some(a)) => format!("Витрати на утримання забезпечено: {} тис. грн на рік.", thousands(a.value())),
        (None, None) => "Витрати на утримання не передбачались.".to_owned(),
    };
    doc.add_paragraph(text(&upkeep))
}

/// The conclusion as a DOCX document (A4 upright).
pub fn docx(p: &ConclusionPaper<'_>, head: &Letterhead) -> Result<Vec<u8>, DocumentError> {
    let e = p.evaluation;
    let signed = e.status == EvaluationStatus::SignedOff;
    let mut doc = word::document(Orientation::Portrait);
    if !signed {
        doc = doc.add_paragraph(word::line("ПРОЄКТ", 24, true, AlignmentType::Right));
    }
    doc = doc
        .add_paragraph(word::line(&head.hromada.to_uppercase(), 24, true, AlignmentType::Center))
        .add_paragraph(Paragraph::new())
        .add_paragraph(word::line(&e.form.title, 28, true, AlignmentType::Center))
        .add_paragraph(word::line(&quoted(p.project), 28, true, AlignmentType::Center))
        .add_paragraph(Paragraph::new())
        .add_paragraph(text(&format!("Ініціатор: {}.", p.initiator)))
        .add_paragraph(text(&format!(
            "Результат реалізації: {}; роботи тривали з {} до {}.",
            state_word(p.completion.outcome.as_str()),
            dated(p.completion.actual_start),
            dated(p.completion.actual_end)
        )));
    if let Some(h) = &p.completion.handover {
        doc = doc.add_paragraph(text(&format!(
            "Актив передано {} (ЄДРПОУ {}) за актом № {} від {} вартістю {} тис. грн.",
            h.balance_holder.name,
            h.balance_holder.edrpou,
            h.act_number,
            dated(h.act_date),
            thousands(h.value.value())
        )));
    }
    doc = figures(doc, p.figures);
    for (n, section) in e.form.sections.iter().enumerate() {
        let judged = e.content.sections.iter().find(|s| s.key == section.key);
        let rating = judged.and_then(|s| s.rating).map_or("не визначено", |r| r.label());
        doc = doc
            .add_paragraph(heading(&format!("{}. {}", n + 3, section.title)))
            .add_paragraph(text(&format!("Оцінка: {rating}.")));
        if let Some(s) = judged {
            if !s.judgement.trim().is_empty() {
                doc = doc.add_paragraph(text(&s.judgement));
            }
            if !s.evidence.trim().is_empty() {
                doc = doc.add_paragraph(text(&format!("Підстави: {}", s.evidence)));
            }
        }
    }
    let n = e.form.sections.len() + 3;
    let overall = e.content.overall.map_or("не визначено", |r| r.label());
    doc = doc
        .add_paragraph(heading(&format!("{n}. Висновок")))
        .add_paragraph(text(&format!("Загальна оцінка результатів проєкту: {overall}.")))
        .add_paragraph(text(&e.content.conclusion));
    if !e.content.lessons.is_empty() {
        doc = doc.add_paragraph(heading(&format!("{}. Уроки для наступних проєктів", n + 1)));
        for (i, lesson) in e.content.lessons.iter().enumerate() {
            doc = doc.add_paragraph(text(&format!("{}) {lesson}", i + 1)));
        }
    }
    if !e.content.experts.is_empty() {
        doc = doc.add_paragraph(text(&format!(
            "Оцінювання проведено за участі експертів: {}.",
            e.content.experts.join(", ")
        )));
    }
    if let Some(at) = e.signed_at {
        doc = doc.add_paragraph(text(&format!("Висновок підписано {}.", dated(at.date_naive()))));
    }
    doc = doc.add_paragraph(Paragraph::new()).add_table(word::signatures(
        &["Керівник підрозділу з питань публічних інвестицій"],
        Orientation::Portrait.text_width(),
    ));
    word::pack(doc)
}
