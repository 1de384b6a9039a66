//! The end of the cycle in the demo: the outpatient clinic's repair,
//! completed in 2025 under cost and evaluated (its conclusion signed off),
//! and the public garden, completed in June 2025, whose evaluation is overdue.

use chrono::NaiveDate;
use portfel_domain::Status;
use portfel_domain::passport::PartyRef;
use portfel_monitoring::completion::{Handover, starting_content};
use portfel_monitoring::expost::Rating;
use portfel_monitoring::report::ReportAction;
use portfel_store::passports::PassportFilter;
use portfel_store::{Actor, Store};
use rust_decimal::Decimal;
use uuid::Uuid;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a demo date")
}

/// Closes the demo's two finished projects by accepted completion reports
/// and evaluates the first; `pim_org` is the PIM unit's organisation.
pub async fn load(store: &Store, pim_org: Uuid) -> anyhow::Result<()> {
    let db = store.db();
    let pim = Actor { sub: "o.melnyk".into(), organisation: Some(pim_org), request_id: None };
    let filter = PassportFilter {
        visibility: portfel_domain::access::Visibility { all: true, ..Default::default() },
        status: Some(Status::Implementation),
        limit: 100,
        ..Default::default()
    };
    let (passports, _) = portfel_store::passports::list(db, &filter).await?;
    for p in passports {
        let (ended, evaluated) = match p.content.title.uk.as_str() {
            "Капітальний ремонт амбулаторії в с. Вербове" => {
                (day(2025, 11, 28), true)
            }
            "Облаштування скверу біля ЦНАП" => (day(2025, 6, 30), false),
            _ => continue,
        };
        let initiator = Actor { sub: p.created_by.clone(), organisation: Some(p.organisation_id), request_id: None };
        let mut content = starting_content(&p.content, None, ended);
        content.actual_start = day(2024, 3, 1);
        content.actual_end = ended;
        // Works came in 4 % under the estimate; the clinic serves a few less than promised.
        for c in content.costs.iter_mut().skip(1) {
            c.amount = portfel_domain::Uah::new((c.amount.value() * Decimal::new(96, 2)).round_dp(2))?;
        }
        for i in &mut content.indicators {
            i.actual = Some((i.target * Decimal::new(92, 2)).round());
        }
        content.handover = Some(Handover {
            balance_holder: p
                .content
                .balance_holder
                .clone()
                .unwrap_or_else(|| PartyRef {
                    name: "Соснівська міська рада".into(), edrpou: "04055511".into()
                }),
            act_number: "12".into(),
            act_date: ended,
            value: content.spent(),
        });
        let report = portfel_store::completions::create(db, &initiator, p.meta.id, &content).await?;
        let sent =
            portfel_store::completions::decide(db, &initiator, report.id, report.version, ReportAction::Submit, None)
                .await?;
        portfel_store::completions::decide(db, &pim, report.id, sent.version, ReportAction::Accept, None).await?;
        if evaluated {
            evaluate(store, &pim, p.meta.id).await?;
        }
    }
    Ok(())
}

/// The clinic's evaluation, judged with an expert and signed off.
async fn evaluate(store: &Store, pim: &Actor, passport: Uuid) -> anyhow::Result<()> {
    let db = store.db();
    let begun = portfel_store::evaluations::create(db, pim, passport).await?;
    let mut content = begun.content.clone();
    let judgements = [
        (Rating::High, "Роботи виконано на 4 % дешевше кошторису, із запізненням у межах опалювального сезону."),
        (Rating::Satisfactory, "Досягнуто 92 % запланованої кількості отримувачів послуг."),
        (Rating::Satisfactory, "Скорочено витрати на опалення амбулаторії на третину."),
        (Rating::High, "Жителі с. Вербове отримують первинну допомогу без поїздки до міста."),
        (Rating::Satisfactory, "Утеплення зменшило викиди котельні; сонячні панелі не встановлено."),
    ];
    for (section, (rating, judgement)) in content.sections.iter_mut().zip(judgements) {
        section.rating = Some(rating);
        section.judgement = judgement.into();
        section.evidence = "Акт приймання-передачі № 12; звіт про завершення".into();
    }
    content.overall = Some(Rating::Satisfactory);
    content.conclusion = "Проєкт результативний: мету концепції досягнуто з економією коштів.".into();
    content.lessons = vec!["Планувати зовнішні роботи поза опалювальним сезоном".into()];
    content.experts = vec!["a.lysenko".into()];
    let by = portfel_monitoring::expost::Evaluator::Unit;
    let written = portfel_store::evaluations::update(db, pim, begun.id, begun.version, by, &content).await?;
    portfel_store::evaluations::sign_off(db, pim, begun.id, written.version).await?;
    Ok(())
}
