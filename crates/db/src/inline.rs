//! The respondent path's reads and writes on SQLite, run on the calling thread.
//!
//! sqlx runs each SQLite connection on a thread of its own: every query is a message to that thread
//! and a wake-up back, two thread switches. On a 2-core machine under load those switches were the
//! largest item of the profile, larger than all the SQL (docs/operations.md). The respondent path's
//! reads (the link behind a token, the answers saved so far) are short indexed look-ups, so on
//! SQLite they run here instead, on the caller's thread: a connection of their own taken from a
//! small stack, statements prepared once and kept. A read then takes microseconds. In WAL mode a
//! reader never waits for the writer, and it sees every transaction committed before it began, so
//! a page shown after a save shows the save. (Mapping the file into memory was measured too: the
//! file grows all the time under load, and remapping it cost more than it saved.)
//!
//! The write queue's batches of work written for either kind of transaction (starting, saving a
//! page, an event, the submission: see [`crate::portable`]) run the same way on one inline writer
//! connection, inside the pool's write gate, and wait at its WAL fence like every other commit
//! (`SqliteSide::write_inline`).

use crate::error::{DbError, DbResult};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// Idle connections kept, at most (one per core is enough; the rest are opened on demand).
const MAX_IDLE: usize = 8;

/// Prepared statements kept per connection.
const STATEMENTS: usize = 32;

/// The inline connections of one SQLite file.
#[derive(Debug)]
pub struct Inline {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Used only by the holder of the write gate.
    writer: Mutex<Option<Connection>>,
}

impl Inline {
    pub(crate) fn new(path: PathBuf) -> Inline {
        Inline {
            path,
            idle: Mutex::default(),
            writer: Mutex::default(),
        }
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction on the writer connection, on this thread, and
    /// commits if it succeeds. The caller holds the write gate.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> DbResult<T>) -> DbResult<T> {
        let mut slot = self
            .writer
            .lock()
            .map_err(|_| DbError::Other("the inline writer was poisoned".into()))?;
        let mut conn = match slot.take() {
            Some(c) => c,
            None => self.open_writer()?,
        };
        let out = Self::in_transaction(&mut conn, f);
        // A connection left inside a transaction (a commit that failed half-way) is closed, not
        // reused; a rolled-back one is clean.
        if conn.is_autocommit() {
            *slot = Some(conn);
        }
        out
    }

    fn in_transaction<T>(
        conn: &mut Connection,
        f: impl FnOnce(&Transaction<'_>) -> DbResult<T>,
    ) -> DbResult<T> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The writer: the pool's settings for writing (see [`crate::pool::Db::connect`]).
    fn open_writer(&self) -> DbResult<Connection> {
        let c = self.open_plain()?;
        c.pragma_update(None, "synchronous", "NORMAL")?;
        c.pragma_update(None, "secure_delete", "ON")?;
        c.pragma_update(None, "foreign_keys", "ON")?;
        Ok(c)
    }

    /// Runs `f` on an idle read connection (opening one if none is idle), on this thread.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> DbResult<T> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let conn = match idle {
            Some(c) => c,
            None => self.open()?,
        };
        let out = f(&conn);
        // A connection left inside a transaction (it never should be) is closed, not reused.
        if conn.is_autocommit()
            && let Ok(mut v) = self.idle.lock()
            && v.len() < MAX_IDLE
        {
            v.push(conn);
        }
        Ok(out?)
    }

    fn open(&self) -> DbResult<Connection> {
        let c = self.open_plain()?;
        c.pragma_update(None, "query_only", true)?;
        Ok(c)
    }

    fn open_plain(&self) -> DbResult<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let c = Connection::open_with_flags(&self.path, flags)?;
        c.busy_timeout(Duration::from_secs(5))?;
        c.set_prepared_statement_cache_capacity(STATEMENTS);
        Ok(c)
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                DbError::Unavailable(e.to_string())
            }
            Some(rusqlite::ErrorCode::DiskFull) => DbError::StorageFull(e.to_string()),
            _ => DbError::Other(format!("database error: {e}")),
        }
    }
}
