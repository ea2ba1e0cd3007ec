//! Failed-login throttling, kept in the database so the limits hold across app servers.
//! The policy (how many failures in which window) lives with the caller.

use crate::error::DbResult;
use crate::pool::Db;

/// The key survey-link guesses are recorded under: a separate bucket, which no username can equal
/// (usernames hold no `#`), so guessed links never count against staff logins.
pub const SURVEY_LINK_BUCKET: &str = "#survey-link";

/// Failed staff logins since `since_ms`, and the newest of each: for this account from this address,
/// and for every account from this address (survey-link guesses are not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub by_user: i64,
    pub by_user_last: Option<i64>,
    pub by_ip: i64,
    pub by_ip_last: Option<i64>,
}

pub async fn recent(db: &Db, username: &str, ip: &str, since_ms: i64) -> DbResult<Failures> {
    let (by_user, by_user_last): (i64, Option<i64>) = on_pool!(db, p => sqlx::query_as(
        "SELECT COUNT(*), MAX(at) FROM login_failures WHERE username = $1 AND ip = $2 AND at > $3"
    ).bind(username).bind(ip).bind(since_ms).fetch_one(p).await)?;
    let (by_ip, by_ip_last): (i64, Option<i64>) = on_pool!(db, p => sqlx::query_as(
        "SELECT COUNT(*), MAX(at) FROM login_failures WHERE ip = $1 AND username <> $2 AND at > $3"
    ).bind(ip).bind(SURVEY_LINK_BUCKET).bind(since_ms).fetch_one(p).await)?;
    Ok(Failures {
        by_user,
        by_user_last,
        by_ip,
        by_ip_last,
    })
}

pub async fn record(db: &Db, username: &str, ip: &str, at_ms: i64) -> DbResult<()> {
    on_pool!(db, p => sqlx::query("INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)")
        .bind(username).bind(ip).bind(at_ms).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Drops failures older than `before_ms`.
pub async fn purge(db: &Db, before_ms: i64) -> DbResult<u64> {
    Ok(
        on_pool!(db, p => sqlx::query("DELETE FROM login_failures WHERE at < $1").bind(before_ms).execute(p).await.map(|r| r.rows_affected()))?,
    )
}

/// Failures recorded under `key` from one address since `since_ms` (e.g. guessed survey links).
pub async fn recent_by_ip(db: &Db, key: &str, ip: &str, since_ms: i64) -> DbResult<i64> {
    let (n,): (i64,) = on_pool!(db, p => sqlx::query_as(
        "SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND username = $2 AND at > $3"
    ).bind(ip).bind(key).bind(since_ms).fetch_one(p).await)?;
    Ok(n)
}
