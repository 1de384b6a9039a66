//! The one catalogue of what Portfel says when it refuses: each stable code
//! with its message in Ukrainian and English. A refusal carries its code and
//! parameters ([`crate::FieldError::params`]); the message is rendered in the
//! reader's language, figures written as that language writes them
//! (`1 380 000,50` in Ukrainian, `1,380,000.50` in English).
//!
//! A template names a parameter as `{name}` (text as given), `{name:amount}`
//! (an amount with kopecks), `{name:number}` (a number as given, grouped) or
//! `{name:date}` (an ISO date). A typed table rather than translation files:
//! the codes are the API's, a test walks every code the sources use, and
//! rendering needs nothing at run time.

use std::collections::BTreeMap;

use crate::codelist::{Codelist, Codelists};
use rust_decimal::Decimal;

/// A language Portfel speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Ukrainian: the pages' language.
    Uk,
    /// English: the API's default for scripts.
    En,
}

impl Lang {
    /// The language an `Accept-Language` header asks for among those spoken
    /// (the highest `q` wins; ties go to the first named); English otherwise.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("uk") => Lang::Uk,
                Some("en") => Lang::En,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }

    /// The BCP 47 tag, for `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Uk => "uk",
            Lang::En => "en",
        }
    }
}

/// One code's message in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The stable code.
    pub code: &'static str,
    /// Ukrainian template.
    pub uk: &'static str,
    /// English template.
    pub en: &'static str,
}

const fn e(code: &'static str, uk: &'static str, en: &'static str) -> Entry {
    Entry { code, uk, en }
}

