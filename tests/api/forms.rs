//! What a page shows is what it stores: each form is read from its page with
//! an HTML parser, posted back as a browser would post it, and the stored
//! record read back through the API must be the one the form was filled from.

use crate::common::html;
use crate::common::*;
use crate::web::Browser;
use portfel_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

/// A passport with several of everything a form may repeat.
fn full_passport(goal: uuid::Uuid) -> Value {
    let mut p = complete_passport(goal);
    p["goals"] = json!(["Зменшити споживання тепла на 40%", "Забезпечити безбар'єрний доступ", "Створити укриття"]);
    p["nature"] = json!(["construction", "design", "supervision"]);
    p["locations"] = json!([
        {"katottg": "UA46060250010015970", "address": "вул. Шевченка, 12"},
        {"katottg": "UA46060250010015970", "address": "вул. Франка, 3"}
    ]);
    p["readiness"]["documents"] = json!([
        {"kind": "designDocument", "title": "Робочий проєкт", "number": "РП-17", "date": "2026-03-15",
         "url": "https://docs.example.gov.ua/rp-17.pdf"},
        {"kind": "permissionDocument", "title": "Дозвіл на будівництво", "date": "2026-04-01"}
    ]);
    p["risks"] = json!([
        {"description": "Зростання цін", "likelihood": "medium", "impact": "high", "mitigation": "Резерв 5 %"},
        {"description": "Затримка постачання", "likelihood": "low", "impact": "medium"}
    ]);
    p["implementer"] = json!({"name": "КП «Будсервіс»", "edrpou": "40000009"});
    p["cross_cutting"] =
        json!({"energy_efficiency": true, "climate_adaptation": true, "gender_equality": true, "barrier_free": true});
    p["contacts"] = json!([
        {"name": "Олена Коваленко", "position": "начальниця відділу", "email": "o.kovalenko@example.gov.ua", "phone": "+380441234567"},
        {"name": "Петро Іванчук"}
    ]);
    p
}

#[tokio::test]
async fn the_passport_form_posted_back_unchanged_stores_the_same_passport() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let (id, _) = create_passport(&app, &ini, &full_passport(w.goal)).await;
        let (_, before) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &ini)).await;
        let mut b = Browser::signed_in(&app, "ini-a", w.org_a, &[Role::Initiator]).await;
        let (s, _, page) = b.get(&format!("/passports/{id}/edit")).await;
        assert_eq!(s, 200, "{page}");
        let form = html::form(&page, &format!("/passports/{id}"));
        let (s, _, answer) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 303, "[{}] {answer}", app.backend);
        let (_, after) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &ini)).await;
        assert_eq!(after["content"], before["content"], "[{}] every value survives the form", app.backend);
        assert_eq!(after["content"]["goals"].as_array().map(Vec::len), Some(3));

        // An edit through the form changes what was edited and nothing else.
        let mut form = html::form(&b.get(&format!("/passports/{id}/edit")).await.2, &format!("/passports/{id}"));
        let goals = form.get("goals").unwrap().to_owned();
        form.set("goals", &format!("{goals}\r\nЗменшити викиди CO₂"));
        assert_eq!(b.post(&form.action, &form.pairs()).await.0, 303);
        let (_, edited) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &ini)).await;
        let mut expected = before["content"].clone();
        expected["goals"].as_array_mut().unwrap().push(json!("Зменшити викиди CO₂"));
        assert_eq!(edited["content"], expected, "[{}]", app.backend);
    }
}

