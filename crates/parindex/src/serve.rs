//! Starting the web server: database, migrations, metrics, and graceful shutdown (and, built with
//! the `demo` feature, the demo campaign; see `demo_serve`).

use crate::settings::Settings;
use parindex_db::Db;
use parindex_domain::Clock;
use parindex_web::AppState;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

pub struct Options {
    pub migrate: bool,
    /// The demo campaign, its simulation and a simulated clock (built with the `demo` feature only).
    #[cfg(feature = "demo")]
    pub demo: crate::demo_serve::Options,
}

/// Opens the database named by the settings, creating the data folder for SQLite.
/// The audit key is loaded first: nothing is recorded without it.
pub async fn open_db(settings: &Settings) -> anyhow::Result<Db> {
    let url = settings.database();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir)?;
    }
    crate::audit_key::load(settings)?;
    Ok(Db::connect(&url).await?)
}

pub async fn run(settings: Settings, opts: Options) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let db = open_db(&settings).await?;
    if opts.migrate {
        db.migrate().await?;
    }
    parindex_db::audit::check_key(&db).await?;
    #[cfg(feature = "demo")]
    let demo = opts.demo.prepare(&db).await?;
    #[cfg(feature = "demo")]
    let clock = demo.clock.clone();
    #[cfg(not(feature = "demo"))]
    let clock: Arc<dyn Clock> = Arc::new(parindex_domain::SystemClock);
    if let Err(e) = crate::telemetry::init_metrics(&settings.metrics_listen) {
        tracing::warn!(error = %e, addr = %settings.metrics_listen, "metrics listener not started");
    }
    let files = settings.files()?;
    let listener = TcpListener::bind(&settings.listen).await?;
    let addr = listener.local_addr()?;
    #[cfg(feature = "demo")]
    let web = demo.with_origin(settings.web(), addr);
    #[cfg(not(feature = "demo"))]
    let web = settings.web();
    if web.public_origin.is_none() {
        tracing::warn!(
            "public_origin is not set: survey invitations, reminders and resends are refused until it is"
        );
        eprintln!(
            "warning: public_origin is not set, so no survey e-mail can be sent: their links need the address \
             respondents reach this server at. Set public_origin = \"https://…\" in the settings \
             (or PARINDEX_PUBLIC_ORIGIN)."
        );
    }
    let state = AppState::new(db.clone(), clock.clone(), web, files);
    spawn_housekeeping(db.clone(), clock.clone());
    spawn_gauges(db.clone(), clock.clone());
    spawn_detection(db.clone(), clock.clone());
    spawn_reminders(state.clone());
    let (stop_mail, mail_stopped) = tokio::sync::watch::channel(false);
    let mailer = crate::mail::worker(&settings, db.clone(), clock.clone(), addr)?;
    let mail_task = tokio::spawn(mailer.run(mail_stopped));
    tracing::info!(%addr, database = %crate::settings::redact_url(&settings.database()), ready_in_ms = started.elapsed().as_millis() as u64, "parindex is listening");
    println!(
        "parindex is ready at http://{addr}/ ({} ms)",
        started.elapsed().as_millis()
    );
    #[cfg(feature = "demo")]
    demo.started(db.clone(), addr);
    let app = parindex_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    let _ = stop_mail.send(true);
    let _ = mail_task.await;
    db.close().await;
    Ok(())
}

/// Hourly: drop expired sessions and login failures older than a day.
fn spawn_housekeeping(db: Db, clock: Arc<dyn Clock>) {
    spawn_audit_checkpoints(db.clone(), clock.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let now = clock.now_ms();
            if let Err(e) = parindex_db::sessions::purge_expired(&db, now).await {
                tracing::warn!(error = %e, "session purge failed");
            }
            if let Err(e) = parindex_db::throttle::purge(&db, now - 24 * 3_600_000).await {
                tracing::warn!(error = %e, "login-failure purge failed");
            }
        }
    });
}

/// Every hour, from an hour after start, the audit head is mailed to MoHA's administrators if a day
/// has passed since the last checkpoint (one server sends it; the others find it sent).
fn spawn_audit_checkpoints(db: Db, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        let hour = std::time::Duration::from_secs(3600);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + hour, hour);
        loop {
            tick.tick().await;
            match crate::audit_checkpoint::send(&db, clock.now_ms()).await {
                Ok(Some(c)) => {
                    tracing::info!(
                        seq = c.seq,
                        recipients = c.recipients,
                        "audit checkpoint mailed"
                    )
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "audit checkpoint failed"),
            }
        }
    });
}

/// Every hour, from a minute after start: the deadline reminders due to units (each goes once,
/// whichever server decides it).
fn spawn_reminders(state: AppState) {
    tokio::spawn(async move {
        let hour = std::time::Duration::from_secs(3600);
        let start = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut tick = tokio::time::interval_at(start, hour);
        loop {
            tick.tick().await;
            match parindex_web::service::reminders::run(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "deadline reminders queued"),
                Err(e) => tracing::warn!(error = %e, "deadline reminders failed"),
            }
        }
    });
}

/// Every 30 seconds, gauges for alerting: whether the database answers, and the e-mails waiting
/// to be sent with the age of the oldest (a relay that refuses or is down shows as a growing age).
fn spawn_gauges(db: Db, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        loop {
            tick.tick().await;
            let up = db.ping().await.is_ok();
            metrics::gauge!("parindex_database_up").set(if up { 1.0 } else { 0.0 });
            if !up {
                continue;
            }
            if let Ok(c) = parindex_db::outbox::counts(&db).await {
                metrics::gauge!("parindex_outbox_queued").set(c.queued as f64);
            }
            if let Ok(oldest) = parindex_db::outbox::oldest_queued(&db).await {
                let age = oldest.map_or(0, |at| (clock.now_ms() - at).max(0) / 1000);
                metrics::gauge!("parindex_outbox_oldest_queued_seconds").set(age as f64);
            }
        }
    });
}

/// Every minute: interference detection for each campaign where it is due (while surveys are open,
/// every interval when new responses came in; once more after the answer deadline). On PostgreSQL
/// only one app server at a time runs it.
fn spawn_detection(db: Db, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            let ctx = parindex_db::Ctx::system(clock.now_ms());
            let tick = parindex_db::integrity::tick(&db, &ctx);
            // With several app servers, one runs it; the others skip this minute.
            match parindex_db::exclusive::run(&db, parindex_db::exclusive::DETECTION, tick).await {
                Ok(None) => {}
                Ok(Some(runs)) => {
                    for r in runs {
                        tracing::info!(kind = %r.kind, responses = r.responses, flagged = r.flagged, duration_ms = r.duration_ms, "interference detection ran");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "interference detection failed"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
