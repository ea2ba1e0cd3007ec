//! Scheduled work that one app server at a time should do (interference detection): on PostgreSQL
//! the work runs under a session-level advisory lock taken without waiting, so when several app
//! servers tick at once, one does the work and the others skip it. If the server doing it dies, its
//! session ends and the lock with it. SQLite serves one app server, so the work simply runs.

use crate::error::DbResult;
use crate::pool::Db;
use std::future::Future;

/// Advisory-lock keys, one per kind of work (any 64-bit number; these spell "PARI" + a counter).
pub const DETECTION: i64 = 0x5041_5249_0000_0001;

/// Runs `work` unless another server is running the work with the same `key`; `None` when skipped.
pub async fn run<T, F>(db: &Db, key: i64, work: F) -> DbResult<Option<T>>
where
    F: Future<Output = DbResult<T>>,
{
    let Db::Postgres(pool, _) = db else {
        return work.await.map(Some);
    };
    // The lock belongs to this one connection, held out of the pool until the work ends.
    let mut conn = pool.acquire().await?;
    let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
    if !got {
        return Ok(None);
    }
    let out = work.await;
    let released: Result<(bool,), sqlx::Error> = sqlx::query_as("SELECT pg_advisory_unlock($1)")
        .bind(key)
        .fetch_one(&mut *conn)
        .await;
    if released.is_err() {
        // The lock stays with the session: close the connection rather than return it to the pool.
        let _ = conn.detach();
    }
    out.map(Some)
}
