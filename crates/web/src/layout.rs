//! The page shell: `lang="uk"`, a skip link, navigation by role, the CSRF
//! field of forms, and field errors beside their inputs.

use maud::{DOCTYPE, Markup, html};
use portfel_domain::Permission;

use crate::forms::{Errors, VERSION_FIELD};
use crate::labels;
use crate::session::{CSRF_FIELD, Signed};

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " — Портфель" }
            link rel="stylesheet" href="/assets/portfel.css";
            link rel="icon" href="/assets/icon.svg" type="image/svg+xml";
            script src="/assets/portfel.js" defer {}
        }
    }
}

/// The sections of the workspace, each offered to those its permission allows.
pub const NAVIGATION: [(&str, &str, Permission); 12] = [
    ("/tasks", "Мої завдання", Permission::FollowTasks),
    ("/inbox", "Повідомлення", Permission::FollowTasks),
    ("/passports", "Паспорти проєктів", Permission::WorkOnPassports),
    ("/rounds", "Оцінювання", Permission::PrepareRounds),
    ("/assignments", "Мої призначення", Permission::Score),
    ("/portfolios", "Портфель", Permission::ReadUndecided),
    ("/plans", "Середньостроковий план", Permission::ReadUndecided),
    ("/meetings", "Засідання ради", Permission::ReadUndecided),
    ("/monitoring", "Моніторинг", Permission::ReadMonitoring),
    ("/evaluations", "Оцінювання результатів", Permission::Evaluate),
    ("/programmes", "Цільові програми", Permission::FollowProgrammes),
    ("/docs", "API", Permission::UseApi),
];

/// A page for a signed-in user.
pub fn page(user: &Signed, title: &str, body: Markup) -> Markup {
    let roles = user.auth.claims.roles.iter().map(|r| labels::role(*r)).collect::<Vec<_>>().join(", ");
    html! {
        (DOCTYPE)
        html lang="uk" {
            (head(title))
            body {
                a.skip href="#main" { "Перейти до змісту" }
                header.top {
                    a.brand href="/" { "Портфель" }
                    nav aria-label="Розділи" {
                        ul { @for (href, label, permission) in NAVIGATION { @if user.may(permission) { li { a href=(href) {
                            (label)
                            @if let Some(n) = count(user, href).filter(|n| *n > 0) {
                                " " span.count { (n) }
                            }
                        } } } } }
                    }
                    div.who {
                        span { (user.name) " · " (roles) }
                        form method="post" action="/logout" {
                            (csrf(user))
                            button.link type="submit" { "Вийти" }
                        }
                    }
                }
                main #main { (body) }
            }
        }
    }
}

/// The number shown beside a section of the menu: tasks waiting, notices unread.
fn count(user: &Signed, href: &str) -> Option<u64> {
    match href {
        "/tasks" => user.waiting,
        "/inbox" => user.unread,
        _ => None,
    }
}

/// A page without navigation (sign-in, errors).
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="uk" {
            (head(title))
            body {
                header.top { a.brand href="/" { "Портфель" } }
                main #main { (body) }
            }
        }
    }
}

/// The hidden CSRF field every state-changing form carries.
pub fn csrf(user: &Signed) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(user.csrf); }
}

/// The CSRF field and the version a state-changing form is filled against.
pub fn guarded(user: &Signed, version: i32) -> Markup {
    html! { (csrf(user)) input type="hidden" name=(VERSION_FIELD) value=(version); }
}

/// Errors about `name`, shown under its input and tied to it for screen readers.
pub fn field_errors(errors: &Errors, name: &str) -> Markup {
    let found = errors.at(name);
    html! {
        @if !found.is_empty() {
            span.field-error id=(error_id(name)) role="alert" {
                @for e in found { (labels::message(e)) " " }
            }
        }
    }
}

/// The id of the error text of field `name`.
pub fn error_id(name: &str) -> String {
    format!("err-{}", name.replace(['[', ']', '.'], "-"))
}

/// A summary of a refused form's errors at its top.
pub fn error_summary(errors: &Errors) -> Markup {
    html! {
        @if !errors.0.is_empty() {
            div.error-summary role="alert" tabindex="-1" {
                h2 { "Виправте, будь ласка, помилки (" (errors.0.len()) ")" }
                ul { @for e in &errors.0 { li { strong { (labels::field(&e.field)) } ": " (labels::message(e)) } } }
            }
        }
    }
}

/// Links to the page before and after `page` of `pages`, `link` giving each page's address.
pub fn pages_nav(page: usize, pages: usize, link: impl Fn(usize) -> String) -> Markup {
    html! {
        @if pages > 1 {
            nav.pages aria-label="Сторінки" {
                @if page > 1 { a href=(link(page - 1)) rel="prev" { "← Попередня" } }
                span { "Сторінка " (page) " з " (pages) }
                @if page < pages { a href=(link(page + 1)) rel="next" { "Наступна →" } }
            }
        }
    }
}

/// A message at the top of a page (after a successful action, or a refusal).
pub fn notice(text: Option<&str>, kind: &str) -> Markup {
    html! { @if let Some(t) = text { p class=(format!("notice {kind}")) role="status" { (t) } } }
}

/// The head of a printed council annex: the hromada, the decision it is
/// annexed to (or that it is a version not yet decided), and its title.
pub fn annex_head(hromada: &str, title: &str, w: &portfel_planning::workflow::Workflow) -> Markup {
    html! {
        p.doc-org { (hromada) }
        p.annex-ref {
            @if let Some(d) = &w.decision {
                "Додаток до рішення інвестиційної ради № " (d.number) " від " (d.date.format("%d.%m.%Y"))
            } @else {
                "Проєкт, версія " (w.number) " (" (labels::document_status(w.status)) "), рішенням ради не схвалено"
            }
        }
        h1 { (title) }
    }
}

/// Who signs a council annex.
pub const COUNCIL_SIGNATORIES: [&str; 2] = ["Голова інвестиційної ради", "Секретар інвестиційної ради"];

/// The signature block of a printed document: one line per signatory's position.
pub fn signatures(positions: &[&str]) -> Markup {
    html! {
        div.signatures {
            @for position in positions {
                div.signature {
                    span.position { (position) }
                    span.line { "____________ (підпис)" }
                    span.line { "____________________ (ім'я, прізвище)" }
                }
            }
        }
    }
}
