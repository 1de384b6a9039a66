//! The findings of the hardening review, each over HTTP on every backend:
//! strict input, token rules, role checks before body checks, and idempotent
//! retries that compare JSON by value.

use crate::common::*;
use portfel_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

/// Posts a raw body to the passport list as `token`.
async fn post_raw(app: &TestApp, token: &str, content_type: &str, body: &str) -> (u16, Value) {
    let req = app.req(Method::POST, "/api/v1/passports", token).header("content-type", content_type);
    send(req.body(body.to_owned())).await
}

async fn stored_titles(app: &TestApp) -> Vec<String> {
    let (_, list) = send(app.req(Method::GET, "/api/v1/passports?limit=200", &app.admin())).await;
    list["items"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn control_characters_and_invisible_titles_are_refused_naming_the_field() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        for (body, field, code) in [
            (r#"{"title": {"uk": "Школа\u0000"}}"#, "title.uk", "control_character"),
            (r#"{"title": {"uk": "Школа"}, "problem": "дзвінок\u0007"}"#, "problem", "control_character"),
            (r#"{"title": {"uk": "Школа"}, "goals": ["a", "b\u009b"]}"#, "goals[1]", "control_character"),
            (r#"{"title": {"uk": "\u200b\u200d\ufeff"}}"#, "title.uk", "blank"),
            (r#"{"title": {"uk": "   "}}"#, "title.uk", "blank"),
        ] {
            let (s, p) = post_raw(&app, &ini, "application/json", body).await;
            assert_eq!(s, 422, "[{}] {body}: {p}", app.backend);
            assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
            assert_eq!(p["errors"][0]["code"], code, "{body}: {p}");
        }
        // A search for NUL is refused, not answered with everything.
        let (s, p) = send(app.req(Method::GET, "/api/v1/passports?q=%00", &ini)).await;
        assert_eq!((s, problem_fields(&p)), (400, vec!["q".to_owned()]), "{p}");
        // Multi-line text keeps its line breaks; decomposed letters are stored composed (NFC).
        let body = r#"{"title": {"uk": "Ліцей \u0438\u0306 сквер"}, "problem": "рядок\nдругий"}"#;
        let (s, p) = post_raw(&app, &ini, "application/json", body).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(p["content"]["title"]["uk"], "Ліцей й сквер");
        assert_eq!(p["content"]["problem"], "рядок\nдругий");
        assert_eq!(stored_titles(&app).await, vec!["Ліцей й сквер".to_owned()], "[{}]", app.backend);
    }
}

#[tokio::test]
async fn bodies_are_one_json_value_of_the_json_media_type() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let (s, p) = post_raw(&app, &ini, "application/json", r#"{"title": {"uk": "x"}} junk"#).await;
        assert_eq!((s, problem_fields(&p)), (400, vec!["body".to_owned()]), "{p}");
        let (s, _) = post_raw(&app, &ini, "application/json", r#"{"title": {"uk": "x"}} {"title": {"uk": "y"}}"#).await;
        assert_eq!(s, 400);
        let (s, _) = post_raw(&app, &ini, "application/json-patch+json", r#"{"title": {"uk": "x"}}"#).await;
        assert_eq!(s, 415);
        let (s, p) = post_raw(&app, &ini, "application/json; charset=utf-8", r#"{"title": {"uk": "x"}}"#).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(stored_titles(&app).await, vec!["x".to_owned()]);
    }
}

#[tokio::test]
async fn money_is_only_a_canonical_decimal_string() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        for amount in [json!(1000), json!(1000.5), json!("+1000.00"), json!(" 1000.00 "), json!("1e3"), json!("1.005")]
        {
            let mut body = complete_passport(w.goal);
            body["costs"][0]["amount"] = amount.clone();
            let (s, p) = send(app.req(Method::POST, "/api/v1/passports", &ini).json(&body)).await;
            assert_eq!((s, problem_fields(&p)), (422, vec!["costs[0].amount".to_owned()]), "{amount}: {p}");
        }
        assert!(stored_titles(&app).await.is_empty());
    }
}

#[tokio::test]
async fn token_rules() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        // An initiator token without an organisation is no token at all.
        let orgless = app.token("ini-x", None, &[Role::Initiator]);
        let body = json!({"title": {"uk": "Чужий проєкт"}});
        let path = format!("/api/v1/passports?organisation_id={}", w.org_b);
        let (s, p) = send(app.req(Method::POST, &path, &orgless).json(&body)).await;
        assert_eq!((s, p["type"].as_str()), (401, Some("urn:portfel:problem:unauthorized")), "{p}");
        assert!(stored_titles(&app).await.is_empty());
        // The scheme name is case-insensitive.
        let token = w.initiator_a(&app);
        let response = app
            .client
            .get(format!("{}/api/v1/passports", app.base))
            .header("authorization", format!("bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
}

#[tokio::test]
async fn roles_are_checked_before_bodies() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let council = app.token("council", Some(w.pim_org), &[Role::Council]);
        let expert = app.token("expert", Some(w.pim_org), &[Role::Expert]);
        for (token, path) in [
            (&council, "/api/v1/passports".to_owned()),
            (&expert, "/api/v1/organisations".to_owned()),
            (&council, "/api/v1/strategy-documents".to_owned()),
            (&expert, "/api/v1/budget-years".to_owned()),
            (&council, "/api/v1/methodologies".to_owned()),
            (&expert, "/api/v1/rounds".to_owned()),
            (&council, "/api/v1/dream/import".to_owned()),
        ] {
            for body in ["{\"nonsense\": true}", "not json", "{\"title\": {\"uk\": \"\\u0000\"}}"] {
                let req = app.req(Method::POST, &path, token).header("content-type", "application/json");
                let (s, p) = send(req.body(body)).await;
                assert_eq!(s, 403, "[{}] {path} {body}: {p}", app.backend);
            }
        }
    }
}

#[tokio::test]
async fn idempotent_retries_compare_json_by_value() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let keyed = |body: &'static str| {
            app.req(Method::POST, "/api/v1/passports", &ini)
                .header("Idempotency-Key", "spacing-1")
                .header("content-type", "application/json")
                .body(body)
        };
        let (s1, p1) = send(keyed(r#"{"title":{"uk":"Сквер","en":"Square"}}"#)).await;
        let replay = keyed("{ \"title\" : { \"en\": \"Square\",\n  \"uk\": \"Сквер\" } }").send().await.unwrap();
        assert_eq!(replay.headers()["idempotent-replayed"], "true");
        let (s2, p2) = read(replay).await;
        assert_eq!((s1, s2, &p1), (201, 201, &p2));
        assert_eq!(stored_titles(&app).await.len(), 1);
    }
}

/// Sends raw bytes on a new connection and reads what comes back until the
/// server closes it or `wait` passes; returns the text and whether it closed.
async fn raw_exchange(app: &TestApp, request: &[u8], wait: std::time::Duration) -> (String, bool) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 8192];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&received).into_owned(), true),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => return (String::from_utf8_lossy(&received).into_owned(), false),
        }
    }
}

