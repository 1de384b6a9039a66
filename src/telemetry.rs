//! Traces to OpenTelemetry, built in with the cargo feature `otel` (off by
//! default). With it, and `OTEL_EXPORTER_OTLP_ENDPOINT` set, every span (each
//! HTTP request with its method, path and request id, and what it logs) is
//! exported over OTLP/HTTP in batches; the service is named by
//! `OTEL_SERVICE_NAME`, `portfel` by default. Without the feature, or without
//! an endpoint, nothing is exported.

use tracing_subscriber::{Layer, Registry};

/// What is logged and traced unless `RUST_LOG` says otherwise for the logs:
/// information and above, with the database driver's statements only as warnings.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn";

/// A boxed layer of the log subscriber.
pub type BoxedLayer = Box<dyn Layer<Registry> + Send + Sync>;

/// Flushes the spans not yet exported when dropped (at the end of `main`).
pub struct Guard {
    #[cfg(feature = "otel")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        #[cfg(feature = "otel")]
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("traces could not all be exported: {e}");
        }
    }
}

/// The layer exporting spans, when built in and configured.
#[cfg(feature = "otel")]
pub fn layer() -> anyhow::Result<(Option<BoxedLayer>, Guard)> {
    use opentelemetry::trace::TracerProvider as _;
    if std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_none() {
        return Ok((None, Guard { provider: None }));
    }
    crate::dream_sync::install_tls();
    // The exporter's blocking HTTP client must be built outside the async runtime.
    let exporter = std::thread::spawn(|| opentelemetry_otlp::SpanExporter::builder().with_http().build())
        .join()
        .map_err(|_| anyhow::anyhow!("building the OTLP exporter panicked"))??;
    let mut resource = opentelemetry_sdk::Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name("portfel");
    }
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource.build())
        .build();
    let layer = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("portfel"))
        .with_filter(tracing_subscriber::EnvFilter::new(DEFAULT_FILTER))
        .boxed();
    Ok((Some(layer), Guard { provider: Some(provider) }))
}

/// Without the `otel` feature: no layer.
#[cfg(not(feature = "otel"))]
pub fn layer() -> anyhow::Result<(Option<BoxedLayer>, Guard)> {
    Ok((None, Guard {}))
}
