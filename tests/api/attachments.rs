//! Attached files through HTTP on both databases: uploads streamed and typed
//! by their content, names cleaned, limits, downloads that never render,
//! versions kept for the revisions that had them, frozen owners, and access
//! exactly as the owner's.

use portfel_domain::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::common::{TestApp, UPLOAD_LIMIT, World, complete_passport, create_passport, send, send_tagged};

/// A small but real PDF.
pub fn pdf(text: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% {text}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    .into_bytes()
}

/// A form of `files` (name, bytes), with a DREAM document kind when given.
pub fn form(kind: Option<&str>, files: &[(&str, Vec<u8>)]) -> Form {
    let mut form = Form::new();
    if let Some(kind) = kind {
        form = form.text("kind", kind.to_owned());
    }
    for (name, bytes) in files {
        form = form.part("file", Part::bytes(bytes.clone()).file_name((*name).to_owned()));
    }
    form
}

fn owner(kind: &str, id: &str) -> String {
    format!("/api/v1/attachments?owner_kind={kind}&owner_id={id}")
}

async fn upload(app: &TestApp, token: &str, kind: &str, id: &str, form: Form) -> (u16, Value) {
    send(app.req(Method::POST, &owner(kind, id), token).multipart(form)).await
}

async fn names(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let (s, list) = send(app.req(Method::GET, path, token)).await;
    assert_eq!(s, 200, "[{}] {list}", app.backend);
    list.as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_passport_keeps_its_files_by_content_and_by_revision() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let (id, _) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        // A real DOCX: the passport as its concept, as Portfel writes it.
        let docx = app.req(Method::GET, &format!("/api/v1/passports/{id}/document"), &ini).send().await.unwrap();
        assert_eq!(docx.status(), 200);
        let docx = docx.bytes().await.unwrap().to_vec();
        let estimate = pdf("кошторис");
        let files = [("../../etc/Кошторис.pdf", estimate.clone()), ("C:\\Users\\Олена\\Концепція.docx", docx.clone())];
        let (s, added) = upload(&app, &ini, "passport", &id, form(Some("designDocument"), &files)).await;
        assert_eq!(s, 201, "[{}] {added}", app.backend);
        let got: Vec<(&str, &str, &str, i64)> = added
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["name"].as_str().unwrap(),
                    a["file_type"].as_str().unwrap(),
                    a["kind"].as_str().unwrap(),
                    a["size"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Кошторис.pdf", "pdf", "designDocument", estimate.len() as i64),
                ("Концепція.docx", "docx", "designDocument", docx.len() as i64)
            ],
            "[{}]",
            app.backend
        );
        let pdf_id = added[0]["id"].as_str().unwrap().to_owned();
        use sha2::Digest;
        assert_eq!(added[0]["sha256"], hex::encode(sha2::Sha256::digest(&estimate)));

        // The download: the same bytes, never shown inline.
        let r = app.req(Method::GET, &format!("/api/v1/attachments/{pdf_id}/content"), &ini).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let header = |name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(header("content-type").as_deref(), Some("application/pdf"));
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        let disposition = header("content-disposition").unwrap();
        assert!(disposition.starts_with("attachment; "), "{disposition}");
        assert!(disposition.contains("filename*=UTF-8''%D0%9A%D0%BE%D1%88"), "{disposition}");
        assert_eq!(r.bytes().await.unwrap().to_vec(), estimate);

        // The same content again is kept once.
        let before = app.store.files().hashes().await.unwrap();
        let (s, again) = upload(&app, &ini, "passport", &id, form(None, &[("копія.pdf", estimate.clone())])).await;
        assert_eq!(s, 201, "{again}");
        assert_eq!(again[0]["sha256"], added[0]["sha256"]);
        assert_eq!(app.store.files().hashes().await.unwrap(), before, "[{}] stored once", app.backend);
        let (s, _) =
            send(app.req(Method::DELETE, &format!("/api/v1/attachments/{}", again[0]["id"].as_str().unwrap()), &ini))
                .await;
        assert_eq!(s, 200);

        // The revision the upload made names exactly these files; a replacement makes the next.
        let revision = added[1]["from_revision"].as_i64().unwrap();
        let replaced = form(None, &[("Кошторис, редакція 2.pdf", pdf("кошторис 2"))]);
        let (s, _, new) = send_tagged(
            app.req(Method::POST, &format!("/api/v1/attachments/{pdf_id}/versions"), &ini).multipart(replaced),
        )
        .await;
        assert_eq!(s, 201, "[{}] {new}", app.backend);
        assert_eq!(new["replaces"].as_str(), Some(pdf_id.as_str()));
        let now = names(&app, &ini, &owner("passport", &id)).await;
        assert_eq!(now, ["Концепція.docx", "Кошторис, редакція 2.pdf"], "[{}]", app.backend);
        let then = names(&app, &ini, &format!("{}&revision={revision}", owner("passport", &id))).await;
        assert_eq!(then, ["Кошторис.pdf", "Концепція.docx"], "[{}]", app.backend);
        let all = names(&app, &ini, &format!("{}&history=true", owner("passport", &id))).await;
        assert_eq!(all.len(), 4, "{all:?}");
        // The old version stays readable for the revision that had it; replaced twice, it is refused.
        let old = app.req(Method::GET, &format!("/api/v1/attachments/{pdf_id}/content"), &ini).send().await.unwrap();
        assert_eq!(old.bytes().await.unwrap().to_vec(), estimate);
        let (s, p) = send(
            app.req(Method::POST, &format!("/api/v1/attachments/{pdf_id}/versions"), &ini)
                .multipart(form(None, &[("x.pdf", pdf("x"))])),
        )
        .await;
        assert_eq!((s, p["errors"][0]["code"].as_str()), (409, Some("attachment_gone")), "{p}");

        // Once submitted, the initiator's files are frozen with the passport; the PIM unit may correct them.
        let (_, passport) = send(app.req(Method::GET, &format!("/api/v1/passports/{id}"), &ini)).await;
        let version = passport["version"].as_i64().unwrap();
        let submit = app
            .req(Method::POST, &format!("/api/v1/passports/{id}/submit"), &ini)
            .header("If-Match", format!("\"{version}\""));
        assert_eq!(send(submit).await.0, 200);
        let (s, p) = upload(&app, &ini, "passport", &id, form(None, &[("пізно.pdf", pdf("пізно"))])).await;
        assert_eq!(s, 403, "[{}] {p}", app.backend);
        let (s, _) =
            send(app.req(Method::DELETE, &format!("/api/v1/attachments/{}", new["id"].as_str().unwrap()), &ini)).await;
        assert_eq!(s, 403);
        assert_eq!(names(&app, &ini, &owner("passport", &id)).await, now);
        let pim = w.pim(&app);
        let (s, p) = upload(&app, &pim, "passport", &id, form(None, &[("Експертиза.pdf", pdf("експертиза"))])).await;
        assert_eq!(s, 201, "[{}] {p}", app.backend);
    }
}

