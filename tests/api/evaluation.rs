//! An evaluation round end to end through HTTP: 11 projects, 4 experts, the
//! default methodology; screening, assignment with a conflict of interest and
//! a replacement, blind scoring, a disagreement resolved by consensus, a
//! reopened score, closing, results, score cards and sensitivity.

use crate::common::client::Caller;
use crate::common::*;
use portfel_domain::{Role, Status};
use portfel_scoring::round::{Assignment, AssignmentStatus, MethodologyStatus};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

const EXPERT_CRITERIA: [&str; 5] = ["SE1", "SE2", "SE4", "FE1", "FE6"];

fn scores(values: [i64; 5]) -> Value {
    let list: Vec<Value> = EXPERT_CRITERIA
        .iter()
        .zip(values)
        .map(|(c, v)| json!({"criterion": c, "score": v, "justification": if v == 0 || v == 5 { Some("Обґрунтовано у висновку") } else { None }}))
        .collect();
    Value::Array(list)
}

#[tokio::test]
async fn a_round_from_opening_to_results() {
    for app in TestApp::all().await {
        let mut round = RoundAtWork::open(&app).await;
        round.screening_leaves_out_outdated_design().await;
        round.assignment_keeps_experts_off_their_own_organisation().await;
        round.a_declared_conflict_takes_a_replacement().await;
        round.experts_score_blind_and_once().await;
        round.closing_waits_for_consensus_and_reopened_scores().await;
        round.results_rank_card_and_sensitivity().await;
    }
}

/// One round at work: 11 submitted projects (6 of organisation A, 5 of B; the
/// last with outdated design documentation), 5 experts (exp-a of A, the rest of
/// the PIM unit's organisation), the default methodology.
struct RoundAtWork<'a> {
    app: &'a TestApp,
    w: World,
    pim: Caller<'a>,
    id: Uuid,
    ids: Vec<Uuid>,
    assigned: Vec<Assignment>,
    /// The project of organisation A on which exp-1 declares a conflict.
    conflicted: Uuid,
    /// Active (expert, project) pairs once the conflict is replaced.
    active: Vec<(String, Uuid)>,
}

impl<'a> RoundAtWork<'a> {
    async fn open(app: &'a TestApp) -> RoundAtWork<'a> {
        let w = World::create(app).await;
        let (admin, pim) = (app.caller(app.admin()), app.caller(w.pim(app)));
        for sub in ["exp-a", "exp-1", "exp-2", "exp-3", "exp-4"] {
            admin.create_user(sub, if sub == "exp-a" { w.org_a } else { w.pim_org }, &["expert"]).await.unwrap();
        }
        let mut ids = Vec::new();
        for i in 0..11 {
            let initiator = app.caller(if i < 6 { w.initiator_a(app) } else { w.initiator_b(app) });
            let mut body = complete_passport(w.goal);
            body["title"]["uk"] = json!(format!("Проєкт №{i}"));
            if i == 10 {
                body["readiness"]["design_documentation"] = json!("outdated");
            }
            let draft = initiator.create_passport(&body).await.unwrap();
            ids.push(initiator.move_passport(draft.meta.id, draft.meta.version, "submitted").await.unwrap().meta.id);
        }

        // The seeded default methodology is approved and frozen.
        let default = pim.methodologies().await.unwrap().remove(0);
        assert_eq!(default.status, MethodologyStatus::Approved);
        assert!(default.definition.name.contains("не офіційне"));
        let path = format!("/api/v1/methodologies/{}", default.meta.id);
        let definition = serde_json::to_value(&default.definition).unwrap();
        let frozen = pim.call::<Value>(Method::PUT, &path, Some(1), Some(&definition)).await.unwrap_err();
        assert_eq!(frozen.status, 409, "approved methodologies are frozen");

        let round = pim.open_round("Оцінювання 2027", default.meta.id, "2026-12-15").await.unwrap();
        let added = pim.add_to_round(round.meta.id, 1, &ids).await.unwrap();
        assert_eq!(added.len(), 11);
        let (id, assigned, active) = (round.meta.id, Vec::new(), Vec::new());
        RoundAtWork { app, w, pim, id, ids, assigned, conflicted: Uuid::nil(), active }
    }

    fn expert(&self, sub: &str) -> Caller<'a> {
        let org = if sub == "exp-a" { self.w.org_a } else { self.w.pim_org };
        self.app.caller(self.app.token(sub, Some(org), &[Role::Expert]))
    }

