//! "Мої завдання": what waits for the signed-in person now, by kind of work,
//! each with the link that opens it (the API's `GET /api/v1/tasks`).

use axum::extract::State;
use maud::{Markup, html};
use portfel_api::routes::tasks::{Task, my_tasks};
use portfel_domain::tasks::TaskKind;

use crate::error::PageResult;
use crate::session::Signed;
use crate::{WebState, labels, layout};

/// The heading of a kind of work.
fn heading(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::SubmitDraft => "Чернетки паспортів, які треба завершити й подати",
        TaskKind::FinishReport => "Звіти про виконання: чернетки та повернуті на доопрацювання",
        TaskKind::Declare => "Декларації про конфлікт інтересів, які треба подати",
        TaskKind::Score => "Проєкти, які треба оцінити",
        TaskKind::ScreenPassport => "Подані паспорти, що чекають на включення до раунду оцінювання",
        TaskKind::StaffProject => "Проєкти раундів, яким бракує експертів",
        TaskKind::CheckReport => "Подані звіти, які треба прийняти або повернути",
        TaskKind::ReviseCouncilPaper => "Версії, повернуті інвестиційною радою на доопрацювання",
        TaskKind::Decide => "Версії на розгляді інвестиційної ради",
        TaskKind::ReportQuarter => "Квартальні звіти про виконання заходів програм, які треба подати",
        TaskKind::CheckQuarter => "Подані квартальні звіти за програмами, які треба прийняти або повернути",
        TaskKind::RenewProgramme => "Програми, що завершуються протягом пів року: час готувати нову",
        TaskKind::WriteCompletion => "Звіти про завершення проєктів, які треба написати або доопрацювати",
        TaskKind::CheckCompletion => "Подані звіти про завершення, які треба прийняти або повернути",
        TaskKind::EvaluateProject => "Закриті проєкти, результати яких треба оцінити",
        TaskKind::JoinEvaluation => "Оцінювання результатів проєктів, до яких вас залучено як експерта",
    }
}

/// A task's due date in words, after `by`: « (до 15.12.2026, прострочено)».
fn due_words(t: &Task, by: &str) -> String {
    t.due
        .map(|d| format!(" ({by} {}{})", d.format("%d.%m.%Y"), if t.overdue { ", прострочено" } else { "" }))
        .unwrap_or_default()
}

/// Where a task is done, and what it is called there.
fn link(t: &Task) -> (String, String) {
    let title = t.title.clone().unwrap_or_else(|| "Проєкт (назва відкриється після декларації)".to_owned());
    match (t.kind, t.round_id, t.paper) {
        (TaskKind::Declare | TaskKind::Score, Some(round), _) => {
            (format!("/rounds/{round}/projects/{}/score", t.subject_id), format!("{title}{}", due_words(t, "до")))
        }
        (TaskKind::StaffProject, Some(round), _) => (format!("/rounds/{round}"), title),
        (TaskKind::FinishReport | TaskKind::CheckReport, _, _) => {
            (format!("/reports/{}", t.subject_id), format!("{title}{}", due_words(t, "звіт до")))
        }
        (TaskKind::ReportQuarter | TaskKind::CheckQuarter, _, _) => {
            let (measure, year, quarter) =
                (t.measure.clone().unwrap_or_default(), t.year.unwrap_or_default(), t.quarter.unwrap_or(1));
            let at =
                format!("/programmes/{}/quarters?year={year}#q-{}-{quarter}", t.subject_id, measure.replace('.', "-"));
            let name = portfel_monitoring::quarters::quarter_name(quarter);
            (at, format!("{title}: захід {measure}, {name} {year} року{}", due_words(t, "до")))
        }
        (TaskKind::RenewProgramme, _, _) => (format!("/programmes/{}", t.subject_id), title),
        (TaskKind::WriteCompletion | TaskKind::CheckCompletion, _, _) => {
            (format!("/passports/{}/completion", t.subject_id), format!("{title}{}", due_words(t, "подати знову до")))
        }
        (TaskKind::JoinEvaluation, _, _) => (format!("/evaluations/{}", t.subject_id), title),
        (TaskKind::EvaluateProject, _, _) => {
            (format!("/passports/{}", t.subject_id), format!("{title}{}", due_words(t, "оцінити до")))
        }
        (_, _, Some(paper)) => {
            let name = labels::paper(paper);
            let number = t.number.map(|n| format!(", версія {n}")).unwrap_or_default();
            (format!("/{}s/{}", paper.as_str(), t.subject_id), format!("{name}{number}{}", due_words(t, "засідання")))
        }
        _ => (format!("/passports/{}", t.subject_id), format!("{title}{}", due_words(t, "подати знову до"))),
    }
}

/// GET /tasks.
pub async fn list(State(state): State<WebState>, user: Signed) -> PageResult<Markup> {
    let axum::Json(tasks) = my_tasks(user.auth.clone(), State(state.app.clone())).await?;
    let kinds = TaskKind::for_roles(&user.auth.claims.roles);
    Ok(layout::page(
        &user,
        "Мої завдання",
        html! {
            h1 { "Мої завдання" }
            @if tasks.is_empty() { p.notice { "Зараз на вас нічого не чекає." } }
            @else { p { "Чекає на вас: " strong { (tasks.len()) } "." } }
            @for kind in kinds {
                @let mine: Vec<&Task> = tasks.iter().filter(|t| t.kind == kind).collect();
                @if !mine.is_empty() {
                    section.card aria-labelledby=(format!("task-{kind:?}")) {
                        h2 id=(format!("task-{kind:?}")) { (heading(kind)) " (" (mine.len()) ")" }
                        ul { @for t in &mine { @let (href, name) = link(t); li { a href=(href) { (name) } } } }
                    }
                }
            }
        },
    ))
}
