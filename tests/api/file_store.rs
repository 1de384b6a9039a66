//! The file store under failure and across servers: a server killed (SIGKILL)
//! in the middle of an upload leaves no record and no visible file, and
//! `portfel files check --repair` removes the part it left; two servers on
//! one PostgreSQL serve each other's files.

use std::time::Duration;

use crate::attachments::{form, pdf};
use crate::common::process::ServerProcess;
use crate::common::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};

#[tokio::test]
async fn a_server_killed_mid_upload_leaves_nothing_visible() {
    for (backend, url, dir) in backends().await {
        let app = TestApp::start(backend, &url, dir).await;
        let w = World::create(&app).await;
        let ini = w.initiator_a(&app);
        let (id, _) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
        let mut server = ServerProcess::start(&url).await;

        // An upload whose first 3 MB arrive, then nothing: the server is killed while it waits for the rest.
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
        let body = reqwest::Body::wrap_stream(tokio_stream_of(receiver));
        let part = Part::stream(body).file_name("Кошторис.pdf");
        let target = format!("{}/api/v1/attachments?owner_kind=passport&owner_id={id}", server.base);
        let request = tokio::spawn(
            reqwest::Client::new().post(target).bearer_auth(&ini).multipart(Form::new().part("file", part)).send(),
        );
        sender.send(Ok(pdf("початок"))).await.unwrap();
        for _ in 0..3 {
            sender.send(Ok(vec![b' '; 1024 * 1024])).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        server.kill();
        assert!(request.await.unwrap().is_err(), "[{backend}] the upload was cut off");
        drop(sender);

        let (s, listed) =
            send(app.req(Method::GET, &format!("/api/v1/attachments?owner_kind=passport&owner_id={id}"), &ini)).await;
        assert_eq!((s, listed.as_array().map(Vec::len)), (200, Some(0)), "[{backend}] no record");
        assert!(app.store.files().hashes().await.unwrap().is_empty(), "[{backend}] no visible file");
        let found = portfel_store::attachments::check(&app.store, true).await.unwrap();
        assert_eq!((found.missing.len(), found.unreferenced.len()), (0, 0), "[{backend}] {found:?}");
        assert!(found.swept >= 1, "[{backend}] the interrupted upload's part was there, and is gone: {found:?}");
        assert_eq!(app.store.files().sweep().await.unwrap(), 0);

        // Restarted, the server takes the same file whole.
        let server = ServerProcess::start(&url).await;
        let upload = reqwest::Client::new()
            .post(format!("{}/api/v1/attachments?owner_kind=passport&owner_id={id}", server.base))
            .bearer_auth(&ini)
            .multipart(form(None, &[("Кошторис.pdf", pdf("увесь"))]));
        assert_eq!(send(upload).await.0, 201, "[{backend}]");
    }
}

/// A stream of what `receiver` is sent.
fn tokio_stream_of(
    mut receiver: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}

#[tokio::test]
async fn two_servers_on_one_postgresql_serve_each_others_files() {
    let Some((_, url, _)) = backends().await.into_iter().find(|(backend, _, _)| *backend == "postgres") else {
        assert!(std::env::var_os("CI").is_none(), "CI runs the replica test: set DATABASE_URL to a PostgreSQL server");
        eprintln!("skipped: replicas need PostgreSQL (set DATABASE_URL)");
        return;
    };
    let app = TestApp::start("postgres", &url, None).await;
    let w = World::create(&app).await;
    let ini = w.initiator_a(&app);
    let (id, _) = create_passport(&app, &ini, &complete_passport(w.goal)).await;
    let replicas = [ServerProcess::start(&url).await, ServerProcess::start(&url).await];
    let client = reqwest::Client::new();
    // Larger than a chunk, so it is stored and read back in several.
    let content = [pdf("кошторис"), vec![b'7'; 3 * 1024 * 1024 + 17]].concat();
    let upload = client
        .post(format!("{}/api/v1/attachments?owner_kind=passport&owner_id={id}", replicas[0].base))
        .bearer_auth(&ini)
        .multipart(form(Some("designDocument"), &[("Кошторис.pdf", content.clone())]));
    let (s, added) = send(upload).await;
    assert_eq!(s, 201, "{added}");
    let file = added[0]["id"].as_str().unwrap();
    let other = client
        .get(format!("{}/api/v1/attachments/{file}/content", replicas[1].base))
        .bearer_auth(&ini)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    assert_eq!(other.bytes().await.unwrap().to_vec(), content, "the other replica serves the same bytes");
    // Removed through the second, it is gone for the first.
    let removed = client.delete(format!("{}/api/v1/attachments/{file}", replicas[1].base)).bearer_auth(&ini);
    assert_eq!(send(removed).await.0, 200);
    let (_, listed) = send(
        client
            .get(format!("{}/api/v1/attachments?owner_kind=passport&owner_id={id}", replicas[0].base))
            .bearer_auth(&ini),
    )
    .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(0));
}
