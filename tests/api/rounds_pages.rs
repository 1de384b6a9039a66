//! A round's membership from the pages alone: an expert declares a conflict
//! on a page that names the project, the PIM unit assigns a named replacement,
//! returns submitted scores with a reason and withdraws a project; what each
//! step did is read back through the API.

use portfel_domain::{Role, Status};
use portfel_scoring::round::AssignmentStatus;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::common::html::{form, parse, select, text};
use crate::common::*;
use crate::web::Browser;

/// Three experts on two submitted, screened projects of organisation A.
struct Staffed {
    w: World,
    round: Uuid,
    ids: Vec<Uuid>,
}

async fn staffed(app: &TestApp) -> Staffed {
    let w = World::create(app).await;
    let (pim, initiator) = (app.caller(w.pim(app)), app.caller(w.initiator_a(app)));
    for sub in ["exp-1", "exp-2", "exp-3", "exp-4"] {
        app.user_with_password(sub, w.pim_org, &[Role::Expert]).await;
    }
    let mut ids = Vec::new();
    for title in ["Ремонт школи", "Новий міст"] {
        let mut body = complete_passport(w.goal);
        body["title"]["uk"] = json!(title);
        let draft = initiator.create_passport(&body).await.unwrap();
        ids.push(initiator.move_passport(draft.meta.id, draft.meta.version, "submitted").await.unwrap().meta.id);
    }
    let methodology = pim.methodologies().await.unwrap()[0].meta.id;
    let round = pim.open_round("Раунд 2027", methodology, "2026-12-20").await.unwrap().meta.id;
    pim.add_to_round(round, 1, &ids).await.unwrap();
    pim.screen(round, 2).await.unwrap();
    pim.assign(round, 3, &["exp-1", "exp-2", "exp-3"]).await.unwrap();
    Staffed { w, round, ids }
}

