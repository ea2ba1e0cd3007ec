//! The backup and restore drill, and the move from SQLite to PostgreSQL, with the real binary.
//!
//! A campaign is run to a published result through the real pages (the demo simulation). Then:
//! `parindex backup` while the server runs; `parindex restore` on a "fresh machine" (an empty data
//! folder, or an empty PostgreSQL database); and the restored copy is compared with the original:
//! every table's row count, the audit chain and its last hash, and the published results as the
//! restored server serves them. The same for `parindex copy-to-postgres`.

#![allow(clippy::unwrap_used)]

use parindex_db::Db;
use parindex_tests::process::{Server, ServerSpec};
use parindex_tests::survey::simulate_demo;
use parindex_tests::{Engine, audit_head, on_both_engines, spawn_app, table_counts};
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_parindex");
const NOW: &str = "2024-02-01T09:00:00+07:00";

/// Runs the binary on a database (and data folder) of the test's choosing.
fn parindex(data: &Path, database: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("PARINDEX_AUDIT_KEY", parindex_tests::AUDIT_KEY_HEX);
    if let Some(url) = database {
        c.env("DATABASE_URL", url);
    }
    if let Ok(bin) = std::env::var("PARINDEX_TEST_PG_BIN") {
        // pg_dump and pg_restore of the same version as the test server.
        c.env("PARINDEX_PG_DUMP", format!("{bin}/pg_dump"))
            .env("PARINDEX_PG_RESTORE", format!("{bin}/pg_restore"));
    }
    c.output().unwrap()
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

async fn ranking(base: &str) -> String {
    reqwest::get(format!("{base}/results/2023/ranking.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The restored copy holds what the original holds, and a server on it serves the same results.
async fn same_as_original(original: &parindex_tests::TestApp, copy_url: &str, data: &Path) {
    parindex_tests::use_test_audit_key();
    let copy = Db::connect(copy_url).await.unwrap();
    let (a, b) = (table_counts(&original.db).await, table_counts(&copy).await);
    assert_eq!(a, b, "row counts per table");
    assert!(a["survey_answers"] > 0 && a["audit_log"] > 100, "{a:?}");
    assert_eq!(audit_head(&original.db).await, audit_head(&copy).await);
    let v = parindex_db::audit::verify(&copy).await.unwrap();
    assert!(v.first_break.is_none());
    copy.close().await;
    let server = Server::start(ServerSpec::new(BIN, data, Some(copy_url), NOW)).await;
    let published = ranking(&original.base).await;
    assert!(published.contains("\"version\""), "{published}");
    assert_eq!(ranking(&server.base()).await, published);
}

async fn a_backup_restores_on_a_fresh_machine(engine: Engine) {
    let app = spawn_app(engine).await;
    let sim = simulate_demo(&app).await;
    assert!(sim.answered > 100);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("parindex.backup");

    // While the server runs.
    let b = parindex(
        dir.path(),
        Some(&app.db.url),
        &["backup", "--out", file.to_str().unwrap()],
    );
    assert!(b.status.success(), "{}", said(&b));
    let again = parindex(
        dir.path(),
        Some(&app.db.url),
        &["backup", "--out", file.to_str().unwrap()],
    );
    assert!(!again.status.success() && said(&again).contains("already exists"));

    // A fresh machine: an empty data folder, or a new PostgreSQL database.
    let fresh = dir.path().join("fresh");
    let target = match engine {
        Engine::Sqlite => format!("sqlite://{}", fresh.join("parindex.db").display()),
        Engine::Postgres => parindex_tests::empty_pg_database().await,
    };
    let database = (engine == Engine::Postgres).then_some(target.as_str());
    let r = parindex(
        &fresh,
        database,
        &["restore", "--from", file.to_str().unwrap()],
    );
    assert!(r.status.success(), "{}", said(&r));
    assert!(said(&r).contains("audit chain intact"), "{}", said(&r));
    // Restoring over data that is there already is refused.
    let twice = parindex(
        &fresh,
        database,
        &["restore", "--from", file.to_str().unwrap()],
    );
    assert!(!twice.status.success(), "{}", said(&twice));

    same_as_original(&app, &target, &fresh).await;
    println!(
        "{engine:?}: backup taken while serving, restored on an empty {}: {}",
        if engine == Engine::Sqlite {
            "data folder"
        } else {
            "database"
        },
        said(&r).trim()
    );
}

on_both_engines!(a_backup_restores_on_a_fresh_machine);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_moves_to_postgres_checked_row_by_row() {
    let app = spawn_app(Engine::Sqlite).await;
    simulate_demo(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let to = parindex_tests::empty_pg_database().await;
    let c = parindex(
        dir.path(),
        Some(&app.db.url),
        &["copy-to-postgres", "--to", &to],
    );
    let out = said(&c);
    assert!(c.status.success(), "{out}");
    assert!(out.contains("every table checked row by row"), "{out}");
    // Copying into a database that is no longer empty is refused.
    let again = parindex(
        dir.path(),
        Some(&app.db.url),
        &["copy-to-postgres", "--to", &to],
    );
    assert!(
        !again.status.success() && said(&again).contains("not empty"),
        "{}",
        said(&again)
    );
    same_as_original(&app, &to, dir.path()).await;
    // New rows on PostgreSQL continue after the copied ids.
    parindex_tests::use_test_audit_key();
    let pg = Db::connect(&to).await.unwrap();
    let ctx = parindex_db::Ctx::system(0);
    parindex_db::campaigns::create(
        &pg,
        &ctx,
        &parindex_db::campaigns::CampaignInput {
            year: 2031,
            name_vi: "Kỳ đánh giá thử".into(),
            name_en: String::new(),
            legal_basis: String::new(),
            organiser: "Bộ Nội vụ".into(),
            min_group_size: 5,
            deadlines: Vec::new(),
        },
    )
    .await
    .unwrap();
    println!(
        "SQLite to PostgreSQL: {}",
        out.lines().last().unwrap_or_default()
    );
}
