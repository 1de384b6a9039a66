//! Ukrainian words for the engine's codes: states, roles, funding sources,
//! sectors (from DREAM's codelists), field names and common problems.

use axum::http::StatusCode;
use portfel_domain::codelist::{Codelist, Codelists};
use portfel_domain::{FieldError, Role, Status};
use portfel_planning::council::DocumentStatus;

/// A passport state.
pub fn status(s: Status) -> &'static str {
    match s {
        Status::Draft => "Чернетка",
        Status::Submitted => "Подано",
        Status::Screening => "Перевірка",
        Status::UnderEvaluation => "Експертна оцінка",
        Status::Evaluated => "Оцінено",
        Status::InPortfolio => "У портфелі",
        Status::Rejected => "Відхилено",
        Status::InPlan => "У плані",
        Status::Implementation => "Реалізація",
        Status::Completed => "Завершено",
        Status::Cancelled => "Скасовано",
        Status::Unsuccessful => "Невдалий",
    }
}

/// A state of a portfolio or plan version.
pub fn document_status(s: DocumentStatus) -> &'static str {
    match s {
        DocumentStatus::Draft => "Чернетка",
        DocumentStatus::Submitted => "На розгляді ради",
        DocumentStatus::Approved => "Схвалено",
        DocumentStatus::Returned => "Повернуто на доопрацювання",
        DocumentStatus::Superseded => "Замінено новою версією",
    }
}

/// A role.
pub fn role(r: Role) -> &'static str {
    match r {
        Role::Initiator => "ініціатор",
        Role::PimUnit => "підрозділ з управління інвестиціями",
        Role::Expert => "експерт",
        Role::Council => "інвестиційна рада",
        Role::Admin => "адміністратор",
        Role::Integration => "інтеграція",
    }
}

/// Portfel's own labels where a DREAM codelist gives two codes one
/// Ukrainian label, so that a choice never shows two identical options.
const DISTINCT: [(Codelist, &str, &str); 4] = [
    (Codelist::InitiationTypes, "rehabilitation", "Реконструкція, модернізація, ремонт"),
    (Codelist::InitiationTypes, "replacement", "Заміна обладнання чи конструкцій"),
    (Codelist::InitiationTypes, "expansion", "Розширення наявного об'єкта"),
    (Codelist::WbEco, "SA", "Соціальний захист (підсектор)"),
];

/// The Ukrainian label of `code` in `list`, or the code itself.
pub fn code(list: Codelist, code: &str) -> String {
    if let Some((_, _, label)) = DISTINCT.iter().find(|(l, c, _)| *l == list && *c == code) {
        return (*label).to_owned();
    }
    Codelists::embedded()
        .entries(list)
        .iter()
        .find(|e| e.code == code)
        .map_or_else(|| code.to_owned(), |e| e.label_uk.clone())
}

/// A funding source.
pub fn source(code: &str) -> String {
    self::code(Codelist::FundingSourceCategories, code)
}

/// A report's state.
pub fn report_status(s: portfel_monitoring::report::ReportStatus) -> &'static str {
    use portfel_monitoring::report::ReportStatus;
    match s {
        ReportStatus::Draft => "чернетка",
        ReportStatus::Submitted => "подано",
        ReportStatus::Accepted => "прийнято",
        ReportStatus::Returned => "повернуто",
    }
}

/// Where an expert stands on a project.
pub fn assignment(a: &portfel_scoring::round::Assignment) -> &'static str {
    use portfel_scoring::round::AssignmentStatus;
    match (a.status, a.submitted_at.is_some()) {
        (AssignmentStatus::AwaitingDeclaration, _) => "потрібна декларація",
        (AssignmentStatus::Conflict, _) => "заявлено конфлікт інтересів",
        (AssignmentStatus::Active, true) => "оцінки подано",
        (AssignmentStatus::Active, false) => "оцінювання триває",
    }
}

/// A sector.
pub fn sector(code: &str) -> String {
    self::code(Codelist::WbEco, code)
}

/// The headline of an error page.
pub fn status_headline(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Хибний запит",
        401 => "Потрібно увійти",
        403 => "Доступ заборонено",
        404 => "Не знайдено",
        409 => "Дію не можна виконати зараз",
        412 => "Дані змінилися",
        422 => "Дані не пройшли перевірку",
        428 => "Потрібна версія документа",
        429 => "Забагато спроб",
        503 => "Сервіс тимчасово недоступний",
        _ => "Помилка",
    }
}

