//! Test harness: a real server on a loopback port, over SQLite and, when
//! `DATABASE_URL` names a PostgreSQL server, over a scratch PostgreSQL database too.

pub mod chrome;
pub mod client;
pub mod html;
pub mod office;
pub mod process;
pub mod smtp;

use std::sync::Arc;

use portfel_api::{AppState, JwtSettings};
use portfel_domain::Role;
use portfel_store::Store;
use reqwest::{Method, RequestBuilder, Response};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use uuid::Uuid;

/// JWT secret of test servers, in-process and spawned.
pub const SECRET: &str = "4f1c0a9e8d7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877";

/// Body limit used by test servers.
pub const BODY_LIMIT: usize = 256 * 1024;
/// Largest attached file the test servers accept, bytes (small, so limits are cheap to reach).
pub const UPLOAD_LIMIT: usize = 2 * 1024 * 1024;
/// Body and request time limits of test servers.
pub const TIMEOUTS: portfel_api::state::Timeouts = portfel_api::state::Timeouts {
    body: std::time::Duration::from_secs(2),
    request: std::time::Duration::from_secs(60),
};
/// Time test servers give a client to send a request's headers.
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);
/// Most connections an in-process test server serves at once.
pub const MAX_CONNECTIONS: usize = 256;
/// Connection settings of in-process test servers.
pub const CONNECTIONS: portfel::server::Connections =
    portfel::server::Connections { header_timeout: HEADER_TIMEOUT, max: MAX_CONNECTIONS };

/// Databases the tests run on.
pub async fn backends() -> Vec<(&'static str, String, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let mut out = vec![("sqlite", sqlite, Some(dir))];
    if let Ok(url) = std::env::var("DATABASE_URL")
        && url.starts_with("postgres")
    {
        out.push(("postgres", scratch_postgres(&url).await, None));
    }
    out
}

async fn scratch_postgres(admin_url: &str) -> String {
    let name = format!("portfel_t_{}", Uuid::new_v4().simple());
    let admin = Database::connect(admin_url).await.expect("connect to PostgreSQL");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create scratch database");
    admin.close().await.unwrap();
    let (base, query) = admin_url.split_once('?').map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let prefix = &base[..base.rfind('/').expect("database URL has a path")];
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// A running server and a client for it.
pub struct TestApp {
    pub backend: &'static str,
    pub base: String,
    pub jwt: Arc<JwtSettings>,
    pub store: Store,
    pub client: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// Starts one server per backend.
    pub async fn all() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for (backend, url, dir) in backends().await {
            apps.push(TestApp::start(backend, &url, dir).await);
        }
        apps
    }

    /// Starts an in-process server on the database at `url`.
    pub async fn start(backend: &'static str, url: &str, dir: Option<tempfile::TempDir>) -> TestApp {
        TestApp::start_with(backend, url, dir, portfel_web::WebSettings::default()).await
    }

    /// Starts an in-process server with the workspace's settings `web`.
    pub async fn start_with(
        backend: &'static str,
        url: &str,
        dir: Option<tempfile::TempDir>,
        web: portfel_web::WebSettings,
    ) -> TestApp {
        let store = Store::connect(url).await.expect("open store");
        let jwt = Arc::new(JwtSettings {
            secret: SECRET.as_bytes().to_vec(),
            previous_secret: None,
            issuer: "portfel".into(),
            audience: "portfel-api".into(),
        });
        let state = AppState {
            store: store.clone(),
            jwt: jwt.clone(),
            body_limit: BODY_LIMIT,
            upload_limit: UPLOAD_LIMIT,
            public_url: "http://127.0.0.1".into(),
            timeouts: TIMEOUTS,
            expost_after_days: portfel_api::state::EXPOST_AFTER_DAYS,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = portfel::server::app(state, web);
        tokio::spawn(portfel::server::run(listener, app, CONNECTIONS, std::future::pending()));
        portfel::dream_sync::install_tls();
        TestApp { backend, base, jwt, store, client: reqwest::Client::new(), _dir: dir }
    }

    /// A token for `sub` in `org` with `roles`.
    pub fn token(&self, sub: &str, org: Option<Uuid>, roles: &[Role]) -> String {
        self.jwt.issue(sub, org, roles, chrono::Duration::hours(1))
    }

    /// A request with a bearer token.
    pub fn req(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base)).bearer_auth(token)
    }

    /// An admin token.
    pub fn admin(&self) -> String {
        self.token("admin", None, &[Role::Admin])
    }

    /// Registers user `sub` of `org` with `roles` and a password; returns the password.
    pub async fn user_with_password(&self, sub: &str, org: Uuid, roles: &[Role]) -> String {
        let actor = portfel_store::Actor { sub: "admin".into(), organisation: None, request_id: None };
        let input = portfel_domain::reference::UserInput {
            sub: sub.into(),
            full_name: format!("Користувач {sub}"),
            organisation_id: org,
            roles: roles.to_vec(),
            email: None,
        };
        portfel_store::users::create(self.store.db(), &actor, &input).await.unwrap();
        let password = format!("{sub}-пароль-2026");
        let hash = portfel_web::password::hash(&password).unwrap();
        portfel_store::sessions::set_password(self.store.db(), &actor, sub, &hash).await.unwrap();
        password
    }
}

