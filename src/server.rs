//! Starting and stopping the HTTP server.

use std::sync::Arc;

use anyhow::Context;
use portfel_api::{AppState, JwtSettings};
use portfel_store::Store;

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

/// Connects and migrates the database named in `config`.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    Store::connect(&config.database_url)
        .await
        .with_context(|| format!("opening the database at {}", redact(&config.database_url)))
}

/// Serves the API until SIGTERM or Ctrl-C, then drains in-flight requests.
pub async fn serve(config: &Config, store: Store) -> anyhow::Result<()> {
    let state = AppState { store: store.clone(), jwt: Arc::new(jwt_settings(config)?), body_limit: config.body_limit };
    let listener =
        tokio::net::TcpListener::bind(&config.bind).await.with_context(|| format!("binding {}", config.bind))?;
    tracing::info!(address = %listener.local_addr()?, docs = "/docs", "Portfel is listening");
    axum::serve(listener, portfel_api::app(state)).with_graceful_shutdown(shutdown_signal()).await?;
    store.close().await?;
    tracing::info!("stopped");
    Ok(())
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