#[tokio::test]
async fn the_report_form_posted_back_unchanged_stores_the_same_report() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let passport = crate::monitoring::in_plan(&app, &w).await;
        let body = json!({
            "period": {"year": 2027, "quarter": 2},
            "financing": [
                {"source": "localBudget", "received": "500000.00", "spent": "420000.50"},
                {"source": "stateSubsidies", "received": "1000000.00", "spent": "0.00"}
            ],
            "progress_percent": "35.5",
            "milestones": [
                {"name": "Договір підряду укладено", "planned": "2027-04-30", "actual": "2027-05-12"},
                {"name": "Фасад утеплено", "planned": "2027-09-30"}
            ],
            "indicators": [
                {"name": "Площа утепленого фасаду", "unit": "м²", "baseline": "0", "target": "1800", "actual": "600"},
                {"name": "Замінено вікон", "unit": "шт.", "baseline": "0", "target": "120"}
            ],
            "narrative": "Утеплено фасад з північного боку.\nЗамінено 40 вікон.",
            "estimated_cost": "10200000.00",
            "documents": [
                {"title": "Акт КБ-2в №3", "url": "https://docs.example.gov.ua/kb2v-3.pdf"},
                {"title": "Фото", "url": "https://docs.example.gov.ua/photo.jpg"}
            ]
        });
        let path = format!("/api/v1/passports/{passport}/reports");
        let (s, created) = send(app.req(Method::POST, &path, &ini).json(&body)).await;
        assert_eq!(s, 201, "{created}");
        let rid = created["id"].as_str().unwrap().to_owned();
        let mut b = Browser::signed_in(&app, "ini-a", w.org_a, &[Role::Initiator]).await;
        let (s, _, page) = b.get(&format!("/reports/{rid}/edit")).await;
        assert_eq!(s, 200, "{page}");
        let form = html::form(&page, &format!("/reports/{rid}"));
        let (s, _, answer) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 303, "[{}] {answer}", app.backend);
        let (_, after) = send(app.req(Method::GET, &format!("/api/v1/reports/{rid}"), &ini)).await;
        for field in [
            "period",
            "financing",
            "progress_percent",
            "milestones",
            "indicators",
            "narrative",
            "estimated_cost",
            "documents",
        ] {
            assert_eq!(after[field], created[field], "[{}] {field}", app.backend);
        }
    }
}

/// A PIM unit member signed in to the workspace.
async fn pim_browser(app: &TestApp, w: &World) -> Browser {
    Browser::signed_in(app, "pim", w.pim_org, &[Role::PimUnit]).await
}

#[tokio::test]
async fn a_round_opened_from_its_form_holds_what_the_form_held() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let mut b = pim_browser(&app, &w).await;
        let mut form = html::form(&b.get("/rounds").await.2, "/rounds");
        form.set("name", "Оцінювання проєктів 2027 року");
        form.set("deadline", "2026-12-15");
        let methodology = form.get("methodology_id").unwrap().to_owned();
        let (s, location, page) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 303, "{page}");
        let (_, round) = send(app.req(Method::GET, &format!("/api/v1{location}"), &w.pim(&app))).await;
        assert_eq!(
            (round["name"].as_str(), round["deadline"].as_str(), round["methodology_id"].as_str()),
            (Some("Оцінювання проєктів 2027 року"), Some("2026-12-15"), Some(methodology.as_str())),
            "[{}] {round}",
            app.backend
        );
    }
}

#[tokio::test]
async fn an_experts_draft_posted_back_unchanged_keeps_every_score() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let mut passwords = Vec::new();
        for sub in ["exp-1", "exp-2", "exp-3"] {
            passwords.push(app.user_with_password(sub, w.pim_org, &[Role::Expert]).await);
        }
        let ini = w.initiator_a(&app);
        let (id, v) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        assert_eq!(transition(&app, &ini, &id, v, "submitted", None).await.0, 200);
        let (_, methodologies) = send(app.req(Method::GET, "/api/v1/methodologies", &pim)).await;
        let body = json!({"name": "Раунд", "methodology_id": methodologies[0]["id"], "deadline": "2026-12-15"});
        let (_, round) = send(app.req(Method::POST, "/api/v1/rounds", &pim).json(&body)).await;
        let rid = round["id"].as_str().unwrap().to_owned();
        let step = |path: &str, version: i32, body: Value| {
            app.req(Method::POST, &format!("/api/v1/rounds/{rid}/{path}"), &pim).if_match(version).json(&body)
        };
        assert_eq!(send(step("projects", 1, json!({"passport_ids": [id]}))).await.0, 200);
        assert_eq!(send(step("screen", 2, json!({}))).await.0, 200);
        assert_eq!(send(step("assign", 3, json!({"experts": ["exp-1", "exp-2", "exp-3"]}))).await.0, 200);
        let expert = app.token("exp-1", Some(w.pim_org), &[Role::Expert]);
        let path = format!("/api/v1/rounds/{rid}/projects/{id}");
        let declared = app.req(Method::POST, &format!("{path}/declaration"), &expert).json(&json!({"conflict": false}));
        assert_eq!(send(declared).await.0, 200);
        let scores = json!({"scores": [
            {"criterion": "SE1", "score": "4.5", "justification": "Школа у пріоритеті стратегії"},
            {"criterion": "SE2", "score": "3"},
            {"criterion": "FE6", "score": "2.25", "justification": "Ризики цін"}
        ], "submit": false});
        let (s, p) = send(app.req(Method::PUT, &format!("{path}/scores"), &expert).json(&scores)).await;
        assert_eq!(s, 200, "{p}");
        let (_, before) = send(app.req(Method::GET, &format!("{path}/scores"), &expert)).await;
        let mut b = Browser::new(&app);
        b.sign_in("exp-1", &passwords[0]).await;
        let page = format!("/rounds/{rid}/projects/{id}/score");
        let (s, _, shown) = b.get(&page).await;
        assert_eq!(s, 200, "{shown}");
        let form = html::form(&shown, &page);
        let (s, _, answer) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 303, "[{}] {answer}", app.backend);
        let (_, after) = send(app.req(Method::GET, &format!("{path}/scores"), &expert)).await;
        assert_eq!(after["scores"], before["scores"], "[{}]", app.backend);
    }
}

