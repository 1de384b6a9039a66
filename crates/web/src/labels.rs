//! Ukrainian words for the engine's codes: states, roles, funding sources,
//! sectors (from DREAM's codelists), field names and common problems.

use axum::http::StatusCode;
use portfel_domain::codelist::Codelist;
use portfel_domain::{FieldError, Role, Status};
use portfel_planning::council::DocumentStatus;
use portfel_planning::workflow::Kind;

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

/// What goes before the council, as its title reads.
pub fn paper(kind: Kind) -> &'static str {
    match kind {
        Kind::Portfolio => "Єдиний проєктний портфель",
        Kind::Plan => "Середньостроковий план",
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

/// The Ukrainian label of `code` in `list`, or the code itself.
pub fn code(list: Codelist, code: &str) -> String {
    portfel_domain::messages::code_label(list, code)
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
    portfel_domain::messages::field_label(path)
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

pub use portfel_domain::choices::{COST_ITEMS, COST_TYPES, DESIGN, DOCUMENT_KINDS, EXPERTISE, LAND, LEVELS, choice_of};
