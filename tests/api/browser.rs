//! The workspace in a real headless Chromium, over WebDriver: one hromada's
//! cycle walked by its people — an initiator, the PIM unit, an expert and a
//! council member — with the screenshots the README shows.

use crate::common::chrome::{Chrome, Tab};
use crate::common::*;
use portfel_domain::Role;
use reqwest::Method;
use serde_json::json;

/// Projects of the hromada besides the one typed in the browser: title,
/// WB-ECO sector, cost in hundredths of the lyceum's, beneficiaries, IDPs and
/// the experts' score.
const PROJECTS: [(&str, &str, i64, u64, u64, i64); 6] = [
    ("Реконструкція водогону по вул. Центральній", "WC", 160, 5200, 300, 4),
    ("Будівництво укриття в ЗДО «Сонечко»", "EC", 60, 180, 40, 4),
    ("Термомодернізація амбулаторії в с. Вільшанка", "HQ", 50, 2300, 210, 3),
    ("Капітальний ремонт мосту через р. Рось", "TI", 120, 7000, 500, 3),
    ("Облаштування Центру надання адміністративних послуг", "BH", 30, 12000, 900, 2),
    ("Вуличне освітлення на енергоощадних світильниках", "TC", 40, 4000, 300, 2),
];
const CRITERIA: [&str; 5] = ["SE1", "SE2", "SE4", "FE1", "FE6"];
const EXPERTS: [&str; 3] = ["exp-1", "exp-2", "exp-3"];

/// `amount` (whole hryvnias) scaled by `hundredths`, as the API writes money.
fn scaled(amount: i64, hundredths: i64) -> String {
    format!("{}.00", amount * hundredths / 100)
}

/// Registers the people of the walk-through; returns their passwords by sub.
async fn people(app: &TestApp, w: &World) -> std::collections::HashMap<&'static str, String> {
    let mut out = std::collections::HashMap::new();
    out.insert("ini-a", app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await);
    out.insert("pim", app.user_with_password("pim", w.pim_org, &[Role::PimUnit]).await);
    out.insert("council", app.user_with_password("council", w.pim_org, &[Role::Council]).await);
    for sub in EXPERTS.into_iter().chain([REPLACEMENT]) {
        out.insert(sub, app.user_with_password(sub, w.pim_org, &[Role::Expert]).await);
    }
    out
}

/// The expert the PIM unit assigns in place of one who declares a conflict.
const REPLACEMENT: &str = "exp-4";

/// `exp-2` starts at its tasks and declares a conflict of interest on `own`;
/// the PIM unit assigns `exp-4` in its place on the round's page.
async fn a_conflict_is_replaced_on_the_pages(
    tab: &Tab,
    passwords: &std::collections::HashMap<&'static str, String>,
    round: &str,
    own: &str,
) {
    tab.sign_in("exp-2", &passwords["exp-2"]).await;
    assert_eq!(tab.path().await, "/tasks");
    tab.click(&format!("main section a[href='/rounds/{round}/projects/{own}/score']")).await;
    assert!(tab.find("legend").await.text().await.unwrap().contains('«'), "the declaration names the project");
    tab.find("#c-yes").await.click().await.unwrap();
    tab.fill("#note", "Мій родич працює в організації-ініціаторі").await;
    tab.click("main form button[type=submit]").await;
    assert!(tab.text().await.contains("Ви заявили конфлікт інтересів"), "{}", tab.text().await);
    tab.sign_out().await;
    tab.sign_in("pim", &passwords["pim"]).await;
    tab.open(&format!("/rounds/{round}")).await;
    let form = format!("form[action='/rounds/{round}/projects/{own}/experts']");
    tab.find(&format!("details:has({form}) summary")).await.click().await.unwrap();
    tab.choose(&format!("#add-expert-{own}"), REPLACEMENT).await;
    tab.click(&format!("{form} button")).await;
    assert_eq!(tab.path().await, format!("/rounds/{round}"), "{}", tab.text().await);
    let progress = tab.find("table:has(th.num) tbody").await.text().await.unwrap();
    assert!(progress.contains("Користувач exp-4 1"), "the replacement has the project: {progress}");
    tab.sign_out().await;
}

