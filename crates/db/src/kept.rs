//! PostgreSQL connections kept at hand between statements, without the pool's checks.
//!
//! sqlx's pool checks a connection with a round trip to the server (an empty `Sync`) as it hands it
//! out, and again as it takes it back. The respondent path's reads are one statement each, and its
//! writes one short transaction per batch: the checks made three round trips of each read. Where the
//! server, PostgreSQL and the clients share the cores, every round trip is two processes woken.
//!
//! So a connection that has just served a statement well is kept here, up to [`KEPT`] of them, and
//! lent again as it is. One whose work failed goes back to the pool, whose check closes it if it is
//! broken (after rolling back its transaction, if one was open), and the others kept go back with
//! it: what broke one (the server restarted) may have broken them all. One kept longer than
//! [`FRESH`] goes back too, and the pool checks the next one it hands out. A kept connection is lent
//! unchecked only for what is safe to run twice, a read or `BEGIN`: if the server turns out to have
//! gone away meanwhile (it restarted), that runs once more on a connection the pool has just
//! checked, and the request never sees the broken one.

use crate::error::{DbError, DbResult};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgRow, PgTransactionManager, Postgres};
use sqlx_core::transaction::TransactionManager;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The most connections kept, of the pool's sixteen: the rest stay with the pool for everything
/// else.
const KEPT: usize = 8;

/// How long a connection is kept unused before the pool checks it again.
const FRESH: Duration = Duration::from_secs(5);

/// The connections kept, with when each was last used.
#[derive(Debug, Clone)]
pub struct Kept {
    pool: PgPool,
    idle: Arc<Mutex<Idle>>,
}

#[derive(Debug, Default)]
struct Idle {
    conns: Vec<(PoolConnection<Postgres>, Instant)>,
    /// Set when the pool closes: nothing is kept from then on.
    closed: bool,
}

impl Drop for Idle {
    fn drop(&mut self) {
        // A connection goes back to the pool on the async runtime. Without one (the last copy of the
        // database dropped outside it), the connections kept are closed instead.
        if tokio::runtime::Handle::try_current().is_err() {
            for (conn, _) in self.conns.drain(..) {
                drop(conn.leak());
            }
        }
    }
}

impl Kept {
    pub(crate) fn new(pool: PgPool) -> Kept {
        Kept {
            pool,
            idle: Arc::default(),
        }
    }

    /// The row the read `sql` finds with the text `param`, if any: on a kept connection, and once
    /// more on a checked one if the kept one turned out to be gone.
    pub(crate) async fn read_row(&self, sql: &'static str, param: &str) -> DbResult<Option<PgRow>> {
        let mut conn = self.lend().await?;
        let row = match fetch(&mut conn, sql, param).await {
            Err(e) if conn.was_gone(&e) => {
                conn = self.lend_after(conn).await?;
                fetch(&mut conn, sql, param).await?
            }
            row => row?,
        };
        conn.went_well();
        Ok(row)
    }

    /// A connection inside a new transaction; `BEGIN` may run twice, as [`Kept::read_row`]'s read.
    pub(crate) async fn begin(&self) -> DbResult<Lent> {
        let mut conn = self.lend().await?;
        match start(&mut conn).await {
            Err(e) if conn.was_gone(&e) => {
                conn = self.lend_after(conn).await?;
                start(&mut conn).await?;
            }
            started => started?,
        }
        Ok(conn)
    }

    /// Another connection in place of `gone`, which goes back to the pool first, with every other
    /// connection kept: the next one lent is one the pool checks.
    async fn lend_after(&self, gone: Lent) -> DbResult<Lent> {
        drop(gone);
        self.lend().await
    }

    /// A connection: the last one kept, if it is fresh, else one from the pool.
    async fn lend(&self) -> DbResult<Lent> {
        let now = Instant::now();
        let (kept, stale) = {
            let mut idle = self.lock();
            // Kept in the order they were last used: if the newest is stale, so are all.
            let stale = match idle.conns.last() {
                Some((_, at)) if now.duration_since(*at) >= FRESH => {
                    std::mem::take(&mut idle.conns)
                }
                _ => Vec::new(),
            };
            (idle.conns.pop(), stale)
        };
        // Back to the pool, outside the lock.
        drop(stale);
        let (conn, was_kept) = match kept {
            Some((conn, _)) => (conn, true),
            None => (self.pool.acquire().await?, false),
        };
        Ok(Lent {
            conn: Some(conn),
            home: self.clone(),
            well: false,
            was_kept,
        })
    }

    /// Hands every kept connection back to the pool, and keeps none from now on (the pool is
    /// closing: it waits for all of its connections).
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.hand_back();
    }

    /// Hands every kept connection back to the pool and goes on keeping.
    pub fn hand_back(&self) {
        let conns = std::mem::take(&mut self.lock().conns);
        drop(conns);
    }

    /// How many connections are kept now.
    pub fn count(&self) -> usize {
        self.lock().conns.len()
    }

    fn keep(&self, conn: PoolConnection<Postgres>) {
        let mut idle = self.lock();
        if !idle.closed && idle.conns.len() < KEPT {
            idle.conns.push((conn, Instant::now()));
            return;
        }
        drop(idle);
        drop(conn);
    }

    fn lock(&self) -> MutexGuard<'_, Idle> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn fetch(conn: &mut PgConnection, sql: &'static str, param: &str) -> DbResult<Option<PgRow>> {
    Ok(sqlx::query(sql).bind(param).fetch_optional(conn).await?)
}

async fn start(conn: &mut PgConnection) -> DbResult<()> {
    Ok(PgTransactionManager::begin(conn, None).await?)
}

/// A connection lent from [`Kept`]: kept again when dropped if [`Lent::went_well`] was said,
/// otherwise handed back to the pool.
#[derive(Debug)]
pub struct Lent {
    conn: Option<PoolConnection<Postgres>>,
    home: Kept,
    well: bool,
    /// Lent as it was kept, without the pool's check.
    was_kept: bool,
}

impl Lent {
    /// Its statements went well: it may serve the next ones as it is.
    fn went_well(&mut self) {
        self.well = true;
    }

    /// Whether `e` says this connection, lent unchecked, was gone: then what failed may run again.
    fn was_gone(&self, e: &DbError) -> bool {
        self.was_kept && matches!(e, DbError::Unavailable(_))
    }

    /// Commits its transaction; then it may serve the next one.
    pub(crate) async fn commit(mut self) -> DbResult<()> {
        PgTransactionManager::commit(&mut self).await?;
        self.went_well();
        Ok(())
    }
}

impl std::ops::Deref for Lent {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        self.conn
            .as_deref()
            .expect("a lent connection is only taken when it is dropped")
    }
}

impl std::ops::DerefMut for Lent {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn
            .as_deref_mut()
            .expect("a lent connection is only taken when it is dropped")
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let in_transaction = PgTransactionManager::get_transaction_depth(&conn) > 0;
        if self.well && !in_transaction {
            self.home.keep(conn);
            return;
        }
        if in_transaction {
            // As sqlx's own transactions do when dropped: the rollback goes with the next message,
            // here the pool's check as it takes the connection back.
            PgTransactionManager::start_rollback(&mut conn);
        }
        drop(conn);
        // Whatever failed this one (the server restarted) may have broken the others kept too.
        self.home.hand_back();
    }
}
