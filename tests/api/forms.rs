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
        let password = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
        let mut b = Browser::new(&app);
        b.sign_in("ini-a", &password).await;
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
        let password = app.user_with_password("ini-a", w.org_a, &[Role::Initiator]).await;
        let mut b = Browser::new(&app);
        b.sign_in("ini-a", &password).await;
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
