//! A passport as the concept of a public investment project, a DOCX in the
//! order of the concept's sections: general facts, the link to the
//! community's strategy, location, cost by year and item, financing by year
//! and source, readiness with its documents, risks, contacts — and the
//! initiator's signature.

use crate::word::grid;
use docx_rs::{AlignmentType, Paragraph};
use portfel_domain::choices::{COST_ITEMS, COST_TYPES, DESIGN, DOCUMENT_KINDS, EXPERTISE, LAND, LEVELS, choice_of};
use portfel_domain::codelist::Codelist;
use portfel_domain::messages::code_label;
use portfel_domain::passport::PartyRef;
use portfel_domain::records::Passport;

use crate::typography::figure;
use crate::word::{self, Orientation};
use crate::{DocumentError, Letterhead};

/// What the document knows beside the passport.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The initiating organisation's name.
    pub organisation: &'a str,
    /// (goal id, "code title") of the strategy goals.
    pub goals: &'a [(String, String)],
}

/// The document's title.
pub const TITLE: &str = "Концепція публічного інвестиційного проєкту";

fn party(p: Option<&PartyRef>) -> String {
    p.map(|p| format!("{} (ЄДРПОУ {})", p.name, p.edrpou)).unwrap_or_default()
}

fn yes(flag: bool) -> &'static str {
    if flag { "так" } else { "ні" }
}

fn uah(amount: rust_decimal::Decimal) -> String {
    figure(amount, 2)
}

fn heading(text: &str) -> Paragraph {
    word::line(text, 26, true, AlignmentType::Left).keep_next(true)
}

fn facts(pairs: Vec<(&str, String)>) -> docx_rs::Table {
    grid(&["Відомості", "Значення"], &[32, 68], pairs.into_iter().map(|(k, v)| vec![k.to_owned(), v]).collect(), &[])
}

fn none() -> Paragraph {
    word::line("Не зазначено.", 24, false, AlignmentType::Left)
}

