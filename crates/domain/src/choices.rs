//! The Ukrainian labels of a passport's enumerated answers (cost items and
//! types, readiness, document kinds, risk levels), shared by the pages and
//! the documents.

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