/// What to tell the user about a problem of `status`, with the API's detail.
pub fn problem_detail(status: StatusCode, detail: &str) -> String {
    match status.as_u16() {
        403 => "Ваша роль або організація не дозволяє цю дію чи сторінку.".to_owned(),
        404 => "Такого запису немає або він вам не доступний.".to_owned(),
        409 => format!("Поточний стан документа не дозволяє цю дію: {detail}"),
        412 => "Поки ви працювали, документ змінив хтось інший. Оновіть сторінку й повторіть дію.".to_owned(),
        503 => "База даних тимчасово недоступна; спробуйте трохи згодом.".to_owned(),
        500 => "Сталася внутрішня помилка; її записано в журнал сервера.".to_owned(),
        _ => detail.to_owned(),
    }
}

/// A field path in words, e.g. `costs[1].amount` → «Витрати №2 · сума».
pub fn field(path: &str) -> String {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let word = match name {
            "title" => "Назва",
            "uk" => "українською",
            "en" => "англійською",
            "description" => "Опис",
            "problem" => "Проблема",
            "goals" => "Цілі",
            "project_type" => "Тип проєкту",
            "purpose" => "Призначення",
            "sector" => "Сектор",
            "locations" => "Місце реалізації",
            "katottg" => "код КАТОТТГ",
            "address" => "адреса",
            "strategy_goal_ids" => "Цілі стратегії",
            "start_year" => "Рік початку",
            "duration_years" => "Тривалість",
            "costs" => "Витрати",
            "financing" => "Фінансування",
            "year" => "рік",
            "item" => "стаття",
            "cost_type" => "вид",
            "amount" => "сума",
            "source" => "джерело",
            "readiness" => "Готовність",
            "design_documentation" => "проєктна документація",
            "land" => "земля",
            "state_expertise" => "експертиза",
            "beneficiaries" => "Бенефіціари",
            "total" => "усього",
            "idps" => "ВПО",
            "om_cost_per_year" => "Витрати на утримання",
            "risks" => "Ризики",
            "likelihood" => "імовірність",
            "impact" => "вплив",
            "contacts" => "Контакти",
            "name" => "ім'я",
            "email" => "ел. пошта",
            "number" => "Номер рішення",
            "date" => "Дата рішення",
            "comment" => "Коментар",
            "reason" => "Причина",
            "expert" => "Експерт",
            "sections" => "Розділ",
            "measures" => "Захід",
            "executors" => "виконавці",
            "responsible" => "Відповідальний виконавець",
            "decision_number" => "Номер рішення",
            "decision_date" => "Дата рішення",
            "period_start" => "Перший рік",
            "period_end" => "Останній рік",
            "balance_holder" => "Балансоутримувач",
            "implementer" => "Виконавець",
            "edrpou" => "код ЄДРПОУ",
            "nature" => "Характер",
            "position" => "посада",
            "phone" => "телефон",
            "projects" => "Проєкти",
            "passport_ids" => "Проєкти",
            "criterion" => "критерій",
            "methodology_id" => "Методика",
            "deadline" => "Строк для експертів",
            "portfolio_id" => "Портфель",
            "first_year" => "Перший рік",
            "last_year" => "Останній рік",
            "builder" => "Спосіб побудови",
            "constraints" => "Обмеження",
            "time_limit_seconds" => "Час розрахунку",
            "variants" => "Варіанти",
            "trials" => "Кількість випробувань",
            "top_k" => "Верхні місця",
            "spread" => "Розкид ваг",
            "per_project" => "Експертів на проєкт",
            "kind" => "вид",
            "organisation_id" => "Організація",
            "to" => "Новий стан",
            "query" => "Пошук",
            "experts" => "Експерти",
            "scores" => "Оцінки",
            "score" => "бал",
            "justification" => "обґрунтування",
            "min_score" => "Мінімальний бал",
            "ceilings" => "Стелі",
            "body" => "Форма",
            "period" => "Період",
            "quarter" => "квартал",
            "received" => "отримано",
            "spent" => "витрачено",
            "progress_percent" => "Фізичний прогрес",
            "milestones" => "Віхи",
            "planned" => "за планом",
            "actual" => "фактично",
            "indicators" => "Показники",
            "unit" => "одиниця",
            "baseline" => "базове значення",
            "target" => "цільове значення",
            "narrative" => "Що зроблено",
            "estimated_cost" => "Очікувана вартість",
            "documents" => "Документи",
            "url" => "посилання",
            other => other,
        };
        out.push(match index {
            Some(i) => format!("{word} №{}", i + 1),
            None => word.to_owned(),
        });
    }
    out.join(" · ")
}

