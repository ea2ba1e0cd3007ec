//! The outbox worker this process runs: SMTP when `smtp_url` is set, otherwise `.eml` files in
//! `data_dir/outbox` (so a demo's invitations can be opened in any mail program).

use crate::settings::Settings;
use parindex_db::Db;
use parindex_domain::Clock;
use parindex_mail::transport::parse_from;
use parindex_mail::{Transport, Worker, WorkerSettings};
use std::sync::Arc;
use std::time::Duration;

pub fn transport(settings: &Settings) -> anyhow::Result<Transport> {
    let url = settings.smtp_url.trim();
    if url.is_empty() {
        Ok(Transport::files(settings.data_dir.join("outbox"))?)
    } else {
        let pool = u32::try_from(settings.mail_concurrency.max(1)).unwrap_or(8);
        Transport::smtp(url, pool, Duration::from_secs(30)).map_err(anyhow::Error::msg)
    }
}

/// This server's name in outbox leases: host name and the port it listens on. It stays the same when
/// the server restarts, so a restarted server takes back what it had claimed; and no two running
/// servers share it, since only one process can hold a port.
pub fn owner(listening: std::net::SocketAddr) -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "parindex".into());
    format!("{host}:{listening}")
}

pub fn worker(
    settings: &Settings,
    db: Db,
    clock: Arc<dyn Clock>,
    listening: std::net::SocketAddr,
) -> anyhow::Result<Worker> {
    named_worker(settings, db, clock, owner(listening))
}

/// The same worker under another name in leases (a command that sends without serving).
pub fn named_worker(
    settings: &Settings,
    db: Db,
    clock: Arc<dyn Clock>,
    owner: String,
) -> anyhow::Result<Worker> {
    let from = parse_from(&settings.mail_from).map_err(anyhow::Error::msg)?;
    let concurrency = settings.mail_concurrency.max(1);
    let ws = WorkerSettings {
        // A few rounds of sending per claim: enough to keep every connection busy, small enough
        // that several app servers share a large queue and a crash leaves few claims behind.
        batch: i64::try_from(concurrency * 4).unwrap_or(64),
        concurrency,
        rate_per_second: settings.mail_rate,
        ..WorkerSettings::default()
    };
    Ok(Worker::new(
        db,
        transport(settings)?,
        from,
        clock,
        owner,
        ws,
    ))
}
