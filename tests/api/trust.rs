//! Trust at the edges: links that can only go to the web, redirects that stay
//! on this site, security headers on every answer, spreadsheets that never
//! run a formula, and sign-in throttling that locks nobody else out.

use crate::common::html;
use crate::common::*;
use crate::web::Browser;
use portfel_domain::Role;
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::json;

/// Runs `sql`, which ends in `= `, for the row of `id`: a change no API
/// allows, standing for data stored before a rule (or brought in by another door).
async fn raw_update(app: &TestApp, sql: &str, id: &str) {
    let db = app.store.db();
    let backend = db.get_database_backend();
    let placeholder = if app.backend == "postgres" { "$1" } else { "?" };
    let id: uuid::Uuid = id.parse().unwrap();
    let statement = sea_orm::Statement::from_sql_and_values(backend, format!("{sql}{placeholder}"), [id.into()]);
    let done = db.execute_raw(statement).await.unwrap();
    assert!(done.rows_affected() >= 1, "{sql}");
}

/// A title a spreadsheet would run as a formula.
const FORMULA: &str = "=HYPERLINK(\"http://evil.example/\",\"Звіт\")";

/// The body of a GET as text.
async fn text(app: &TestApp, path: &str, token: &str) -> String {
    let r = app.req(Method::GET, path, token).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

/// `csv` holds `cell` only behind a leading apostrophe.
fn assert_neutralised(csv: &str, cell: &str) {
    let csv = csv.strip_prefix('\u{feff}').expect("a people's CSV opens with a byte order mark");
    let mut reader =
        csv::ReaderBuilder::new().delimiter(b';').has_headers(false).flexible(true).from_reader(csv.as_bytes());
    let cells: Vec<String> =
        reader.records().flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect();
    assert!(cells.iter().any(|c| *c == format!("'{cell}")), "{cell} neutralised in {csv}");
    let formula = |c: &String| c.starts_with(['=', '+', '-', '@']) && c.parse::<f64>().is_err();
    assert!(!cells.iter().any(formula), "no text cell starts a formula: {csv}");
}

fn report_with_link(url: &str) -> serde_json::Value {
    json!({
        "period": {"year": 2027, "quarter": 1},
        "financing": [{"source": "localBudget", "received": "1000.00", "spent": "1000.00"}],
        "progress_percent": "10",
        "documents": [{"title": "Акт", "url": url}]
    })
}

#[tokio::test]
async fn links_are_web_addresses_and_nothing_else_is_rendered_as_a_link() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let passport = crate::monitoring::in_plan(&app, &w).await;
        let path = format!("/api/v1/passports/{passport}/reports");
        for bad in [
            "javascript:alert(document.cookie)",
            "JaVaScRiPt:alert(1)",
            "  javascript:alert(1)",
            "data:text/html,x",
            "/x",
        ] {
            let (s, body) = send(app.req(Method::POST, &path, &ini).json(&report_with_link(bad))).await;
            assert_eq!(s, 422, "[{}] {bad:?}: {body}", app.backend);
            assert_eq!(problem_fields(&body), vec!["documents[0].url"], "{body}");
        }
        let mut passport_body = complete_passport(w.goal);
        passport_body["readiness"]["documents"][0]["url"] = json!("javascript:alert(1)");
        let (s, body) = send(app.req(Method::POST, "/api/v1/passports", &ini).json(&passport_body)).await;
        assert_eq!(s, 422, "{body}");
        assert_eq!(problem_fields(&body), vec!["readiness.documents[0].url"], "{body}");

        // A link stored before the rule is shown as text, never as a link.
        let (s, created) =
            send(app.req(Method::POST, &path, &ini).json(&report_with_link("https://docs.example.gov.ua/a.pdf"))).await;
        assert_eq!(s, 201, "{created}");
        let rid = created["id"].as_str().unwrap();
        raw_update(
            &app,
            "UPDATE implementation_reports SET content = REPLACE(content, 'https://docs.example.gov.ua/a.pdf', \
             'javascript:alert(1)') WHERE id = ",
            rid,
        )
        .await;
        let mut pim = Browser::signed_in(&app, "pim", w.pim_org, &[Role::PimUnit]).await;
        let (s, _, page) = pim.get(&format!("/reports/{rid}")).await;
        assert_eq!(s, 200, "{page}");
        let doc = html::parse(&page);
        for a in html::select(&doc, "a[href]") {
            let href = a.value().attr("href").unwrap();
            assert!(
                href.starts_with('/') || href.starts_with('#') || href.starts_with("http"),
                "[{}] a link to {href:?}",
                app.backend
            );
        }
        assert!(page.contains("javascript:alert(1)"), "the stored text is still shown");
    }
}