/// Every refusal code, in alphabetical order.
pub const CATALOGUE: &[Entry] = &[
    e(
        "already_declared",
        "декларацію щодо цього проєкту вже подано",
        "the declaration for this project has been made already",
    ),
    e("already_exists", "такий запис уже є", "{what} already exists"),
    e(
        "amount_too_large",
        "сума не може перевищувати 1 000 000 000 000,00 грн",
        "amount must not exceed 1,000,000,000,000.00 UAH",
    ),
    e("attachment_gone", "файл уже вилучено або замінено", "the file was removed or replaced already"),
    e(
        "bad_ceiling",
        "стелі видатків — невід'ємні суми на роки періоду плану",
        "total ceilings are non-negative amounts for years of the period",
    ),
    e(
        "bad_key",
        "ключ має вигляд РІК/джерело в межах періоду, з кодом джерела фінансування DREAM",
        "keys are YEAR/source inside the period, with a DREAM funding source code",
    ),
    e(
        "bad_period",
        "період плану має йти вперед і тривати не більше п'яти років",
        "the plan period must run forward and last at most five years",
    ),
    e("before_start", "дата не може бути раніше за дату початку", "the date cannot be before the start"),
    e("before_today", "дата не може бути раніше за сьогодні", "the date cannot be before today"),
    e("blank", "поле має містити хоча б один видимий символ", "must have at least one visible character"),
    e(
        "closed_before_fact",
        "захід {measure} має факт за {year} рік: його можна закрити лише після цього року",
        "measure {measure} has a fact for {year}: it can only be closed after that year",
    ),
    e(
        "completion_outcome",
        "прийнятий звіт про завершення визначає результат «{outcome:state}»: проєкт переходить лише в цей стан, а не в «{state:state}»",
        "the accepted completion report says '{outcome}': the project moves to that state, not '{state}'",
    ),
    e(
        "completion_required",
        "щоб перевести проєкт зі стану «реалізація» у стан «{state:state}», потрібен прийнятий звіт про завершення",
        "moving a project from implementation to '{state}' needs an accepted completion report",
    ),
    e(
        "computed_criterion",
        "критерій {criterion} обчислюється з паспорта, його не оцінюють",
        "{criterion} is computed from the passport, not scored",
    ),
    e("conflict", "суперечить іншим даним", "conflicts with other data"),
    e(
        "conflicted",
        "ви заявили конфлікт інтересів щодо цього проєкту",
        "you declared a conflict of interest on this project",
    ),
    e("constraint", "дані проєкту порушують правило збереження", "the project's data breaks a stored rule"),
    e("control_character", "містить недопустимі керівні символи", "contains control or direction characters"),
    e(
        "council_frozen",
        "схвалений {kind:kind} не змінюється; для змін створіть нову версію",
        "an approved {kind} is frozen; create a new version to amend it",
    ),
    e(
        "council_step",
        "{kind:kind} у стані «{state:state}» не можна {step:verb}",
        "a {kind} in state '{state}' cannot be {step:done}",
    ),
    e(
        "decision_before_previous",
        "рішення про зміни не може бути раніше за рішення попередньої версії ({date})",
        "an amendment cannot be decided before the version it amends ({date})",
    ),
    e("duplicate", "таке значення вже є", "the value is already there"),
    e("duplicate_expert", "цей експерт уже призначений на проєкт", "{expert} is already assigned to the project"),
    e(
        "duplicate_key",
        "ключ повторюється в об'єкті; надішліть його один раз",
        "the key appears more than once in its object; send it once",
    ),
    e(
        "duplicate_line",
        "інший рядок має той самий рік і статтю (джерело)",
        "another line has the same year and item (source)",
    ),
    e("edrpou", "код ЄДРПОУ має складатися з 8 цифр", "EDRPOU code must be 8 digits"),
    e("email", "адреса електронної пошти має хибний формат", "not an email address"),
    e(
        "evaluation_signed",
        "висновок підписано: він більше не змінюється",
        "the conclusion is signed off and no longer changes",
    ),
    e(
        "exceeds_total",
        "внутрішньо переміщених осіб не може бути більше, ніж усіх бенефіціарів",
        "internally displaced beneficiaries cannot outnumber all beneficiaries",
    ),
    e(
        "experts_changed",
        "склад оцінювачів змінює лише підрозділ з питань публічних інвестицій",
        "only the PIM unit changes who evaluates",
    ),
    e("file_empty", "файл порожній", "the file is empty"),
    e("file_required", "додайте хоча б один файл", "attach at least one file"),
    e(
        "file_type_refused",
        "файли такого типу не приймаються: лише PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, ZIP або файл електронного підпису (тип визначається за вмістом, а не за назвою)",
        "this type of file is not accepted: only PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, ZIP or P7S (the type is taken from the content, not the name)",
    ),
    e(
        "files_approved",
        "затверджена версія зберігає всі свої файли; можна лише додати новий (наприклад, підписане рішення)",
        "an approved version keeps its files; only new ones may be added (such as the signed decision)",
    ),
    e(
        "files_frozen",
        "файли можна змінювати лише тоді, коли можна змінювати документ, до якого вони належать",
        "the files can change only while their owner can",
    ),
    e(
        "financing_mismatch",
        "фінансування на {year} рік ({financed:amount} грн) не дорівнює вартості ({cost:amount} грн)",
        "financing for {year} ({financed:amount}) does not match the cost ({cost:amount})",
    ),
    e(
        "illegal_transition",
        "паспорт зі стану «{from:state}» не можна перевести в стан «{to:state}»",
        "a passport in state '{from}' cannot move to '{to}'",
    ),
    e("in_future", "дата не може бути пізнішою за сьогоднішню", "the date is after today"),
    e("infeasible", "план неможливо скласти за цих обмежень", "no plan meets these constraints"),
    e("invalid", "хибне значення", "invalid value"),
    e(
        "invalid_amount",
        "«{value}» — не сума; введіть число, наприклад 1 200 000,50",
        "\"{value}\" is not an amount; enter a number such as 1200000.50",
    ),
    e("invalid_cursor", "курсор не виданий цим API", "not a cursor returned by this API"),
    e(
        "invalid_etag",
        "If-Match має містити ETag, виданий цим API, наприклад \"3\"",
        "If-Match must be an ETag returned by this API, e.g. \"3\"",
    ),
    e(
        "invalid_key",
        "ключ ідемпотентності — від 1 до 255 видимих символів ASCII",
        "must be 1 to 255 visible ASCII characters",
    ),
    e("invalid_methodology", "методика суперечлива", "the methodology is inconsistent"),
    e("invalid_parameter", "хибне значення параметра", "invalid parameter"),
    e("invalid_query", "хибні параметри пошуку", "invalid query"),
    e("invalid_value", "хибне значення", "invalid value"),
    e("katottg", "код КАТОТТГ — це UA і 17 цифр", "KATOTTG code must be UA followed by 17 digits"),
    e(
        "key_reused",
        "цей ключ уже використано з іншим запитом; для нового запиту потрібен новий ключ",
        "this key was used with a different request; use a new key for a new request",
    ),
    e("length", "задовге або закоротке значення", "too long or too short"),
    e(
        "malformed",
        "тіло запиту не вдалося прочитати як форму з файлами",
        "the body could not be read as multipart/form-data",
    ),
    e("malformed_json", "тіло запиту — не коректний JSON", "malformed JSON"),
    e(
        "measure_closed",
        "захід закрито, у {year} році він не виконується",
        "the measure was closed and does not run in {year}",
    ),
    e(
        "measure_has_facts",
        "захід {measure} має факт за {year} рік: його не можна вилучити з програми, лише закрити після останнього року виконання",
        "measure {measure} has a fact for {year}: it cannot be removed from the programme, only closed after its last year",
    ),
    e(
        "methodology_frozen",
        "затверджена методика не змінюється; створіть нову версію",
        "an approved methodology is frozen; create a new version instead",
    ),
    e("mismatch", "рік у тілі запиту має збігатися з роком в адресі", "the body's year must match the path"),
    e("missing_criterion", "немає оцінки за критерієм {criterion}", "criterion {criterion} has no score"),
    e("negative_amount", "сума не може бути від'ємною", "amount must not be negative"),
    e("no_initiator", "у документі немає ініціатора з кодом ЄДРПОУ", "no initiator party with an EDRPOU code"),
    e("not_an_expert", "користувач не має ролі експерта", "{expert} lacks the expert role"),
    e("not_an_object", "очікується об'єкт", "an object is expected"),
    e("not_approved", "потрібна затверджена версія", "an approved version is needed"),
    e(
        "not_before_council",
        "засідання призначають лише для версії, поданої на розгляд ради",
        "a meeting is set only for a version before the council",
    ),
    e(
        "not_closed",
        "оцінювання результатів проводять для завершеного проєкту з прийнятим звітом про завершення, а не в стані «{state:state}»",
        "an ex-post evaluation is for a closed project with an accepted completion report, not one in '{state}'",
    ),
    e(
        "not_declared",
        "спершу задекларуйте, чи маєте конфлікт інтересів",
        "declare whether you have a conflict of interest first",
    ),
    e(
        "not_eligible",
        "експертів призначають лише на проєкти, що пройшли скринінг",
        "experts are assigned only to screened, eligible projects",
    ),
    e(
        "not_enough_experts",
        "проєкт «{project}»: бракує експертів поза організацією-ініціатором — потрібно ще {missing}, доступно {available}",
        "project {project} needs {missing} more expert(s) outside its organisation; {available} available",
    ),
    e(
        "not_executor",
        "ваша організація не є виконавцем заходу {measure}",
        "your organisation does not carry out measure {measure}",
    ),
    e(
        "not_implementing",
        "звіт про завершення пишуть для проєкту на реалізації, а не в стані «{state:state}»",
        "a completion report is written for a project in implementation, not '{state}'",
    ),
    e(
        "not_reporting",
        "звіти подають для проєктів у плані чи на реалізації, а не в стані «{state:state}»",
        "reports are written for projects in the plan or in implementation, not '{state}'",
    ),
    e("not_screened", "проєкт «{project}» ще не пройшов скринінг", "project {project} is not screened"),
    e(
        "only_on_return",
        "день, до якого подати знову, встановлюють лише повертаючи паспорт ініціатору",
        "a day to come back by is set only when returning the passport to its initiator",
    ),
    e("out_of_range", "значення поза допустимими межами", "value out of range"),
    e(
        "out_of_scale",
        "бал має бути в межах шкали від {min:number} до {max:number}, не більше двох знаків після коми",
        "score must lie between {min:number} and {max:number}, with at most two decimals",
    ),
    e("outside_programme", "{year} рік поза періодом програми", "{year} is outside the programme's period"),
    e(
        "own_organisation",
        "експерт працює в організації-ініціаторі проєкту",
        "{expert} works for the initiating organisation",
    ),
    e(
        "passport_frozen",
        "паспорт у стані «{state:state}» більше не редагують",
        "a passport in state '{state}' can no longer be edited",
    ),
    e("period_changed", "період звіту не змінюється", "a report's period does not change"),
    e(
        "quarter_accepted",
        "звіт за {quarter} квартал уже прийнято, його не можна змінити",
        "the report for quarter {quarter} is accepted and cannot change",
    ),
    e("quarter_not_started", "{quarter} квартал ще не почався", "quarter {quarter} has not begun"),
    e(
        "quarter_not_submitted",
        "прийняти або повернути можна лише поданий звіт",
        "only a submitted report can be accepted or returned",
    ),
    e("range", "значення поза допустимими межами", "value out of range"),
    e(
        "range_reversed",
        "верхня межа не може бути меншою за нижню ({from:amount})",
        "the upper bound cannot be below the lower bound ({from:amount})",
    ),
    e(
        "report_fixed",
        "звіт у стані «{state:state}» не змінюється; виправлення — новий звіт за той самий період",
        "a {state} report does not change; a correction is a new report for its period",
    ),
    e(
        "report_open",
        "звіт за {period} ще відкритий: змініть його",
        "the report {id} for {period} is still open: change that one",
    ),
    e("report_step", "звіт у стані «{state:state}» не можна {action:verb}", "a {state} report cannot be {action:done}"),
    e("required", "обов'язкове поле", "required"),
    e("round_closed", "раунд закрито; його результати остаточні", "the round is closed; its results are frozen"),
    e("round_open", "раунд ще не закрито", "the round is not closed yet"),
    e(
        "scores_missing",
        "проєкт «{project}»: подано оцінки {submitted} з {needed} експертів",
        "project {project} has {submitted} of {needed} experts' scores submitted",
    ),
    e("scores_not_submitted", "ці оцінки ще не подано", "these scores are not submitted"),
    e(
        "scores_submitted",
        "ваші оцінки подано; повернути їх на доопрацювання може лише підрозділ",
        "your scores are submitted; the PIM unit may reopen them",
    ),
    e("screen_first", "спершу проведіть скринінг раунду", "screen the round before assigning experts"),
    e(
        "section_unjudged",
        "розділ «{section}» потребує оцінки та висновку",
        "section '{section}' needs a rating and a judgement",
    ),
    e("too_large", "файл завеликий", "the file is too large"),
    e("too_many", "забагато значень", "too many values"),
    e("unexpected_parent", "стратегічна ціль не має батьківської цілі", "a strategic goal has no parent"),
    e(
        "unknown_code",
        "«{value}» немає в довіднику DREAM {codelist}",
        "'{value}' is not a code of the DREAM codelist {codelist}",
    ),
    e("unknown_criterion", "методика не має критерію {criterion}", "the methodology has no criterion {criterion}"),
    e("unknown_measure", "у програмі немає заходу {measure}", "the programme has no measure {measure}"),
    e("unknown_reference", "такого запису немає", "no such record"),
    e("unknown_section", "у формі висновку немає розділу {key}", "the conclusion's form has no section {key}"),
    e(
        "unresolved_disagreement",
        "проєкт «{project}»: оцінки експертів за критерієм {criterion} розходяться на {spread:number}; запишіть узгоджене рішення або поверніть оцінки",
        "project {project}: experts disagree on {criterion} (spread {spread:number}); record a consensus note or reopen scores",
    ),
    e(
        "web_link",
        "посилання має бути повною адресою http:// або https://",
        "must be an absolute http:// or https:// address",
    ),
    e("wrong_state", "стан запису не дозволяє цього", "the record's state does not allow this"),
    e(
        "year_annual",
        "за {year} рік уже є річний звіт: рік звітують або поквартально, або одним річним звітом",
        "{year} is already reported by an annual report: a year is reported either by quarters or by one annual report",
    ),
    e(
        "year_by_quarters",
        "за {year} рік уже є квартальні звіти: рік звітують або поквартально, або одним річним звітом",
        "{year} is already reported by quarters: a year is reported either by quarters or by one annual report",
    ),
    e(
        "year_has_facts",
        "захід {measure} має факт за {year} рік: цей рік має лишатися в періоді програми",
        "measure {measure} has a fact for {year}: that year stays within the programme's period",
    ),
    e("year_out_of_range", "рік має бути від 2000 до 2100", "year must be between 2000 and 2100"),
    e(
        "year_outside_duration",
        "{year} рік поза роками проєкту {first}–{last}",
        "year {year} is outside the project's years {first}–{last}",
    ),
];

