//! Server time of the council's heaviest pages: the ranked portfolio of
//! 1,000 projects and the 3-year plan of 200 candidates (with the optimal
//! and rank-order plans side by side), on SQLite.
//!
//! `cargo bench --bench pages` (set `BENCH_PORTFOLIO`, `BENCH_PLAN`, `BENCH_VIEWS` to change it).
//! The cycle is seeded through the API of an in-process server; then a signed-in council member
//! opens each page `BENCH_VIEWS` times, one request at a time, over loopback.

use std::time::{Duration, Instant};

use portfel_api::JwtSettings;
use portfel_domain::Role;
use portfel_domain::reference::UserInput;
use portfel_store::Store;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

mod support;

const EXPERTS: [&str; 3] = ["exp-1", "exp-2", "exp-3"];
const CRITERIA: [&str; 5] = ["SE1", "SE2", "SE4", "FE1", "FE6"];

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Design cost (2027) and construction cost (2028) of project `i`, whole hryvnias.
fn costs(i: usize) -> (i64, i64) {
    (100_000 * (1 + i as i64 % 5), 1_000_000 * (1 + i as i64 % 7))
}

fn passport(goal: Uuid, i: usize) -> Value {
    let (design, build) = costs(i);
    let sector = ["ES", "WC", "HQ", "TI"][i % 4];
    json!({
        "title": {"uk": format!("Капітальний ремонт об'єкта №{i}")},
        "description": {"uk": "Утеплення фасаду, заміна вікон і системи опалення"},
        "problem": "Високі тепловтрати будівлі", "goals": ["Зменшити споживання тепла"],
        "project_type": "rehabilitation", "purpose": "development", "nature": ["construction"],
        "sector": sector,
        "balance_holder": {"name": "Управління освіти", "edrpou": "40000001"},
        "locations": [{"katottg": "UA46060250010015970"}], "strategy_goal_ids": [goal],
        "start_year": 2027, "duration_years": 2,
        "costs": [{"year": 2027, "item": "design", "cost_type": "capex", "amount": format!("{design}.00")},
                  {"year": 2028, "item": "construction", "cost_type": "capex", "amount": format!("{build}.00")}],
        "financing": [{"year": 2027, "source": "localBudget", "amount": format!("{design}.00")},
                      {"year": 2028, "source": "localBudget", "amount": format!("{}.00", build / 5)},
                      {"year": 2028, "source": "stateSubsidies", "amount": format!("{}.00", build - build / 5)}],
        "readiness": {"design_documentation": "approved", "land": "owned", "state_expertise": "positive",
            "documents": [{"kind": "designDocument", "title": "Робочий проєкт", "date": "2026-03-15"}]},
        "beneficiaries": {"total": 200 + (i * 37) % 5000, "idps": (i * 11) % 200}, "om_cost_per_year": "50000.00",
        "contacts": [{"name": "Олена Коваленко"}]
    })
}

/// A client of the API with a bearer token.
#[derive(Clone)]
struct Api {
    client: Client,
    base: String,
}