/// Opens a connection to the test server.
async fn connect(app: &TestApp) -> tokio::net::TcpStream {
    tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap()
}

/// Waits until the server closes `stream` (true) or `wait` passes (false).
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: std::time::Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn idle_connections_are_closed_and_their_number_is_capped() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::all().await.remove(0);
    let wait = HEADER_TIMEOUT + std::time::Duration::from_secs(3);
    // More silent connections than the server serves at once.
    let mut silent = Vec::new();
    for _ in 0..MAX_CONNECTIONS + 20 {
        silent.push(connect(&app).await);
    }
    // One more, with a request: it is answered once the silent ones are closed.
    let started = std::time::Instant::now();
    let (status, _) = send(app.client.get(format!("{}/healthz", app.base))).await;
    assert_eq!(status, 200, "served after the silent connections were closed");
    let waited = started.elapsed();
    assert!(waited >= HEADER_TIMEOUT / 2, "the cap held it back while {MAX_CONNECTIONS} were open ({waited:?})");
    let mut open = 0;
    for stream in &mut silent {
        if !closed_within(stream, wait).await {
            open += 1;
        }
    }
    assert_eq!(open, 0, "every connection that sent nothing was closed");
    // A keep-alive connection that goes quiet after a request is closed too.
    let mut stream = connect(&app).await;
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: portfel\r\n\r\n").await.unwrap();
    let started = std::time::Instant::now();
    assert!(closed_within(&mut stream, wait).await, "an idle keep-alive connection is closed");
    assert!(started.elapsed() >= HEADER_TIMEOUT / 2, "but not before the header timeout");
}

#[tokio::test]
async fn a_stalled_sign_in_form_gets_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::all().await.remove(0);
    let mut stream = connect(&app).await;
    let head = "POST /login HTTP/1.1\r\nHost: portfel\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 100\r\n\r\n_login=x&sub=";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let _ = tokio::time::timeout(TIMEOUTS.body + std::time::Duration::from_secs(3), stream.read_to_end(&mut received))
        .await;
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("lang=\"uk\""), "a page in Ukrainian: {text}");
}

