//! Logs (text, or JSON on request; secret tokens redacted from every line) and the Prometheus metrics listener on its own port.

use tracing_subscriber::EnvFilter;

pub fn init_logs(format: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(crate::log_redact::Redacting(std::io::stderr));
    let result = if format == "json" {
        builder.json().with_current_span(false).try_init()
    } else {
        builder.try_init()
    };
    // A second initialisation (tests) keeps the first subscriber.
    let _ = result;
}

/// Serves `/metrics` on `addr`; an empty address turns metrics off.
pub fn init_metrics(addr: &str) -> anyhow::Result<()> {
    if addr.trim().is_empty() {
        return Ok(());
    }
    let sock: std::net::SocketAddr = addr.parse()?;
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .with_http_listener(sock)
        .install()?;
    Ok(())
}
