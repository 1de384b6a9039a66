//! Authentication and authorisation: token failures, the role × endpoint
//! matrix, and organisation scoping.

use crate::common::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portfel_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn bad_tokens_get_401_problems() {
    for app in TestApp::all().await {
        let url = format!("{}/api/v1/codelists", app.base);
        let good = app.token("u", None, &[Role::PimUnit]);
        let now = chrono::Utc::now().timestamp();
        let claims = |aud: &str, exp: i64| json!({"sub": "u", "roles": ["admin"], "iat": now, "exp": exp, "aud": aud, "iss": "portfel"});
        let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
        let alg_none =
            format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&claims("portfel-api", now + 3600)));
        let (header, _, signature) = {
            let mut parts = good.split('.');
            (parts.next().unwrap().to_owned(), parts.next(), parts.next().unwrap().to_owned())
        };
        let forged = format!("{header}.{}.{signature}", b64(&claims("portfel-api", now + 3600)));
        let expired = app.jwt.issue("u", None, &[Role::Admin], chrono::Duration::hours(-2));
        let wrong_aud = portfel_api::JwtSettings { audience: "other-api".into(), ..(*app.jwt).clone() }.issue(
            "u",
            None,
            &[Role::Admin],
            chrono::Duration::hours(1),
        );
        let wrong_key =
            portfel_api::JwtSettings { secret: b"a-completely-different-secret-key!".to_vec(), ..(*app.jwt).clone() }
                .issue("u", None, &[Role::Admin], chrono::Duration::hours(1));
        let (s, _) = send(app.client.get(&url)).await;
        assert_eq!(s, 401, "missing token");
        for (what, token) in [
            ("alg none", alg_none),
            ("forged payload", forged),
            ("expired", expired),
            ("wrong audience", wrong_aud),
            ("wrong key", wrong_key),
            ("garbage", "abc.def".into()),
        ] {
            let response = app.client.get(&url).bearer_auth(&token).send().await.unwrap();
            assert_eq!(response.headers()["content-type"], "application/problem+json", "{what}");
            assert_eq!(response.headers()["www-authenticate"], "Bearer", "{what}");
            let (s, p) = read(response).await;
            assert_eq!((s, p["type"].as_str()), (401, Some("urn:portfel:problem:unauthorized")), "{what}: {p}");
        }
        let (s, _) = send(app.client.get(&url).bearer_auth(&good)).await;
        assert_eq!(s, 200);
    }
}

/// One endpoint of the matrix: method, path, body, whether it needs If-Match, and the roles allowed.
struct Case {
    method: Method,
    path: String,
    body: Option<Value>,
    allowed: &'static [Role],
}