/// The entry of `code`.
pub fn entry(code: &str) -> Option<&'static Entry> {
    CATALOGUE.binary_search_by(|e| e.code.cmp(code)).ok().map(|i| &CATALOGUE[i])
}

/// `code`'s message in `lang` with `params` filled in; `None` for a code the
/// catalogue lacks or a template naming a parameter not given.
pub fn render(code: &str, params: &BTreeMap<String, String>, lang: Lang) -> Option<String> {
    let entry = entry(code)?;
    fill(if lang == Lang::Uk { entry.uk } else { entry.en }, params, lang)
}

/// The names of the parameters a template uses.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        let inner = &rest[start + 1..start + len];
        out.push(inner.split(':').next().unwrap_or(inner));
        rest = &rest[start + len + 1..];
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn fill(template: &str, params: &BTreeMap<String, String>, lang: Lang) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let len = rest[start..].find('}')?;
        let inner = &rest[start + 1..start + len];
        let (name, kind) = inner.split_once(':').unwrap_or((inner, ""));
        let value = params.get(name)?;
        out.push_str(&match kind {
            "amount" => value.parse::<Decimal>().map_or_else(|_| value.clone(), |d| figure(d, 2, lang)),
            "number" => value.parse::<Decimal>().map_or_else(|_| value.clone(), |d| figure(d, d.scale(), lang)),
            "date" => date(value, lang),
            "state" | "kind" | "verb" | "done" => word(kind, value, lang),
            _ => value.clone(),
        });
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// A wire state (`in_plan`, `accepted`) in Ukrainian words, or the code itself.
pub fn state_word(code: &str) -> String {
    word("state", code, Lang::Uk)
}