#[tokio::test]
async fn a_measures_fact_posted_back_unchanged_keeps_its_amount_and_narrative() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let (s, p) =
            send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&crate::monitoring::programme())).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_str().unwrap().to_owned();
        let fact = json!({"measure": "1.1", "year": 2027, "amount": "99950.50", "narrative": "Замінено вікна.\nУтеплено дах."});
        let (s, p) = send(app.req(Method::POST, &format!("/api/v1/programmes/{id}/facts"), &pim).json(&fact)).await;
        assert_eq!(s, 200, "{p}");
        let report = format!("/api/v1/programmes/{id}/report?year=2027");
        let (_, before) = send(app.req(Method::GET, &report, &pim)).await;
        let mut b = pim_browser(&app, &w).await;
        let (s, _, page) = b.get(&format!("/programmes/{id}/facts?year=2027")).await;
        assert_eq!(s, 200, "{page}");
        let form = html::form(&page, &format!("/programmes/{id}/facts"));
        assert_eq!(form.get("amount.1.1"), Some("99,9505"), "thousand UAH, every kopeck kept");
        let (s, _, answer) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 303, "[{}] {answer}", app.backend);
        let (_, after) = send(app.req(Method::GET, &report, &pim)).await;
        assert_eq!(after, before, "[{}]", app.backend);
    }
}

