//! The demo hromada's monitoring: quarterly reports of 2026 on the projects in
//! implementation (one on schedule, one with a report missing and a milestone
//! late, one over its cost with an indicator lagging), a local target
//! programme of two sections and a dozen measures with the year's facts, and
//! a programme its executive bodies report quarterly.

use chrono::NaiveDate;
use portfel_domain::comeback::Return;
use portfel_domain::{Status, Uah};
use portfel_monitoring::period::Period;
use portfel_monitoring::programme::{Measure, MeasureAmount, MeasureFact, Programme, Section};
use portfel_monitoring::quarters::{QuarterFact, QuarterStatus};
use portfel_monitoring::report::{Indicator, Milestone, ReportAction, ReportContent, SourceFact};
use portfel_store::passports::PassportFilter;
use portfel_store::{Actor, Store};
use rust_decimal::Decimal;
use uuid::Uuid;

fn uah(amount: i64) -> Uah {
    Uah::new(Decimal::from(amount)).expect("whole hryvnias")
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("a 2026 date")
}

/// A quarter's report: spent from the local budget and state subsidies, progress.
fn quarter(q: u8, spent: i64, progress: i64, narrative: &str) -> ReportContent {
    let local = spent * 3 / 10;
    ReportContent {
        period: Period::quarter(2026, q),
        financing: vec![
            SourceFact { source: "localBudget".into(), received: uah(local), spent: uah(local) },
            SourceFact { source: "stateSubsidies".into(), received: uah(spent - local), spent: uah(spent - local) },
        ],
        progress_percent: Decimal::from(progress),
        milestones: Vec::new(),
        indicators: Vec::new(),
        narrative: narrative.into(),
        estimated_cost: None,
        documents: Vec::new(),
    }
}

fn milestone(name: &str, planned: NaiveDate, actual: Option<NaiveDate>) -> Milestone {
    Milestone { name: name.into(), planned, actual }
}

fn indicator(name: &str, unit: &str, target: i64, actual: i64) -> Indicator {
    Indicator {
        name: name.into(),
        unit: unit.into(),
        baseline: Decimal::ZERO,
        target: Decimal::from(target),
        actual: Some(Decimal::from(actual)),
    }
}

/// The reports of each demo project in implementation, by title; `true` marks the accepted ones.
fn reports(title: &str) -> Vec<(ReportContent, bool)> {
    let mut out = Vec::new();
    if title.starts_with("Реконструкція водогону") {
        let mut q1 = quarter(1, 3_200_000, 12, "Укладено договір підряду, розпочато заміну мереж на ділянці 1");
        q1.milestones.push(milestone("Договір підряду укладено", date(3, 15), Some(date(3, 10))));
        let q2 = quarter(2, 6_100_000, 30, "Замінено 1,9 км мереж, встановлено 40 колодязів");
        let mut q3 = quarter(3, 7_400_000, 52, "Замінено ще 1,7 км мереж; ділянку 1 введено в експлуатацію");
        q3.milestones.push(milestone("Ділянку 1 введено в експлуатацію", date(9, 30), Some(date(9, 25))));
        q3.indicators.push(indicator("Замінено водопровідних мереж", "км", 7, 4));
        out.extend([(q1, true), (q2, true), (q3, true)]);
    } else if title.starts_with("Капітальний ремонт гімназії №2") {
        let q1 = quarter(1, 1_100_000, 10, "Виготовлено та погоджено проєктну документацію");
        let mut q2 = quarter(2, 2_400_000, 28, "Розпочато заміну вікон і утеплення північного фасаду");
        q2.milestones.push(milestone("Заміна вікон завершена", date(8, 31), None));
        out.extend([(q1, true), (q2, true)]);
    } else if title.starts_with("Реконструкція котельні №1") {
        let q1 = quarter(1, 2_000_000, 15, "Демонтовано старі котли");
        let q2 = quarter(2, 3_500_000, 35, "Змонтовано два котли на біопаливі");
        let mut q3 = quarter(3, 4_100_000, 60, "Змонтовано склад паливної тріски; подорожчало обладнання");
        q3.estimated_cost = Some(uah(22_800_000));
        q3.indicators.push(indicator("Частка тепла з біопалива", "%", 100, 20));
        out.extend([(q1, true), (q2, true), (q3, false)]);
    }
    out
}

