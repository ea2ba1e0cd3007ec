//! The test harness: fresh databases on both engines and the real application on a free port.
//!
//! PostgreSQL tests need `PARINDEX_TEST_PG_URL` (the test script `scripts/test.sh` starts a throwaway
//! server and sets it). Without it they fail and say so: nothing is skipped silently.

#![allow(clippy::unwrap_used)]

use parindex_db::Db;
pub use parindex_db::Engine;
use parindex_domain::FixedClock;
use std::net::SocketAddr;
use std::sync::Arc;

pub mod access;
pub mod app;
pub mod email;
pub mod forms;
pub mod measure;
pub mod nginx;
pub mod pg_cluster;
pub mod process;
pub mod smtp;
pub mod survey;
pub use app::{TestApp, browser, code_step, log_in_at, spawn_app};

/// A migrated database that lives as long as this value.
pub struct TestDb {
    pub db: Db,
    /// How to connect to the same database again (a second app server does).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

impl TestDb {
    /// The one integer a query behind the application's back returns (e.g. a `COUNT(*)`).
    pub async fn scalar(&self, sql: &str) -> i64 {
        let sql = sql.to_string();
        let (n,): (i64,) = match &self.db {
            Db::Sqlite(p, _) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(p).await,
            Db::Postgres(p, _) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(p).await,
        }
        .unwrap();
        n
    }

    /// The one text value a query behind the application's back returns.
    pub async fn text(&self, sql: &str) -> String {
        let sql = sql.to_string();
        let (t,): (String,) = match &self.db {
            Db::Sqlite(p, _) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(p).await,
            Db::Postgres(p, _) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(p).await,
        }
        .unwrap();
        t
    }

    /// Runs one statement behind the application's back (to simulate tampering).
    pub async fn execute_raw(&self, sql: &'static str) {
        match &self.db {
            Db::Sqlite(p, _) => sqlx::query(sql).execute(p).await.map(|_| ()),
            Db::Postgres(p, _) => sqlx::query(sql).execute(p).await.map(|_| ()),
        }
        .unwrap();
    }
}

pub fn pg_url() -> String {
    std::env::var("PARINDEX_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "PARINDEX_TEST_PG_URL is not set, so the PostgreSQL half of the database suite cannot run. \
             Run the whole suite with scripts/test.sh, which starts a throwaway PostgreSQL and sets it."
        )
    })
}

fn random_name() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    format!("t_{}", hex::encode(b))
}

/// The audit key every test database is written with, in this process and in every `parindex`
/// process a test starts on the same database (as `PARINDEX_AUDIT_KEY`).
pub const AUDIT_KEY_HEX: &str = "7e57a0d17e57a0d17e57a0d17e57a0d17e57a0d17e57a0d17e57a0d17e57a0d1";

/// Loads [`AUDIT_KEY_HEX`] into this process's database layer.
pub fn use_test_audit_key() {
    let key = parindex_domain::audit::AuditKey::from_hex(AUDIT_KEY_HEX).unwrap();
    parindex_db::audit::use_key(key).unwrap();
}

/// A new, empty, migrated database on `engine`.
pub async fn fresh_db(engine: Engine) -> TestDb {
    use_test_audit_key();
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("test.db");
            let url = format!("sqlite://{}", path.display());
            let db = Db::connect(&url).await.unwrap();
            db.migrate().await.unwrap();
            TestDb {
                db,
                url,
                _dir: Some(dir),
            }
        }
        Engine::Postgres => {
            let url = empty_pg_database().await;
            let db = Db::connect(&url).await.unwrap();
            db.migrate().await.unwrap();
            TestDb {
                db,
                url,
                _dir: None,
            }
        }
    }
}

/// A new database on the test PostgreSQL server, with nothing in it (not even the migrations);
/// returns its URL.
pub async fn empty_pg_database() -> String {
    let admin_url = pg_url();
    let name = random_name();
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!("cannot reach the test PostgreSQL at PARINDEX_TEST_PG_URL: {e}")
    });
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    with_database(&admin_url, &name)
}

/// The same server URL pointing at another database.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs each named `async fn name(engine: Engine)` as two tests: `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::Engine::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::Engine::Postgres).await } )*
        }
    };
}

/// A clock at the demo's "now" (10/12/2023 09:00 in Hanoi), shared with the app.
pub fn demo_clock() -> FixedClock {
    FixedClock::at(parindex::demo::DEMO_NOW)
}

pub fn clock_arc(c: &FixedClock) -> Arc<dyn parindex_domain::Clock> {
    Arc::new(c.clone())
}

pub type Addr = SocketAddr;

/// Every table of the database with its number of rows (migration bookkeeping left out).
pub async fn table_counts(db: &Db) -> std::collections::BTreeMap<String, i64> {
    let names: Vec<(String,)> = match db {
        Db::Sqlite(p, _) => sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Postgres(p, _) => sqlx::query_as(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
             AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    let mut out = std::collections::BTreeMap::new();
    for (name,) in names {
        let sql = format!("SELECT COUNT(*) FROM \"{name}\"");
        let (n,): (i64,) = match db {
            Db::Sqlite(p, _) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(p).await,
            Db::Postgres(p, _) => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(p).await,
        }
        .unwrap();
        out.insert(name, n);
    }
    out
}

/// How many audit entries have an action starting with `prefix`.
pub async fn audit_entries(db: &Db, prefix: &str) -> usize {
    parindex_db::audit::list(
        db,
        &parindex_db::audit::Filter {
            action_prefix: Some(prefix.into()),
            ..Default::default()
        },
        1_000,
    )
    .await
    .unwrap()
    .len()
}

/// The hash of the newest audit entry (the head of the chain).
pub async fn audit_head(db: &Db) -> String {
    let sql = "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1";
    let (h,): (String,) = match db {
        Db::Sqlite(p, _) => sqlx::query_as(sql).fetch_one(p).await,
        Db::Postgres(p, _) => sqlx::query_as(sql).fetch_one(p).await,
    }
    .unwrap();
    h
}

/// The id of the demo campaign's unit with this code.
pub async fn demo_unit_id(db: &Db, code: &str) -> parindex_domain::UnitId {
    let c = parindex_db::campaigns::by_year(db, parindex::demo::DEMO_YEAR)
        .await
        .unwrap();
    parindex_db::units::by_code(db, c.id, code)
        .await
        .unwrap()
        .id
}
