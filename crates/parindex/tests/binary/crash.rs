//! Crash safety: the real `parindex` binary is killed with SIGKILL (`kill -9`, no shutdown code runs)
//! in the middle of the work that must not be lost, and started again on the same database, on SQLite
//! and on PostgreSQL:
//!
//! - while 64 respondents submit at once: every submission the server acknowledged is stored, and the
//!   others resume from their links and submit once;
//! - while a 10,000-row respondent list is being written: the list is all there or not at all;
//! - while the outbox sends invitations: after the restart every invitation is delivered, and any
//!   message sent again carries the Message-ID of the first copy.
//!
//! Each test prints its figures (`cargo test -p parindex --test binary -- crash:: --nocapture`).

#![allow(clippy::unwrap_used)]

use parindex_db::{Db, survey};
use parindex_tests::process::{Server, ServerSpec};
use parindex_tests::smtp::SmtpServer;
use parindex_tests::survey::{answer_at, open_listed_unit};
use parindex_tests::{Engine, fresh_db, log_in_at, on_both_engines};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_parindex");
/// The server's clock: the demo's "now", when the list deadline and the survey are both open.
const NOW: &str = "2023-12-10T09:00:00+07:00";

fn now_ms() -> i64 {
    parindex_domain::Clock::now_ms(&parindex_tests::demo_clock())
}

async fn seeded(engine: Engine) -> parindex_tests::TestDb {
    let db = fresh_db(engine).await;
    parindex::demo::seed(&db, now_ms()).await.unwrap();
    db
}

async fn wait_until(what: &str, within: Duration, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn completed(db: &Db, token: &str) -> bool {
    survey::by_token(db, token)
        .await
        .unwrap()
        .unwrap()
        .completed_at
        .is_some()
}

async fn acknowledged_submissions_survive_kill_9(engine: Engine) {
    let db = seeded(engine).await;
    let data = tempfile::tempdir().unwrap();
    let spec = ServerSpec::new(BIN, data.path(), Some(&db.url), NOW);
    let (_, tokens) = open_listed_unit(&db, "DNG", 20, now_ms(), &spec.base()).await;
    assert!(tokens.len() >= 64, "{} links", tokens.len());
    let tokens: Vec<String> = tokens.into_iter().take(64).collect();
    let mut server = Server::start(spec).await;
    let base = server.base();

    // 64 respondents answer and submit at once, each in a browser of their own.
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut tasks = tokio::task::JoinSet::new();
    for token in tokens.clone() {
        let (db, base, acked) = (db.db.clone(), base.clone(), acked.clone());
        tasks.spawn(async move {
            let client = parindex_tests::browser(&base);
            let link = format!("/s/{token}");
            if let Ok(s) = answer_at(&db, &base, &client, &link, |_| "B".into()).await
                && s == 200
            {
                acked.lock().unwrap().push(token);
            }
        });
    }
    // Killed once a quarter of them were told "thank you".
    wait_until(
        "16 acknowledged submissions",
        Duration::from_secs(120),
        async || acked.lock().unwrap().len() >= 16,
    )
    .await;
    server.kill9();
    while tasks.join_next().await.is_some() {}
    let acked = acked.lock().unwrap().clone();

    server.restart().await;
    let mut lost = 0;
    for t in &acked {
        if !completed(&db, t).await {
            lost += 1;
        }
    }
    let mut stored_unacked = 0;
    for t in tokens.iter().filter(|t| !acked.contains(t)) {
        if completed(&db, t).await {
            stored_unacked += 1;
        }
    }
    assert_eq!(lost, 0, "acknowledged but lost after kill -9");

    // The others come back to the same link, resume and submit once.
    let client_for = |_: &str| parindex_tests::browser(&base);
    let mut resumed = 0;
    for t in tokens.iter().filter(|t| !acked.contains(t)) {
        let status = answer_at(&db, &base, &client_for(t), &format!("/s/{t}"), |_| {
            "B".into()
        })
        .await
        .unwrap();
        if completed(&db, t).await && (status == 200 || status == 409) {
            resumed += 1;
        }
    }
    assert_eq!(acked.len() + resumed, 64);
    let responses = db
        .scalar("SELECT COUNT(*) FROM survey_invitations WHERE completed_at IS NOT NULL")
        .await;
    assert_eq!(responses, 64, "each of the 64 links submitted exactly once");
    let v = parindex_db::audit::verify(&db).await.unwrap();
    assert!(
        v.first_break.is_none(),
        "audit chain broken after the crash"
    );
    println!(
        "{engine:?}: kill -9 with 64 respondents submitting: {} acknowledged before the kill, {lost} of them lost; \
         {stored_unacked} stored but not acknowledged; {resumed} resumed from their links after the restart",
        acked.len()
    );
}

/// A 10,000-row CSV for Quảng Ninh (written by openpyxl, see tests/fixtures/respondents/).
const LARGE_CSV: &[u8] = include_bytes!("../../../../tests/fixtures/respondents/large.csv");

async fn import(
    client: &reqwest::Client,
    base: &str,
    unit: parindex_domain::UnitId,
) -> reqwest::Result<u16> {
    let r = client
        .post(format!("{base}/unit/{unit}/respondents/import"))
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(LARGE_CSV.to_vec()).file_name("large.csv"),
        ))
        .send()
        .await?;
    Ok(r.status().as_u16())
}