impl Api {
    async fn call(&self, method: Method, path: &str, token: &str, version: Option<i64>, body: Option<Value>) -> Value {
        let mut r = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(token);
        if let Some(v) = version {
            r = r.header("If-Match", format!("\"{v}\""));
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let response = r.send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }
}

/// People and reference data: (initiator, PIM, council tokens, goal).
struct Cast {
    initiator: String,
    pim: String,
    council: String,
    goal: Uuid,
    pim_org: Uuid,
}

async fn cast(store: &Store, jwt: &JwtSettings) -> Cast {
    let db = store.db();
    let actor = support::actor();
    let orgs = [
        support::organisation(store, "Управління освіти", "40000001").await,
        support::organisation(store, "Відділ економіки", "40000003").await,
    ];
    let goal = support::strategy_goal(store).await;
    for (sub, role) in EXPERTS.iter().map(|e| (*e, Role::Expert)).chain([("council", Role::Council)]) {
        let input = UserInput {
            sub: sub.into(),
            full_name: sub.into(),
            organisation_id: orgs[1],
            roles: vec![role],
            email: None,
        };
        portfel_store::users::create(db, &actor, &input).await.unwrap();
    }
    let hash = portfel_web::password::hash("council-password-2026").unwrap();
    portfel_store::sessions::set_password(db, &actor, "council", &hash).await.unwrap();
    let hour = chrono::Duration::hours(4);
    Cast {
        initiator: jwt.issue("ini", Some(orgs[0]), &[Role::Initiator], hour),
        pim: jwt.issue("pim", Some(orgs[1]), &[Role::PimUnit], hour),
        council: jwt.issue("council", Some(orgs[1]), &[Role::Council], hour),
        goal,
        pim_org: orgs[1],
    }
}

/// Submitted passports `from..to`, created by 4 concurrent clients.
async fn passports(api: &Api, cast: &Cast, range: std::ops::Range<usize>) -> Vec<String> {
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..4 {
        let (api, token, goal) = (api.clone(), cast.initiator.clone(), cast.goal);
        let mine: Vec<usize> = range.clone().filter(|i| i % 4 == c).collect();
        tasks.spawn(async move {
            let mut ids = Vec::new();
            for i in mine {
                let p = api.call(Method::POST, "/api/v1/passports", &token, None, Some(passport(goal, i))).await;
                let id = p["id"].as_str().unwrap().to_owned();
                let path = format!("/api/v1/passports/{id}/transitions");
                api.call(Method::POST, &path, &token, Some(1), Some(json!({"to": "submitted"}))).await;
                ids.push(id);
            }
            ids
        });
    }
    tasks.join_all().await.into_iter().flatten().collect()
}

/// A closed round of `ids`, scored by three experts; returns its id.
async fn closed_round(api: &Api, cast: &Cast, jwt: &JwtSettings, ids: &[String]) -> String {
    let methodologies = api.call(Method::GET, "/api/v1/methodologies", &cast.pim, None, None).await;
    let body = json!({"name": "Раунд", "methodology_id": methodologies[0]["id"], "deadline": "2026-12-15"});
    let round = api.call(Method::POST, "/api/v1/rounds", &cast.pim, None, Some(body)).await;
    let rid = round["id"].as_str().unwrap().to_owned();
    let mut version = 1;
    let mut step = |path: &str, body: Value| {
        let (api, pim, path) = (api.clone(), cast.pim.clone(), format!("/api/v1/rounds/{rid}/{path}"));
        version += 1;
        let v = version - 1;
        async move { api.call(Method::POST, &path, &pim, Some(v), Some(body)).await }
    };
    for chunk in ids.chunks(100) {
        step("projects", json!({"passport_ids": chunk})).await;
    }
    step("screen", json!({})).await;
    step("assign", json!({"experts": EXPERTS})).await;
    let mut tasks = tokio::task::JoinSet::new();
    for expert in EXPERTS {
        let token = jwt.issue(expert, Some(cast.pim_org), &[Role::Expert], chrono::Duration::hours(4));
        let (api, rid, ids) = (api.clone(), rid.clone(), ids.to_vec());
        tasks.spawn(async move {
            for (n, id) in ids.iter().enumerate() {
                let path = format!("/api/v1/rounds/{rid}/projects/{id}");
                api.call(Method::POST, &format!("{path}/declaration"), &token, None, Some(json!({"conflict": false})))
                    .await;
                let scores: Vec<Value> = CRITERIA
                    .iter()
                    .enumerate()
                    .map(|(k, c)| json!({"criterion": c, "score": 1 + (n * 7 + k * 3) % 4}))
                    .collect();
                let body = json!({"scores": scores, "submit": true});
                api.call(Method::PUT, &format!("{path}/scores"), &token, None, Some(body)).await;
            }
        });
    }
    tasks.join_all().await;
    step("close", json!({})).await;
    rid
}

/// An approved portfolio of a closed round; returns its id.
async fn approved_portfolio(api: &Api, cast: &Cast, round: &str) -> String {
    let body = json!({"round_id": round, "min_score": "0"});
    let p = api.call(Method::POST, "/api/v1/portfolios", &cast.pim, None, Some(body)).await;
    let id = p["id"].as_str().unwrap().to_owned();
    api.call(Method::POST, &format!("/api/v1/portfolios/{id}/submit"), &cast.pim, Some(1), None).await;
    let decision = json!({"number": "1/2026", "date": "2026-11-18"});
    api.call(Method::POST, &format!("/api/v1/portfolios/{id}/approve"), &cast.council, Some(2), Some(decision)).await;
    id
}

/// Opens `path` `views` times; prints the first view's time and the median and worst of the rest.
async fn measure(client: &Client, base: &str, cookie: &str, what: &str, path: &str, views: usize) {
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..views {
        let t = Instant::now();
        let r = client.get(format!("{base}{path}")).header("cookie", cookie).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        size = r.bytes().await.unwrap().len();
        times.push(t.elapsed());
    }
    let first = times.remove(0);
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what:<46} first {:>7.1} ms   then p50 {:>6.1} ms  p95 {:>6.1} ms  max {:>6.1} ms   {:>5} KB",
        ms(first),
        ms(times[times.len() / 2]),
        ms(times[((times.len() as f64 - 1.0) * 0.95).round() as usize]),
        ms(*times.last().unwrap()),
        size / 1024
    );
}