/// The initiator types a draft with a wrong amount, sees the error beside
/// it, fixes it, saves and submits; returns the passport's id.
async fn initiator_submits_a_passport(tab: &Tab, app: &TestApp) -> String {
    tab.open("/passports/new").await;
    assert_eq!(tab.title().await, "Новий паспорт проєкту — Портфель");
    tab.audit().await;
    for (css, text) in [
        ("#f-title-uk", "Капітальний ремонт ліцею №3"),
        ("#f-description-uk", "Утеплення фасаду, заміна вікон і системи опалення"),
        ("#f-problem", "Високі тепловтрати будівлі ліцею"),
        ("#f-goals", "Зменшити споживання тепла на 40%"),
        ("#f-balance_holder-name", "Управління освіти"),
        ("#f-balance_holder-edrpou", "40000001"),
        ("#f-locations-0--katottg", "UA46060250010015970"),
        ("#f-locations-0--address", "вул. Шевченка, 12"),
        ("#f-start_year", "2027"),
        ("#f-duration_years", "2"),
        ("#f-om_cost_per_year", "150 000"),
        ("#f-costs-0--year", "2027"),
        ("#f-costs-0--amount", "500 000"),
        ("#f-costs-1--year", "2028"),
        ("#f-costs-1--amount", "9,5 млн"),
        ("#f-financing-0--year", "2027"),
        ("#f-financing-0--amount", "500 000,00"),
        ("#f-financing-1--year", "2028"),
        ("#f-financing-1--amount", "8 000 000"),
        ("#f-readiness-documents-0--title", "Робочий проєкт"),
        ("#f-beneficiaries-total", "800"),
        ("#f-beneficiaries-idps", "120"),
        ("#f-risks-0--description", "Зростання цін на матеріали"),
        ("#f-contacts-0--name", "Олена Коваленко"),
        ("#f-contacts-0--email", "o.kovalenko@example.gov.ua"),
    ] {
        tab.fill(css, text).await;
    }
    for (css, value) in [
        ("#f-project_type", "rehabilitation"),
        ("#f-purpose", "development"),
        ("#f-sector", "ES"),
        ("#f-costs-0--item", "design"),
        ("#f-costs-1--item", "construction"),
        ("#f-financing-0--source", "localBudget"),
        ("#f-financing-1--source", "stateSubsidies"),
        ("#f-readiness-design_documentation", "approved"),
        ("#f-readiness-land", "owned"),
        ("#f-readiness-state_expertise", "positive"),
        ("#f-readiness-documents-0--kind", "designDocument"),
        ("#f-risks-0--likelihood", "medium"),
        ("#f-risks-0--impact", "high"),
    ] {
        tab.choose(css, value).await;
    }
    tab.set("#f-readiness-documents-0--date", "2026-03-15").await;
    tab.find("input[name=strategy_goal_ids]").await.click().await.unwrap();
    tab.find("#nature-construction").await.click().await.unwrap();
    tab.find("#f-cross_cutting-energy_efficiency").await.click().await.unwrap();
    tab.click("main form button[type=submit]").await;

    let error = tab.find("#err-costs-1--amount").await.text().await.unwrap();
    assert!(!error.is_empty(), "the error stands beside the amount");
    let amount = tab.find("#f-costs-1--amount").await;
    assert_eq!(amount.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    assert_eq!(amount.attr("aria-describedby").await.unwrap().as_deref(), Some("err-costs-1--amount"));
    assert!(tab.text().await.contains(&error), "the summary names it too");
    tab.audit().await;
    let title = tab.find("#f-title-uk").await.prop("value").await.unwrap();
    assert_eq!(title.as_deref(), Some("Капітальний ремонт ліцею №3"), "what was typed stays");

    tab.fill("#f-costs-1--amount", "9 500 000").await;
    tab.fill("#f-financing-2--year", "2028").await;
    tab.choose("#f-financing-2--source", "localBudget").await;
    tab.fill("#f-financing-2--amount", "1 500 000").await;
    tab.click("main form button[type=submit]").await;
    let path = tab.path().await;
    let Some(id) = path.strip_prefix("/passports/").map(str::to_owned) else {
        panic!("saved to {path}: {}", tab.text().await)
    };
    assert!(tab.find("span.badge").await.text().await.unwrap().contains("Чернетка"));
    initiator_attaches_files(tab, app, &id).await;

    tab.click("form:has(input[name=to][value=submitted]) button").await;
    assert!(tab.find("span.badge").await.text().await.unwrap().contains("Подано"), "{}", tab.text().await);
    let (_, stored) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &app.admin())).await;
    assert_eq!(stored["status"], "submitted");
    assert_eq!(stored["content"]["costs"][1]["amount"], "9500000.00");
    assert_eq!(stored["content"]["readiness"]["documents"][0]["date"], "2026-03-15");
    id
}