#[tokio::test]
async fn uploads_are_refused_by_content_size_and_shape_and_leave_nothing() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let (id, _) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let refused = |s: u16, p: &Value, field: &str, code: &str| {
            assert_eq!(s, 422, "[{}] {p}", app.backend);
            assert_eq!(
                (p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()),
                (Some(field), Some(code)),
                "{p}"
            );
        };
        // A program renamed to .pdf, a page renamed to .pdf: the content decides.
        let exe = [b"MZ\x90\x00\x03".to_vec(), vec![0; 200]].concat();
        let (s, p) = upload(&app, &ini, "passport", &id, form(None, &[("Кошторис.pdf", exe)])).await;
        refused(s, &p, "file", "file_type_refused");
        let html = b"<!doctype html><script>alert(1)</script>".to_vec();
        let (s, p) = upload(&app, &ini, "passport", &id, form(None, &[("a.pdf", pdf("a")), ("b.pdf", html)])).await;
        refused(s, &p, "file[1]", "file_type_refused");
        let (s, p) = upload(&app, &ini, "passport", &id, form(None, &[("порожній.pdf", Vec::new())])).await;
        refused(s, &p, "file", "file_empty");
        let (s, p) = upload(&app, &ini, "passport", &id, form(Some("designDocument"), &[])).await;
        refused(s, &p, "file", "file_required");
        let (s, p) = upload(&app, &ini, "passport", &id, form(Some("poem"), &[("a.pdf", pdf("a"))])).await;
        refused(s, &p, "kind", "invalid_value");
        // Over the limit, declared or not: 413, and no part of it kept.
        let big = [pdf("великий"), vec![b' '; UPLOAD_LIMIT]].concat();
        let (s, p) = upload(&app, &ini, "passport", &id, form(None, &[("великий.pdf", big.clone())])).await;
        assert_eq!((s, p["status"].as_i64()), (413, Some(413)), "[{}] {p}", app.backend);
        let streamed = Part::stream(reqwest::Body::wrap_stream(futures_util::stream::iter(
            big.chunks(64 * 1024).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>(),
        )))
        .file_name("потік.pdf");
        let (s, p) = upload(&app, &ini, "passport", &id, Form::new().part("file", streamed)).await;
        assert_eq!(s, 413, "[{}] {p}", app.backend);
        // Not a form at all.
        let (s, p) =
            send(app.req(Method::POST, &owner("passport", &id), &ini).json(&serde_json::json!({"file": "x"}))).await;
        assert_eq!(s, 415, "{p}");
        // An upload is attached whole or not at all: the PDF sent before the page was not kept either.
        assert!(names(&app, &ini, &owner("passport", &id)).await.is_empty(), "[{}]", app.backend);
        assert!(app.store.files().hashes().await.unwrap().is_empty(), "[{}]", app.backend);
        assert_eq!(app.store.files().sweep().await.unwrap(), 0, "[{}] no upload left a part", app.backend);
    }
}