#[tokio::test]
async fn role_by_endpoint_matrix() {
    use Role::*;
    const ALL: &[Role] = &[Initiator, PimUnit, Expert, Council, Admin, Integration];
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        // A submitted passport of organisation A, and a draft of A.
        let ini = w.initiator_a(&app);
        let (submitted, v) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        transition(&app, &ini, &submitted, v, "submitted", None).await;
        let (_, doc) = send(app.req(Method::GET, "/api/v1/strategy-documents", &app.admin())).await;
        let doc = doc[0]["id"].as_str().unwrap().to_owned();
        let mut n = 0;
        let mut unique = || {
            n += 1;
            n
        };
        let cases = vec![
            Case { method: Method::GET, path: "/api/v1/codelists".into(), body: None, allowed: ALL },
            Case { method: Method::GET, path: "/api/v1/codelists/WB-ECO".into(), body: None, allowed: ALL },
            Case { method: Method::GET, path: "/api/v1/organisations".into(), body: None, allowed: ALL },
            Case { method: Method::GET, path: "/api/v1/strategy-documents".into(), body: None, allowed: ALL },
            Case { method: Method::GET, path: "/api/v1/budget-years".into(), body: None, allowed: ALL },
            Case { method: Method::GET, path: "/api/v1/passports".into(), body: None, allowed: ALL },
            Case { method: Method::GET, path: "/api/v1/users".into(), body: None, allowed: &[PimUnit, Admin] },
            Case { method: Method::GET, path: "/api/v1/audit".into(), body: None, allowed: &[PimUnit, Admin] },
            Case {
                method: Method::GET,
                path: format!("/api/v1/passports/{submitted}"),
                body: None,
                allowed: &[Initiator, PimUnit, Council, Admin, Integration],
            },
            Case {
                method: Method::GET,
                path: format!("/api/v1/passports/{submitted}/revisions"),
                body: None,
                allowed: &[Initiator, PimUnit, Council, Admin, Integration],
            },
            Case {
                method: Method::POST,
                path: "/api/v1/organisations".into(),
                body: Some(json!({"name": "Нова", "edrpou": "EDRPOU", "kind": "enterprise"})),
                allowed: &[PimUnit, Admin],
            },
            Case {
                method: Method::POST,
                path: "/api/v1/users".into(),
                body: Some(
                    json!({"sub": "SUB", "full_name": "Хтось", "organisation_id": w.org_a, "roles": ["expert"]}),
                ),
                allowed: &[Admin],
            },
            Case {
                method: Method::POST,
                path: "/api/v1/strategy-documents".into(),
                body: Some(
                    json!({"kind": "communityRestorationProgram", "title": "Програма", "period_start": 2024, "period_end": 2027}),
                ),
                allowed: &[PimUnit, Admin],
            },
            Case {
                method: Method::POST,
                path: format!("/api/v1/strategy-documents/{doc}/goals"),
                body: Some(json!({"level": "strategic", "code": "CODE", "title": "Ціль"})),
                allowed: &[PimUnit, Admin],
            },
            Case {
                method: Method::POST,
                path: "/api/v1/budget-years".into(),
                body: Some(json!({"year": 2000, "status": "planning"})),
                allowed: &[PimUnit, Admin],
            },
            Case {
                method: Method::POST,
                path: format!("/api/v1/passports?organisation_id={}", w.org_a),
                body: Some(json!({"title": {"uk": "Ідея"}})),
                allowed: &[Initiator, PimUnit, Admin, Integration],
            },
        ];
        for case in &cases {
            for role in ALL {
                let token = app.token(&format!("{role}-user"), Some(w.org_a), &[*role]);
                let mut req = app.req(case.method.clone(), &case.path, &token);
                if let Some(body) = &case.body {
                    let k = unique();
                    let text = body
                        .to_string()
                        .replace("EDRPOU", &format!("{:08}", 50_000_000 + k))
                        .replace("SUB", &format!("user-{k}"))
                        .replace("CODE", &format!("9.{k}"))
                        .replace("2000", &format!("{}", 2000 + k));
                    req = req.header("content-type", "application/json").body(text);
                }
                let (s, p) = send(req).await;
                if case.allowed.contains(role) {
                    assert!(
                        (200..300).contains(&s),
                        "[{}] {role} {} {} -> {s}: {p}",
                        app.backend,
                        case.method,
                        case.path
                    );
                } else {
                    assert_eq!(s, 403, "[{}] {role} {} {} -> {p}", app.backend, case.method, case.path);
                    assert_eq!(p["type"], "urn:portfel:problem:forbidden");
                }
            }
        }
    }
}

#[tokio::test]
async fn initiators_are_scoped_to_their_organisation() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (a, b, pim) = (w.initiator_a(&app), w.initiator_b(&app), w.pim(&app));
        let (draft, v) = create_passport(&app, &a, &complete_passport(w.goal)).await;
        // B can neither read nor edit nor submit A's draft; the PIM unit cannot see it either.
        for token in [&b, &pim] {
            let (s, _) = send(app.req(Method::GET, &format!("/api/v1/passports/{draft}"), token)).await;
            assert_eq!(s, 403);
        }
        let (s, _) = send(
            app.req(Method::PUT, &format!("/api/v1/passports/{draft}"), &b)
                .header("If-Match", format!("\"{v}\""))
                .json(&complete_passport(w.goal)),
        )
        .await;
        assert_eq!(s, 403);
        let (s, _, _) = transition(&app, &b, &draft, v, "submitted", None).await;
        assert_eq!(s, 403);
        // B cannot create in A's name; B's list does not show A's passports.
        let (s, _) = send(
            app.req(Method::POST, &format!("/api/v1/passports?organisation_id={}", w.org_a), &b)
                .json(&json!({"title": {"uk": "x"}})),
        )
        .await;
        assert_eq!(s, 403);
        let (_, list) = send(app.req(Method::GET, "/api/v1/passports", &b)).await;
        assert_eq!(list["items"], json!([]));
        // After submission the PIM unit sees it, B still does not, and A can no longer edit it.
        let (_, v, _) = transition(&app, &a, &draft, v, "submitted", None).await;
        let (s, _) = send(app.req(Method::GET, &format!("/api/v1/passports/{draft}"), &pim)).await;
        assert_eq!(s, 200);
        let (s, _) = send(app.req(Method::GET, &format!("/api/v1/passports/{draft}"), &b)).await;
        assert_eq!(s, 403);
        let path = format!("/api/v1/passports/{draft}");
        let version = v.map(i64::from);
        let (s, _) = send(app.req(Method::PUT, &path, &a).if_match_opt(version).json(&complete_passport(w.goal))).await;
        assert_eq!(s, 403, "initiators edit drafts only");
        // The PIM unit may correct it, creating a new revision.
        let (s, p) =
            send(app.req(Method::PUT, &path, &pim).if_match_opt(version).json(&complete_passport(w.goal))).await;
        assert_eq!((s, p["revision"].as_i64()), (200, Some(2)), "{p}");
    }
}