/// The initiator attaches the design estimate and the expert review through
/// the file input (two files at once, the progress bar shown by the
/// script), then replaces the estimate by a new version.
async fn initiator_attaches_files(tab: &Tab, app: &TestApp, id: &str) {
    let dir = tempfile::tempdir().unwrap();
    let estimate = dir.path().join("Кошторис.pdf");
    let review = dir.path().join("Експертний звіт.pdf");
    std::fs::write(&estimate, crate::attachments::pdf("кошторис")).unwrap();
    std::fs::write(&review, crate::attachments::pdf("експертиза")).unwrap();
    tab.choose("#file-kind", "designDocument").await;
    let both = format!("{}\n{}", estimate.display(), review.display());
    tab.find("#file-input").await.send_keys(&both).await.unwrap();
    tab.click("form[data-upload]:has(#file-input) button[type=submit]").await;
    let listed: Vec<String> = {
        let mut names = Vec::new();
        for a in tab.all("#files tbody td:first-child a").await {
            names.push(a.text().await.unwrap());
        }
        names
    };
    assert_eq!(listed, ["Кошторис.pdf", "Експертний звіт.pdf"], "{}", tab.text().await);
    tab.screenshot("#files", "passport-files").await;
    tab.phone_screenshot("phone-passport-files").await;

    std::fs::write(&estimate, crate::attachments::pdf("кошторис, редакція 2")).unwrap();
    let replace = tab.find("#files tbody tr:first-child input[type=file]").await;
    replace.send_keys(&estimate.display().to_string()).await.unwrap();
    tab.click("#files tbody tr:first-child form[data-upload] button[type=submit]").await;
    let (_, files) =
        send(app.req(Method::GET, &format!("/api/v1/attachments?owner_kind=passport&owner_id={id}"), &app.admin()))
            .await;
    let names: Vec<&str> = files.as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Експертний звіт.pdf", "Кошторис.pdf"], "{files}");
    assert!(files[1]["replaces"].is_string(), "the estimate is a new version: {files}");
    let href = tab.find("#files tbody td:first-child a").await.attr("href").await.unwrap().unwrap();
    let (status, _) = send(app.req(
        Method::GET,
        &format!("/api/v1/attachments/{}/content", href.trim_start_matches("/attachments/")),
        &app.admin(),
    ))
    .await;
    assert_eq!(status, 200, "the page links the download");
}

/// The initiator types project `n` of `PROJECTS` in the passport form, saves
/// and submits it; returns its id.
async fn initiator_types_a_project(tab: &Tab, n: usize) -> String {
    let (title, sector, k, total, idps, _) = PROJECTS[n];
    let (design, build) = (scaled(500_000, k), scaled(9_500_000, k));
    tab.open("/passports/new").await;
    for (css, text) in [
        ("#f-title-uk", title.to_owned()),
        ("#f-description-uk", format!("{title}: роботи за робочим проєктом")),
        ("#f-problem", "Об'єкт не відповідає потребам громади".to_owned()),
        ("#f-goals", "Якісна послуга для мешканців".to_owned()),
        ("#f-balance_holder-name", "Управління освіти".to_owned()),
        ("#f-balance_holder-edrpou", "40000001".to_owned()),
        ("#f-locations-0--katottg", "UA46060250010015970".to_owned()),
        ("#f-start_year", "2027".to_owned()),
        ("#f-duration_years", "2".to_owned()),
        ("#f-om_cost_per_year", "50 000".to_owned()),
        ("#f-costs-0--year", "2027".to_owned()),
        ("#f-costs-0--amount", design.clone()),
        ("#f-costs-1--year", "2028".to_owned()),
        ("#f-costs-1--amount", build.clone()),
        ("#f-financing-0--year", "2027".to_owned()),
        ("#f-financing-0--amount", design),
        ("#f-financing-1--year", "2028".to_owned()),
        ("#f-financing-1--amount", build),
        ("#f-readiness-documents-0--title", "Робочий проєкт".to_owned()),
        ("#f-beneficiaries-total", total.to_string()),
        ("#f-beneficiaries-idps", idps.to_string()),
        ("#f-risks-0--description", "Зростання цін на матеріали".to_owned()),
        ("#f-contacts-0--name", "Олена Коваленко".to_owned()),
    ] {
        tab.fill(css, &text).await;
    }
    for (css, value) in [
        ("#f-project_type", "rehabilitation"),
        ("#f-purpose", "development"),
        ("#f-sector", sector),
        ("#f-costs-0--item", "design"),
        ("#f-costs-1--item", "construction"),
        ("#f-financing-0--source", "stateSubsidies"),
        ("#f-financing-1--source", "localBudget"),
        ("#f-readiness-design_documentation", "approved"),
        ("#f-readiness-land", "owned"),
        ("#f-readiness-state_expertise", "positive"),
        ("#f-readiness-documents-0--kind", "designDocument"),
        ("#f-risks-0--likelihood", "low"),
        ("#f-risks-0--impact", "medium"),
    ] {
        tab.choose(css, value).await;
    }
    tab.set("#f-readiness-documents-0--date", "2026-03-15").await;
    tab.find("input[name=strategy_goal_ids]").await.click().await.unwrap();
    tab.find("#nature-construction").await.click().await.unwrap();
    tab.click("main form button[type=submit]").await;
    let path = tab.path().await;
    let Some(id) = path.strip_prefix("/passports/").map(str::to_owned) else {
        panic!("{title} saved to {path}: {}", tab.text().await)
    };
    tab.click("form:has(input[name=to][value=submitted]) button").await;
    assert!(tab.find("span.badge").await.text().await.unwrap().contains("Подано"), "{}", tab.text().await);
    id
}