async fn a_killed_import_is_all_or_nothing(engine: Engine) {
    let db = seeded(engine).await;
    let data = tempfile::tempdir().unwrap();
    let spec = ServerSpec::new(BIN, data.path(), Some(&db.url), NOW);
    let mut server = Server::start(spec).await;
    let qni = parindex_tests::demo_unit_id(&db, "QNI").await;
    let people = async || {
        parindex_db::respondents::people(&db, qni)
            .await
            .unwrap()
            .len()
    };
    let audit_entries = async || {
        db.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'respondents.import'")
            .await
    };

    // Three kills, each at another moment of the write transaction: as soon as the server says it
    // is writing, then a little and a lot later.
    let mut outcomes = Vec::new();
    for pause_ms in [0u64, 40, 150] {
        let before = audit_entries().await;
        let officer = log_in_at(&server.base(), "qni.canbo", parindex::demo::DEMO_PASSWORD).await;
        let base = server.base();
        let upload = tokio::spawn(async move { import(&officer, &base, qni).await });
        let writes_before = server
            .output()
            .matches("respondent import: writing")
            .count();
        wait_until(
            "the import's write transaction",
            Duration::from_secs(120),
            async || {
                server
                    .output()
                    .matches("respondent import: writing")
                    .count()
                    > writes_before
            },
        )
        .await;
        tokio::time::sleep(Duration::from_millis(pause_ms)).await;
        server.kill9();
        let answered = upload.await.unwrap();
        server.restart().await;
        let n = people().await;
        let committed = audit_entries().await > before;
        assert!(
            n == 0 || n == 10_000,
            "{engine:?}: {n} rows after a kill -9 {pause_ms} ms into the write"
        );
        assert_eq!(committed, n == 10_000, "the audit entry goes with the rows");
        outcomes.push(format!(
            "{pause_ms} ms: {n} rows{}",
            if answered.is_ok() {
                ", answered before the kill"
            } else {
                ""
            }
        ));
        if n == 10_000 {
            break;
        }
    }
    // After the crashes the same file imports whole, once.
    if people().await == 0 {
        let officer = log_in_at(&server.base(), "qni.canbo", parindex::demo::DEMO_PASSWORD).await;
        assert_eq!(import(&officer, &server.base(), qni).await.unwrap(), 303);
    }
    assert_eq!(people().await, 10_000);
    let v = parindex_db::audit::verify(&db).await.unwrap();
    assert!(
        v.first_break.is_none(),
        "audit chain broken after the crash"
    );
    println!(
        "{engine:?}: kill -9 during a 10,000-row import's write: {}; never half-applied",
        outcomes.join("; ")
    );
}

async fn the_outbox_resumes_after_kill_9_without_losing_an_email(engine: Engine) {
    let db = seeded(engine).await;
    let smtp = SmtpServer::start().await;
    smtp.set_delay(Duration::from_millis(20));
    let data = tempfile::tempdir().unwrap();
    let spec = ServerSpec::new(BIN, data.path(), Some(&db.url), NOW)
        .env("PARINDEX_SMTP_URL", &smtp.url())
        .env("PARINDEX_MAIL_CONCURRENCY", "8");
    let (_, tokens) = open_listed_unit(&db, "DNG", 60, now_ms(), &spec.base()).await;
    let total = tokens.len();
    assert!(total >= 200, "{total} invitations");
    let mut server = Server::start(spec).await;

    // Killed three times while sending: at a fifth, at half and at four fifths of the way.
    let mut at_kill = Vec::new();
    for share in [0.2, 0.5, 0.8] {
        let target = (total as f64 * share) as usize;
        wait_until("sending", Duration::from_secs(120), async || {
            smtp.received().len() >= target
        })
        .await;
        server.kill9();
        at_kill.push(smtp.received().len());
        server.restart().await;
    }
    let resumed = Instant::now();
    wait_until(
        "every invitation sent after the restarts",
        Duration::from_secs(120),
        async || parindex_db::outbox::counts(&db).await.unwrap().sent == total as i64,
    )
    .await;
    let counts = parindex_db::outbox::counts(&db).await.unwrap();
    assert_eq!((counts.queued, counts.failed), (0, 0));

    let received = smtp.received();
    let mut copies: HashMap<String, usize> = HashMap::new();
    for m in &received {
        *copies.entry(m.message_id()).or_default() += 1;
    }
    let links: std::collections::HashSet<String> = received
        .iter()
        .filter_map(|m| {
            let text = m.text();
            tokens.iter().find(|t| text.contains(t.as_str())).cloned()
        })
        .collect();
    let lost = total - links.len();
    let duplicates = received.len() - copies.len();
    assert_eq!(lost, 0, "invitations never delivered");
    assert_eq!(copies.len(), total, "one Message-ID per invitation");
    // A duplicate can only be a message the relay accepted in the instant before a kill, before the
    // server recorded it: at most the messages in flight (8) per kill.
    assert!(
        duplicates <= 3 * 8,
        "{duplicates} duplicates is more than was in flight"
    );
    println!(
        "{engine:?}: kill -9 at {at_kill:?} of {total} invitations sent: {lost} lost, {duplicates} sent twice \
         (same Message-ID); the rest delivered {} ms after the last restart",
        resumed.elapsed().as_millis()
    );
}

on_both_engines!(
    acknowledged_submissions_survive_kill_9,
    a_killed_import_is_all_or_nothing,
    the_outbox_resumes_after_kill_9_without_losing_an_email,
);