/// A wire word (a state, a kind of document, a step) in `lang`: `state`
/// and `kind` name it, `verb` says doing it, `done` says it done.
fn word(kind: &str, value: &str, lang: Lang) -> String {
    let uk: &[(&str, &str)] = match kind {
        "state" => &[
            ("draft", "чернетка"),
            ("submitted", "подано"),
            ("screening", "скринінг"),
            ("under_evaluation", "на оцінюванні"),
            ("evaluated", "оцінено"),
            ("in_portfolio", "у портфелі"),
            ("rejected", "відхилено"),
            ("in_plan", "у плані"),
            ("implementation", "реалізація"),
            ("completed", "завершено"),
            ("cancelled", "скасовано"),
            ("unsuccessful", "неуспішний"),
            ("approved", "схвалено"),
            ("returned", "повернуто"),
            ("superseded", "втратив чинність"),
            ("accepted", "прийнято"),
        ],
        "kind" => &[("portfolio", "єдиний проєктний портфель"), ("plan", "середньостроковий план")],
        "verb" => &[
            ("edit", "змінити"),
            ("submit", "подати"),
            ("approve", "схвалити"),
            ("return", "повернути"),
            ("supersede", "замінити"),
            ("accept", "прийняти"),
        ],
        _ => &[],
    };
    let en: &[(&str, &str)] = match kind {
        "done" => &[
            ("edit", "edited"),
            ("submit", "submitted"),
            ("approve", "approved"),
            ("return", "returned"),
            ("supersede", "superseded"),
            ("accept", "accepted"),
        ],
        _ => &[],
    };
    let table = if lang == Lang::Uk { uk } else { en };
    table.iter().find(|(w, _)| *w == value).map_or_else(|| value.to_owned(), |(_, t)| (*t).to_owned())
}