/// Saving the edit form of a complete draft as it stands changes nothing:
/// every field of the passport has its input.
async fn editing_keeps_every_field(tab: &Tab, app: &TestApp, w: &World) {
    let (id, _) = create_passport(app, &w.initiator_a(app), &complete_passport(w.goal)).await;
    let read = || async { send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &app.admin())).await.1 };
    let before = read().await;
    tab.open(&format!("/passports/{id}/edit")).await;
    tab.click("main form button[type=submit]").await;
    assert_eq!(tab.path().await, format!("/passports/{id}"), "{}", tab.text().await);
    let after = read().await;
    assert_eq!(after["content"], before["content"]);
    assert_eq!(after["version"].as_i64(), before["version"].as_i64().map(|v| v + 1), "it was saved");
}

/// The PIM unit opens a round of every submitted project, screens it and
/// assigns the experts; returns the round's id.
async fn pim_opens_a_round(tab: &Tab) -> String {
    tab.open("/rounds").await;
    tab.fill("#name", "Оцінювання проєктів на 2027–2029 роки").await;
    tab.set("#deadline", "2026-12-15").await;
    tab.click("main form button[type=submit]").await;
    let round = tab.path().await.strip_prefix("/rounds/").expect("the round's page").to_owned();
    tab.find("details:has(form[action$='/projects']) summary").await.click().await.unwrap();
    for checkbox in tab.all("input[name=passport_ids]").await {
        checkbox.click().await.unwrap();
    }
    tab.click("form[action$='/projects'] button").await;
    tab.click("form[action$='/screen'] button").await;
    let text = tab.text().await;
    assert_eq!(text.matches("пройшов").count(), PROJECTS.len() + 1, "every project passes screening: {text}");
    assert!(!text.contains("не пройшов"), "{text}");
    tab.find("details:has(form[action$='/assign']) summary").await.click().await.unwrap();
    for e in EXPERTS {
        tab.find(&format!("#exp-{e}")).await.click().await.unwrap();
    }
    tab.click("form[action$='/assign'] button").await;
    tab.audit().await;
    let progress = tab.find("table:has(th.num) tbody").await.text().await.unwrap();
    for e in EXPERTS {
        assert!(progress.contains(&format!("{e} {}", PROJECTS.len() + 1)), "{e} has every project: {progress}");
    }
    round
}

