//! The failed-login policy. Five failures for one account **from one address** within 15 minutes
//! lock that account at that address for 15 minutes from the last failure; 30 failures from one
//! address lock that address the same way. There is no lock on an account as a whole, so nobody can
//! lock an account (MoHA's, on publication day) from an address of their own. Survey-link guesses
//! are counted in a bucket of their own and never lock a staff login.

use axum::http::HeaderValue;
use parindex_db::{Db, throttle};

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MAX_PER_ACCOUNT: i64 = 5;
pub const MAX_PER_IP: i64 = 30;

/// When the lock ends (ms), if this account at this address, or this address, is locked now.
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

/// The `Retry-After` of a 429: whole seconds until `until_ms`, at least 1.
pub fn retry_after(until_ms: i64, now_ms: i64) -> HeaderValue {
    let secs = u64::try_from(until_ms - now_ms)
        .unwrap_or(0)
        .div_ceil(1000)
        .max(1);
    HeaderValue::from(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after(10_001, 0), "11");
        assert_eq!(retry_after(10_000, 0), "10");
        assert_eq!(retry_after(5, 10), "1");
    }
}