/// Sends a request and returns its status and body (JSON, or the text as a
/// JSON string): the one way the tests issue requests. [`read`] serves the
/// few that inspect the response's headers first.
pub async fn send(request: RequestBuilder) -> (u16, Value) {
    read(request.send().await.unwrap()).await
}

/// [`send`], with the version of the response's `ETag`.
pub async fn send_tagged(request: RequestBuilder) -> (u16, Option<i32>, Value) {
    let response = request.send().await.unwrap();
    let etag =
        response.headers().get("etag").and_then(|v| v.to_str().ok()).and_then(|v| v.trim_matches('"').parse().ok());
    let (status, body) = read(response).await;
    (status, etag, body)
}

/// `If-Match` on a request, as this API's ETags are written (`"3"`).
pub trait IfMatchExt {
    /// Names the version the write expects.
    fn if_match(self, version: impl std::fmt::Display) -> Self;
    /// Names the version when there is one.
    fn if_match_opt(self, version: Option<i64>) -> Self;
}

impl IfMatchExt for RequestBuilder {
    fn if_match(self, version: impl std::fmt::Display) -> Self {
        self.header("If-Match", format!("\"{version}\""))
    }

    fn if_match_opt(self, version: Option<i64>) -> Self {
        match version {
            Some(v) => self.if_match(v),
            None => self,
        }
    }
}

