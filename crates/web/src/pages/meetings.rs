//! "Засідання ради": each council meeting with the portfolio and plan
//! versions on its agenda and what became of them, the next meeting first
//! (the API's `GET /api/v1/meetings`); printable as the agenda.

use axum::extract::State;
use maud::{Markup, html};
use portfel_api::routes::council::meetings;
use portfel_planning::meetings::Meeting;

use super::council::status_badge;
use crate::error::PageResult;
use crate::session::Signed;
use crate::{WebState, labels, layout};

/// GET /meetings.
pub async fn list(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    let found = meetings(&state.app, &user.auth).await?;
    let today = portfel_domain::calendar::local_date(chrono::Utc::now());
    Ok(layout::page(
        &user,
        "Засідання ради",
        html! {
            h1 { "Засідання інвестиційної ради" }
            @if found.is_empty() {
                p.notice { "Жодну версію портфеля чи плану ще не внесено до порядку денного засідання. "
                    "Дату засідання призначають на сторінці версії, поданої на розгляд ради." }
            }
            @for m in &found { (meeting(m, today)) }
        },
    ))
}

fn meeting(m: &Meeting, today: chrono::NaiveDate) -> Markup {
    let id = format!("meeting-{}", m.date);
    html! {
        section.card aria-labelledby=(id) {
            h2 id=(id) { "Засідання " (m.date.format("%d.%m.%Y"))
                @if m.date == today { " (сьогодні)" } @else if m.date < today { " (відбулося)" } }
            @if m.overdue { p { strong.overdue { "Прострочено:" } " не всі питання порядку денного розглянуто." } }
            h3 { "Порядок денний" }
            ol {
                @for item in &m.agenda {
                    li {
                        a href=(format!("/{}s/{}", item.kind.as_str(), item.id)) { (labels::paper(item.kind)) ", версія " (item.number) }
                        " — " (status_badge(item.status))
                        @if let Some(d) = &item.decision { " рішення № " (d.number) " від " (d.date.format("%d.%m.%Y")) }
                    }
                }
            }
        }
    }
}
