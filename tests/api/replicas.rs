//! Two `portfel serve` processes on one PostgreSQL database, with the same
//! writes raced through both: stale If-Match, one Idempotency-Key, and
//! council approvals keep their guarantees across replicas.

use crate::common::process::ServerProcess;
use crate::common::*;
use portfel_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

/// Races per kind of write.
const RACES: usize = 12;

async fn exchange(client: &reqwest::Client, request: reqwest::RequestBuilder) -> (u16, bool, Value) {
    let response = client.execute(request.build().unwrap()).await.unwrap();
    let replayed = response.headers().contains_key("idempotent-replayed");
    let (status, body) = read(response).await;
    (status, replayed, body)
}

#[tokio::test]
async fn two_replicas_keep_every_guarantee() {
    let Some((_, url, _)) = backends().await.into_iter().find(|(backend, _, _)| *backend == "postgres") else {
        assert!(std::env::var_os("CI").is_none(), "CI runs the replica test: set DATABASE_URL to a PostgreSQL server");
        eprintln!("skipped: replicas need PostgreSQL (set DATABASE_URL)");
        return;
    };
    let app = TestApp::start("postgres", &url, None).await;
    let w = World::create(&app).await;
    let replicas = [ServerProcess::start(&url).await, ServerProcess::start(&url).await];
    let client = reqwest::Client::new();
    let ini = w.initiator_a(&app);
    let on = |replica: usize, method: Method, path: &str, token: &str| {
        client.request(method, format!("{}{path}", replicas[replica].base)).bearer_auth(token)
    };

    // Stale If-Match: both replicas write over the same version; exactly one wins each time.
    let (id, mut version) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
    let path = format!("/api/v1/passports/{id}");
    for race in 0..RACES {
        let put = |replica: usize| {
            let mut body = complete_passport(w.goal);
            body["title"]["uk"] = json!(format!("Редакція {race} з репліки {replica}"));
            on(replica, Method::PUT, &path, &ini).header("If-Match", format!("\"{version}\"")).json(&body)
        };
        let ((a, _, pa), (b, _, pb)) = tokio::join!(exchange(&client, put(0)), exchange(&client, put(1)));
        let mut statuses = [a, b];
        statuses.sort();
        assert_eq!(statuses, [200, 412], "race {race}: {pa} / {pb}");
        version += 1;
        let (_, stored) = send(app.req(Method::GET, &path, &ini)).await;
        assert_eq!(stored["version"], version, "one write per race");
    }

    // One Idempotency-Key through both replicas: one passport, the same answer twice.
    for race in 0..RACES {
        let mut body = complete_passport(w.goal);
        body["title"]["uk"] = json!(format!("Ключ {race}"));
        let post = |replica: usize| {
            on(replica, Method::POST, "/api/v1/passports", &ini)
                .header("Idempotency-Key", format!("both-{race}"))
                .json(&body)
        };
        let ((a, ra, pa), (b, rb, pb)) = tokio::join!(exchange(&client, post(0)), exchange(&client, post(1)));
        assert_eq!((a, b), (201, 201), "race {race}: {pa} / {pb}");
        assert_eq!(pa["id"], pb["id"], "race {race}: both replicas answer with the one passport");
        assert!(ra || rb, "race {race}: one of the answers is a replay");
    }
    let (_, list) = send(app.req(Method::GET, "/api/v1/passports?limit=200", &app.admin())).await;
    let keyed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["title"].as_str().is_some_and(|t| t.starts_with("Ключ ")));
    assert_eq!(keyed.count(), RACES, "no key created two passports");

    // Council approvals of one submitted version through both replicas: one decision.
    let bodies: Vec<Value> = (0..3).map(|_| complete_passport(w.goal)).collect();
    let (round, _) = closed_round(&app, &w, &bodies).await;
    let pim = w.pim(&app);
    let council = app.token("council", Some(w.pim_org), &[Role::Council]);
    let body = json!({"round_id": round, "min_score": "0"});
    let (s, portfolio) = send(app.req(Method::POST, "/api/v1/portfolios", &pim).json(&body)).await;
    assert_eq!(s, 201, "{portfolio}");
    let pid = portfolio["id"].as_str().unwrap();
    let (s, _) = send(app.req(Method::POST, &format!("/api/v1/portfolios/{pid}/submit"), &pim).if_match(1)).await;
    assert_eq!(s, 200);
    let approve = |replica: usize| {
        on(replica, Method::POST, &format!("/api/v1/portfolios/{pid}/approve"), &council)
            .header("If-Match", "\"2\"")
            .json(&json!({"number": format!("{}/2026", 20 + replica), "date": "2026-11-20"}))
    };
    let ((a, _, pa), (b, _, pb)) = tokio::join!(exchange(&client, approve(0)), exchange(&client, approve(1)));
    let mut statuses = [a, b];
    statuses.sort();
    assert!(statuses == [200, 409] || statuses == [200, 412], "{statuses:?}: {pa} / {pb}");
    let winner = if a == 200 { &pa } else { &pb };
    let (_, stored) = send(app.req(Method::GET, &format!("/api/v1/portfolios/{pid}"), &council)).await;
    assert_eq!((stored["status"].as_str(), &stored["decision"]), (Some("approved"), &winner["decision"]));
    let audit = format!("/api/v1/audit?entity_type=portfolio&entity_id={pid}&limit=200");
    let (_, events) = send(app.req(Method::GET, &audit, &app.admin())).await;
    let approvals = events["items"].as_array().unwrap().iter().filter(|e| e["action"] == "portfolio.approved").count();
    assert_eq!(approvals, 1, "{events}");
    for passport in portfolio["items"].as_array().unwrap() {
        let path = format!(
            "/api/v1/audit?entity_type=passport&entity_id={}&limit=200&view=full",
            passport["passport_id"].as_str().unwrap()
        );
        let (_, events) = send(app.req(Method::GET, &path, &app.admin())).await;
        let moves =
            events["items"].as_array().unwrap().iter().filter(|e| e["after"]["status"] == "in_portfolio").count();
        assert_eq!(moves, 1, "each passport moves to the portfolio once");
    }
}