#[tokio::test]
async fn a_conflict_a_replacement_a_reopening_and_a_withdrawal_from_the_pages() {
    for app in TestApp::all().await {
        let Staffed { w, round, ids } = staffed(&app).await;
        let (school, bridge) = (ids[0], ids[1]);
        let pim_api = app.caller(w.pim(&app));

        // The declaration names the project and preselects nothing.
        let mut expert = Browser::new(&app);
        assert_eq!(expert.sign_in("exp-1", "exp-1-пароль-2026").await, StatusCode::SEE_OTHER);
        let (status, _, page) = expert.get(&format!("/rounds/{round}/projects/{school}/score")).await;
        assert_eq!(status, StatusCode::OK);
        let doc = parse(&page);
        assert!(text(&select(&doc, "legend")[0]).contains("«Ремонт школи»"), "{page}");
        assert!(select(&doc, "input[type=radio][checked]").is_empty(), "nothing is preselected");
        let mut declaration = form(&page, &format!("/rounds/{round}/projects/{school}/declaration"));
        declaration.set("conflict", "true");
        declaration.set("note", "Мій родич — підрядник");
        let (status, _, _) = expert.post(&declaration.action.clone(), &declaration.pairs()).await;
        assert_eq!(status, StatusCode::SEE_OTHER);

        // The PIM unit sees the conflict by the expert's name and assigns exp-4 in its place.
        let mut pim = Browser::signed_in(&app, "pim-web", w.pim_org, &[Role::PimUnit]).await;
        let (_, _, page) = pim.get(&format!("/rounds/{round}")).await;
        let doc = parse(&page);
        let summaries: Vec<String> = select(&doc, "details summary").iter().map(text).collect();
        assert!(
            summaries.iter().any(|s| s.contains("Ремонт школи") && s.contains("конфлікт інтересів: 1")),
            "{summaries:?}"
        );
        assert!(select(&doc, "td").iter().any(|td| text(td) == "Користувач exp-1"), "people by name, not login");
        // Closing now is refused in Ukrainian, naming the projects by title.
        let close = form(&page, &format!("/rounds/{round}/close"));
        let (status, _, refused) = pim.post(&close.action, &close.pairs()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let summary = select(&parse(&refused), ".error-summary li").iter().map(text).collect::<Vec<_>>();
        assert!(
            summary.iter().any(|s| s.contains("проєкт «Ремонт школи»: подано оцінки 0 з 3 експертів")),
            "{summary:?}"
        );
        let action = format!("/rounds/{round}/projects/{school}/experts");
        let mut add = form(&page, &action);
        add.set("expert", "exp-4");
        let (status, location, _) = pim.post(&action, &add.pairs()).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/rounds/{round}").as_str()));
        let on_school: Vec<_> =
            pim_api.assignments(round).await.unwrap().into_iter().filter(|a| a.passport_id == school).collect();
        let states: Vec<_> = on_school.iter().map(|a| (a.expert.as_str(), a.status)).collect();
        assert_eq!(
            states,
            [
                ("exp-1", AssignmentStatus::Conflict),
                ("exp-2", AssignmentStatus::AwaitingDeclaration),
                ("exp-3", AssignmentStatus::AwaitingDeclaration),
                ("exp-4", AssignmentStatus::AwaitingDeclaration)
            ]
        );
        // The form read before is stale now; read again, the same expert twice is refused
        // on the page, naming the field. Nothing changes either time.
        let (status, _, _) = pim.post(&action, &add.pairs()).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
        let (_, _, page) = pim.get(&format!("/rounds/{round}")).await;
        let mut again = form(&page, &action);
        again.set("expert", "exp-4");
        let (status, _, page) = pim.post(&action, &again.pairs()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let summary = select(&parse(&page), ".error-summary").iter().map(text).collect::<String>();
        assert!(summary.contains("Експерт") && summary.contains("уже призначений"), "{summary}");
        assert_eq!(pim_api.assignments(round).await.unwrap().len(), 7);

        // exp-2 submits; the PIM unit returns the scores with a reason, and exp-2 may score again.
        let exp2 = app.caller(app.token("exp-2", Some(w.pim_org), &[Role::Expert]));
        exp2.declare(round, school, false, None).await.unwrap();
        let scores: Vec<_> =
            ["SE1", "SE2", "SE4", "FE1", "FE6"].iter().map(|c| json!({"criterion": c, "score": 3})).collect();
        exp2.put_scores(round, school, &json!(scores), true).await.unwrap();
        let (_, _, page) = pim.get(&format!("/rounds/{round}")).await;
        let action = format!("/rounds/{round}/projects/{school}/experts/exp-2/reopen");
        let mut reopen = form(&page, &action);
        let (status, _, _) = pim.post(&action, &reopen.pairs()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
        reopen.set("reason", "Описка в оцінці SE2");
        let (status, _, _) = pim.post(&action, &reopen.pairs()).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(exp2.put_scores(round, school, &json!(scores), false).await.is_ok(), "reopened scores take a draft");

        // The bridge leaves the round with a reason: its assignments go, the initiator reads why.
        let action = format!("/rounds/{round}/projects/{bridge}/withdrawal");
        let mut withdraw = form(&page, &action);
        withdraw.set("reason", "Потрібна нова проєктна документація");
        let (status, _, _) = pim.post(&action, &withdraw.pairs()).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let round_now = pim_api.round(round).await.unwrap();
        assert_eq!(round_now.meta.version, 6);
        assert!(pim_api.assignments(round).await.unwrap().iter().all(|a| a.passport_id != bridge));
        let passport = app.caller(w.initiator_a(&app)).passport(bridge).await.unwrap();
        assert_eq!(passport.status, Status::Draft, "back with its initiator");
        let (_, history) =
            send(app.req(reqwest::Method::GET, &format!("/api/v1/passports/{bridge}/history"), &w.initiator_a(&app)))
                .await;
        assert_eq!(history.as_array().unwrap().last().unwrap()["reason"], "Потрібна нова проєктна документація");
        // The page read before the withdrawal is stale now: nothing happens twice.
        let (status, _, _) = pim.post(&action, &withdraw.pairs()).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    }
}

#[tokio::test]
async fn an_expert_scores_in_hundredths_beside_the_whole_passport() {
    for app in TestApp::all().await {
        let Staffed { w, round, ids } = staffed(&app).await;
        let school = ids[0];
        let mut expert = Browser::new(&app);
        assert_eq!(expert.sign_in("exp-2", "exp-2-пароль-2026").await, StatusCode::SEE_OTHER);
        let path = format!("/rounds/{round}/projects/{school}/score");
        let (_, _, page) = expert.get(&path).await;
        let mut declaration = form(&page, &format!("/rounds/{round}/projects/{school}/declaration"));
        declaration.set("conflict", "false");
        let (status, location, _) = expert.post(&declaration.action.clone(), &declaration.pairs()).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, path.as_str()));

        // The whole passport is beside the form: readiness, risks, contacts and costs by item too.
        let (_, _, page) = expert.get(&path).await;
        let doc = parse(&page);
        let headings: Vec<String> = select(&doc, "details h2").iter().map(text).collect();
        for part in ["Вартість за роками і статтями", "Готовність", "Ризики", "Контактні особи", "Місце реалізації"]
        {
            assert!(headings.iter().any(|h| h.contains(part)), "{part} missing in {headings:?}");
        }

        // Scores in hundredths with a decimal comma; a draft says it was saved.
        let mut scores = form(&page, &path);
        for code in ["SE1", "SE2", "SE4", "FE1", "FE6"] {
            scores.set(&format!("score.{code}"), "4,25");
        }
        scores.set("_submit", "false");
        let (status, location, _) = expert.post(&path, &scores.pairs()).await;
        assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("{path}?saved=draft")));
        let (_, _, page) = expert.get(&format!("{path}?saved=draft")).await;
        let doc = parse(&page);
        let notices: Vec<String> = select(&doc, ".notice").iter().map(text).collect();
        assert!(notices.iter().any(|n| n.contains("Чернетку оцінок збережено")), "{notices:?}");
        let input = select(&doc, "input[name='score.SE1']");
        assert_eq!(input[0].value().attr("value"), Some("4,25"), "the draft shows as typed");
        let exp2 = app.caller(app.token("exp-2", Some(w.pim_org), &[Role::Expert]));
        let mine = exp2.scores(round, school).await.unwrap();
        assert!(mine[0].scores.iter().all(|s| s.score == rust_decimal::Decimal::new(425, 2)), "{mine:?}");
    }
}