#[tokio::test]
async fn a_project_that_cannot_be_planned_is_left_out_and_the_rest_is_planned() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (admin, pim) = (app.admin(), w.pim(&app));
        let mut formula = complete_passport(w.goal);
        formula["title"]["uk"] = json!(FORMULA);
        let (rid, ids) = closed_round(&app, &w, &[formula, complete_passport(w.goal)]).await;
        // A project in implementation whose record has no start year (as one imported from DREAM may).
        let mut body = complete_passport(w.goal);
        body["title"]["uk"] = json!("@SUM(1+1)");
        let (broken, mut v) = create_passport(&app, &w.initiator_a(&app), &body).await;
        for to in
            ["submitted", "screening", "under_evaluation", "evaluated", "in_portfolio", "in_plan", "implementation"]
        {
            let (s, nv, p) = transition(&app, &admin, &broken, v, to, None).await;
            assert_eq!(s, 200, "{to}: {p}");
            v = nv.unwrap();
        }
        for table in ["passports", "passport_revisions"] {
            let set = if table == "passports" { "start_year = NULL, " } else { "" };
            let id = if table == "passports" { "id" } else { "passport_id" };
            let sql = format!(
                "UPDATE {table} SET {set}content = REPLACE(content, '\"start_year\":2027', '\"start_year\":null') \
                 WHERE {id} = "
            );
            raw_update(&app, &sql, &broken).await;
        }
        let (_, p) = send(app.req(Method::GET, &format!("/api/v1/passports/{broken}"), &pim)).await;
        assert!(p["content"]["start_year"].is_null(), "{p}");

        let pid = approved_portfolio(&app, &w, &rid).await;
        let path = |suffix: &str| format!("/api/v1/portfolios/{pid}{suffix}");
        for builder in ["rank_order", "optimal"] {
            let request = json!({"portfolio_id": pid, "first_year": 2027, "last_year": 2029, "builder": builder,
                "ceilings": {"total": {"2027": "100000000.00", "2028": "100000000.00", "2029": "100000000.00"}}});
            let (s, plan) = send(app.req(Method::POST, "/api/v1/plans", &pim).json(&request)).await;
            assert_eq!(s, 201, "[{}] {builder}: {plan}", app.backend);
            let included: Vec<&str> =
                plan["result"]["included"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
            assert_eq!(included.len(), 2, "{plan}");
            assert!(ids.iter().all(|id| included.contains(&id.as_str())));
            let left: Vec<_> =
                plan["result"]["excluded"].as_array().unwrap().iter().filter(|e| e["id"] == broken).collect();
            assert_eq!(left.len(), 1, "{plan}");
            assert_eq!(left[0]["code"], "unplannable");
            assert!(left[0]["reason"].as_str().unwrap().contains("рік початку"), "{}", left[0]);
            let id = plan["id"].as_str().unwrap();
            let csv = text(&app, &format!("/api/v1/plans/{id}/export?format=csv"), &pim).await;
            assert_neutralised(&csv, FORMULA);
        }
        let csv = text(&app, &path("/export?format=csv"), &pim).await;
        assert_neutralised(&csv, FORMULA);
        let report = report_with_link("https://docs.example.gov.ua/a.pdf");
        let reports = format!("/api/v1/passports/{broken}/reports");
        let (s, p) = send(app.req(Method::POST, &reports, &w.initiator_a(&app)).json(&report)).await;
        assert_eq!(s, 201, "{p}");
        let csv = text(&app, "/api/v1/monitoring/summary?format=csv", &pim).await;
        assert_neutralised(&csv, "@SUM(1+1)");
        let mut programme = crate::monitoring::programme();
        programme["sections"][0]["measures"][0]["text"] = json!("-2+3 ремонт");
        let (s, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&programme)).await;
        assert_eq!(s, 201, "{p}");
        let report = format!("/api/v1/programmes/{}/report?year=2027&format=csv", p["id"].as_str().unwrap());
        assert_neutralised(&text(&app, &report, &pim).await, "-2+3 ремонт");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::all().await.remove(0);
    let w = World::create(&app).await;
    let mut b = Browser::signed_in(&app, "ini-a", w.org_a, &[Role::Initiator]).await;
    let cookie = b.cookie_header();
    let get = |path: &str, auth: bool| {
        let r = app.client.get(format!("{}{path}", app.base));
        if auth { r.header("cookie", cookie.clone()).bearer_auth(w.initiator_a(&app)) } else { r }
    };
    let cases = [
        ("/passports", true, true),
        ("/login", false, true),
        ("/api/v1/passports", true, true),
        ("/api/v1/no-such-thing", true, true),
        ("/assets/portfel.css", false, false),
        ("/openapi.json", false, false),
        ("/docs/", false, false),
    ];
    for (path, auth, private) in cases {
        let r = get(path, auth).send().await.unwrap();
        let h = r.headers();
        let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
        for part in ["default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'") && !csp.contains("unsafe-eval"), "{path}: {csp}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain http");
        let cache = h.get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert_eq!(cache == "no-store", private, "{path}: cache-control {cache:?}");
    }
    // Pages hold no inline script and no inline style the policy would block.
    let (_, _, page) = b.get("/passports").await;
    let doc = html::parse(&page);
    assert!(html::select(&doc, "script:not([src]), [style], [onclick]").is_empty(), "{page}");
}

#[tokio::test]
async fn https_deployments_send_hsts() {
    let (backend, url, dir) = backends().await.remove(0);
    let web = portfel_web::WebSettings { cookie_secure: true, ..Default::default() };
    let app = TestApp::start_with(backend, &url, dir, web).await;
    let r = app.client.get(format!("{}/login", app.base)).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], portfel_api::headers::HSTS);
}