    fn index(&self, passport: Uuid) -> usize {
        self.ids.iter().position(|id| *id == passport).unwrap()
    }

    /// Project `index`'s scores (SE1 differs for the disagreement on project 0).
    fn values(index: usize, se1: i64) -> [i64; 5] {
        let base = 1 + index as i64 % 4;
        [se1, base, (base + 1).min(5), 5 - base % 3, 3]
    }

    async fn screening_leaves_out_outdated_design(&mut self) {
        let stale = self.pim.screen(self.id, 1).await.unwrap_err();
        assert_eq!(stale.status, 412, "stale round version");
        let screened = self.pim.screen(self.id, 2).await.unwrap();
        let ineligible: Vec<_> = screened.iter().filter(|p| p.eligible == Some(false)).collect();
        assert_eq!(ineligible.len(), 1);
        assert_eq!(ineligible[0].passport_id, self.ids[10]);
        let gates = ineligible[0].screening.as_ref().unwrap();
        let gates = serde_json::to_value(gates).unwrap();
        assert!(
            gates
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["gate"]["gate"] == "design_documentation_current" && g["reason"].is_string())
        );
    }

    async fn assignment_keeps_experts_off_their_own_organisation(&mut self) {
        self.assigned = self.pim.assign(self.id, 3, &["exp-a", "exp-1", "exp-2", "exp-3"]).await.unwrap();
        assert_eq!(self.assigned.len(), 30);
        for a in &self.assigned {
            assert!(
                !(self.index(a.passport_id) < 6 && a.expert == "exp-a"),
                "an expert of the initiating organisation was assigned"
            );
        }
        let load = |sub: &str| self.assigned.iter().filter(|a| a.expert == sub).count();
        assert_eq!(load("exp-a"), 4, "exp-a takes every project it may");
        assert_eq!(load("exp-1") + load("exp-2") + load("exp-3"), 26);
        assert!(load("exp-1").abs_diff(load("exp-3")) <= 1, "balanced");
    }

    async fn a_declared_conflict_takes_a_replacement(&mut self) {
        // Before declaring, an expert cannot see the passport; a conflict keeps it hidden.
        let on_org_a = |a: &&Assignment| self.index(a.passport_id) < 6;
        self.conflicted = self.assigned.iter().filter(on_org_a).find(|a| a.expert == "exp-1").unwrap().passport_id;
        let e1 = self.expert("exp-1");
        assert_eq!(e1.passport(self.conflicted).await.unwrap_err().status, 403);
        let a = e1.declare(self.id, self.conflicted, true, Some("Мій брат — директор підрядника")).await.unwrap();
        assert_eq!(a.status, AssignmentStatus::Conflict);
        assert_eq!(e1.passport(self.conflicted).await.unwrap_err().status, 403);
        // None of the same experts qualifies (the round version did not move on the refusal); a new one does.
        let pool = ["exp-a", "exp-1", "exp-2", "exp-3"];
        let short = self.pim.assign(self.id, 4, &pool).await.unwrap_err();
        assert_eq!((short.status, short.problem["errors"][0]["code"].as_str()), (422, Some("not_enough_experts")));
        let replacement = self.pim.assign(self.id, 4, &["exp-1", "exp-2", "exp-3", "exp-4"]).await.unwrap();
        let pairs: Vec<_> = replacement.iter().map(|a| (a.passport_id, a.expert.as_str())).collect();
        assert_eq!(pairs, [(self.conflicted, "exp-4")]);
    }

    async fn experts_score_blind_and_once(&mut self) {
        let waiting = self.pim.assignments(self.id).await.unwrap();
        self.active = waiting
            .iter()
            .filter(|a| a.status == AssignmentStatus::AwaitingDeclaration)
            .map(|a| (a.expert.clone(), a.passport_id))
            .collect();
        assert_eq!(self.active.len(), 30);
        assert!(self.active.iter().all(|(sub, pid)| !(sub == "exp-1" && *pid == self.conflicted)));
        // Everyone else declares no conflict and scores; project 0 gets a disagreement on SE1.
        for (n, (sub, pid)) in self.active.iter().enumerate() {
            let expert = self.expert(sub);
            expert.declare(self.id, *pid, false, None).await.unwrap();
            assert!(expert.passport(*pid).await.is_ok(), "an active expert sees the passport");
            let index = self.index(*pid);
            let values = Self::values(index, if index == 0 { [0, 3, 5][n % 3] } else { 1 + index as i64 % 4 });
            if index == 1 && n % 3 == 0 {
                // An extreme score without justification is refused, naming the field.
                let mut bad = scores(values);
                bad[0]["score"] = json!(5);
                bad[0]["justification"] = Value::Null;
                let refused = expert.put_scores(self.id, *pid, &bad, true).await.unwrap_err();
                assert_eq!(
                    (refused.status, problem_fields(&refused.problem)),
                    (422, vec!["scores[0].justification".to_owned()])
                );
                // A draft first: blind, only one's own scores are visible.
                expert.put_scores(self.id, *pid, &scores(values), false).await.unwrap();
                let visible = expert.scores(self.id, *pid).await.unwrap();
                assert_eq!(visible.iter().map(|a| a.expert.as_str()).collect::<Vec<_>>(), [sub.as_str()]);
            }
            let submitted = expert.put_scores(self.id, *pid, &scores(values), true).await;
            assert!(submitted.is_ok(), "[{}] {submitted:?}", self.app.backend);
            let again = expert.put_scores(self.id, *pid, &scores(values), true).await.unwrap_err();
            assert_eq!(again.status, 409, "submitted scores are final");
        }
        // After submitting, an expert sees the others' submitted scores.
        let (sub, pid) = &self.active[0];
        assert_eq!(self.expert(sub).scores(self.id, *pid).await.unwrap().len(), 3);
    }

    async fn closing_waits_for_consensus_and_reopened_scores(&mut self) {
        let version = self.pim.round(self.id).await.unwrap().meta.version;
        let refused = self.pim.close_round(self.id, version, &json!({})).await.unwrap_err();
        assert_eq!(refused.status, 422, "{:?}", refused.problem);
        let codes = refused.problem["errors"].as_array().unwrap().iter().map(|e| e["code"].clone()).collect::<Vec<_>>();
        assert!(codes.contains(&json!("unresolved_disagreement")), "{codes:?}");
        let disagreements = self.pim.disagreements(self.id).await.unwrap();
        let found: Vec<_> = disagreements.iter().map(|d| (d.criterion.as_str(), d.passport_id)).collect();
        assert_eq!(found, [("SE1", self.ids[0])]);
        let note = "Експерти погодили, що проєкт частково відповідає цілі 1.1";
        self.pim.consensus(self.id, self.ids[0], "SE1", note).await.unwrap();

        // The PIM unit reopens one expert's scores; closing waits until the expert submits again.
        let (sub, pid) = self.active[5].clone();
        let reopened = self.pim.reopen(self.id, pid, &sub, "Описка в оцінці FE1").await.unwrap();
        assert!(reopened.submitted_at.is_none());
        let missing = self.pim.close_round(self.id, version, &json!({})).await.unwrap_err();
        assert_eq!(missing.status, 422, "a reopened score is missing: {:?}", missing.problem);
        let index = self.index(pid);
        let values = Self::values(index, 1 + index as i64 % 4);
        self.expert(&sub).put_scores(self.id, pid, &scores(values), true).await.unwrap();
    }

    async fn results_rank_card_and_sensitivity(&mut self) {
        let version = self.pim.round(self.id).await.unwrap().meta.version;
        let closing = json!({"trials": 300, "top_k": 3, "seed": 11});
        let results = self.pim.close_round(self.id, version, &closing).await;
        let results = results.unwrap_or_else(|r| panic!("[{}] {r:?}", self.app.backend));
        let ranking = &results.ranking;
        assert_eq!(ranking.len(), 11);
        assert_eq!(ranking.iter().filter_map(|r| r.rank).collect::<Vec<_>>(), (1..=10).collect::<Vec<_>>());
        assert_eq!((ranking[10].id, ranking[10].rank), (self.ids[10], None));
        assert!(ranking[..10].windows(2).all(|p| p[0].final_score >= p[1].final_score), "{ranking:?}");
        assert_eq!(results.sensitivity.projects.len(), 10);
        assert_eq!(self.pim.passport(self.ids[0]).await.unwrap().status, Status::Evaluated);
        let ineligible = self.pim.passport(self.ids[10]).await.unwrap().status;
        assert_eq!(ineligible, Status::Screening, "ineligible projects wait for the PIM unit's decision");

        // Score cards: typed for the initiator, Markdown for the council, none for another organisation.
        let card = self.app.caller(self.w.initiator_a(self.app)).scorecard(self.id, self.ids[0]).await.unwrap();
        assert_eq!(card.criteria.len(), 11);
        let se1 = card.criteria.iter().find(|c| c.code == "SE1").unwrap();
        assert_eq!((se1.raw_scores.len(), se1.disagreement), (3, true));
        assert!(card.consensus.contains_key("SE1"));
        let points: Decimal = card.criteria.iter().map(|c| c.points).sum();
        assert!((points - card.final_score).abs() < Decimal::new(1, 2));
        let council_token = self.app.token("council", Some(self.w.pim_org), &[Role::Council]);
        let markdown = format!("/api/v1/rounds/{}/projects/{}/scorecard?format=markdown", self.id, self.ids[0]);
        let response = self.app.req(Method::GET, &markdown, &council_token).send().await.unwrap();
        assert_eq!(response.headers()["content-type"], "text/markdown; charset=utf-8");
        let text = response.text().await.unwrap();
        assert!(text.contains("# Картка оцінювання: Проєкт №0") && text.contains("| SE1 "), "{text}");
        let other = self.app.caller(self.w.initiator_b(self.app)).scorecard(self.id, self.ids[0]).await;
        assert_eq!(other.unwrap_err().status, 403, "another organisation's initiator cannot read the card");

        // Sensitivity on demand is reproducible, and its settings are checked.
        let council = self.app.caller(council_token);
        let settings = json!({"trials": 200, "top_k": 3, "seed": 5});
        let a = council.sensitivity(self.id, &settings).await.unwrap();
        assert_eq!(a, council.sensitivity(self.id, &settings).await.unwrap());
        let bad = council.sensitivity(self.id, &json!({"trials": 0})).await.unwrap_err();
        assert_eq!((bad.status, problem_fields(&bad.problem)), (422, vec!["trials".to_owned()]));

        // A closed round is frozen.
        let (sub, pid) = &self.active[0];
        let frozen = self.expert(sub).put_scores(self.id, *pid, &scores([3; 5]), false).await.unwrap_err();
        assert_eq!(frozen.status, 409);
    }
}