/// Each expert signs in, opens each project it has to score from its tasks,
/// declares no conflict and submits its scores; `exp-1` leaves `own` for
/// [`expert_declares_and_scores`], and `exp-2` (who declared a conflict on
/// `own`) is replaced there by `exp-4`.
async fn experts_score_on_the_pages(
    tab: &Tab,
    passwords: &std::collections::HashMap<&'static str, String>,
    round: &str,
    ids: &[String],
    own: &str,
) {
    for (k, sub) in EXPERTS.iter().chain([&REPLACEMENT]).enumerate() {
        tab.sign_in(sub, &passwords[sub]).await;
        let mut work: Vec<(&str, i64)> = ids
            .iter()
            .enumerate()
            .filter(|_| *sub != REPLACEMENT)
            .map(|(n, id)| (id.as_str(), if k == 2 { PROJECTS[n].5 - 1 + n as i64 % 2 } else { PROJECTS[n].5 }))
            .collect();
        if matches!(*sub, "exp-3" | REPLACEMENT) {
            work.push((own, 4));
        }
        for (id, score) in work {
            let link = format!("main section a[href='/rounds/{round}/projects/{id}/score']");
            assert_eq!(tab.all(&link).await.len(), 1, "{sub} finds {id} among its tasks: {}", tab.text().await);
            tab.click(&link).await;
            tab.find("#c-no").await.click().await.unwrap();
            tab.click("main form button[type=submit]").await;
            for c in CRITERIA {
                tab.fill(&format!("#f-score-{c}"), &score.to_string()).await;
            }
            tab.click("button[name=_submit][value=true]").await;
            assert!(tab.find("p.notice").await.text().await.unwrap().starts_with("Оцінки подано"), "{sub} on {id}");
            tab.open("/tasks").await;
        }
        tab.sign_out().await;
    }
}

/// `exp-1` declares no conflict on the lyceum, saves a draft and submits.
async fn expert_declares_and_scores(tab: &Tab, round: &str, own: &str) {
    tab.open("/").await;
    assert_eq!(tab.path().await, "/tasks", "the expert starts at what waits for it");
    tab.click(&format!("a[href='/rounds/{round}/projects/{own}/score']")).await;
    assert!(tab.text().await.contains("Паспорт проєкту відкриється для оцінювання після вашої декларації"));
    assert!(tab.all("input[name^='score.']").await.is_empty(), "no scoring before the declaration");
    tab.find("#c-no").await.click().await.unwrap();
    tab.click("main form button[type=submit]").await;
    let guidance = tab.find("div.guidance").await.text().await.unwrap();
    assert!(guidance.starts_with("0 — "), "the scale's guidance is beside the criterion: {guidance}");
    tab.audit().await;
    for (c, score) in CRITERIA.iter().zip(["4", "4", "3", "4", "4"]) {
        tab.fill(&format!("#f-score-{c}"), score).await;
    }
    tab.click("button[name=_submit][value=false]").await;
    assert_eq!(tab.find("#f-score-SE4").await.prop("value").await.unwrap().as_deref(), Some("3"), "the draft is kept");
    tab.screenshot("main", "expert-scoring").await;
    tab.phone_screenshot("phone-expert-scoring").await;
    tab.click("button[name=_submit][value=true]").await;
    assert!(tab.find("p.notice").await.text().await.unwrap().starts_with("Оцінки подано"));
    assert!(tab.all("button[name=_submit]").await.is_empty(), "submitted scores are final");
}

/// The PIM unit closes the round and builds a portfolio version, submitted to
/// the council; returns its id.
async fn pim_closes_and_builds_a_portfolio(tab: &Tab, round: &str) -> String {
    tab.open(&format!("/rounds/{round}")).await;
    tab.click("form[action$='/close'] button").await;
    assert!(tab.text().await.contains("закрито"), "{}", tab.text().await);
    let cards = tab.all("a[href$='/card']").await.len();
    assert_eq!(cards, 2 * (PROJECTS.len() + 1), "a score card per project, in the list and in the ranking");
    tab.open("/portfolios").await;
    tab.choose("#round", round).await;
    tab.click("main form button[type=submit]").await;
    let portfolio = tab.path().await.strip_prefix("/portfolios/").expect("the portfolio's page").to_owned();
    assert_eq!(tab.all("table.ranked tbody tr").await.len(), PROJECTS.len() + 1, "{}", tab.text().await);
    tab.click("form[action$='/submit'] button").await;
    assert!(tab.find("span.badge.submitted").await.is_displayed().await.unwrap());
    // On the agenda of the council's meeting a week from today.
    let meeting = portfel_domain::calendar::local_date(chrono::Utc::now()) + chrono::Days::new(7);
    tab.set("#meeting", &meeting.to_string()).await;
    tab.click("form[action$='/meeting'] button").await;
    let day = meeting.format("%d.%m.%Y").to_string();
    assert!(tab.text().await.contains(&format!("засідання ради {day}")), "{}", tab.text().await);
    portfolio
}

