//! The whole passport as people read it: on its page, beside an expert's
//! scoring form, and as the printable concept of the project.

use maud::{Markup, html};
use portfel_domain::codelist::Codelist;
use portfel_domain::passport::PartyRef;
use portfel_domain::records::Passport;

use crate::format;
use crate::labels::{self, COST_ITEMS, COST_TYPES, DESIGN, DOCUMENT_KINDS, EXPERTISE, LAND, LEVELS, choice_of};

/// What the page knows beside the passport: its organisation's name and the
/// labels of the strategy goals it links to.
pub struct Context<'a> {
    /// The initiating organisation's name.
    pub organisation: &'a str,
    /// (goal id, "code title") of every strategy goal the reader may see.
    pub goals: &'a [(String, String)],
}

fn party(p: Option<&PartyRef>) -> String {
    p.map(|p| format!("{} (ЄДРПОУ {})", p.name, p.edrpou)).unwrap_or_default()
}

fn yes(flag: bool) -> &'static str {
    if flag { "так" } else { "ні" }
}

/// Every part of the passport, in the order of the concept's sections.
pub fn whole(p: &Passport, cx: &Context<'_>) -> Markup {
    let c = &p.content;
    let goal = |id: &uuid::Uuid| {
        let id = id.to_string();
        cx.goals.iter().find(|(g, _)| *g == id).map_or(id.clone(), |(_, label)| label.clone())
    };
    html! {
        section aria-labelledby="p-general" {
            h2 #p-general { "1. Загальні відомості" }
            dl.facts {
                dt { "Ініціатор" } dd { (cx.organisation) }
                dt { "Опис" } dd { (c.description.as_ref().map_or("", |d| d.uk.as_str())) }
                dt { "Проблема" } dd { (c.problem.as_deref().unwrap_or("")) }
                dt { "Цілі" } dd { @if c.goals.is_empty() { "—" } @else { ul { @for g in &c.goals { li { (g) } } } } }
                dt { "Тип" } dd { (c.project_type.as_deref().map(|t| labels::code(Codelist::InitiationTypes, t)).unwrap_or_default()) }
                dt { "Призначення" } dd { (c.purpose.as_deref().map(|t| labels::code(Codelist::InitiationPurpose, t)).unwrap_or_default()) }
                dt { "Характер" } dd { (c.nature.iter().map(|n| labels::code(Codelist::InitiationNature, n)).collect::<Vec<_>>().join("; ")) }
                dt { "Сектор" } dd { (c.sector.as_deref().map(labels::sector).unwrap_or_default()) }
                dt { "Балансоутримувач" } dd { (party(c.balance_holder.as_ref())) }
                dt { "Виконавець" } dd { (party(c.implementer.as_ref())) }
                dt { "Строк реалізації" } dd { @if let Some(y) = c.years() { (y.start()) "–" (y.end()) " роки" } }
                dt { "Загальна вартість" } dd { (format::uah(p.total_cost.value())) " грн" }
                dt { "Бенефіціари" } dd { (c.beneficiaries.total) " осіб, з них внутрішньо переміщених: " (c.beneficiaries.idps) }
                dt { "Витрати на утримання після завершення" } dd { (c.om_cost_per_year.map(|u| format!("{} грн на рік", format::uah(u.value()))).unwrap_or_default()) }
                dt { "Наскрізні цілі" } dd {
                    "енергоефективність — " (yes(c.cross_cutting.energy_efficiency))
                    "; адаптація до змін клімату — " (yes(c.cross_cutting.climate_adaptation))
                    "; гендерна рівність — " (yes(c.cross_cutting.gender_equality))
                    "; безбар'єрність — " (yes(c.cross_cutting.barrier_free))
                }
            }
        }
        section aria-labelledby="p-strategy" {
            h2 #p-strategy { "2. Зв'язок зі стратегією громади" }
            @if c.strategy_goal_ids.is_empty() { p { "Не зазначено." } }
            @else { ul { @for g in &c.strategy_goal_ids { li { (goal(g)) } } } }
        }
        section aria-labelledby="p-location" {
            h2 #p-location { "3. Місце реалізації" }
            @if c.locations.is_empty() { p { "Не зазначено." } } @else {
                div.scroll { table {
                    thead { tr { th scope="col" { "Код КАТОТТГ" } th scope="col" { "Адреса або опис" } } }
                    tbody { @for l in &c.locations { tr { td { (l.katottg) } td { (l.address.as_deref().unwrap_or("")) } } } }
                } }
            }
        }
        section aria-labelledby="p-costs" {
            h2 #p-costs { "4. Вартість за роками і статтями" }
            @if c.costs.is_empty() { p { "Не зазначено." } } @else {
                div.scroll { table {
                    thead { tr { th scope="col" { "Рік" } th scope="col" { "Стаття" } th scope="col" { "Вид" } th.num scope="col" { "Сума, грн" } } }
                    tbody { @for l in &c.costs { tr {
                        td { (l.year) } td { (choice_of(&COST_ITEMS, &l.item)) } td { (choice_of(&COST_TYPES, &l.cost_type)) }
                        td.num { (format::uah(l.amount.value())) }
                    } } }
                } }
            }
        }
        section aria-labelledby="p-financing" {
            h2 #p-financing { "5. Фінансування за роками і джерелами" }
            @if c.financing.is_empty() { p { "Не зазначено." } } @else {
                div.scroll { table {
                    thead { tr { th scope="col" { "Рік" } th scope="col" { "Джерело" } th.num scope="col" { "Сума, грн" } } }
                    tbody { @for f in &c.financing { tr { td { (f.year) } td { (labels::source(&f.source)) } td.num { (format::uah(f.amount.value())) } } } }
                } }
            }
        }
        section aria-labelledby="p-readiness" {
            h2 #p-readiness { "6. Готовність" }
            dl.facts {
                dt { "Проєктна документація" } dd { (choice_of(&DESIGN, &c.readiness.design_documentation)) }
                dt { "Земельна ділянка" } dd { (choice_of(&LAND, &c.readiness.land)) }
                dt { "Експертиза" } dd { (choice_of(&EXPERTISE, &c.readiness.state_expertise)) }
            }
            @if !c.readiness.documents.is_empty() {
                div.scroll { table {
                    thead { tr { th scope="col" { "Документ" } th scope="col" { "Назва" } th scope="col" { "Номер" } th scope="col" { "Дата" } } }
                    tbody { @for d in &c.readiness.documents { tr {
                        td { (choice_of(&DOCUMENT_KINDS, &d.kind)) }
                        td { @if let Some(url) = &d.url { a href=(url.as_str()) rel="noopener noreferrer" { (d.title) } } @else { (d.title) } }
                        td { (d.number.as_deref().unwrap_or("")) } td { (d.date.format("%d.%m.%Y")) }
                    } } }
                } }
            }
        }
        section aria-labelledby="p-risks" {
            h2 #p-risks { "7. Ризики" }
            @if c.risks.is_empty() { p { "Не зазначено." } } @else {
                div.scroll { table {
                    thead { tr { th scope="col" { "Ризик" } th scope="col" { "Імовірність" } th scope="col" { "Вплив" } th scope="col" { "Заходи" } } }
                    tbody { @for r in &c.risks { tr {
                        td { (r.description) } td { (choice_of(&LEVELS, &r.likelihood)) } td { (choice_of(&LEVELS, &r.impact)) }
                        td { (r.mitigation.as_deref().unwrap_or("")) }
                    } } }
                } }
            }
        }
        section aria-labelledby="p-contacts" {
            h2 #p-contacts { "8. Контактні особи" }
            @if c.contacts.is_empty() { p { "Не зазначено." } } @else {
                ul { @for k in &c.contacts { li {
                    (k.name) @if let Some(pos) = &k.position { ", " (pos) }
                    @if let Some(e) = &k.email { " · " (e) } @if let Some(t) = &k.phone { " · " (t) }
                } } }
            }
        }
    }
}
