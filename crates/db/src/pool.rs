//! Connecting, migrating and starting transactions on either engine.

use crate::bulk::Deferred;
use crate::durability::WalFence;
use crate::error::DbResult;
use crate::inline::Inline;
use crate::kept::{Kept, Lent};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// One database. On SQLite, write transactions also pass the [`SqliteSide`]'s write gate.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool, SqliteSide),
    /// With the connections kept out of the pool between the respondent path's statements.
    Postgres(PgPool, Kept),
}

/// What this process keeps beside a SQLite pool.
///
/// SQLite lets one transaction write at a time; the others wait in SQLite's busy handler, which
/// sleeps in growing steps (up to 100 ms) and so turns a queue of writers into long tails. The write
/// gate queues this process's write transactions in order instead: a transaction holds it until it
/// ends. A commit then waits at the [`WalFence`] until it is on disk. A database in a file also has
/// [`Inline`] for the respondent path.
#[derive(Debug, Clone)]
pub struct SqliteSide {
    lock: Arc<tokio::sync::Mutex<()>>,
    pub fence: Arc<WalFence>,
    pub(crate) inline: Option<Arc<Inline>>,
}

impl SqliteSide {
    fn new(db_file: Option<std::path::PathBuf>) -> SqliteSide {
        SqliteSide {
            lock: Arc::default(),
            fence: Arc::new(WalFence::new(db_file.clone())),
            inline: db_file.map(|f| Arc::new(Inline::new(f))),
        }
    }
}

impl SqliteSide {
    /// Runs `f` in one write transaction on the inline writer, on this thread, in its turn at the
    /// write gate. Returns once the commit is made, with what tells when it is on disk: the caller
    /// must wait for that before it acknowledges anything written (it may meanwhile go on to the
    /// next transaction). `None` for a database without a file, which has no inline writer.
    pub(crate) async fn write_inline<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> DbResult<T>,
    ) -> Option<DbResult<(T, Pending)>> {
        let inline = self.inline.as_deref()?;
        Some(self.write_with(inline, f).await)
    }

    async fn write_with<T>(
        &self,
        inline: &Inline,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> DbResult<T>,
    ) -> DbResult<(T, Pending)> {
        let guard = tokio::time::timeout(GATE_WAIT, self.lock.clone().lock_owned())
            .await
            .map_err(|_| crate::error::DbError::Unavailable("the database is busy".into()))?;
        // On the runtime's own thread: a batch takes about a millisecond, and handing the thread's
        // work to another one first (`block_in_place`) cost more than it saved (measured).
        let out = inline.write(f)?;
        // The next writer goes ahead while this commit waits to be on disk.
        drop(guard);
        let pending = Pending(Some((self.fence.clone(), self.fence.ticket())));
        Ok((out, pending))
    }
}

/// A commit made but perhaps not on disk yet.
#[must_use = "nothing written may be acknowledged before it is on disk"]
pub(crate) struct Pending(Option<(Arc<WalFence>, u64)>);

impl Pending {
    /// A commit already on disk (sqlx's commits wait for it themselves).
    pub(crate) fn on_disk_already() -> Pending {
        Pending(None)
    }

    /// Whether [`Pending::on_disk`] has anything to wait for.
    pub(crate) fn waits(&self) -> bool {
        self.0.is_some()
    }

    /// Returns once the commit is on disk.
    pub(crate) async fn on_disk(self) -> DbResult<()> {
        match self.0 {
            Some((fence, ticket)) => fence.wait(ticket).await,
            None => Ok(()),
        }
    }
}

/// A SQLite write transaction's turn at the gate, and the fence its commit waits at.
pub struct Turn {
    _guard: tokio::sync::OwnedMutexGuard<()>,
    fence: Arc<WalFence>,
}

/// How long a write transaction waits for the gate before giving up (as SQLite's busy timeout would).
const GATE_WAIT: Duration = Duration::from_secs(10);

pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>, Turn),
    /// With the rows it adds at commit ([`crate::bulk`]).
    Postgres(Lent, Deferred),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// `postgres://…` connects to PostgreSQL; `sqlite://PATH` (or a bare path) opens or creates a SQLite
    /// file in WAL mode.
    pub async fn connect(url: &str) -> DbResult<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Every statement is prepared once per connection and then run with new values. Left to
            // itself, PostgreSQL may keep planning some of them afresh on every run (a "custom"
            // plan), depending on the statistics it happened to hold when it chose: for the
            // eight-table link read that a respondent's every request makes, planning cost several
            // times the run itself and halved the throughput. parindex's statements look rows up by
            // key or by campaign, where the one generic plan is the right one.
            let opts = PgConnectOptions::from_str(url)?
                .options([("plan_cache_mode", "force_generic_plan")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await?;
            return Ok(Db::Postgres(pool.clone(), Kept::new(pool)));
        }
        let url = if url.starts_with("sqlite:") {
            url.to_string()
        } else {
            format!("sqlite://{url}")
        };
        let opts = SqliteConnectOptions::from_str(&url)?;
        let file = opts.get_filename();
        let db_file = (!file.as_os_str().is_empty() && file != std::path::Path::new(":memory:"))
            .then(|| file.to_path_buf());
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            // Deleted and overwritten content (an e-mail body with a personal link, once sent) is
            // zeroed in the file instead of lingering in free space.
            .pragma("secure_delete", "ON")
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            // When a write fails with SQLITE_FULL (or SQLITE_IOERR), SQLite rolls the transaction
            // back by itself; sqlx's rollback on drop then fails, and the connection would come back
            // believing it is still inside a transaction, refusing every later BEGIN. Such a
            // connection is closed instead of reused.
            .before_acquire(|conn, _| {
                Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) })
            })
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite(pool, SqliteSide::new(db_file)))
    }

    /// The respondent path's readers on this thread: SQLite in a file only.
    pub(crate) fn inline(&self) -> Option<&Inline> {
        self.sqlite_side()?.inline.as_deref()
    }

    /// The SQLite side of this database, if it is SQLite.
    pub(crate) fn sqlite_side(&self) -> Option<&SqliteSide> {
        match self {
            Db::Sqlite(_, side) => Some(side),
            Db::Postgres(..) => None,
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(..) => Engine::Sqlite,
            Db::Postgres(..) => Engine::Postgres,
        }
    }

    /// Applies pending migrations. On PostgreSQL sqlx holds an advisory lock meanwhile, so several app
    /// servers starting at once migrate only once.
    pub async fn migrate(&self) -> DbResult<()> {
        match self {
            Db::Sqlite(p, _) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p, _) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// The versions each engine's migration folder holds (a test keeps them in step).
    pub fn migration_versions(engine: Engine) -> Vec<(i64, String)> {
        let m = match engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        m.iter()
            .map(|x| (x.version, x.description.to_string()))
            .collect()
    }

    /// A write transaction. On SQLite it waits for its turn at the write gate, then starts with
    /// `BEGIN IMMEDIATE`: a deferred read-then-write upgrade fails with SQLITE_BUSY without waiting.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(p, gate) => {
                let guard = tokio::time::timeout(GATE_WAIT, gate.lock.clone().lock_owned())
                    .await
                    .map_err(|_| {
                        crate::error::DbError::Unavailable("the database is busy".into())
                    })?;
                let turn = Turn {
                    _guard: guard,
                    fence: gate.fence.clone(),
                };
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
            Db::Postgres(_, kept) => Tx::Postgres(kept.begin().await?, Deferred::default()),
        })
    }

    /// Leaves no copy of overwritten rows in SQLite's WAL: checkpoints it and truncates it to nothing.
    /// Called after e-mails with personal links were sent and their bodies cleared. Readers in
    /// progress can keep part of the WAL until the next call; PostgreSQL keeps no such file of ours
    /// (its own WAL and dead rows are the server's, see docs/security.md).
    pub async fn scrub_wal(&self) -> DbResult<()> {
        if let Db::Sqlite(p, _) = self {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await?;
        }
        Ok(())
    }

    /// Is the database answering? Used by `/readyz`.
    pub async fn ping(&self) -> DbResult<()> {
        on_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        if let Db::Postgres(_, kept) = self {
            kept.close();
        }
        on_pool!(self, p => p.close().await);
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t, turn) => {
                t.commit().await?;
                // The next writer goes ahead while this commit waits to be on disk.
                let Turn { _guard, fence } = turn;
                drop(_guard);
                fence.wait(fence.ticket()).await?;
            }
            Tx::Postgres(mut t, mut deferred) => {
                deferred.flush(&mut t).await?;
                t.commit().await?
            }
        }
        Ok(())
    }
}