/// A council member approves a version at `base` with a decision.
async fn council_approves(tab: &Tab, base: &str, number: &str) {
    tab.open(base).await;
    tab.fill("#number", number).await;
    tab.set("#date", "2026-11-18").await;
    tab.click("form[action$='/review'] button").await;
    tab.click("form[action$='/approve'] button").await;
    assert!(tab.find("span.badge.approved").await.is_displayed().await.unwrap(), "{}", tab.text().await);
    assert!(tab.text().await.contains(&format!("рішення ради № {number} від 18.11.2026")));
}

/// The PIM unit builds an optimal plan within yearly ceilings and submits it; returns its id.
async fn pim_builds_a_plan(tab: &Tab, portfolio: &str) -> String {
    tab.open("/plans").await;
    tab.choose("#portfolio", portfolio).await;
    tab.fill("#first_year", "2027").await;
    tab.fill("#last_year", "2029").await;
    for (i, (year, ceiling)) in [("2027", "3 000 000"), ("2028", "30 000 000"), ("2029", "")].iter().enumerate() {
        tab.fill(&format!("#ceiling-year-{i}"), year).await;
        tab.fill(&format!("#ceiling-{i}"), ceiling).await;
    }
    tab.choose("#builder", "optimal").await;
    tab.click("main form button[type=submit]").await;
    let plan = tab.path().await.strip_prefix("/plans/").expect("the plan's page").to_owned();
    tab.click("form[action$='/submit'] button").await;
    plan
}

#[tokio::test]
async fn the_cycle_in_a_browser() {
    let Some(chrome) = Chrome::start() else { return };
    for (backend, url, dir) in backends().await {
        let app = TestApp::start(backend, &url, dir).await;
        walk_the_cycle(&chrome, app).await;
    }
}

/// An executive body reports a programme measure's quarter from its task; the
/// PIM unit accepts it; the annual report, its versions page and its DOCX follow.
async fn quarters_are_reported_and_accepted_on_the_pages(
    tab: &Tab,
    app: &TestApp,
    w: &World,
    passwords: &std::collections::HashMap<&'static str, String>,
) {
    let year = chrono::Datelike::year(&chrono::Utc::now()) - 1;
    let programme = json!({
        "title": "Програма підтримки малого підприємництва", "decision_number": "7/1",
        "decision_date": format!("{year}-01-15"), "period_start": year, "period_end": year + 1,
        "responsible": "Відділ економічного розвитку",
        "sections": [{"number": "1", "title": "Підтримка", "measures": [{"number": "1.1", "text": "Гранти на відкриття бізнесу",
            "organisation_ids": [w.org_a], "planned": [{"year": year, "source": "localBudget", "amount": "400000.00"}]}]}]
    });
    let (s, p) = send(app.req(Method::POST, "/api/v1/programmes", &w.pim(app)).json(&programme)).await;
    assert_eq!(s, 201, "{p}");
    let id = p["id"].as_str().unwrap().to_owned();

    tab.sign_in("ini-a", &passwords["ini-a"]).await;
    tab.open("/tasks").await;
    tab.click(&format!("main a[href='/programmes/{id}/quarters?year={year}#q-1-1-4']")).await;
    tab.audit().await;
    tab.fill("#q-1-1-4-amount", "125,5").await;
    tab.fill("#q-1-1-4-narrative", "Надано 12 грантів").await;
    tab.click("#q-1-1-4 form button").await;
    assert!(tab.find("#q-1-1-4").await.text().await.unwrap().contains("подано, чекає на перевірку"));
    tab.audit().await;
    tab.screenshot("main", "quarterly-report").await;
    tab.sign_out().await;

    tab.sign_in("pim", &passwords["pim"]).await;
    tab.open(&format!("/programmes/{id}/quarters?year={year}")).await;
    tab.click("#q-1-1-4 form[action$='/accept'] button").await;
    assert!(tab.find("#q-1-1-4").await.text().await.unwrap().contains("прийнято"));
    tab.audit().await;
    tab.open(&format!("/programmes/{id}?year={year}")).await;
    assert!(tab.find("tbody").await.text().await.unwrap().contains("IV квартал: Надано 12 грантів"));
    tab.open(&format!("/programmes/{id}/versions")).await;
    tab.sign_out().await;
}