#[tokio::test]
async fn sign_in_redirects_stay_on_this_site_and_never_fail() {
    let app = TestApp::all().await.remove(0);
    let w = World::create(&app).await;
    let password = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
    for next in [
        "/\t/evil/",
        "//evil.example/",
        "/\\evil",
        "/\n/evil",
        "/x\r\nSet-Cookie: a=1",
        "/\u{b}",
        "/\u{c}",
        "/\u{1f}",
        "/\u{7f}",
        "/%09/evil/",
    ] {
        let mut b = Browser::new(&app);
        let (_, _, page) = b.get("/login").await;
        let token = crate::web::hidden(&page, "_login");
        let (s, location, body) =
            b.post("/login", &[("_login", &token), ("sub", "ini-a"), ("password", &password), ("next", next)]).await;
        assert_eq!((s.as_u16(), location.as_str()), (303, "/"), "{next:?}: {body}");
        // Signed in, the form's GET with the same next goes home too.
        let query: String = form_urlencoded_pair("next", next);
        let (s, location, _) = b.get(&format!("/login?{query}")).await;
        assert_eq!((s.as_u16(), location.as_str()), (303, "/"), "{next:?}");
    }
    let mut b = Browser::new(&app);
    let (_, _, page) = b.get("/login?next=%2Fpassports%3Fstatus%3Ddraft").await;
    let form = html::form(&page, "/login");
    assert_eq!(form.get("next"), Some("/passports?status=draft"));
}

fn form_urlencoded_pair(name: &str, value: &str) -> String {
    serde_urlencoded::to_string([(name, value)]).unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_guesser_locks_nobody_else_out() {
    let (backend, url, dir) = backends().await.remove(0);
    let web = portfel_web::WebSettings {
        trusted_proxies: portfel_web::client::TrustedProxies(vec!["127.0.0.1/32".parse().unwrap()]),
        ..Default::default()
    };
    let app = TestApp::start_with(backend, &url, dir, web).await;
    let w = World::create(&app).await;
    let victim = app.user_with_password("victim", w.org_a, &[Role::Initiator]).await;
    let colleague = app.user_with_password("colleague", w.org_a, &[Role::Initiator]).await;
    let attempt = |sub: &'static str, password: String, from: &'static str| {
        let app = &app;
        async move {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let page = client.get(format!("{}/login", app.base)).send().await.unwrap();
            let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
            let token = crate::web::hidden(&page.text().await.unwrap(), "_login");
            let form = [("_login", token.as_str()), ("sub", sub), ("password", password.as_str()), ("next", "/")];
            client
                .post(format!("{}/login", app.base))
                .header("cookie", cookie)
                .header("x-forwarded-for", from)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(form).unwrap())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // The attacker guesses at the victim and sprays other accounts, all through the proxy.
    for n in 0..20 {
        let sub = if n % 2 == 0 { "victim" } else { "colleague" };
        let status = attempt(sub, format!("guess-{n}"), "198.51.100.66").await;
        assert!(status == 401 || status == 429, "{status}");
    }
    assert_eq!(attempt("victim", victim.clone(), "198.51.100.66").await, 429, "the attacker waits");
    assert_eq!(attempt("victim", victim.clone(), "198.51.100.10").await, 303, "the victim at their own address");
    assert_eq!(attempt("colleague", colleague.clone(), "203.0.113.7").await, 303, "a colleague elsewhere");
}

#[tokio::test]
async fn a_refused_password_on_the_command_line_is_one_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_portfel"))
        .args(["user", "password", "--sub", "nobody"])
        .env("PORTFEL_DATABASE_URL", &database)
        .env("PORTFEL_JWT_SECRET", SECRET)
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LOG", "off")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("New password")).collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("portfel: ") && !stderr.contains("backtrace"), "{stderr}");
}

#[tokio::test]
async fn duplicate_keys_and_direction_overrides_are_refused() {
    let app = TestApp::all().await.remove(0);
    let w = World::create(&app).await;
    let ini = w.initiator_a(&app);
    let body = r#"{"title": {"uk": "Міст", "uk": "Інший міст"}, "goals": []}"#;
    let r = app.req(Method::POST, "/api/v1/passports", &ini).header("content-type", "application/json").body(body);
    let (s, p) = send(r).await;
    assert_eq!((s, problem_fields(&p)), (422, vec!["title.uk".to_owned()]), "{p}");
    for bidi in ["\u{202E}", "\u{202A}", "\u{2066}", "\u{2069}", "\u{200F}", "\u{061C}"] {
        let mut body = complete_passport(w.goal);
        body["title"]["uk"] = json!(format!("Міст{bidi}tsoм"));
        let (s, p) = send(app.req(Method::POST, "/api/v1/passports", &ini).json(&body)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["title.uk".to_owned()]), "{bidi:?}: {p}");
    }
    let (s, p) = send(app.req(Method::GET, "/api/v1/passports?q=a%E2%80%AEb", &ini)).await;
    assert_eq!((s, problem_fields(&p)), (400, vec!["q".to_owned()]), "{p}");
}