#[tokio::test]
async fn a_plan_and_the_councils_decision_hold_what_their_forms_held() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let (rid, _) = closed_round(&app, &w, &[complete_passport(w.goal), complete_passport(w.goal)]).await;
        let pid = approved_portfolio(&app, &w, &rid).await;

        let mut b = pim_browser(&app, &w).await;
        let mut form = html::form(&b.get("/plans").await.2, "/plans");
        assert_eq!(form.get("portfolio_id"), Some(pid.as_str()));
        form.set("first_year", "2027");
        form.set("last_year", "2029");
        for (i, year) in [2027, 2028, 2029].iter().enumerate() {
            form.set(&format!("_ceiling_year{i}"), &year.to_string());
        }
        form.set("_ceiling0", "40 млн");
        form.set("_ceiling1", "30 000 000");
        form.set("builder", "rank_order");
        form.fields.retain(|(name, _)| name != "carry_unspent");
        // An amount that is no number is refused on the form, in Ukrainian, naming what was typed.
        let (s, _, page) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 422, "{page}");
        let summary = html::select(&html::parse(&page), ".error-summary li").iter().map(html::text).collect::<Vec<_>>();
        assert!(summary.iter().any(|e| e.contains("«40 млн» — не сума")), "{summary:?}");
        assert_eq!(send(app.req(Method::GET, "/api/v1/plans", &pim)).await.1, json!([]), "nothing was built");
        form.set("_ceiling0", "1 500 000,50");
        // A ceiling per source and a sector's largest share, in per cent.
        form.set("_src_year0", "2028");
        form.set("_src0", "stateSubsidies");
        form.set("_src_amount0", "20 000 000");
        form.set("_sector0", "ES");
        form.set("_sector_max0", "60");
        let (s, location, page) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 303, "{page}");
        let (_, plan) = send(app.req(Method::GET, &format!("/api/v1{location}"), &pim)).await;
        let request = &plan["request"];
        assert_eq!(
            (
                &request["portfolio_id"],
                &request["first_year"],
                &request["last_year"],
                &request["builder"],
                &request["carry_unspent"]
            ),
            (&json!(pid), &json!(2027), &json!(2029), &json!("rank_order"), &json!(false)),
            "[{}] {plan}",
            app.backend
        );
        assert_eq!(request["ceilings"]["total"], json!({"2027": "1500000.50", "2028": "30000000"}), "{plan}");
        assert_eq!(request["ceilings"]["by_source"], json!({"2028/stateSubsidies": "20000000"}), "{plan}");
        assert_eq!(request["ceilings"]["sectors"], json!([{"sector": "ES", "min_share": null, "max_share": "0.6"}]));

        let id = plan["id"].as_str().unwrap().to_owned();
        assert_eq!(send(app.req(Method::POST, &format!("/api/v1/plans/{id}/submit"), &pim).if_match(1)).await.0, 200);
        let mut c = Browser::signed_in(&app, "council", w.pim_org, &[Role::Council]).await;
        // The decision goes through its confirmation step, which says what will be frozen;
        // a number typed with its "№" is kept once.
        let mut form = html::form(&c.get(&format!("/plans/{id}")).await.2, &format!("/plans/{id}/review"));
        form.set("number", "№ 14/2");
        form.set("date", "2026-11-30");
        let (s, _, page) = c.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 200, "{page}");
        let card = html::select(&html::parse(&page), ".card").iter().map(html::text).collect::<String>();
        assert!(card.contains("рішенням № 14/2 від 30.11.2026") && card.contains("буде заморожена"), "{card}");
        let (_, plan) = send(app.req(Method::GET, &format!("/api/v1/plans/{id}"), &pim)).await;
        assert_eq!(plan["status"], "submitted", "the confirmation step changes nothing");
        let form = html::form(&page, &format!("/plans/{id}/approve"));
        let (s, _, page) = c.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 303, "{page}");
        let (_, plan) = send(app.req(Method::GET, &format!("/api/v1/plans/{id}"), &pim)).await;
        assert_eq!(
            (plan["status"].as_str(), plan["decision"]["number"].as_str(), plan["decision"]["date"].as_str()),
            (Some("approved"), Some("14/2"), Some("2026-11-30")),
            "[{}] {plan}",
            app.backend
        );

        // The printed annex: the hromada (no name configured: the organisation registered
        // first), the decision it is annexed to, the plan's parts and the signatures.
        let (_, _, page) = c.get(&format!("/plans/{id}/print")).await;
        let doc = html::parse(&page);
        let one = |css: &str| html::select(&doc, css).first().map(html::text).unwrap_or_default();
        assert_eq!(one(".doc-org"), "Управління освіти");
        assert_eq!(one(".annex-ref"), "Додаток до рішення інвестиційної ради № 14/2 від 30.11.2026");
        assert_eq!(one("h1"), "Середньостроковий план пріоритетних публічних інвестицій на 2027–2029 роки");
        let parts: Vec<String> = html::select(&doc, "h2").iter().map(html::text).collect();
        assert!(parts.iter().any(|p| p.starts_with("2. Фінансування проєктів за джерелами")), "{parts:?}");
        assert_eq!(html::select(&doc, ".signatures .signature").len(), 2, "the council's chair and secretary sign");
    }
}

