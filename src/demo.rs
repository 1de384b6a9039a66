//! A realistic demo hromada: organisations, users, a development strategy,
//! budget years and passports in every stage of the lifecycle.

use std::fmt;

use portfel_domain::lifecycle::TRANSITIONS;
use portfel_domain::passport::{
    Beneficiaries, Contact, CostItem, CostLine, CostType, CrossCutting, DesignStatus, DocumentKind, ExpertiseStatus,
    FinancingLine, LandStatus, Level, LocalizedText, Location, PartyRef, Readiness, ReadinessDocument, Risk,
};
use portfel_domain::reference::{
    BudgetYearInput, BudgetYearStatus, GoalLevel, OrganisationInput, StrategyDocumentInput, StrategyGoalInput,
    UserInput,
};
use portfel_domain::{PassportContent, Role, Status, Uah};
use portfel_store::{Actor, Store};
use rust_decimal::Decimal;
use uuid::Uuid;

/// What the demo loaded.
#[derive(Debug)]
pub struct DemoSummary {
    /// Users created, for issuing tokens.
    pub users: Vec<UserInput>,
    /// Number of passports.
    pub passports: usize,
    /// Number of organisations.
    pub organisations: usize,
    /// (sub, password) of every user, for the web workspace.
    pub passwords: Vec<(String, String)>,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Demo hromada loaded: {} organisations, {} users, {} passports",
            self.organisations,
            self.users.len(),
            self.passports
        )
    }
}

#[rustfmt::skip]
const ORGANISATIONS: [(&str, &str, &str); 7] = [
    ("Соснівська міська рада", "04050001", "localBody"),
    ("Відділ економічного розвитку та інвестицій Соснівської міської ради", "44050002", "localBody"),
    ("Управління освіти Соснівської міської ради", "44050003", "localBody"),
    ("Управління житлово-комунального господарства Соснівської міської ради", "44050004", "localBody"),
    ("Комунальне підприємство «Соснівводоканал»", "34050005", "enterprise"),
    ("Відділ охорони здоров'я Соснівської міської ради", "44050006", "localBody"),
    ("Служба автомобільних доріг Соснівської громади", "44050007", "localBody"),
];

/// (sub, full name, organisation index, roles)
#[rustfmt::skip]
const USERS: [(&str, &str, usize, &[Role]); 12] = [
    ("admin", "Системний адміністратор", 0, &[Role::Admin]),
    ("o.melnyk", "Оксана Мельник", 1, &[Role::PimUnit]),
    ("i.bondar", "Ірина Бондар", 2, &[Role::Initiator]),
    ("v.tkachenko", "Василь Ткаченко", 3, &[Role::Initiator]),
    ("s.kravets", "Сергій Кравець", 4, &[Role::Initiator]),
    ("n.shevchuk", "Наталія Шевчук", 5, &[Role::Initiator]),
    ("a.lysenko", "Андрій Лисенко", 1, &[Role::Expert]),
    ("m.savchenko", "Марія Савченко", 0, &[Role::Expert]),
    ("o.kovalchuk", "Олег Ковальчук", 0, &[Role::Expert]),
    ("p.hrytsenko", "Петро Гриценко", 0, &[Role::Council]),
    ("y.moroz", "Юлія Мороз", 0, &[Role::Council]),
    ("dream-sync", "Сценарій синхронізації з DREAM", 1, &[Role::Integration]),
];