#[tokio::test]
async fn browsers_get_ukrainian_pages_for_unknown_addresses_and_scripts_get_problems() {
    let app = TestApp::all().await.remove(0);
    let accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    for path in ["/no-such-page", "/passports/not-a-uuid/edit/x"] {
        let r = app.client.get(format!("{}{path}", app.base)).header("accept", accept).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        let page = r.text().await.unwrap();
        let doc = html::parse(&page);
        assert_eq!(html::select(&doc, "html[lang=uk]").len(), 1);
        assert_eq!(html::text(&html::select(&doc, "h1")[0]), "Не знайдено");
    }
    let r = app.client.get(format!("{}/api/v1/no-such", app.base)).header("accept", accept).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/problem+json", "the API answers scripts as it always did");
    let r = app.client.get(format!("{}/no-such-page", app.base)).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/problem+json", "a client that asks for no HTML");
}

#[tokio::test]
async fn an_approved_plan_answers_role_then_state_then_body() {
    let app = TestApp::all().await.remove(0);
    let w = World::create(&app).await;
    let (pim, council) = (w.pim(&app), app.token("council", Some(w.pim_org), &[Role::Council]));
    let (rid, _) = closed_round(&app, &w, &[complete_passport(w.goal)]).await;
    let pid = approved_portfolio(&app, &w, &rid).await;
    let decision = json!({"number": "7/2026", "date": "2026-11-20"});
    let request = json!({"portfolio_id": pid, "first_year": 2027, "last_year": 2029, "builder": "rank_order",
        "ceilings": {"total": {"2027": "100000000.00", "2028": "100000000.00", "2029": "100000000.00"}}});
    let (s, plan) = send(app.req(Method::POST, "/api/v1/plans", &pim).json(&request)).await;
    assert_eq!(s, 201, "{plan}");
    let id = plan["id"].as_str().unwrap().to_owned();
    assert_eq!(send(app.req(Method::POST, &format!("/api/v1/plans/{id}/submit"), &pim).if_match(1)).await.0, 200);
    let approve = app.req(Method::POST, &format!("/api/v1/plans/{id}/approve"), &council).if_match(2);
    assert_eq!(send(approve.json(&decision)).await.0, 200);
    let bad = json!({"portfolio_id": "nope"});
    let put = |token: &str, body: &serde_json::Value| {
        app.req(Method::PUT, &format!("/api/v1/plans/{id}"), token).if_match(3).json(body)
    };
    assert_eq!(send(put(&w.initiator_a(&app), &bad)).await.0, 403, "role first");
    assert_eq!(send(put(&pim, &bad)).await.0, 409, "then the frozen state");
    let put = app.req(Method::PUT, &format!("/api/v1/portfolios/{pid}"), &pim).if_match(3).json(&bad);
    assert_eq!(send(put).await.0, 409, "the same for an approved portfolio");

    // The scenario form of the plan is the PIM unit's and the council's, as the API's scenarios are.
    let mut b = Browser::signed_in(&app, "ini-a", w.org_a, &[Role::Initiator]).await;
    assert_eq!(b.get(&format!("/plans/{id}/scenarios")).await.0, 403);
}
