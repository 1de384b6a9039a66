//! The web workspace over HTTP: sign-in and sign-out, slowed-down guessing,
//! CSRF, and the API's roles and organisation scoping on pages.

use crate::common::html::{parse, select, text};
use crate::common::*;
use portfel_domain::Role;
use reqwest::{Method, StatusCode, redirect};
use serde_json::json;

/// A browser-like client: keeps the session cookie, does not follow redirects.
pub struct Browser {
    client: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let client = reqwest::Client::builder().redirect(redirect::Policy::none()).build().unwrap();
        Browser { client, base: app.base.clone(), cookies: Vec::new() }
    }

    fn remember(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !value.is_empty() {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
    }

    /// GET `path`: status, `Location`, body.
    pub async fn get(&mut self, path: &str) -> (StatusCode, String, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    /// POST a form to `path`.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(form).unwrap())
            .send()
            .await
            .unwrap();
        self.finish(r).await
    }

    async fn finish(&mut self, r: reqwest::Response) -> (StatusCode, String, String) {
        self.remember(&r);
        let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (r.status(), location, r.text().await.unwrap())
    }

    /// A browser signed in as a new user `sub` of `org` with `roles`.
    pub async fn signed_in(app: &TestApp, sub: &str, org: uuid::Uuid, roles: &[Role]) -> Browser {
        let password = app.user_with_password(sub, org, roles).await;
        let mut b = Browser::new(app);
        assert_eq!(b.sign_in(sub, &password).await, StatusCode::SEE_OTHER, "{sub} signs in");
        b
    }

    /// Signs in; returns the status of the form's post.
    pub async fn sign_in(&mut self, sub: &str, password: &str) -> StatusCode {
        let (_, _, page) = self.get("/login").await;
        let token = hidden(&page, "_login");
        self.post("/login", &[("_login", &token), ("sub", sub), ("password", password), ("next", "/")]).await.0
    }
}