#[tokio::test]
async fn membership_refusals_name_the_field_and_change_nothing() {
    for app in TestApp::all().await {
        let Staffed { w, round, ids } = staffed(&app).await;
        let pim = app.caller(w.pim(&app));
        let path = |rest: &str| format!("/api/v1/rounds/{round}/projects/{}{rest}", ids[0]);
        let add = |expert: &str| json!({"expert": expert});
        let unknown =
            pim.call::<serde_json::Value>(reqwest::Method::POST, &path("/experts"), Some(4), Some(&add("ghost"))).await;
        let unknown = unknown.unwrap_err();
        assert_eq!((unknown.status, problem_fields(&unknown.problem)), (422, vec!["expert".to_owned()]));
        let own = app.user_with_password("exp-own", w.org_a, &[Role::Expert]).await;
        assert!(!own.is_empty());
        let refused = pim
            .call::<serde_json::Value>(reqwest::Method::POST, &path("/experts"), Some(4), Some(&add("exp-own")))
            .await;
        assert_eq!(refused.unwrap_err().problem["errors"][0]["code"], "own_organisation");
        let blank = pim
            .call::<serde_json::Value>(
                reqwest::Method::POST,
                &path("/withdrawal"),
                Some(4),
                Some(&json!({"reason": " "})),
            )
            .await;
        let blank = blank.unwrap_err();
        assert_eq!((blank.status, problem_fields(&blank.problem)), (422, vec!["reason".to_owned()]));
        let stranger = format!("/api/v1/rounds/{round}/projects/{}/withdrawal", Uuid::now_v7());
        let missing = pim
            .call::<serde_json::Value>(reqwest::Method::POST, &stranger, Some(4), Some(&json!({"reason": "x"})))
            .await;
        assert_eq!(missing.unwrap_err().status, 404);
        assert_eq!(pim.round(round).await.unwrap().meta.version, 4, "no refusal moved the round");

        // The brief names the project for its assigned experts only.
        let assigned = app.caller(app.token("exp-1", Some(w.pim_org), &[Role::Expert]));
        let brief: serde_json::Value = assigned.call(reqwest::Method::GET, &path("/brief"), None, None).await.unwrap();
        assert_eq!(brief["title"], "Ремонт школи");
        let other = app.caller(app.token("exp-4", Some(w.pim_org), &[Role::Expert]));
        let hidden = other.call::<serde_json::Value>(reqwest::Method::GET, &path("/brief"), None, None).await;
        assert_eq!(hidden.unwrap_err().status, 403);
    }
}

