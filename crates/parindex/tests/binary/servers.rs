//! Two app servers (the real binary, twice) on one PostgreSQL database, behind nginx configured
//! with the documented `docs/deploy/nginx.conf` over TLS:
//!
//! - both start at once on an empty database and the migrations run once;
//! - a session started through nginx keeps working whichever server answers, including while one
//!   of them is down;
//! - the client's address is the one nginx saw (trust_proxy), and cookies are Secure;
//! - both servers drain the shared outbox and no invitation is sent twice.

#![allow(clippy::unwrap_used)]

use parindex_db::Db;
use parindex_tests::nginx::Nginx;
use parindex_tests::process::{Server, ServerSpec, free_port};
use parindex_tests::smtp::SmtpServer;
use parindex_tests::survey::open_listed_unit;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_parindex");
const NOW: &str = "2023-12-10T09:00:00+07:00";

fn now_ms() -> i64 {
    parindex_domain::Clock::now_ms(&parindex_tests::demo_clock())
}

/// How many e-mails a server's log says it sent.
fn sent_by(server: &Server) -> usize {
    server
        .output()
        .lines()
        .filter(|l| l.contains("outbox round"))
        .filter_map(|l| {
            let i = l.find(" sent=")? + " sent=".len();
            let digits: String = l[i..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_app_servers_behind_nginx_share_sessions_outbox_and_migrations() {
    let url = parindex_tests::empty_pg_database().await;
    let smtp = SmtpServer::start().await;
    smtp.set_delay(Duration::from_millis(40));
    let https_port = free_port().port();
    let origin = format!("https://127.0.0.1:{https_port}");
    let spec = |dir: &std::path::Path| {
        ServerSpec::new(BIN, dir, Some(&url), NOW)
            .env("PARINDEX_SMTP_URL", &smtp.url())
            .env("PARINDEX_MAIL_CONCURRENCY", "4")
            .env("PARINDEX_TRUST_PROXY", "true")
            .env("PARINDEX_SECURE_COOKIES", "true")
            .env("PARINDEX_PUBLIC_ORIGIN", &origin)
    };
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    // Both start at once on an empty database; each applies pending migrations at start-up.
    let (mut a, mut b) = tokio::join!(
        Server::start(spec(dir_a.path())),
        Server::start(spec(dir_b.path()))
    );
    parindex_tests::use_test_audit_key();
    let db = Db::connect(&url).await.unwrap();
    let Db::Postgres(pool, _) = &db else {
        unreachable!()
    };
    let applied: Vec<(i64, bool)> =
        sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(pool)
            .await
            .unwrap();
    let expected = Db::migration_versions(parindex_db::Engine::Postgres);
    assert_eq!(applied.len(), expected.len(), "each migration once");
    assert!(applied.iter().all(|(_, ok)| *ok));
    parindex::demo::seed(&db, now_ms()).await.unwrap();

    let nginx = Nginx::start([a.spec.listen, b.spec.listen], https_port).await;
    let browser = nginx.browser();

    // Plain HTTP is sent to HTTPS.
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/results", nginx.http))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 301);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("https://")
    );

    // Log in through nginx: a Secure cookie, and the address nginx saw is the one recorded.
    let r = browser
        .post(format!("{}/login", nginx.https))
        .form(&[
            ("username", "moha.admin"),
            ("password", parindex::demo::DEMO_PASSWORD),
            ("next", "/home"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", nginx.error_log());
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    parindex_tests::code_step(&browser, &nginx.https, "moha.admin").await;
    let (ip,): (String,) = sqlx::query_as(
        "SELECT ip FROM audit_log WHERE action = 'session.login' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(
        ip, "127.0.0.77",
        "the client's address, from X-Forwarded-For"
    );

    // Requests are spread over both servers, and the session holds on each.
    let home = async |browser: &reqwest::Client| {
        browser
            .get(format!("{}/admin/campaigns", nginx.https))
            .send()
            .await
            .unwrap()
            .status()
    };
    for _ in 0..6 {
        assert_eq!(home(&browser).await, 200);
    }

    // The shared outbox: both servers send, none twice.
    let (_, tokens) = open_listed_unit(&db, "DNG", 40, now_ms(), &nginx.https).await;
    let total = tokens.len() as i64;
    let start = Instant::now();
    while parindex_db::outbox::counts(&db).await.unwrap().sent < total {
        assert!(start.elapsed() < Duration::from_secs(120), "not all sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut copies: HashMap<String, usize> = HashMap::new();
    for m in smtp.received() {
        *copies.entry(m.message_id()).or_default() += 1;
    }
    assert_eq!(copies.len() as i64, total);
    assert!(copies.values().all(|n| *n == 1), "an invitation sent twice");
    let (by_a, by_b) = (sent_by(&a), sent_by(&b));
    assert_eq!((by_a + by_b) as i64, total);
    assert!(by_a > 0 && by_b > 0, "both servers sent: {by_a} and {by_b}");

    // One server down: nginx sends everything to the other, and the session still holds.
    a.kill9();
    for _ in 0..4 {
        let s = home(&browser).await;
        assert_eq!(s, 200, "{}{}", nginx.access_log(), nginx.error_log());
    }
    // A rolling restart as docs/operations.md describes it: once the restarted server is ready, wait
    // twice nginx's fail_timeout (3 s) for nginx to take it back before the other one goes down.
    a.restart().await;
    tokio::time::sleep(Duration::from_millis(6500)).await;
    b.kill9();
    for _ in 0..4 {
        let s = home(&browser).await;
        assert_eq!(s, 200, "{}{}", nginx.access_log(), nginx.error_log());
    }
    b.restart().await;
    // A respondent's link through nginx: the token never reaches nginx's access log.
    let r = reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap()
        .get(format!("{}/s/{}", nginx.https, tokens[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // nginx writes its access line after the answer has gone out: wait for it.
    let start = Instant::now();
    let mut log = nginx.access_log();
    while !log.contains("\"GET /s/...\" 200") && start.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        log = nginx.access_log();
    }
    assert!(log.contains("\"GET /s/...\" 200"), "{log}");
    assert!(
        !tokens.iter().any(|t| log.contains(t.as_str())),
        "a token in the access log"
    );
    let served_by_both = nginx
        .access_log()
        .lines()
        .filter(|l| l.contains("GET /admin/campaigns"))
        .count();
    assert!(served_by_both >= 14);
    // Stopping nginx stops its worker too: nothing is left listening after the test.
    drop(browser);
    drop(nginx);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", https_port)).is_err(),
        "an nginx process still listens on {https_port} after the test"
    );
    println!(
        "two app servers behind nginx (TLS) on one PostgreSQL: {} migrations applied once; \
         {total} invitations sent, {by_a} by one server and {by_b} by the other, 0 twice; \
         the session held with either server down",
        applied.len()
    );
}