/// A demo measure: number, text, planned 2026 from the local budget, and the year's fact with what was done.
type DemoMeasure = (&'static str, &'static str, i64, Option<(i64, &'static str)>);

#[rustfmt::skip]
const MEASURES: [DemoMeasure; 12] = [
    ("1.1", "Капітальний ремонт гімназії №2 з утепленням фасаду", 6_500_000, Some((3_500_000, "Замінено вікна, утеплено 60 % фасаду"))),
    ("1.2", "Облаштування укриттів у закладах загальної середньої освіти", 3_200_000, Some((2_950_000, "Облаштовано укриття у ліцеях №1 і №4"))),
    ("1.3", "Оновлення обладнання харчоблоків ліцеїв", 1_150_000, Some((1_149_500, "Придбано обладнання для трьох харчоблоків"))),
    ("1.4", "Придбання шкільних автобусів", 2_400_000, Some((0, "Закупівлю перенесено на 2027 рік"))),
    ("1.5", "Облаштування інклюзивних класів", 600_000, Some((512_300, "Облаштовано два класи"))),
    ("1.6", "Заміна покрівлі дитячого садка «Ромашка»", 1_800_000, Some((1_790_000, "Покрівлю замінено"))),
    ("2.1", "Підвищення кваліфікації педагогічних працівників", 350_000, Some((298_000, "Навчання пройшли 112 педагогів"))),
    ("2.2", "Олімпіада юних математиків громади", 80_000, Some((80_000, "Проведено олімпіаду, 64 учасники"))),
    ("2.3", "Літні табори для дітей внутрішньо переміщених осіб", 420_000, Some((415_250, "Оздоровлено 150 дітей"))),
    ("2.4", "Профорієнтаційний ярмарок для старшокласників", 45_000, None),
    ("2.5", "Придбання підручників і посібників", 260_000, Some((259_870, "Придбано 1 420 примірників"))),
    ("2.6", "Стипендії міського голови обдарованим учням", 120_000, Some((90_000, "Призначено 15 стипендій"))),
];

fn programme(gymnasium: Option<Uuid>, education: Uuid) -> Programme {
    let measure = |(number, text, planned, _): &DemoMeasure| Measure {
        number: (*number).into(),
        text: (*text).into(),
        executors: vec!["Управління освіти Соснівської міської ради".into()],
        planned: vec![MeasureAmount { year: 2026, source: "localBudget".into(), amount: uah(*planned) }],
        passport_ids: if *number == "1.1" { gymnasium.into_iter().collect() } else { Vec::new() },
        organisation_ids: vec![education],
        closed_after: None,
    };
    Programme {
        title: "Програма розвитку освіти Соснівської міської територіальної громади на 2026–2028 роки".into(),
        decision_number: "1834-41-VIII".into(),
        decision_date: NaiveDate::from_ymd_opt(2025, 12, 21).expect("a date"),
        period_start: 2026,
        period_end: 2028,
        responsible: "Управління освіти Соснівської міської ради".into(),
        sections: vec![
            Section {
                number: "1".into(),
                title: "Розвиток інфраструктури закладів освіти".into(),
                measures: MEASURES[..6].iter().map(measure).collect(),
            },
            Section {
                number: "2".into(),
                title: "Освітні заходи та розвиток кадрів".into(),
                measures: MEASURES[6..].iter().map(measure).collect(),
            },
        ],
    }
}

/// A measure of the quarterly-reported programme: number, text, executor (index
/// into the demo's organisations), planned 2026, and each reported quarter of
/// 2026 with its spending, what was done and how it stands.
type QuarterlyMeasure = (&'static str, &'static str, usize, i64, &'static [(u8, i64, &'static str, QuarterStatus)]);

#[rustfmt::skip]
const QUARTERLY: [QuarterlyMeasure; 4] = [
    ("1.1", "Поточний ремонт тротуарів у центральній частині міста", 3, 2_400_000, &[
        (1, 180_000, "Укладено договір, відремонтовано 0,4 км тротуарів", QuarterStatus::Accepted),
        (2, 760_000, "Відремонтовано ще 1,2 км тротуарів по вул. Шевченка", QuarterStatus::Accepted),
        (3, 910_000, "Завершено ремонт по вул. Соборній", QuarterStatus::Submitted),
    ]),
    ("1.2", "Облаштування дитячих і спортивних майданчиків", 3, 1_200_000, &[
        (1, 0, "Підготовлено технічні завдання", QuarterStatus::Accepted),
        (2, 420_000, "Встановлено два дитячі майданчики", QuarterStatus::Accepted),
        (3, 515_000, "Встановлено спортивний майданчик біля ліцею №1", QuarterStatus::Returned),
    ]),
    ("2.1", "Заміна аварійних ділянок водопровідних мереж", 4, 1_800_000, &[
        (1, 350_000, "Замінено 0,6 км мереж по вул. Лісовій", QuarterStatus::Accepted),
        (2, 610_000, "Замінено 0,9 км мереж, усунено 14 аварій", QuarterStatus::Accepted),
    ]),
    ("2.2", "Встановлення вузлів комерційного обліку води", 4, 300_000, &[]),
];

