//! Starting and stopping the HTTP server.

use std::sync::Arc;

use std::time::Duration;

use anyhow::Context;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use portfel_api::state::Timeouts;
use portfel_api::{AppState, JwtSettings};
use portfel_store::Store;
use tower::ServiceExt;

use crate::config::Config;

/// Token settings from configuration.
pub fn jwt_settings(config: &Config) -> anyhow::Result<JwtSettings> {
    Ok(JwtSettings {
        secret: config.jwt_secret()?,
        previous_secret: config.jwt_previous_secret()?,
        issuer: config.jwt_issuer.clone(),
        audience: config.jwt_audience.clone(),
    })
}

/// The handlers' state for `config` over `store`.
pub fn app_state(config: &Config, store: Store) -> anyhow::Result<AppState> {
    Ok(AppState {
        store,
        jwt: Arc::new(jwt_settings(config)?),
        body_limit: config.body_limit,
        upload_limit: config.upload_limit,
        public_url: config.public_url(),
        timeouts: Timeouts {
            body: Duration::from_secs(config.body_timeout_seconds),
            request: Duration::from_secs(config.request_timeout_seconds),
        },
        expost_after_days: config.expost_after_days,
    })
}

/// Connects and migrates the database named in `config`.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    Store::connect_with_files(&config.database_url, &config.files_at())
        .await
        .with_context(|| format!("opening the database at {}", redact(&config.database_url)))
}

/// Largest header section the HTTP layer reads; the application refuses
/// sections over [`portfel_api::limits::MAX_HEADER_BYTES`] with a problem
/// document, and only larger ones get the HTTP layer's bare 431.
const HTTP_READ_BUFFER: usize = 2 * 1024 * 1024;

/// Serves the API until SIGTERM or Ctrl-C, then drains in-flight requests.
pub async fn serve(config: &Config, store: Store) -> anyhow::Result<()> {
    let state = app_state(config, store.clone())?;
    let mailer = match config.mail_settings()? {
        Some(settings) => Some(portfel_api::mail::Mailer::new(&settings).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let listener =
        tokio::net::TcpListener::bind(&config.bind).await.with_context(|| format!("binding {}", config.bind))?;
    tracing::info!(address = %listener.local_addr()?, docs = "/docs", "Portfel is listening");
    let connections =
        Connections { header_timeout: Duration::from_secs(config.header_timeout_seconds), max: config.max_connections };
    let (main, metrics) = routers(config, state.clone());
    let metrics = match (&config.metrics_bind, metrics) {
        (Some(bind), Some(router)) => {
            let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("binding {bind}"))?;
            tracing::info!(address = %listener.local_addr()?, "metrics are served at /metrics");
            Some((listener, router))
        }
        _ => None,
    };
    let serve_metrics = async {
        if let Some((listener, router)) = metrics {
            run(listener, router, connections, shutdown_signal()).await;
        }
    };
    // Each replica holds the reminders' lease under a name of its own.
    let holder = uuid::Uuid::now_v7().to_string();
    let every = Duration::from_secs(60 * u64::from(config.remind_every_minutes.max(1)));
    let remind = portfel_api::reminders::run(state.clone(), holder, every, shutdown_signal());
    let send_mail = async {
        if let Some(mailer) = mailer {
            tracing::info!("e-mail notices are sent");
            mailer.run(store.clone(), shutdown_signal()).await;
        }
    };
    tokio::join!(run(listener, main, connections, shutdown_signal()), serve_metrics, send_mail, remind);
    store.close().await?;
    tracing::info!("stopped");
    Ok(())
}

/// The API at `/api/v1` (with its documentation) and the web workspace at
/// `/` (a browser gets its errors outside the API as Ukrainian pages), with
/// the security headers ([`portfel_api::headers`]) on every answer,
/// every request counted and timed for the metrics.
pub fn app(state: AppState, web: portfel_web::WebSettings) -> axum::Router {
    let https = web.cookie_secure;
    let app = portfel_api::app(state.clone())
        .merge(portfel_web::router(state, web))
        .layer(axum::middleware::from_fn(portfel_web::browser_errors));
    portfel_api::headers::secure(app, https).layer(axum::middleware::from_fn(portfel_api::metrics::track))
}

/// The server's routes as configured: the application, with `/metrics` behind
/// the metrics token when one is set; and `/metrics` alone, open, for the
/// separate metrics address when one is set.
pub fn routers(config: &Config, state: AppState) -> (axum::Router, Option<axum::Router>) {
    let mut main = app(state.clone(), config.web());
    if let Some(token) = &config.metrics_token {
        main = main.merge(portfel_api::metrics::router(state.clone(), Some(token.expose_str().to_owned())));
    }
    let separate = config.metrics_bind.as_ref().map(|_| portfel_api::metrics::router(state, None));
    (main, separate)
}

/// How the server treats connections.
#[derive(Debug, Clone, Copy)]
pub struct Connections {
    /// Time a client has to send a request's headers: a connection whose
    /// first request head has not arrived by then is closed, and so is one
    /// idle that long between requests.
    pub header_timeout: Duration,
    /// Most connections served at once; the next waits in the listen queue
    /// until one ends.
    pub max: usize,
}

/// Serves `app` on `listener` until `shutdown` completes, then waits for the
/// connections in flight (see [`Connections`]); the HTTP layer reads at most
/// [`HTTP_READ_BUFFER`] of a request's headers.
pub async fn run(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    connections: Connections,
    shutdown: impl Future<Output = ()>,
) {
    let header_timeout = connections.header_timeout;
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout).max_buf_size(HTTP_READ_BUFFER);
    builder.http2().timer(TokioTimer::new()).max_header_list_size(HTTP_READ_BUFFER as u32);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(connections.max));
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot.expect("the connection slots are never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Set once the connection's first request head has arrived.
        let started = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seen = Arc::clone(&started);
        // The client's address, for the sign-in throttle.
        let service = TowerToHyperService::new(app.clone().map_request(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                seen.store(true, std::sync::atomic::Ordering::Relaxed);
                req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                req
            },
        ));
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _slot = slot;
            tokio::pin!(connection);
            // Before its first request the HTTP layer's own header timer may not
            // run yet (the protocol is still being detected): the deadline here
            // closes a connection that never sends one.
            let ended = match tokio::time::timeout(header_timeout, &mut connection).await {
                Ok(ended) => ended,
                Err(_) if !started.load(std::sync::atomic::Ordering::Relaxed) => {
                    tracing::debug!(%peer, "closed a connection that sent no request");
                    return;
                }
                Err(_) => connection.await,
            };
            if let Err(e) = ended {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// A database URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}
