//! Every role against every permission: the API refuses exactly what a
//! role's permissions do not grant, and the pages offer exactly the sections
//! its permissions open — and each section offered opens.

use portfel_domain::{Permission, Role};
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::common::html::{parse, select};
use crate::common::*;
use crate::web::Browser;

/// One guarded request per permission: a read, or a write with an empty body
/// (refused for its fields once the role passes).
fn probes() -> Vec<(Permission, Method, String)> {
    let nil = Uuid::nil();
    vec![
        (Permission::ManageReference, Method::POST, "/api/v1/organisations".into()),
        (Permission::ReadUsers, Method::GET, "/api/v1/users".into()),
        (Permission::ManageUsers, Method::POST, "/api/v1/users".into()),
        (Permission::ReadAudit, Method::GET, "/api/v1/audit".into()),
        (Permission::CreatePassports, Method::POST, "/api/v1/passports".into()),
        (Permission::PrepareRounds, Method::POST, "/api/v1/rounds".into()),
        (Permission::ReadRounds, Method::GET, "/api/v1/rounds".into()),
        (Permission::ReadRoundResults, Method::GET, format!("/api/v1/rounds/{nil}/results")),
        (Permission::ReadAssignments, Method::GET, format!("/api/v1/rounds/{nil}/assignments")),
        (Permission::Score, Method::PUT, format!("/api/v1/rounds/{nil}/projects/{nil}/scores")),
        (Permission::PrepareDecisions, Method::POST, "/api/v1/portfolios".into()),
        (Permission::Decide, Method::POST, format!("/api/v1/plans/{nil}/approve")),
        (Permission::RunScenarios, Method::POST, "/api/v1/plans/scenarios".into()),
        (Permission::ReadReports, Method::GET, format!("/api/v1/passports/{nil}/reports")),
        (Permission::KeepProgrammes, Method::POST, "/api/v1/programmes".into()),
        (Permission::ReadMonitoring, Method::GET, "/api/v1/monitoring/summary".into()),
        (Permission::SyncDream, Method::POST, "/api/v1/dream/import".into()),
        (Permission::ReadDreamFeed, Method::GET, "/api/v1/dream/ideas".into()),
    ]
}

#[tokio::test]
async fn the_api_refuses_exactly_what_a_role_is_not_granted() {
    let app = TestApp::all().await.remove(0);
    let org = Uuid::now_v7();
    for role in Role::ALL {
        let token = app.token(&format!("probe-{role}"), Some(org), &[role]);
        for (permission, method, path) in probes() {
            let mut request = app.req(method.clone(), &path, &token);
            if method != Method::GET {
                request = request.if_match(1).json(&json!({}));
            }
            let (status, body) = send(request).await;
            let granted = permission.granted(&[role]);
            assert_eq!(status == 403, !granted, "{role} on {method} {path} ({permission:?}): {status} {body}");
            if !granted {
                assert_eq!(body["status"], 403, "refusals are problems: {body}");
            }
        }
    }
}

/// The sections of the navigation, as the pages name them.
const SECTIONS: [(&str, Permission); 12] = [
    ("/tasks", Permission::FollowTasks),
    ("/inbox", Permission::FollowTasks),
    ("/passports", Permission::WorkOnPassports),
    ("/rounds", Permission::PrepareRounds),
    ("/assignments", Permission::Score),
    ("/portfolios", Permission::ReadUndecided),
    ("/plans", Permission::ReadUndecided),
    ("/meetings", Permission::ReadUndecided),
    ("/monitoring", Permission::ReadMonitoring),
    ("/evaluations", Permission::Evaluate),
    ("/programmes", Permission::FollowProgrammes),
    ("/docs", Permission::UseApi),
];

/// The page a section's link opens (the API viewer lives under `/docs/`).
fn opened(href: &str) -> &str {
    if href == "/docs" { "/docs/" } else { href }
}

#[tokio::test]
async fn the_pages_offer_each_role_what_its_permissions_open() {
    let app = TestApp::all().await.remove(0);
    let w = World::create(&app).await;
    for role in Role::ALL {
        let mut b = Browser::signed_in(&app, &format!("nav-{role}"), w.org_a, &[role]).await;
        let (status, home, _) = b.get("/").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{role}: the start page sends on");
        let (status, _, page) = b.get(opened(&home)).await;
        assert_eq!(status, StatusCode::OK, "{role}'s start page {home} opens");
        let doc = parse(&page);
        let offered: Vec<String> = select(&doc, r#"nav[aria-label="Розділи"] a"#)
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        let expected: Vec<String> =
            SECTIONS.iter().filter(|(_, p)| p.granted(&[role])).map(|(href, _)| (*href).to_owned()).collect();
        assert_eq!(offered, expected, "{role}'s navigation");
        assert_eq!(Some(&home), offered.first(), "{role} starts in its first section");
        for href in &offered {
            let path = opened(href);
            let (status, _, _) = b.get(path).await;
            assert_eq!(status, StatusCode::OK, "{role} opens {path}, which the navigation offers");
        }
    }
}