/// The value of the hidden input `name` in `page`.
pub fn hidden(page: &str, name: &str) -> String {
    let doc = parse(page);
    let input = select(&doc, &format!(r#"input[type="hidden"][name="{name}"]"#));
    let value = input.first().and_then(|i| i.value().attr("value"));
    value.unwrap_or_else(|| panic!("no {name} in {page}")).to_owned()
}

#[tokio::test]
async fn sign_in_sessions_and_sign_out() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let password = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
        let mut b = Browser::new(&app);
        let (s, location, _) = b.get("/passports").await;
        assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/login?next=%2Fpassports"), "{}", app.backend);
        let (_, _, login) = b.get("/login").await;
        let login = parse(&login);
        assert_eq!(select(&login, r#"html[lang="uk"]"#).len(), 1, "the sign-in page is in Ukrainian");
        assert_eq!(select(&login, r#"label[for="password"]"#).len(), 1, "the password field is labelled");
        let set_cookie = b.client.get(format!("{}/login", app.base)).send().await.unwrap();
        let cookie = set_cookie.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
        assert_eq!(b.sign_in("ini-a", "wrong password!").await, StatusCode::UNAUTHORIZED);
        assert_eq!(b.sign_in("nobody", &password).await, StatusCode::UNAUTHORIZED);
        assert_eq!(b.sign_in("ini-a", &password).await, StatusCode::SEE_OTHER);
        let session = b.cookies.iter().find(|(n, _)| n == "portfel_session").unwrap().1.clone();
        let (s, _, page) = b.get("/passports").await;
        assert_eq!(s, StatusCode::OK);
        let shown = parse(&page);
        assert_eq!(select(&shown, "h1").iter().map(text).collect::<Vec<_>>(), ["Паспорти проєктів"], "{page}");
        assert!(text(&select(&shown, ".who span")[0]).starts_with("Користувач ini-a"), "{page}");
        let csrf = hidden(&page, "_csrf");
        assert_eq!(b.post("/logout", &[("_csrf", &csrf)]).await.0, StatusCode::SEE_OTHER);
        let (s, _, _) = b.get("/passports").await;
        assert_eq!(s, StatusCode::SEE_OTHER, "signed out");
        b.cookies.push(("portfel_session".into(), session));
        let (s, location, _) = b.get("/passports").await;
        assert_eq!((s, location.starts_with("/login")), (StatusCode::SEE_OTHER, true), "the old cookie is revoked");
    }
}

#[tokio::test]
async fn wrong_passwords_are_slowed_down_per_account() {
    let app = TestApp::all().await.remove(0);
    let w = World::create(&app).await;
    let password = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
    let mut b = Browser::new(&app);
    for _ in 0..portfel_web::throttle::PAIR_ALLOWANCE {
        assert_eq!(b.sign_in("ini-a", "not the password").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(b.sign_in("ini-a", &password).await, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(b.sign_in("ini-a", &password).await, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused_and_change_nothing() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let password = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
        let (id, _) = create_passport(&app, &w.initiator_a(&app), &complete_passport(w.goal)).await;
        let mut b = Browser::new(&app);
        b.sign_in("ini-a", &password).await;
        for csrf in [None, Some("0".repeat(64))] {
            let mut form = vec![("_version", "1"), ("to", "submitted")];
            if let Some(c) = &csrf {
                form.push(("_csrf", c));
            }
            let (s, _, page) = b.post(&format!("/passports/{id}/transition"), &form).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
            assert!(
                text(&select(&parse(&page), "main")[0]).contains("токена захисту"),
                "the refusal names the token: {page}"
            );
        }
        let (_, body) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &w.initiator_a(&app))).await;
        assert_eq!((body["status"].as_str(), body["version"].as_i64()), (Some("draft"), Some(1)), "{}", app.backend);
        let (_, _, page) = b.get(&format!("/passports/{id}")).await;
        let csrf = hidden(&page, "_csrf");
        let (s, _, _) = b
            .post(&format!("/passports/{id}/transition"), &[("_csrf", &csrf), ("_version", "1"), ("to", "submitted")])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "with the token it goes through");
    }
}

#[tokio::test]
async fn pages_apply_the_apis_roles_and_organisation_scoping() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let a = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
        let other = app.user_with_password("ini-b", w.org_b, &[Role::Initiator]).await;
        let (draft, _) = create_passport(&app, &w.initiator_a(&app), &complete_passport(w.goal)).await;
        let mut owner = Browser::new(&app);
        owner.sign_in("ini-a", &a).await;
        assert_eq!(owner.get(&format!("/passports/{draft}")).await.0, StatusCode::OK);
        let mut stranger = Browser::new(&app);
        stranger.sign_in("ini-b", &other).await;
        let (s, _, page) = stranger.get(&format!("/passports/{draft}")).await;
        let (api, _) = send(app.req(Method::GET, &format!("/api/v1/passports/{draft}"), &w.initiator_b(&app))).await;
        assert_eq!(s.as_u16(), api, "the page refuses as the API does: {}", app.backend);
        assert!(s.is_client_error());
        assert!(!text(&parse(&page).root_element()).contains("Облаштування"), "nothing of it leaks");
        let (_, _, list) = stranger.get("/passports").await;
        assert!(select(&parse(&list), &format!(r#"a[href*="{draft}"]"#)).is_empty(), "no link to it");
        for path in ["/rounds", "/assignments"] {
            let (s, _, page) = stranger.get(path).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{path}: {page}");
            assert_eq!(text(&select(&parse(&page), "h1")[0]), "Доступ заборонено");
        }
        let (_, _, edit) = stranger.get(&format!("/passports/{draft}/edit")).await;
        assert!(select(&parse(&edit), r#"input[name="_version"]"#).is_empty(), "no form to edit it");
        let csrf = hidden(&stranger.get("/passports").await.2, "_csrf");
        let (s, _, _) = stranger
            .post(&format!("/passports/{draft}"), &[("_csrf", &csrf), ("_version", "1"), ("title.uk", "Чуже")])
            .await;
        assert!(s.is_client_error());
        let (_, body) = send(app.req(Method::GET, &format!("/api/v1/passports/{draft}"), &w.initiator_a(&app))).await;
        assert_ne!(body["content"]["title"]["uk"], json!("Чуже"));
    }
}

#[tokio::test]
async fn a_refused_draft_shows_the_apis_field_errors_beside_the_fields() {
    let app = TestApp::all().await.remove(0);
    let w = World::create(&app).await;
    let password = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
    let mut b = Browser::new(&app);
    b.sign_in("ini-a", &password).await;
    let (_, _, form) = b.get("/passports/new").await;
    let csrf = hidden(&form, "_csrf");
    let (s, _, page) = b
        .post(
            "/passports",
            &[("_csrf", &csrf), ("title.uk", "Новий міст"), ("costs[0].year", "2027"), ("costs[0].amount", "12x")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let shown = parse(&page);
    let amount = select(&shown, r#"input[name="costs[0].amount"]"#);
    assert_eq!(amount[0].value().attr("value"), Some("12x"), "the input is kept");
    let described = amount[0].value().attr("aria-describedby").unwrap_or_default();
    assert!(described.split(' ').any(|id| id == "err-costs-0--amount"), "the error describes the amount: {page}");
    assert_eq!(select(&shown, "#err-costs-0--amount").len(), 1, "the error sits by the amount: {page}");
    let (s, location, _) = b
        .post(
            "/passports",
            &[
                ("_csrf", &csrf),
                ("title.uk", "Новий міст"),
                ("costs[0].year", "2027"),
                ("costs[0].item", "design"),
                ("costs[0].cost_type", "capex"),
                ("costs[0].amount", "12 000,50"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let id = location.trim_start_matches("/passports/");
    let (_, body) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &w.initiator_a(&app))).await;
    assert_eq!(body["content"]["costs"][0]["amount"], json!("12000.50"));
}

#[tokio::test]
async fn the_whole_passport_on_its_page_and_as_a_printable_concept() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let mut body = complete_passport(w.goal);
        body["title"]["uk"] = json!("Реконструкція котельні");
        let (id, _) = create_passport(&app, &w.initiator_a(&app), &body).await;
        let mut b = Browser::signed_in(&app, "ini-web", w.org_a, &[Role::Initiator]).await;
        let (status, _, page) = b.get(&format!("/passports/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let doc = parse(&page);
        let headings: Vec<String> = select(&doc, "h2").iter().map(text).collect();
        for part in [
            "Загальні відомості",
            "Зв'язок зі стратегією",
            "Місце реалізації",
            "Вартість за роками",
            "Фінансування",
            "Готовність",
            "Ризики",
            "Контактні особи",
        ] {
            assert!(headings.iter().any(|h| h.contains(part)), "{part} missing in {headings:?}");
        }
        let links: Vec<_> =
            select(&doc, "a").iter().filter_map(|a| a.value().attr("href").map(str::to_owned)).collect();
        assert!(links.contains(&format!("/passports/{id}/print")));

        let (status, _, page) = b.get(&format!("/passports/{id}/print")).await;
        assert_eq!(status, StatusCode::OK);
        let doc = parse(&page);
        assert_eq!(text(&select(&doc, "h1")[0]), "Концепція публічного інвестиційного проєкту");
        assert_eq!(text(&select(&doc, ".doc-title")[0]), "Реконструкція котельні");
        assert!(!text(&select(&doc, ".doc-org")[0]).is_empty(), "the initiating organisation heads the document");
        assert_eq!(select(&doc, ".signatures .signature").len(), 1);
        let (status, _, _) = Browser::signed_in(&app, "ini-b-web", w.org_b, &[Role::Initiator])
            .await
            .get(&format!("/passports/{id}/print"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "another organisation's draft stays private in print too");
    }
}

#[tokio::test]
async fn returning_a_passport_lands_the_pim_unit_on_the_list_with_a_notice() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let initiator = app.caller(w.initiator_a(&app));
        let draft = initiator.create_passport(&complete_passport(w.goal)).await.unwrap();
        let submitted = initiator.move_passport(draft.meta.id, draft.meta.version, "submitted").await.unwrap();
        let id = submitted.meta.id;
        let mut pim = Browser::signed_in(&app, "pim-web", w.pim_org, &[Role::PimUnit]).await;
        let (_, _, page) = pim.get(&format!("/passports/{id}")).await;
        let doc = parse(&page);
        let back = select(&doc, "form[action$='/transition']")
            .into_iter()
            .find(|f| {
                f.select(&scraper::Selector::parse("input[name=to]").unwrap())
                    .any(|i| i.value().attr("value") == Some("draft"))
            })
            .expect("a form returning the passport");
        let version = back
            .select(&scraper::Selector::parse("input[name=_version]").unwrap())
            .next()
            .unwrap()
            .value()
            .attr("value")
            .unwrap()
            .to_owned();
        let csrf = back
            .select(&scraper::Selector::parse("input[name=_csrf]").unwrap())
            .next()
            .unwrap()
            .value()
            .attr("value")
            .unwrap()
            .to_owned();
        let form =
            [("_csrf", csrf.as_str()), ("_version", version.as_str()), ("to", "draft"), ("reason", "Додайте кошторис")];
        let (status, location, _) = pim.post(&format!("/passports/{id}/transition"), &form).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/passports?moved=draft"));
        let (status, _, page) = pim.get(&location).await;
        assert_eq!(status, StatusCode::OK, "not a forbidden page");
        let notices: Vec<String> = select(&parse(&page), ".notice").iter().map(text).collect();
        assert!(notices.iter().any(|n| n.contains("«Чернетка»") && n.contains("повернуто ініціатору")), "{notices:?}");
        assert_eq!(initiator.passport(id).await.unwrap().status, portfel_domain::Status::Draft);
        let (_, history) =
            send(app.req(Method::GET, &format!("/api/v1/passports/{id}/history"), &w.initiator_a(&app))).await;
        let last = history.as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            (last["actor"].as_str(), last["actor_name"].as_str()),
            (Some("pim-web"), Some("Користувач pim-web"))
        );
        let mut ini = Browser::signed_in(&app, "ini-web", w.org_a, &[Role::Initiator]).await;
        let (_, _, page) = ini.get(&format!("/passports/{id}")).await;
        let cells: Vec<String> = select(&parse(&page), "tbody td").iter().map(text).collect();
        assert!(
            cells.contains(&"Користувач pim-web".to_owned()) && !cells.contains(&"pim-web".to_owned()),
            "names, not logins: {cells:?}"
        );
    }
}

#[tokio::test]
async fn the_passport_list_filters_by_organisation_sector_year_and_words_in_a_shareable_address() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let mut school = complete_passport(w.goal);
        school["title"]["uk"] = json!("Ремонт школи");
        let mut water = complete_passport(w.goal);
        water["title"]["uk"] = json!("Водогін");
        water["description"]["uk"] = json!("Нова насосна станція");
        water["sector"] = json!("WC");
        water["start_year"] = json!(2029);
        water["costs"][0]["year"] = json!(2029);
        water["costs"][1]["year"] = json!(2030);
        water["financing"][0]["year"] = json!(2029);
        water["financing"][1]["year"] = json!(2030);
        water["financing"][2]["year"] = json!(2030);
        for (token, body) in [(w.initiator_a(&app), &school), (w.initiator_b(&app), &water)] {
            let caller = app.caller(token);
            let p = caller.create_passport(body).await.unwrap();
            caller.move_passport(p.meta.id, p.meta.version, "submitted").await.unwrap();
        }
        let mut pim = Browser::signed_in(&app, "pim-web", w.pim_org, &[Role::PimUnit]).await;
        let titles =
            |page: &str| -> Vec<String> { select(&parse(page), "tbody td:first-child a").iter().map(text).collect() };
        let (_, _, all) = pim.get("/passports").await;
        assert_eq!(titles(&all).len(), 2);
        for (query, expected) in [
            (format!("organisation_id={}", w.org_b), vec!["Водогін"]),
            ("sector=WC".to_owned(), vec!["Водогін"]),
            ("year=2027".to_owned(), vec!["Ремонт школи"]),
            ("q=насосна".to_owned(), vec!["Водогін"]),
            ("q=&sector=&year=2030".to_owned(), vec!["Водогін"]),
        ] {
            let (status, _, page) = pim.get(&format!("/passports?{query}")).await;
            assert_eq!(status, StatusCode::OK, "{query}");
            assert_eq!(titles(&page), expected, "{query}");
        }
        // The form shows the filters it was opened with.
        let (_, _, page) = pim.get("/passports?sector=WC&year=2030").await;
        let doc = parse(&page);
        assert_eq!(select(&doc, "#sector option[selected]")[0].value().attr("value"), Some("WC"));
        assert_eq!(select(&doc, "#year")[0].value().attr("value"), Some("2030"));
    }
}