/// A demo project: (title uk, title en, organisation index, sector, type, goal code,
/// total cost in thousand UAH, start year, duration, beneficiaries, IDPs, target state).
type Template =
    (&'static str, &'static str, usize, &'static str, &'static str, &'static str, i64, i32, u8, u64, u64, Status);

#[rustfmt::skip]
const PROJECTS: [Template; 26] = [
    ("Капітальний ремонт ліцею №3 з термомодернізацією", "Major repair and thermal retrofit of Lyceum No. 3", 2, "ES", "rehabilitation", "1.1", 38_500, 2027, 2, 950, 140, Status::InPlan),
    ("Будівництво укриття в гімназії №5", "Shelter construction at Gymnasium No. 5", 2, "ES", "construction", "1.1", 21_200, 2027, 1, 620, 85, Status::InPortfolio),
    ("Реконструкція дитячого садка «Сонечко»", "Reconstruction of the Sonechko kindergarten", 2, "EC", "rehabilitation", "1.2", 17_800, 2027, 2, 180, 30, Status::Evaluated),
    ("Закупівля шкільних автобусів", "Purchase of school buses", 2, "ES", "equipment", "1.2", 9_600, 2027, 1, 410, 60, Status::UnderEvaluation),
    ("Створення інклюзивно-ресурсного центру", "Inclusive resource centre", 2, "EZ", "rehabilitation", "1.2", 6_400, 2028, 1, 260, 40, Status::Submitted),
    ("Облаштування STEM-лабораторій у ліцеях", "STEM laboratories in lyceums", 2, "ES", "equipment", "1.1", 4_300, 2028, 1, 1_800, 200, Status::Draft),
    ("Реконструкція водогону по вул. Центральній", "Reconstruction of the Tsentralna Street water main", 4, "WC", "rehabilitation", "2.1", 46_000, 2026, 3, 12_400, 1_100, Status::Implementation),
    ("Капітальний ремонт гімназії №2 з утепленням фасаду", "Major repair and insulation of Gymnasium No. 2", 2, "ES", "rehabilitation", "1.1", 14_800, 2026, 2, 540, 70, Status::Implementation),
    ("Реконструкція котельні №1 з переходом на біопаливо", "Reconstruction of boiler house No. 1 for biofuel", 3, "LU", "rehabilitation", "2.2", 19_300, 2026, 2, 6_200, 520, Status::Implementation),
    ("Будівництво каналізаційних очисних споруд", "Construction of a wastewater treatment plant", 4, "WA", "construction", "2.1", 128_000, 2027, 3, 24_000, 2_300, Status::UnderEvaluation),
    ("Встановлення станцій знезалізнення води", "Water de-ironing stations", 4, "WC", "equipment", "2.1", 7_900, 2027, 1, 8_300, 700, Status::Screening),
    ("Заміна насосного обладнання водозабору", "Replacement of water intake pumps", 4, "WC", "replacement", "2.1", 5_200, 2028, 1, 24_000, 2_300, Status::Draft),
    ("Термомодернізація будівлі центральної лікарні", "Thermal retrofit of the central hospital", 5, "HQ", "rehabilitation", "3.1", 54_000, 2027, 2, 31_000, 3_200, Status::InPortfolio),
    ("Закупівля обладнання для амбулаторії с. Вербове", "Equipment for the Verbove outpatient clinic", 5, "HQ", "equipment", "3.1", 3_100, 2027, 1, 2_900, 240, Status::Evaluated),
    ("Будівництво амбулаторії в с. Лозова", "New outpatient clinic in Lozova village", 5, "HQ", "construction", "3.1", 18_700, 2028, 2, 3_600, 310, Status::Submitted),
    ("Модернізація вуличного освітлення з LED-світильниками", "LED street lighting modernisation", 3, "LT", "rehabilitation", "2.2", 12_300, 2027, 2, 27_000, 2_500, Status::Screening),
    ("Сонячна електростанція для котельні №2", "Solar plant for boiler house No. 2", 3, "LU", "construction", "2.2", 15_600, 2027, 1, 9_400, 800, Status::UnderEvaluation),
    ("Капітальний ремонт гуртожитку для ВПО", "Major repair of a dormitory for IDPs", 3, "YH", "rehabilitation", "3.2", 22_400, 2027, 1, 210, 210, Status::Rejected),
    ("Облаштування полігону твердих побутових відходів", "Solid waste landfill upgrade", 3, "WB", "rehabilitation", "2.2", 33_000, 2028, 2, 27_000, 2_500, Status::Submitted),
    ("Ремонт мосту через р. Соснівка", "Repair of the bridge over the Sosnivka river", 6, "TI", "rehabilitation", "2.3", 41_500, 2027, 2, 15_000, 1_200, Status::Draft),
    ("Капітальний ремонт дороги Соснівка — Лозова", "Major repair of the Sosnivka–Lozova road", 6, "TI", "rehabilitation", "2.3", 64_000, 2027, 3, 9_800, 700, Status::Screening),
    ("Облаштування безбар'єрних зупинок громадського транспорту", "Barrier-free public transport stops", 6, "TC", "construction", "2.3", 2_800, 2027, 1, 18_000, 1_500, Status::Submitted),
    ("Створення центру надання адміністративних послуг у с. Вербове", "Administrative service centre in Verbove", 3, "BH", "rehabilitation", "3.2", 4_900, 2028, 1, 5_300, 420, Status::Draft),
    ("Реконструкція стадіону «Колос»", "Reconstruction of the Kolos stadium", 3, "O", "rehabilitation", "3.2", 26_000, 2029, 2, 7_500, 600, Status::Draft),
    ("Капітальний ремонт амбулаторії в с. Вербове", "Major repair of the Verbove outpatient clinic", 5, "HQ", "rehabilitation", "3.1", 8_200, 2024, 2, 2_900, 240, Status::Implementation),
    ("Облаштування скверу біля ЦНАП", "Public garden by the administrative service centre", 3, "O", "construction", "3.2", 3_400, 2024, 1, 5_300, 420, Status::Implementation),
];

/// Goals of the demo strategy: (code, level, parent code, title).
#[rustfmt::skip]
const GOALS: [(&str, GoalLevel, Option<&str>, &str); 10] = [
    ("1", GoalLevel::Strategic, None, "Якісна та доступна освіта"),
    ("1.1", GoalLevel::Operational, Some("1"), "Безпечні та енергоефективні заклади освіти"),
    ("1.2", GoalLevel::Operational, Some("1"), "Рівний доступ до освіти для кожної дитини"),
    ("2", GoalLevel::Strategic, None, "Сучасна та стійка інфраструктура"),
    ("2.1", GoalLevel::Operational, Some("2"), "Надійне водопостачання і водовідведення"),
    ("2.2", GoalLevel::Operational, Some("2"), "Енергоефективність та чисте довкілля"),
    ("2.3", GoalLevel::Operational, Some("2"), "Безпечні дороги та доступний транспорт"),
    ("3", GoalLevel::Strategic, None, "Здорова та згуртована громада"),
    ("3.1", GoalLevel::Operational, Some("3"), "Доступна медична допомога"),
    ("3.2", GoalLevel::Operational, Some("3"), "Підтримка внутрішньо переміщених осіб та громадські послуги"),
];

/// Loads the demo into an empty database; returns `None` when data exists.
pub async fn load(store: &Store) -> anyhow::Result<Option<DemoSummary>> {
    let db = store.db();
    if !portfel_store::organisations::list(db).await?.is_empty() {
        return Ok(None);
    }
    let system = Actor { sub: "demo-loader".into(), organisation: None, request_id: None };
    let mut org_ids = Vec::new();
    for (name, edrpou, kind) in ORGANISATIONS {
        let input = OrganisationInput { name: name.into(), edrpou: edrpou.into(), kind: kind.into() };
        org_ids.push(portfel_store::organisations::create(db, &system, &input).await?.meta.id);
    }
    let mut users = Vec::new();
    let mut passwords = Vec::new();
    for (sub, full_name, org, roles) in USERS {
        let input = UserInput {
            sub: sub.into(),
            full_name: full_name.into(),
            organisation_id: org_ids[org],
            roles: roles.to_vec(),
            email: Some(format!("{}@sosnivka-rada.example", sub.replace('.', "_"))),
        };
        portfel_store::users::create(db, &system, &input).await?;
        let password = portfel_web::password::generate();
        let secret = password.clone();
        let hash = tokio::task::spawn_blocking(move || portfel_web::password::hash(&secret))
            .await?
            .map_err(|e| anyhow::anyhow!(e))?;
        portfel_store::sessions::set_password(db, &system, sub, &hash).await?;
        passwords.push((sub.to_owned(), password));
        users.push(input);
    }
    let strategy = portfel_store::strategy::create_document(
        db,
        &system,
        &StrategyDocumentInput {
            kind: "communityDevelopmentStrategy".into(),
            title: "Стратегія розвитку Соснівської міської територіальної громади на 2021–2030 роки".into(),
            approved_by: Some("Рішення Соснівської міської ради № 412-12-VIII".into()),
            approved_on: chrono::NaiveDate::from_ymd_opt(2021, 6, 24),
            period_start: 2021,
            period_end: 2030,
        },
    )
    .await?;
    let mut goal_ids: Vec<(&str, Uuid)> = Vec::new();
    for (code, level, parent, title) in GOALS {
        let parent_id = parent.and_then(|p| goal_ids.iter().find(|(c, _)| *c == p).map(|(_, id)| *id));
        let input = StrategyGoalInput { level, parent_id, code: code.into(), title: title.into() };
        let goal = portfel_store::strategy::create_goal(db, &system, strategy.meta.id, &input).await?;
        goal_ids.push((code, goal.meta.id));
    }
    for (year, status, ceiling) in [
        (2026, BudgetYearStatus::Adopted, 118_000_000),
        (2027, BudgetYearStatus::Planning, 165_000_000),
        (2028, BudgetYearStatus::Planning, 150_000_000),
        (2029, BudgetYearStatus::Planning, 140_000_000),
    ] {
        let input = BudgetYearInput { year, status, investment_ceiling: Some(Uah::new(Decimal::from(ceiling))?) };
        portfel_store::years::create(db, &system, &input).await?;
    }
    for (i, template) in PROJECTS.iter().enumerate() {
        let org = org_ids[template.2];
        let initiator =
            USERS.iter().find(|u| u.2 == template.2 && u.3.contains(&Role::Initiator)).map_or("admin", |u| u.0);
        let goal = goal_ids.iter().find(|(c, _)| *c == template.5).map(|(_, id)| *id).expect("demo goal exists");
        let content = passport(template, goal, i)?;
        let actor = Actor { sub: initiator.into(), organisation: Some(org), request_id: None };
        let created = portfel_store::passports::create(db, &actor, org, &content).await?;
        let pim = Actor { sub: "o.melnyk".into(), organisation: Some(org_ids[1]), request_id: None };
        let mut version = created.meta.version;
        for (from, to) in path_to(template.11) {
            let (who, reason) = match to {
                Status::Submitted => (&actor, None),
                Status::Rejected => (&pim, Some("Проєкт не відповідає мінімальному порогу оцінки")),
                _ => (&pim, None),
            };
            debug_assert!(from != to);
            version = portfel_store::passports::transition(db, who, created.meta.id, version, to, (reason, None))
                .await?
                .meta
                .version;
        }
    }
    crate::demo_completion::load(store, org_ids[1]).await?;
    crate::demo_monitoring::load(store, &org_ids).await?;
    Ok(Some(DemoSummary { users, passports: PROJECTS.len(), organisations: ORGANISATIONS.len(), passwords }))
}

/// The main-line path from draft to `target` through legal transitions.
fn path_to(target: Status) -> Vec<(Status, Status)> {
    let mut path = Vec::new();
    let end = if target == Status::Rejected { Status::Evaluated } else { target };
    for pair in Status::MAIN_LINE.windows(2) {
        if pair[0] == end {
            break;
        }
        path.push((pair[0], pair[1]));
    }
    if target == Status::Rejected {
        path.push((Status::Evaluated, Status::Rejected));
    }
    debug_assert!(path.iter().all(|(f, t)| TRANSITIONS.iter().any(|r| r.from == *f && r.to == *t)));
    path
}

fn thousands(amount: Decimal) -> anyhow::Result<Uah> {
    Ok(Uah::new(amount.round_dp(2))?)
}

/// A complete passport from a template: design in the first year, works spread
/// over the rest, financed 30% local budget, 50% state subsidies, 20% donors.
fn passport(t: &Template, goal: Uuid, index: usize) -> anyhow::Result<PassportContent> {
    let (title_uk, title_en, _, sector, kind, _, total_k, start, duration, people, idps, _) = *t;
    let total = Decimal::from(total_k) * Decimal::from(1000);
    let design = (total * Decimal::new(8, 2)).round_dp(2);
    let works = total - design;
    let per_year = (works / Decimal::from(duration)).round_dp(2);
    let mut costs =
        vec![CostLine { year: start, item: CostItem::Design, cost_type: CostType::Capex, amount: thousands(design)? }];
    let item = if kind == "equipment" { CostItem::Equipment } else { CostItem::Construction };
    for y in 0..duration {
        let amount = if y + 1 == duration { works - per_year * Decimal::from(duration - 1) } else { per_year };
        costs.push(CostLine {
            year: start + i32::from(y),
            item,
            cost_type: CostType::Capex,
            amount: thousands(amount)?,
        });
    }
    let mut financing = Vec::new();
    for y in 0..duration {
        let year = start + i32::from(y);
        let year_cost: Decimal = costs.iter().filter(|c| c.year == year).map(|c| c.amount.value()).sum();
        let local = (year_cost * Decimal::new(3, 1)).round_dp(2);
        let state = (year_cost * Decimal::new(5, 1)).round_dp(2);
        for (source, amount) in [
            ("localBudget", local),
            ("stateSubsidies", state),
            ("internationalOrganization", year_cost - local - state),
        ] {
            financing.push(FinancingLine { year, source: source.into(), amount: thousands(amount)? });
        }
    }
    let katottg = format!("UA5906{:013}", 1_000_123 + index as u64 * 7);
    Ok(PassportContent {
        title: LocalizedText { uk: title_uk.into(), en: Some(title_en.into()) },
        description: Some(LocalizedText {
            uk: format!("{title_uk}. Проєкт спрямований на покращення якості послуг для мешканців громади."),
            en: None,
        }),
        problem: Some(
            "Наявна інфраструктура зношена, не відповідає сучасним нормам безпеки та енергоефективності.".into(),
        ),
        goals: vec![
            "Забезпечити якісну послугу для мешканців громади".into(),
            "Скоротити експлуатаційні витрати".into(),
        ],
        project_type: Some(kind.into()),
        purpose: Some(if idps * 10 > people { "restoration" } else { "development" }.into()),
        nature: vec![if kind == "equipment" { "procurement" } else { "construction" }.into()],
        sector: Some(sector.into()),
        balance_holder: Some(PartyRef { name: ORGANISATIONS[t.2].0.into(), edrpou: ORGANISATIONS[t.2].1.into() }),
        implementer: None,
        locations: vec![Location {
            katottg, address: Some("Соснівська міська територіальна громада".into())
        }],
        strategy_goal_ids: vec![goal],
        start_year: Some(start),
        duration_years: Some(duration),
        costs,
        financing,
        readiness: Readiness {
            documents: vec![ReadinessDocument {
                kind: DocumentKind::FeasibilityStudy,
                title: "Техніко-економічне обґрунтування".into(),
                number: Some(format!("ТЕО-{:03}", index + 1)),
                date: chrono::NaiveDate::from_ymd_opt(2026, 2, 10 + (index % 15) as u32).expect("valid date"),
                url: None,
            }],
            design_documentation: if index.is_multiple_of(3) {
                DesignStatus::Approved
            } else {
                DesignStatus::InPreparation
            },
            land: if kind == "equipment" { LandStatus::NotRequired } else { LandStatus::Owned },
            state_expertise: if index.is_multiple_of(3) { ExpertiseStatus::Positive } else { ExpertiseStatus::NotDone },
        },
        beneficiaries: Beneficiaries { total: people, idps },
        om_cost_per_year: Some(thousands(total * Decimal::new(15, 3))?),
        risks: vec![Risk {
            description: "Зростання вартості будівельних матеріалів".into(),
            likelihood: Level::Medium,
            impact: Level::Medium,
            mitigation: Some("Резерв коштів на непередбачені витрати".into()),
        }],
        cross_cutting: CrossCutting {
            energy_efficiency: matches!(sector, "ES" | "EC" | "HQ" | "LT" | "LU"),
            climate_adaptation: matches!(sector, "WC" | "WA" | "WB" | "LU"),
            gender_equality: index.is_multiple_of(4),
            barrier_free: index.is_multiple_of(2) || sector == "TC",
        },
        contacts: vec![Contact {
            name: USERS.iter().find(|u| u.2 == t.2).map_or("Оксана Мельник", |u| u.1).into(),
            position: Some("Головний спеціаліст".into()),
            email: None,
            phone: Some("+380441234567".into()),
        }],
    })
}