#[tokio::test]
async fn each_role_starts_on_what_waits_for_it() {
    for app in TestApp::all().await {
        let Staffed { w, round, ids } = staffed(&app).await;
        let initiator = app.caller(w.initiator_a(&app));
        let draft = initiator.create_passport(&complete_passport(w.goal)).await.unwrap();
        let waiting = initiator.create_passport(&complete_passport(w.goal)).await.unwrap();
        initiator.move_passport(waiting.meta.id, waiting.meta.version, "submitted").await.unwrap();
        let exp1 = app.caller(app.token("exp-1", Some(w.pim_org), &[Role::Expert]));
        exp1.declare(round, ids[0], true, Some("Родинний зв'язок")).await.unwrap();

        // The expert's home is its tasks: two declarations due (one was made, with a conflict).
        let mut expert = Browser::new(&app);
        assert_eq!(expert.sign_in("exp-2", "exp-2-пароль-2026").await, StatusCode::SEE_OTHER);
        let (_, location, _) = expert.get("/").await;
        assert_eq!(location, "/tasks");
        let (_, _, page) = expert.get("/tasks").await;
        let doc = parse(&page);
        let links: Vec<String> =
            select(&doc, "main section a").iter().filter_map(|a| a.value().attr("href").map(str::to_owned)).collect();
        assert_eq!(links.len(), 2, "{links:?}");
        assert!(links.iter().all(|l| l.starts_with(&format!("/rounds/{round}/projects/")) && l.ends_with("/score")));
        assert!(text(&select(&doc, "nav a")[0]).contains("Мої завдання"), "first in the menu");
        let counts: Vec<(String, String)> = select(&doc, "nav a")
            .iter()
            .filter_map(|a| {
                let count = a.select(&scraper::Selector::parse(".count").unwrap()).next().map(|c| text(&c))?;
                Some((a.value().attr("href").unwrap_or_default().to_owned(), count))
            })
            .collect();
        // Two tasks waiting, and two notices unread: one for each assignment.
        let expected = [("/tasks".to_owned(), "2".to_owned()), ("/inbox".to_owned(), "2".to_owned())];
        assert_eq!(counts, expected, "with its counts");

        // The PIM unit: a passport to take into a round, and the school short of one expert.
        let mut pim = Browser::signed_in(&app, "pim-web", w.pim_org, &[Role::PimUnit]).await;
        let (_, _, page) = pim.get("/tasks").await;
        let doc = parse(&page);
        let sections: Vec<String> = select(&doc, "main section h2").iter().map(text).collect();
        assert!(sections.iter().any(|s| s.starts_with("Подані паспорти") && s.ends_with("(1)")), "{sections:?}");
        assert!(
            sections.iter().any(|s| s.starts_with("Проєкти раундів, яким бракує експертів") && s.ends_with("(1)")),
            "{sections:?}"
        );
        let hrefs: Vec<String> =
            select(&doc, "main section a").iter().filter_map(|a| a.value().attr("href").map(str::to_owned)).collect();
        assert!(
            hrefs.contains(&format!("/passports/{}", waiting.meta.id)) && hrefs.contains(&format!("/rounds/{round}"))
        );
        let staff = select(&doc, "main section a")
            .into_iter()
            .find(|a| a.value().attr("href") == Some(format!("/rounds/{round}").as_str()));
        assert_eq!(staff.map(|a| text(&a)).as_deref(), Some("Ремонт школи"), "named by the passport's title");

        // The initiator: its draft.
        let mut ini = Browser::signed_in(&app, "ini-web", w.org_a, &[Role::Initiator]).await;
        let (_, _, page) = ini.get("/tasks").await;
        let hrefs: Vec<String> = select(&parse(&page), "main section a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        assert_eq!(hrefs, [format!("/passports/{}", draft.meta.id)]);

        // The council has nothing before it yet.
        let mut council = Browser::signed_in(&app, "council-web", w.pim_org, &[Role::Council]).await;
        let (_, _, page) = council.get("/tasks").await;
        let doc = parse(&page);
        assert!(text(&select(&doc, "p.notice")[0]).contains("нічого не чекає"));
        assert!(select(&doc, "nav a .count").is_empty(), "no count when nothing waits");
    }
}