fn date(iso: &str, lang: Lang) -> String {
    match (lang, chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")) {
        (Lang::Uk, Ok(d)) => d.format("%d.%m.%Y").to_string(),
        _ => iso.to_owned(),
    }
}

/// `amount` rounded to `places` decimals as `lang` writes it: in Ukrainian
/// digits grouped by a narrow no-break space and a decimal comma, a minus
/// sign for negatives; in English grouped by commas with a decimal point.
pub fn figure(amount: Decimal, places: u32, lang: Lang) -> String {
    let rounded = amount.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let text = format!("{:.*}", places as usize, rounded.abs());
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (group, point, minus) = match lang {
        Lang::Uk => ('\u{202f}', ',', "−"),
        Lang::En => (',', '.', "-"),
    };
    let mut out = String::new();
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push_str(minus);
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push(point);
        out.push_str(f);
    }
    out
}

/// A share (0.125) as a percentage the pages write: «12,5 %», at most two decimals.
pub fn percent(share: Decimal) -> String {
    let value = (share * Decimal::ONE_HUNDRED).round_dp(2).normalize();
    format!("{}\u{a0}%", figure(value, value.scale(), Lang::Uk))
}

/// A field path in words, e.g. `costs[1].amount` → «Витрати №2 · сума».
pub fn field_label(path: &str) -> String {
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
            "cost_from" => "Вартість від",
            "cost_to" => "Вартість до",
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
            "outcome" => "Результат",
            "actual_start" => "Фактичний початок",
            "actual_end" => "Фактичне завершення",
            "handover" => "Передача активу",
            "act_number" => "номер акта",
            "act_date" => "дата акта",
            "value" => "вартість",
            "upkeep" => "Утримання",
            "cost_per_year" => "вартість на рік",
            "shortfalls" => "Що не виконано",
            "remaining" => "Що залишилося",
            "overall" => "Загальна оцінка",
            "conclusion" => "Висновок",
            "lessons" => "Уроки",
            "rating" => "оцінка",
            "judgement" => "висновок",
            "evidence" => "підстави",
            other => other,
        };
        out.push(match index {
            Some(i) => format!("{word} №{}", i + 1),
            None => word.to_owned(),
        });
    }
    out.join(" · ")
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
pub fn code_label(list: Codelist, code: &str) -> String {
    if let Some((_, _, label)) = DISTINCT.iter().find(|(l, c, _)| *l == list && *c == code) {
        return (*label).to_owned();
    }
    Codelists::embedded()
        .entries(list)
        .iter()
        .find(|e| e.code == code)
        .map_or_else(|| code.to_owned(), |e| e.label_uk.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_percentages() {
        use std::str::FromStr;
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(percent(d("0.1")), "10\u{a0}%");
        assert_eq!(percent(d("0.125")), "12,5\u{a0}%");
        assert_eq!(percent(d("0.05")), "5\u{a0}%");
        assert_eq!(percent(d("0.333333")), "33,33\u{a0}%");
    }

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
                let label = code_label(list, &e.code);
                if let Some(other) = seen.insert(label.clone(), e.code.clone()) {
                    panic!("{list:?}: {other} and {} are both «{label}»", e.code);
                }
            }
        }
    }

    /// Names Ukrainian text keeps in Latin letters.
    const NAMES: [&str; 17] = [
        "DREAM", "API", "JSON", "ETag", "If-Match", "ASCII", "UA", "http", "https", "PDF", "DOCX", "XLSX", "ODT",
        "ODS", "JPEG", "PNG", "ZIP",
    ];

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn the_catalogue_is_sorted_and_both_languages_name_the_same_parameters() {
        assert!(CATALOGUE.windows(2).all(|w| w[0].code < w[1].code), "sorted, each code once");
        for e in CATALOGUE {
            assert!(!e.uk.is_empty() && !e.en.is_empty(), "{}", e.code);
            let words =
                fill(e.uk, &placeholders(e.uk).iter().map(|p| ((*p).to_owned(), "1".to_owned())).collect(), Lang::Uk);
            let words = words.unwrap_or_default();
            let latin = words
                .split(|c: char| !c.is_ascii_alphabetic() && c != '-')
                .map(|w| w.trim_matches('-'))
                .filter(|w| !w.is_empty());
            for word in latin {
                assert!(NAMES.contains(&word), "{}: a Ukrainian message with the English word {word:?}", e.code);
            }
            assert!(placeholders(e.uk).iter().all(|p| placeholders(e.en).contains(p)), "{}", e.code);
        }
    }

    #[test]
    fn figures_are_written_as_each_language_writes_them() {
        let p = params(&[("year", "2027"), ("financed", "1000000.00"), ("cost", "1380000.5")]);
        assert_eq!(
            render("financing_mismatch", &p, Lang::Uk).unwrap(),
            "фінансування на 2027 рік (1\u{202f}000\u{202f}000,00 грн) не дорівнює вартості (1\u{202f}380\u{202f}000,50 грн)"
        );
        assert_eq!(
            render("financing_mismatch", &p, Lang::En).unwrap(),
            "financing for 2027 (1,000,000.00) does not match the cost (1,380,000.50)"
        );
        assert_eq!(figure(Decimal::new(-12345, 1), 1, Lang::Uk), "−1\u{202f}234,5");
        let scale = params(&[("min", "0"), ("max", "5.00")]);
        assert_eq!(
            render("out_of_scale", &scale, Lang::Uk).unwrap(),
            "бал має бути в межах шкали від 0 до 5,00, не більше двох знаків після коми"
        );
        assert_eq!(render("missing_criterion", &BTreeMap::new(), Lang::Uk), None, "a parameter missing");
        assert_eq!(render("no_such_code", &BTreeMap::new(), Lang::Uk), None);
    }

    #[test]
    fn accept_language_picks_the_best_spoken_language() {
        assert_eq!(Lang::from_accept_language("uk-UA,uk;q=0.9,en;q=0.8"), Lang::Uk);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,uk;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("de, uk;q=0.5"), Lang::Uk);
        assert_eq!(Lang::from_accept_language("fr"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(Lang::from_accept_language("uk;q=0, en"), Lang::En);
    }
}