/// A field error's message in Ukrainian, from the one catalogue.
pub fn message(e: &FieldError) -> String {
    e.text(portfel_domain::messages::Lang::Uk)
}

/// A screening gate.
pub fn gate(g: &portfel_scoring::gates::Gate) -> &'static str {
    use portfel_scoring::gates::Gate;
    match g {
        Gate::StrategyAlignment => "Відповідність стратегії",
        Gate::CompletePassport => "Повнота паспорта",
        Gate::MinLocalCoFinancing { .. } => "Мінімальне співфінансування з місцевого бюджету",
        Gate::DesignDocumentationCurrent => "Чинна проєктна документація",
    }
}

/// Passport form choices: (code, Ukrainian label).
pub const COST_ITEMS: [(&str, &str); 17] = [
    ("design", "Проєктування"),
    ("equipment", "Обладнання"),
    ("construction", "Будівництво"),
    ("resettlement", "Переселення"),
    ("sitePreparation", "Підготовка ділянки"),
    ("measures", "Заходи"),
    ("contingencies", "Непередбачені витрати"),
    ("overheads", "Накладні витрати"),
    ("taxes", "Податки"),
    ("financing", "Фінансування"),
    ("operating", "Експлуатація"),
    ("maintenance", "Утримання"),
    ("replacement", "Заміна"),
    ("endOfLife", "Виведення з експлуатації"),
    ("projectManagement", "Управління проєктом"),
    ("upfrontFee", "Авансові платежі"),
    ("landAcquisition", "Придбання землі"),
];
/// Passport form choices: (code, Ukrainian label).
pub const COST_TYPES: [(&str, &str); 2] = [("capex", "капітальні"), ("opex", "поточні")];
/// Passport form choices: (code, Ukrainian label).
pub const DESIGN: [(&str, &str); 5] = [
    ("none", "немає"),
    ("in_preparation", "розробляється"),
    ("approved", "затверджена"),
    ("outdated", "застаріла"),
    ("not_required", "не потрібна"),
];
/// Passport form choices: (code, Ukrainian label).
pub const LAND: [(&str, &str); 5] = [
    ("not_secured", "не забезпечено"),
    ("in_allocation", "у процесі відведення"),
    ("owned", "у власності"),
    ("leased", "в оренді"),
    ("not_required", "не потрібно"),
];
/// Passport form choices: (code, Ukrainian label).
pub const EXPERTISE: [(&str, &str); 5] = [
    ("not_done", "не проведена"),
    ("pending", "триває"),
    ("positive", "позитивна"),
    ("negative", "негативна"),
    ("not_required", "не потрібна"),
];
/// Passport form choices: (code, Ukrainian label).
pub const DOCUMENT_KINDS: [(&str, &str); 5] = [
    ("designDocument", "проєктна документація"),
    ("feasibilityStudy", "техніко-економічне обґрунтування"),
    ("permissionDocument", "дозвільний документ"),
    ("technicalDocument", "технічний документ"),
    ("legalDocument", "правовстановлювальний документ"),
];
/// Passport form choices: (code, Ukrainian label).
pub const LEVELS: [(&str, &str); 3] = [("low", "низька"), ("medium", "середня"), ("high", "висока")];

/// The label of `code` in a list of choices, or the code itself.
pub fn choice(list: &[(&str, &str)], code: &str) -> String {
    list.iter().find(|(c, _)| *c == code).map_or_else(|| code.to_owned(), |(_, label)| (*label).to_owned())
}

/// The label of an enumerated value (serialised to its wire code) in `list`.
pub fn choice_of<T: serde::Serialize>(list: &[(&str, &str)], value: &T) -> String {
    let code = serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    choice(list, &code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_choice_offers_two_codes_under_one_label() {
        for list in [
            Codelist::InitiationTypes,
            Codelist::WbEco,
            Codelist::FundingSourceCategories,
            Codelist::InitiationPurpose,
            Codelist::InitiationNature,
        ] {
            let mut seen = std::collections::HashMap::new();
            for e in Codelists::embedded().entries(list) {
                let label = code(list, &e.code);
                if let Some(other) = seen.insert(label.clone(), e.code.clone()) {
                    panic!("{list:?}: {other} and {} are both «{label}»", e.code);
                }
            }
        }
    }
}
