//! The failed-login policy: 5 failures for one account within 15 minutes lock that account for 15
//! minutes from the last failure; 30 failures from one address lock that address the same way.

use parindex_db::{Db, throttle};

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MAX_PER_ACCOUNT: i64 = 5;
pub const MAX_PER_IP: i64 = 30;

/// When the lock ends (ms), if the account or the address is locked now.
pub async fn locked_until(
    db: &Db,
    username: &str,
    ip: &str,
    now_ms: i64,
) -> Result<Option<i64>, parindex_db::DbError> {
    let f = throttle::recent(db, username, ip, now_ms - WINDOW_MS).await?;
    let mut until = None;
    if f.by_user >= MAX_PER_ACCOUNT {
        until = f.by_user_last.map(|t| t + WINDOW_MS);
    }
    if f.by_ip >= MAX_PER_IP {
        let ip_until = f.by_ip_last.map(|t| t + WINDOW_MS);
        until = until.max(ip_until);
    }
    Ok(until.filter(|t| *t > now_ms))
}