#[tokio::test]
async fn slow_or_oversize_requests_are_cut_off_with_problems() {
    let app = TestApp::all().await.remove(0);
    let token = app.admin();
    let wait = HEADER_TIMEOUT + std::time::Duration::from_secs(3);
    // Headers that never end: the connection is closed after the header timeout.
    let started = std::time::Instant::now();
    let (_, closed) = raw_exchange(&app, b"GET /healthz HTTP/1.1\r\nHost: portfel\r\nX-Slow: 1\r\n", wait).await;
    assert!(closed, "a half-sent header section must not hold the connection");
    assert!(started.elapsed() < wait);
    // A body that stops arriving: 408 as a problem after the body timeout.
    let head = format!(
        "POST /api/v1/passports HTTP/1.1\r\nHost: portfel\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"title\":"
    );
    let (text, _) = raw_exchange(&app, head.as_bytes(), TIMEOUTS.body + std::time::Duration::from_secs(3)).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("application/problem+json") && text.contains("request-timeout"), "{text}");
    // A declared 10 MB body is refused before any of it is sent.
    let head = format!(
        "POST /api/v1/passports HTTP/1.1\r\nHost: portfel\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 10485760\r\n\r\n"
    );
    let (text, _) = raw_exchange(&app, head.as_bytes(), std::time::Duration::from_secs(2)).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    // A 1 MB header: 431 as a problem.
    let response = app
        .client
        .get(format!("{}/api/v1/codelists", app.base))
        .bearer_auth(&token)
        .header("x-padding", "a".repeat(1024 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 431);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let (_, p) = read(response).await;
    assert_eq!(p["type"], "urn:portfel:problem:headers-too-large");
}

#[tokio::test]
async fn a_malformed_body_is_refused_before_its_version_is_checked() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let (id, v) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let mut body = complete_passport(w.goal);
        body["locations"][0]["katottg"] = json!("UA46060250010015970*");
        let path = format!("/api/v1/passports/{id}");
        let (s, p) = send(app.req(Method::PUT, &path, &ini).if_match(v + 7).json(&body)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["locations[0].katottg".to_owned()]), "{p}");
    }
}

#[tokio::test]
async fn problems_never_echo_a_control_character_in_any_language() {
    for app in TestApp::all().await {
        let pim = World::create(&app).await.pim(&app);
        // Keys are echoed as field paths: a text-direction mark in one must come back escaped.
        let body =
            r#"{"name": "Методика", "\u061cключ": 1, "gates": [{"gate": "strategy_alignment", "\u202e": true}]}"#;
        for lang in ["uk", "en"] {
            let req = app.req(Method::POST, "/api/v1/methodologies", &pim).header("Accept-Language", lang);
            let (s, p) = send(req.header("content-type", "application/json").body(body.to_owned())).await;
            assert_eq!(s, 422, "[{}] {p}", app.backend);
            let raw = ['\u{61c}', '\u{202e}'];
            let text = p.to_string();
            assert!(!text.contains(raw), "[{}] {lang}: {text}", app.backend);
            assert!(p["detail"].as_str().unwrap().contains("\\u{61c}"), "escaped, not dropped: {text}");
        }
    }
}