fn quarterly_programme(org_ids: &[Uuid]) -> Programme {
    let measure = |(number, text, org, planned, _): &QuarterlyMeasure| Measure {
        number: (*number).into(),
        text: (*text).into(),
        executors: Vec::new(),
        planned: [2026, 2027]
            .map(|year| MeasureAmount { year, source: "localBudget".into(), amount: uah(*planned) })
            .to_vec(),
        passport_ids: Vec::new(),
        organisation_ids: vec![org_ids[*org]],
        closed_after: None,
    };
    Programme {
        title: "Програма благоустрою населених пунктів Соснівської громади на 2026–2027 роки".into(),
        decision_number: "1790-40-VIII".into(),
        decision_date: NaiveDate::from_ymd_opt(2025, 11, 27).expect("a date"),
        period_start: 2026,
        period_end: 2027,
        responsible: "Управління житлово-комунального господарства Соснівської міської ради".into(),
        sections: vec![
            Section {
                number: "1".into(),
                title: "Благоустрій вулиць і громадських просторів".into(),
                measures: QUARTERLY[..2].iter().map(measure).collect(),
            },
            Section {
                number: "2".into(),
                title: "Водопостачання".into(),
                measures: QUARTERLY[2..].iter().map(measure).collect(),
            },
        ],
    }
}

/// The quarterly programme and its 2026 quarters as the executive bodies
/// reported them and the PIM unit decided.
async fn load_quarterly(store: &Store, org_ids: &[Uuid], users: &[(&str, usize)], pim: &Actor) -> anyhow::Result<()> {
    let db = store.db();
    let record = portfel_store::programmes::create(db, pim, &quarterly_programme(org_ids)).await?;
    let today = chrono::Utc::now().date_naive();
    for (number, _, org, _, quarters) in QUARTERLY {
        let sub = users.iter().find(|(_, o)| *o == org).map_or("admin", |(sub, _)| *sub);
        let executor = Actor { sub: sub.into(), organisation: Some(org_ids[org]), request_id: None };
        for &(quarter, spent, narrative, status) in quarters {
            let fact = QuarterFact {
                measure: number.into(),
                year: 2026,
                quarter,
                amount: uah(spent),
                narrative: narrative.into(),
            };
            let report =
                portfel_store::programme_quarters::submit(db, &executor, record.id, org_ids[org], &fact, today).await?;
            let reason = "Додайте акт приймання виконаних робіт";
            match status {
                QuarterStatus::Submitted => {}
                QuarterStatus::Accepted => {
                    portfel_store::programme_quarters::review(db, pim, report.id, report.version, true, None).await?;
                }
                QuarterStatus::Returned => {
                    portfel_store::programme_quarters::review(
                        db,
                        pim,
                        report.id,
                        report.version,
                        false,
                        Some(Return::for_reason(reason)),
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}

/// Loads the monitoring part of the demo; `org_ids` are the demo's organisations in order.
pub async fn load(store: &Store, org_ids: &[Uuid]) -> anyhow::Result<()> {
    let db = store.db();
    let pim = Actor { sub: "o.melnyk".into(), organisation: Some(org_ids[1]), request_id: None };
    let filter = PassportFilter {
        visibility: portfel_domain::access::Visibility { all: true, ..Default::default() },
        limit: 100,
        ..Default::default()
    };
    let (passports, _) = portfel_store::passports::list(db, &filter).await?;
    let mut gymnasium = None;
    for p in passports.iter().filter(|p| p.status == Status::Implementation) {
        if p.content.title.uk.starts_with("Капітальний ремонт гімназії №2") {
            gymnasium = Some(p.meta.id);
        }
        let initiator = Actor { sub: p.created_by.clone(), organisation: Some(p.organisation_id), request_id: None };
        for (content, accepted) in reports(&p.content.title.uk) {
            let report = portfel_store::reports::create(db, &initiator, p.meta.id, &content).await?;
            let submitted =
                portfel_store::reports::decide(db, &initiator, report.id, report.version, ReportAction::Submit, None)
                    .await?;
            if accepted {
                portfel_store::reports::decide(db, &pim, report.id, submitted.version, ReportAction::Accept, None)
                    .await?;
            }
        }
    }
    let record = portfel_store::programmes::create(db, &pim, &programme(gymnasium, org_ids[2])).await?;
    for (number, _, _, fact) in MEASURES {
        if let Some((amount, narrative)) = fact {
            let fact =
                MeasureFact { measure: number.into(), year: 2026, amount: uah(amount), narrative: narrative.into() };
            portfel_store::programmes::set_fact(db, &pim, record.id, &fact).await?;
        }
    }
    load_quarterly(store, org_ids, &[("v.tkachenko", 3), ("s.kravets", 4)], &pim).await
}