/// Every read endpoint of the OpenAPI document, called by every role that may
/// not see a draft of another organisation, never reveals that draft.
#[tokio::test]
async fn no_read_endpoint_reveals_another_organisations_draft() {
    use Role::*;
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let owner = w.initiator_b(&app);
        let marker = format!("ЧЕРНЕТКА-{}", uuid::Uuid::new_v4().simple());
        let mut body = complete_passport(w.goal);
        body["title"]["uk"] = json!(marker);
        let (draft, v) = create_passport(&app, &owner, &body).await;
        body["problem"] = json!(format!("{marker}: друга редакція"));
        let (s, p) =
            send(app.req(Method::PUT, &format!("/api/v1/passports/{draft}"), &owner).if_match(v).json(&body)).await;
        assert_eq!(s, 200, "{p}");

        let (_, spec) = send(app.client.get(format!("{}/openapi.json", app.base))).await;
        let mut paths = Vec::new();
        for (template, ops) in spec["paths"].as_object().unwrap() {
            if ops.get("get").is_none() {
                continue;
            }
            let path = template
                .replace("{id}", &draft)
                .replace("{passport_id}", &draft)
                .replace("{other}", &draft)
                .replace("{revision}", "1")
                .replace("{year}", "2027")
                .replace("{name}", "WB-ECO");
            let query = match template.as_str() {
                "/api/v1/audit" => format!("?entity_type=passport&entity_id={draft}&limit=200&view=full"),
                "/api/v1/passports" => format!("?q={marker}"),
                "/api/v1/dream/ideas" => "?from=2000-01-01T00:00:00Z".to_owned(),
                _ => String::new(),
            };
            paths.push(format!("{path}{query}"));
            if template == "/api/v1/audit" {
                paths.push("/api/v1/audit?limit=200&view=full".to_owned());
            }
        }
        assert!(paths.len() >= 35, "{} read endpoints", paths.len());
        let reveals = |text: &str| text.contains(&marker) || text.contains(&draft) && text.contains("passport.update");
        for role in [Initiator, PimUnit, Expert, Council, Integration] {
            let token = app.token(&format!("{role}-reader"), Some(w.org_a), &[role]);
            for path in &paths {
                let response = app.req(Method::GET, path, &token).send().await.unwrap();
                let status = response.status().as_u16();
                let text = response.text().await.unwrap();
                assert!(status < 500, "[{}] {role} GET {path} -> {status}: {text}", app.backend);
                assert!(!reveals(&text), "[{}] {role} GET {path} -> {status} reveals the draft: {text}", app.backend);
            }
        }
        // The owner and an admin do see it, through the passport and through the audit log.
        for token in [owner.clone(), app.admin()] {
            let response = app.req(Method::GET, &format!("/api/v1/passports/{draft}"), &token).send().await.unwrap();
            assert!(response.text().await.unwrap().contains(&marker));
        }
        let audit = format!("/api/v1/audit?entity_type=passport&entity_id={draft}&view=full");
        let (s, events) = send(app.req(Method::GET, &audit, &app.admin())).await;
        assert_eq!((s, events["items"].as_array().map(Vec::len)), (200, Some(2)), "{events}");
        assert!(events.to_string().contains(&marker));
    }
}