/// Status and JSON body of a response.
pub async fn read(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Fields named in a problem's `errors`.
pub fn problem_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| a.iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// Reference data every passport test needs.
pub struct World {
    pub org_a: Uuid,
    pub org_b: Uuid,
    pub pim_org: Uuid,
    pub goal: Uuid,
}

impl World {
    /// Creates two executive bodies, a PIM unit and a strategy goal, through the store.
    pub async fn create(app: &TestApp) -> World {
        use portfel_domain::reference::{GoalLevel, OrganisationInput, StrategyDocumentInput, StrategyGoalInput};
        let db = app.store.db();
        let actor = portfel_store::Actor { sub: "admin".into(), organisation: None, request_id: None };
        let mut ids = Vec::new();
        for (name, edrpou) in
            [("Управління освіти", "40000001"), ("КП «Водоканал»", "40000002"), ("Відділ економіки", "40000003")]
        {
            let input = OrganisationInput { name: name.into(), edrpou: edrpou.into(), kind: "localBody".into() };
            ids.push(portfel_store::organisations::create(db, &actor, &input).await.unwrap().meta.id);
        }
        let document = StrategyDocumentInput {
            kind: "communityDevelopmentStrategy".into(),
            title: "Стратегія розвитку громади".into(),
            approved_by: None,
            approved_on: None,
            period_start: 2021,
            period_end: 2030,
        };
        let document = portfel_store::strategy::create_document(db, &actor, &document).await.unwrap();
        let goal = StrategyGoalInput {
            level: GoalLevel::Strategic,
            parent_id: None,
            code: "1".into(),
            title: "Якісна освіта".into(),
        };
        let goal = portfel_store::strategy::create_goal(db, &actor, document.meta.id, &goal).await.unwrap();
        World { org_a: ids[0], org_b: ids[1], pim_org: ids[2], goal: goal.meta.id }
    }

    pub fn initiator_a(&self, app: &TestApp) -> String {
        app.token("ini-a", Some(self.org_a), &[Role::Initiator])
    }

    pub fn initiator_b(&self, app: &TestApp) -> String {
        app.token("ini-b", Some(self.org_b), &[Role::Initiator])
    }

    pub fn pim(&self, app: &TestApp) -> String {
        app.token("pim", Some(self.pim_org), &[Role::PimUnit])
    }
}

/// A passport body that meets every submission rule.
pub fn complete_passport(goal: Uuid) -> Value {
    json!({
        "title": {"uk": "Капітальний ремонт ліцею №3", "en": "Major repair of Lyceum No. 3"},
        "description": {"uk": "Утеплення фасаду, заміна вікон і системи опалення"},
        "problem": "Високі тепловтрати будівлі",
        "goals": ["Зменшити споживання тепла на 40%"],
        "project_type": "rehabilitation",
        "purpose": "development",
        "nature": ["construction"],
        "sector": "ES",
        "balance_holder": {"name": "Управління освіти", "edrpou": "40000001"},
        "locations": [{"katottg": "UA46060250010015970", "address": "вул. Шевченка, 12"}],
        "strategy_goal_ids": [goal],
        "start_year": 2027,
        "duration_years": 2,
        "costs": [
            {"year": 2027, "item": "design", "cost_type": "capex", "amount": "500000.00"},
            {"year": 2028, "item": "construction", "cost_type": "capex", "amount": "9500000.00"}
        ],
        "financing": [
            {"year": 2027, "source": "localBudget", "amount": "500000.00"},
            {"year": 2028, "source": "localBudget", "amount": "1500000.00"},
            {"year": 2028, "source": "stateSubsidies", "amount": "8000000.00"}
        ],
        "readiness": {"design_documentation": "approved", "land": "owned", "state_expertise": "positive",
            "documents": [{"kind": "designDocument", "title": "Робочий проєкт", "date": "2026-03-15"}]},
        "beneficiaries": {"total": 800, "idps": 120},
        "om_cost_per_year": "150000.00",
        "risks": [{"description": "Зростання цін", "likelihood": "medium", "impact": "high"}],
        "cross_cutting": {"energy_efficiency": true, "barrier_free": true},
        "contacts": [{"name": "Олена Коваленко", "email": "o.kovalenko@example.gov.ua"}]
    })
}

/// Creates a passport as `token`; returns (id, version).
pub async fn create_passport(app: &TestApp, token: &str, body: &Value) -> (String, i32) {
    let (s, v, body) = send_tagged(app.req(Method::POST, "/api/v1/passports", token).json(body)).await;
    assert_eq!(s, 201, "[{}] {body}", app.backend);
    (body["id"].as_str().unwrap().to_owned(), v.unwrap())
}

/// Moves a passport; returns (status, new version, body).
pub async fn transition(
    app: &TestApp,
    token: &str,
    id: &str,
    version: i32,
    to: &str,
    reason: Option<&str>,
) -> (u16, Option<i32>, Value) {
    send_tagged(
        app.req(Method::POST, &format!("/api/v1/passports/{id}/transitions"), token)
            .header("If-Match", format!("\"{version}\""))
            .json(&json!({"to": to, "reason": reason})),
    )
    .await
}

/// Registers three experts, evaluates `bodies` (passports of organisation A)
/// in a round under the default methodology and closes it; returns (round
/// id, passport ids).
pub async fn closed_round(app: &TestApp, w: &World, bodies: &[Value]) -> (String, Vec<String>) {
    let methodology = app.caller(w.pim(app)).methodologies().await.unwrap()[0].meta.id;
    let initiator = w.initiator_a(app);
    let passports: Vec<(String, Value)> = bodies.iter().map(|b| (initiator.clone(), b.clone())).collect();
    closed_round_under(app, w, methodology, &passports).await
}

/// Registers three experts, evaluates the passports (each created by its
/// initiator's token) in a round under `methodology` (whose expert criteria
/// are the default's) and closes it; returns (round id, passport ids).
pub async fn closed_round_under(
    app: &TestApp,
    w: &World,
    methodology: Uuid,
    passports: &[(String, Value)],
) -> (String, Vec<String>) {
    let (admin, pim) = (app.caller(app.admin()), app.caller(w.pim(app)));
    let experts = ["exp-1", "exp-2", "exp-3"];
    for sub in experts {
        admin.create_user(sub, w.pim_org, &["expert"]).await.unwrap();
    }
    let mut ids = Vec::new();
    for (token, body) in passports {
        let initiator = app.caller(token.clone());
        let draft = initiator.create_passport(body).await.unwrap_or_else(|r| panic!("[{}] {r:?}", app.backend));
        ids.push(initiator.move_passport(draft.meta.id, draft.meta.version, "submitted").await.unwrap().meta.id);
    }
    let rid = pim.open_round("Раунд", methodology, "2026-12-15").await.unwrap().meta.id;
    pim.add_to_round(rid, 1, &ids).await.unwrap();
    pim.screen(rid, 2).await.unwrap();
    pim.assign(rid, 3, &experts).await.unwrap();
    for (i, id) in ids.iter().enumerate() {
        let score = 1 + (i as i64 % 4);
        let scores: Vec<Value> =
            ["SE1", "SE2", "SE4", "FE1", "FE6"].iter().map(|c| json!({"criterion": c, "score": score})).collect();
        for sub in experts {
            let expert = app.caller(app.token(sub, Some(w.pim_org), &[Role::Expert]));
            expert.declare(rid, *id, false, None).await.unwrap();
            expert.put_scores(rid, *id, &Value::from(scores.clone()), true).await.unwrap();
        }
    }
    pim.close_round(rid, 4, &json!({"trials": 50})).await.unwrap_or_else(|r| panic!("[{}] {r:?}", app.backend));
    (rid.to_string(), ids.iter().map(Uuid::to_string).collect())
}

/// Builds the portfolio of the closed round `rid` (every project), submits it
/// and has the council approve it; returns its id.
pub async fn approved_portfolio(app: &TestApp, w: &World, rid: &str) -> String {
    let (pim, council) = (app.caller(w.pim(app)), app.caller(app.token("council", Some(w.pim_org), &[Role::Council])));
    let draft = pim.build_portfolio(rid, "0").await.unwrap_or_else(|r| panic!("[{}] {r:?}", app.backend));
    let submitted = pim.submit_portfolio(&draft).await.unwrap();
    council.approve_portfolio(&submitted, "7/2026", "2026-11-20").await.unwrap().workflow.id.to_string()
}

/// A DREAM project document for `n`, as DREAM would serve it.
pub fn dream_document(n: usize, updated: &str) -> Value {
    json!({
        "date": "2025-01-10T08:00:00Z", "updated": updated, "type": "construction",
        "title": [{"lang": "uk", "translation": format!("Проєкт DREAM №{n}")}],
        "description": [{"lang": "uk", "translation": "Будівництво"}],
        "purpose": "restoration", "status": "pending", "statusDetails": "initiated",
        "parties": [{"id": "UA-EDR-41000001", "roles": ["initiator"], "identifier": {"scheme": "UA-EDR", "id": "41000001", "legalName": "Громада"}}],
        "approaches": [{"id": "00000000-0000-4000-8000-000000000001", "title": "Варіант",
            "items": [{"id": "00000000-0000-4000-8000-000000000002", "locations": [{"gazetteer": {"scheme": "UA-CATOTTG", "identifiers": ["UA46060250010015970"]}}]}],
            "budget": {"budgetBreakdown": [{"id": "b1", "amount": {"amount": 1000000 + n, "currency": "UAH"}, "period": {"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-12-31T23:59:59Z"}, "classifications": {"costItem": "construction", "costType": "capex"}}],
                       "finance": [{"id": "00000000-0000-4000-8000-000000000003", "value": {"amount": 1000000 + n, "currency": "UAH"}, "period": {"startDate": "2026-01-01T00:00:00Z", "endDate": "2026-12-31T23:59:59Z"}, "financeType": "stateFunds", "financeCategory": "localBudget"}]}}],
        "targets": [{"id": "initiationPhases", "observations": [{"id": "00000000-0000-4000-8000-000000000004", "period": {"durationInDays": 100 + n}, "dimensions": {"phaseCode": "implementation"}}]}]
    })
}