#[tokio::test]
async fn methodology_drafts_are_checked_on_approval() {
    for app in TestApp::all().await {
        let pim = app.token("pim", None, &[Role::PimUnit]);
        let (_, list) = send(app.req(Method::GET, "/api/v1/methodologies", &pim)).await;
        let default_id = list[0]["id"].as_str().unwrap().to_owned();
        // A new version starts as a draft copy.
        let (s, draft) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{default_id}/versions"), &pim)).await;
        assert_eq!((s, draft["status"].as_str(), draft["number"].as_i64()), (201, Some("draft"), Some(2)));
        let id = draft["id"].as_str().unwrap().to_owned();
        // Break the weights: approval is refused, naming the group.
        let mut definition = draft["definition"].clone();
        definition["groups"][0]["weight"] = json!("0.6");
        let (s, _) = send(
            app.req(Method::PUT, &format!("/api/v1/methodologies/{id}"), &pim).if_match(1).json(&definition.clone()),
        )
        .await;
        assert_eq!(s, 200);
        let (s, p) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{id}/approve"), &pim).if_match(2)).await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["definition.groups".to_owned()]), "{p}");
        // A round cannot use a draft.
        let (s, p) = send(
            app.req(Method::POST, "/api/v1/rounds", &pim)
                .json(&json!({"name": "x", "methodology_id": id, "deadline": "2026-12-01"})),
        )
        .await;
        assert_eq!((s, problem_fields(&p)), (422, vec!["methodology_id".to_owned()]));
        // Fixed, it approves and freezes.
        definition["groups"][1]["weight"] = json!("0.4");
        let (s, _) =
            send(app.req(Method::PUT, &format!("/api/v1/methodologies/{id}"), &pim).if_match(2).json(&definition))
                .await;
        assert_eq!(s, 200);
        let (s, m) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{id}/approve"), &pim).if_match(3)).await;
        assert_eq!((s, m["status"].as_str(), m["approved_by"].as_str()), (200, Some("approved"), Some("pim")));
        let (s, _) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{id}/approve"), &pim).if_match(4)).await;
        assert_eq!(s, 409);
        // Experts and initiators cannot write methodologies.
        let expert = app.token("e", None, &[Role::Expert]);
        let (s, _) =
            send(app.req(Method::POST, &format!("/api/v1/methodologies/{default_id}/versions"), &expert)).await;
        assert_eq!(s, 403);
    }
}