#[tokio::test]
async fn a_programme_entered_and_amended_on_its_form_holds_what_the_form_held() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let pim = w.pim(&app);
        let mut b = pim_browser(&app, &w).await;
        let mut form = html::form(&b.get("/programmes/new").await.2, "/programmes");
        for (name, value) in [
            ("title", "Програма розвитку освіти на 2027–2029 роки"),
            ("responsible", "Управління освіти"),
            ("decision_number", "12/2026"),
            ("decision_date", "2026-11-18"),
            ("period_start", "2027"),
            ("period_end", "2029"),
            ("sections[0].number", "1"),
            ("sections[0].title", "Інфраструктура"),
            ("sections[0].measures[0].number", "1.1"),
            ("sections[0].measures[0].text", "Ремонт шкіл"),
            ("sections[0].measures[0].executors", "Управління освіти\r\nКП «Освітній простір»"),
            ("sections[0].measures[0].planned[0].year", "2027"),
            ("sections[0].measures[0].planned[0].source", "localBudget"),
            ("sections[0].measures[0].planned[0].amount", "два мільйони"),
        ] {
            form.set(name, value);
        }
        let (s, _, page) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 422, "an amount that is no number: {page}");
        assert_eq!(send(app.req(Method::GET, "/api/v1/programmes", &pim)).await.1, json!([]), "nothing recorded");
        form.set("sections[0].measures[0].planned[0].amount", "1 250,5");
        let (s, location, page) = b.post(&form.action, &form.pairs()).await;
        assert_eq!(s, 303, "{page}");
        let (_, stored) = send(app.req(Method::GET, &format!("/api/v1{location}"), &pim)).await;
        let measure = &stored["sections"][0]["measures"][0];
        assert_eq!(
            measure["planned"],
            json!([{"year": 2027, "source": "localBudget", "amount": "1250500.00"}]),
            "{stored}"
        );
        assert_eq!(measure["executors"], json!(["Управління освіти", "КП «Освітній простір»"]));
        assert_eq!(stored["sections"].as_array().unwrap().len(), 1, "blank spare rows are left out");

        // Posted back unchanged, the programme stays as it was; a measure added in a spare row joins it.
        let id = stored["id"].as_str().unwrap();
        let edit = html::form(&b.get(&format!("/programmes/{id}/edit")).await.2, &format!("/programmes/{id}"));
        assert_eq!(edit.get("sections[0].measures[0].planned[0].amount"), Some("1\u{202f}250,5"), "thousand UAH");
        let (s, _, page) = b.post(&edit.action, &edit.pairs()).await;
        assert_eq!(s, 303, "{page}");
        let (_, again) = send(app.req(Method::GET, &format!("/api/v1/programmes/{id}"), &pim)).await;
        assert_eq!(again["sections"], stored["sections"]);
        let mut edit = html::form(&b.get(&format!("/programmes/{id}/edit")).await.2, &format!("/programmes/{id}"));
        edit.set("sections[0].measures[1].number", "1.2");
        edit.set("sections[0].measures[1].text", "Обладнання кабінетів");
        let (s, _, page) = b.post(&edit.action, &edit.pairs()).await;
        assert_eq!(s, 422, "a measure needs its planned financing");
        let summary = html::select(&html::parse(&page), ".error-summary li").iter().map(html::text).collect::<Vec<_>>();
        assert_eq!(summary.len(), 1, "{summary:?}");
        assert!(summary[0].starts_with("Розділ №1 · Захід №2 · за планом") && summary[0].ends_with("обов'язкове поле"));
        edit.set("sections[0].measures[1].planned[0].year", "2028");
        edit.set("sections[0].measures[1].planned[0].source", "stateSubsidies");
        edit.set("sections[0].measures[1].planned[0].amount", "300");
        let (s, _, page) = b.post(&edit.action, &edit.pairs()).await;
        assert_eq!(s, 303, "{page}");
        let (_, amended) = send(app.req(Method::GET, &format!("/api/v1/programmes/{id}"), &pim)).await;
        assert_eq!(amended["sections"][0]["measures"][1]["number"], "1.2", "{amended}");
        assert_eq!(amended["sections"][0]["measures"][0]["organisation_ids"], json!([]), "none chosen, none saved");

        // The executing organisation is chosen on the form; the measure is closed after its last year.
        let mut edit = html::form(&b.get(&format!("/programmes/{id}/edit")).await.2, &format!("/programmes/{id}"));
        edit.set("sections[0].measures[0].organisation_ids", &w.org_a.to_string());
        edit.set("sections[0].measures[1].closed_after", "2028");
        edit.set("decision_number", "31/2027");
        let (s, _, page) = b.post(&edit.action, &edit.pairs()).await;
        assert_eq!(s, 303, "{page}");
        let (_, closed) = send(app.req(Method::GET, &format!("/api/v1/programmes/{id}"), &pim)).await;
        let measures = &closed["sections"][0]["measures"];
        assert_eq!(measures[0]["organisation_ids"], json!([w.org_a.to_string()]), "{closed}");
        assert_eq!(measures[1]["closed_after"], 2028);
        let edit = html::form(&b.get(&format!("/programmes/{id}/edit")).await.2, &format!("/programmes/{id}"));
        assert_eq!(
            edit.get("sections[0].measures[0].organisation_ids"),
            Some(w.org_a.to_string().as_str()),
            "shown chosen"
        );
        let (_, versions) = send(app.req(Method::GET, &format!("/api/v1/programmes/{id}/versions"), &pim)).await;
        assert_eq!(versions.as_array().map(Vec::len), Some(3), "approved, then two amendments: {versions}");
    }
}