/// The passport as a DOCX document (A4 upright).
pub fn docx(p: &Passport, cx: &Context<'_>, head: &Letterhead) -> Result<Vec<u8>, DocumentError> {
    let c = &p.content;
    let goal = |id: &uuid::Uuid| {
        let id = id.to_string();
        cx.goals.iter().find(|(g, _)| *g == id).map_or(id.clone(), |(_, label)| label.clone())
    };
    let years = c.years().map(|y| format!("{}–{} роки", y.start(), y.end())).unwrap_or_default();
    let general = facts(vec![
        ("Ініціатор", cx.organisation.to_owned()),
        ("Опис", c.description.as_ref().map(|d| d.uk.clone()).unwrap_or_default()),
        ("Проблема", c.problem.clone().unwrap_or_default()),
        ("Цілі", c.goals.join("\n")),
        ("Тип", c.project_type.as_deref().map(|t| code_label(Codelist::InitiationTypes, t)).unwrap_or_default()),
        ("Призначення", c.purpose.as_deref().map(|t| code_label(Codelist::InitiationPurpose, t)).unwrap_or_default()),
        ("Характер", c.nature.iter().map(|n| code_label(Codelist::InitiationNature, n)).collect::<Vec<_>>().join("; ")),
        ("Сектор", c.sector.as_deref().map(|s| code_label(Codelist::WbEco, s)).unwrap_or_default()),
        ("Балансоутримувач", party(c.balance_holder.as_ref())),
        ("Виконавець", party(c.implementer.as_ref())),
        ("Строк реалізації", years),
        ("Загальна вартість", format!("{} грн", uah(p.total_cost.value()))),
        (
            "Бенефіціари",
            format!("{} осіб, з них внутрішньо переміщених: {}", c.beneficiaries.total, c.beneficiaries.idps),
        ),
        (
            "Витрати на утримання після завершення",
            c.om_cost_per_year.map(|u| format!("{} грн на рік", uah(u.value()))).unwrap_or_default(),
        ),
        (
            "Наскрізні цілі",
            format!(
                "енергоефективність — {}; адаптація до змін клімату — {}; гендерна рівність — {}; безбар'єрність — {}",
                yes(c.cross_cutting.energy_efficiency),
                yes(c.cross_cutting.climate_adaptation),
                yes(c.cross_cutting.gender_equality),
                yes(c.cross_cutting.barrier_free)
            ),
        ),
    ]);
    let centred = |t: &str, size: usize, bold: bool| word::line(t, size, bold, AlignmentType::Center);
    let mut status = format!("Редакція {}", p.revision);
    if let Some(at) = p.submitted_at {
        status.push_str(&format!(", подано {}", at.format("%d.%m.%Y")));
    }
    let mut doc = word::document(Orientation::Portrait)
        .add_paragraph(centred(&head.hromada.to_uppercase(), 24, true))
        .add_paragraph(centred(cx.organisation, 24, false))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(TITLE, 28, true))
        .add_paragraph(centred(&format!("«{}»", c.title.uk), 28, true))
        .add_paragraph(centred(&status, 22, false))
        .add_paragraph(Paragraph::new())
        .add_paragraph(heading("1. Загальні відомості"))
        .add_table(general)
        .add_paragraph(heading("2. Зв'язок зі стратегією громади"));
    doc = if c.strategy_goal_ids.is_empty() {
        doc.add_paragraph(none())
    } else {
        c.strategy_goal_ids
            .iter()
            .fold(doc, |d, g| d.add_paragraph(word::line(&format!("— {}", goal(g)), 24, false, AlignmentType::Left)))
    };
    doc = doc.add_paragraph(heading("3. Місце реалізації"));
    doc = if c.locations.is_empty() {
        doc.add_paragraph(none())
    } else {
        let rows = c.locations.iter().map(|l| vec![l.katottg.clone(), l.address.clone().unwrap_or_default()]).collect();
        doc.add_table(grid(&["Код КАТОТТГ", "Адреса або опис"], &[32, 68], rows, &[]))
    };
    doc = doc.add_paragraph(heading("4. Вартість за роками і статтями"));
    doc = if c.costs.is_empty() {
        doc.add_paragraph(none())
    } else {
        let rows = c
            .costs
            .iter()
            .map(|l| {
                vec![
                    l.year.to_string(),
                    choice_of(&COST_ITEMS, &l.item),
                    choice_of(&COST_TYPES, &l.cost_type),
                    uah(l.amount.value()),
                ]
            })
            .collect();
        doc.add_table(grid(&["Рік", "Стаття", "Вид", "Сума, грн"], &[12, 43, 20, 25], rows, &[3]))
    };
    doc = doc.add_paragraph(heading("5. Фінансування за роками і джерелами"));
    doc = if c.financing.is_empty() {
        doc.add_paragraph(none())
    } else {
        let rows = c
            .financing
            .iter()
            .map(|f| {
                vec![
                    f.year.to_string(),
                    code_label(Codelist::FundingSourceCategories, &f.source),
                    uah(f.amount.value()),
                ]
            })
            .collect();
        doc.add_table(grid(&["Рік", "Джерело", "Сума, грн"], &[12, 63, 25], rows, &[2]))
    };
    let r = &c.readiness;
    doc = doc.add_paragraph(heading("6. Готовність")).add_table(facts(vec![
        ("Проєктна документація", choice_of(&DESIGN, &r.design_documentation)),
        ("Земельна ділянка", choice_of(&LAND, &r.land)),
        ("Експертиза", choice_of(&EXPERTISE, &r.state_expertise)),
    ]));
    if !r.documents.is_empty() {
        let rows = r
            .documents
            .iter()
            .map(|d| {
                let title = d.url.as_ref().map_or_else(|| d.title.clone(), |u| format!("{} ({})", d.title, u.as_str()));
                vec![
                    choice_of(&DOCUMENT_KINDS, &d.kind),
                    title,
                    d.number.clone().unwrap_or_default(),
                    d.date.format("%d.%m.%Y").to_string(),
                ]
            })
            .collect();
        doc = doc.add_paragraph(Paragraph::new()).add_table(grid(
            &["Документ", "Назва", "Номер", "Дата"],
            &[24, 46, 15, 15],
            rows,
            &[],
        ));
    }
    doc = doc.add_paragraph(heading("7. Ризики"));
    doc = if c.risks.is_empty() {
        doc.add_paragraph(none())
    } else {
        let rows = c
            .risks
            .iter()
            .map(|k| {
                vec![
                    k.description.clone(),
                    choice_of(&LEVELS, &k.likelihood),
                    choice_of(&LEVELS, &k.impact),
                    k.mitigation.clone().unwrap_or_default(),
                ]
            })
            .collect();
        doc.add_table(grid(&["Ризик", "Імовірність", "Вплив", "Заходи"], &[30, 17, 14, 39], rows, &[]))
    };
    doc = doc.add_paragraph(heading("8. Контактні особи"));
    doc = if c.contacts.is_empty() {
        doc.add_paragraph(none())
    } else {
        c.contacts.iter().fold(doc, |d, k| {
            let mut t = k.name.clone();
            for part in [&k.position, &k.email, &k.phone].into_iter().flatten() {
                t.push_str(&format!(", {part}"));
            }
            d.add_paragraph(word::line(&t, 24, false, AlignmentType::Left))
        })
    };
    let width = Orientation::Portrait.text_width();
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_table(word::signatures(&["Керівник виконавчого органу — ініціатора"], width));
    word::pack(doc)
}