/// The initiator reports a project's completion from its passport, the PIM
/// unit accepts it from its tasks, evaluates the project and signs the
/// conclusion off; the register shows it signed.
async fn a_project_is_closed_and_evaluated_on_the_pages(
    tab: &Tab,
    app: &TestApp,
    w: &World,
    passwords: &std::collections::HashMap<&'static str, String>,
) {
    let id = crate::monitoring::in_implementation(app, w).await;
    tab.sign_in("ini-a", &passwords["ini-a"]).await;
    tab.open(&format!("/passports/{id}")).await;
    tab.click(&format!("main a[href='/passports/{id}/completion']")).await;
    tab.audit().await;
    tab.set("#f-actual_end", "2029-01-30").await;
    tab.fill("#f-indicators-0--actual", "760").await;
    tab.fill("#f-indicators-1--actual", "95").await;
    tab.click(&format!("form[action='/passports/{id}/completion'] button[type=submit]")).await;
    let completion = tab.path().await;
    assert!(completion.starts_with("/completions/"), "the report is saved: {}", tab.text().await);
    assert!(tab.text().await.contains("запізнення 30 дн."), "the figures are shown: {}", tab.text().await);
    tab.audit().await;
    tab.phone_screenshot("phone-completion-report").await;
    tab.click("form[action$='/submit'] button").await;
    tab.sign_out().await;

    tab.sign_in("pim", &passwords["pim"]).await;
    tab.open("/tasks").await;
    tab.click(&format!("main a[href='/passports/{id}/completion']")).await;
    assert_eq!(tab.path().await, completion, "the task opens the report");
    tab.click("form[action$='/accept'] button").await;
    tab.open(&format!("/passports/{id}")).await;
    tab.click(&format!("form[action='/passports/{id}/evaluation'] button")).await;
    let evaluation = tab.path().await;
    tab.audit().await;
    for i in 0..5 {
        tab.choose(&format!("#f-sections-{i}--rating"), "satisfactory").await;
        tab.fill(&format!("#f-sections-{i}--judgement"), "Досягнуто більшість показників концепції").await;
    }
    tab.choose("#f-overall", "satisfactory").await;
    tab.fill("#f-conclusion", "Проєкт загалом результативний").await;
    tab.click(&format!("form[action='{evaluation}'] button[type=submit]")).await;
    tab.click("form[action$='/sign-off'] button").await;
    assert!(tab.text().await.contains("висновок підписано"), "{}", tab.text().await);
    tab.audit().await;
    tab.screenshot("main", "expost-evaluation").await;
    tab.phone_screenshot("phone-expost-evaluation").await;
    tab.open("/evaluations").await;
    assert!(tab.find("main table").await.text().await.unwrap().contains("висновок підписано (задовільна)"));
    tab.sign_out().await;

    // The initiator learns from the inbox that its report was accepted.
    tab.sign_in("ini-a", &passwords["ini-a"]).await;
    tab.click("nav a[href='/inbox']").await;
    let inbox = tab.find("main").await.text().await.unwrap();
    assert!(inbox.contains("Звіт про завершення прийнято: «"), "{inbox}");
    tab.audit().await;
    tab.screenshot("main", "inbox").await;
    tab.phone_screenshot("phone-inbox").await;
    tab.click("form[action='/inbox/read'] button").await;
    assert!(tab.all("main li.unread").await.is_empty(), "all read");
    tab.sign_out().await;
}