#[tokio::main]
async fn main() {
    let (portfolio_size, plan_size, views) =
        (env("BENCH_PORTFOLIO", 1000), env("BENCH_PLAN", 200), env("BENCH_VIEWS", 30));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("pages.db").display())).await.unwrap();
    let jwt = support::jwt();
    let cast = cast(&store, &jwt).await;
    let app = portfel::server::app(support::state(store, jwt.clone()), portfel_web::WebSettings::default());
    let base = support::serve(app).await;
    let api = Api { client: Client::new(), base: base.clone() };
    println!(
        "Portfel page benchmark: SQLite, portfolio of {portfolio_size}, plan of {plan_size} candidates, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let seeding = Instant::now();
    let big = passports(&api, &cast, 0..portfolio_size).await;
    let small = passports(&api, &cast, portfolio_size..portfolio_size + plan_size).await;
    let big_round = closed_round(&api, &cast, &jwt, &big).await;
    let small_round = closed_round(&api, &cast, &jwt, &small).await;
    let portfolio = approved_portfolio(&api, &cast, &big_round).await;
    let plan_portfolio = approved_portfolio(&api, &cast, &small_round).await;
    let (design, build): (i64, i64) =
        (portfolio_size..portfolio_size + plan_size).map(costs).fold((0, 0), |(d, b), (cd, cb)| (d + cd, b + cb));
    let ceilings = json!({"2027": format!("{}.00", design / 2), "2028": format!("{}.00", build * 2 / 5)});
    let request = json!({"portfolio_id": plan_portfolio, "first_year": 2027, "last_year": 2029, "builder": "optimal",
        "ceilings": {"total": ceilings}});
    let mut plans = Vec::new();
    for builder in ["optimal", "rank_order"] {
        let mut request = request.clone();
        request["builder"] = json!(builder);
        let plan = api.call(Method::POST, "/api/v1/plans", &cast.pim, None, Some(request)).await;
        plans.push(plan["id"].as_str().unwrap().to_owned());
    }
    println!("seeded through the API in {:.1} s", seeding.elapsed().as_secs_f64());

    let cookie = support::sign_in(&base, "council", "council-password-2026").await;
    let client = Client::new();
    let n = portfolio_size;
    measure(
        &client,
        &base,
        &cookie,
        &format!("portfolio, {n} ranked projects"),
        &format!("/portfolios/{portfolio}"),
        views,
    )
    .await;
    let print = format!("/portfolios/{portfolio}/print");
    measure(&client, &base, &cookie, &format!("portfolio print view, {n} projects"), &print, views).await;
    let n = plan_size;
    let (optimal, rank_order) = (&plans[0], &plans[1]);
    let what = format!("plan (optimal), {n} candidates, side by side");
    measure(&client, &base, &cookie, &what, &format!("/plans/{optimal}"), views).await;
    let what = format!("plan (rank order), {n} candidates, side by side");
    measure(&client, &base, &cookie, &what, &format!("/plans/{rank_order}"), views).await;
    let what = format!("plan print view, {n} candidates");
    measure(&client, &base, &cookie, &what, &format!("/plans/{optimal}/print"), views).await;
}