#[tokio::test]
async fn a_file_is_seen_by_exactly_whoever_sees_its_owner() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let (ini, other, pim) = (w.initiator_a(&app), w.initiator_b(&app), w.pim(&app));
        let expert = app.token("exp-x", Some(w.pim_org), &[Role::Expert]);
        let (id, _) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let (_, added) = upload(&app, &ini, "passport", &id, form(None, &[("a.pdf", pdf("a"))])).await;
        let file = added[0]["id"].as_str().unwrap().to_owned();
        for (who, token) in
            [("another body", &other), ("the PIM unit, on a draft", &pim), ("an expert not assigned", &expert)]
        {
            for path in [
                format!("/api/v1/attachments/{file}"),
                format!("/api/v1/attachments/{file}/content"),
                owner("passport", &id),
            ] {
                let (s, _) = send(app.req(Method::GET, &path, token)).await;
                assert_eq!(s, 403, "[{}] {who}: {path}", app.backend);
            }
            let (s, _) = upload(&app, token, "passport", &id, form(None, &[("b.pdf", pdf("b"))])).await;
            assert_eq!(s, 403, "[{}] {who} uploads", app.backend);
            let (s, _) = send(app.req(Method::DELETE, &format!("/api/v1/attachments/{file}"), token)).await;
            assert_eq!(s, 403, "[{}] {who} removes", app.backend);
        }
        let unknown = uuid::Uuid::now_v7();
        assert_eq!(send(app.req(Method::GET, &format!("/api/v1/attachments/{unknown}/content"), &ini)).await.0, 404);
        assert_eq!(send(app.req(Method::GET, &owner("passport", &unknown.to_string()), &ini)).await.0, 404);
        assert_eq!(send(app.req(Method::GET, "/api/v1/attachments", &ini)).await.0, 400);

        // A programme's documents: kept by the PIM unit, read by everyone who follows programmes.
        let year = chrono::Datelike::year(&chrono::Utc::now());
        let programme = serde_json::json!({
            "title": "Програма розвитку освіти", "decision_number": "5/1", "decision_date": format!("{year}-01-15"),
            "period_start": year, "period_end": year + 1, "responsible": "Управління освіти",
            "sections": [{"number": "1", "title": "Школи", "measures": [{"number": "1.1", "text": "Ремонт",
                "planned": [{"year": year, "source": "localBudget", "amount": "100000.00"}]}]}]
        });
        let (s, p) = send(app.req(Method::POST, "/api/v1/programmes", &pim).json(&programme)).await;
        assert_eq!(s, 201, "{p}");
        let pid = p["id"].as_str().unwrap().to_owned();
        let (s, _) = upload(&app, &ini, "programme", &pid, form(None, &[("рішення.pdf", pdf("рішення"))])).await;
        assert_eq!(s, 403, "[{}] an initiator keeps no programme", app.backend);
        let (s, p) = upload(&app, &pim, "programme", &pid, form(None, &[("рішення.pdf", pdf("рішення"))])).await;
        assert_eq!(s, 201, "[{}] {p}", app.backend);
        assert_eq!(names(&app, &ini, &owner("programme", &pid)).await, ["рішення.pdf"]);
    }
}