/// One hromada's cycle on `app`, from the pages alone.
async fn walk_the_cycle(chrome: &Chrome, app: TestApp) {
    let w = World::create(&app).await;
    let passwords = people(&app, &w).await;
    let tab = chrome.tab(&app.base).await;

    tab.open("/").await;
    assert_eq!(tab.path().await, "/login?next=%2F", "the start page asks to sign in");
    tab.audit().await;

    tab.sign_in("ini-a", &passwords["ini-a"]).await;
    let own = initiator_submits_a_passport(&tab, &app).await;
    let mut ids = Vec::new();
    for n in 0..PROJECTS.len() {
        ids.push(initiator_types_a_project(&tab, n).await);
    }
    editing_keeps_every_field(&tab, &app, &w).await;
    tab.open("/rounds").await;
    assert_eq!(tab.find("h1").await.text().await.unwrap(), "Доступ заборонено", "rounds are not the initiator's");
    tab.audit().await;
    tab.sign_out().await;
    tab.open("/passports").await;
    assert!(tab.path().await.starts_with("/login"), "signed out means signed out");

    tab.sign_in("pim", &passwords["pim"]).await;
    let round = pim_opens_a_round(&tab).await;
    tab.sign_out().await;
    a_conflict_is_replaced_on_the_pages(&tab, &passwords, &round, &own).await;
    experts_score_on_the_pages(&tab, &passwords, &round, &ids, &own).await;
    tab.sign_in("exp-1", &passwords["exp-1"]).await;
    expert_declares_and_scores(&tab, &round, &own).await;
    tab.open("/passports/new").await;
    assert_eq!(tab.find("h1").await.text().await.unwrap(), "Доступ заборонено", "experts do not draft passports");
    tab.sign_out().await;

    tab.sign_in("pim", &passwords["pim"]).await;
    let portfolio = pim_closes_and_builds_a_portfolio(&tab, &round).await;
    tab.sign_out().await;
    tab.sign_in("council", &passwords["council"]).await;
    assert_eq!(tab.path().await, "/tasks", "the council starts at what waits for it");
    tab.click("nav a[href='/meetings']").await;
    let agenda = tab.find("main section ol").await.text().await.unwrap();
    assert!(agenda.starts_with("Єдиний проєктний портфель, версія 1"), "{agenda}");
    tab.audit().await;
    tab.screenshot("main", "meetings").await;
    tab.phone_screenshot("phone-meetings").await;
    tab.open("/tasks").await;
    tab.click(&format!("main section a[href='/portfolios/{portfolio}']")).await;
    tab.audit().await;
    tab.screenshot("main", "council-portfolio").await;
    tab.phone_screenshot("phone-council-portfolio").await;
    tab.open(&format!("/rounds/{round}/projects/{own}/card")).await;
    assert!(tab.find("svg").await.is_displayed().await.unwrap(), "the rank interval is drawn");
    tab.audit().await;
    tab.screenshot("main", "score-card").await;
    council_approves(&tab, &format!("/portfolios/{portfolio}"), "15/2026").await;
    tab.sign_out().await;

    tab.sign_in("pim", &passwords["pim"]).await;
    let plan = pim_builds_a_plan(&tab, &portfolio).await;
    tab.sign_out().await;
    tab.sign_in("council", &passwords["council"]).await;
    tab.open(&format!("/plans/{plan}")).await;
    assert!(tab.find("#ceilings svg").await.is_displayed().await.unwrap(), "ceiling usage is drawn");
    let proof = tab.find("#proof").await.text().await.unwrap();
    assert!(proof.starts_with("доведено") && proof.contains(" %"), "the optimal plan's proof: {proof}");
    assert!(!proof.chars().any(|c| c.is_ascii_alphabetic()), "no solver's name in Latin letters: {proof}");
    tab.audit().await;
    tab.screenshot("#ceilings", "plan-ceilings").await;
    tab.screenshot("#side-by-side", "plan-side-by-side").await;

    tab.run("document.querySelector(\"form[action$='/review'] input[name=_csrf]\").remove()").await;
    tab.fill("#number", "16/2026").await;
    tab.set("#date", "2026-11-18").await;
    tab.click("form[action$='/review'] button").await;
    assert_eq!(tab.find("h1").await.text().await.unwrap(), "Форму відхилено", "a form without its CSRF token");
    let (_, stored) = send(app.req(Method::GET, &format!("/api/v1/plans/{plan}"), &app.admin())).await;
    assert_eq!(stored["status"], "submitted", "and nothing changed");
    council_approves(&tab, &format!("/plans/{plan}"), "16/2026").await;
    let (_, stored) = send(app.req(Method::GET, &format!("/api/v1/plans/{plan}"), &app.admin())).await;
    assert_eq!(stored["status"], "approved");
    tab.sign_out().await;

    quarters_are_reported_and_accepted_on_the_pages(&tab, &app, &w, &passwords).await;
    a_project_is_closed_and_evaluated_on_the_pages(&tab, &app, &w, &passwords).await;

    // The API documentation runs under its own content policy (its viewer's scripts load from here).
    tab.open("/docs/").await;
    let title = tab.find(".swagger-ui .info .title").await.text().await.unwrap();
    assert!(title.contains("Portfel"), "the documentation viewer rendered: {title}");
    tab.close().await;
}
