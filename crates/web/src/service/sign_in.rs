//! Signing in with a password: the throttle, the check that takes as long for an unknown username
//! as for a wrong password, and the session that follows. The login page only renders the outcome.

use crate::auth::{password, session, throttle};
use crate::cookies;
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use parindex_db::users::{self, User};

/// What a username and password lead to.
pub(crate) enum PasswordCheck {
    /// One or both fields empty; nothing was counted.
    Missing {
        username: bool,
        password: bool,
    },
    /// Too many recent failures for this account at this address, or from this address, until
    /// this instant (ms).
    Locked {
        until: i64,
    },
    /// Unknown username, wrong password or inactive account, told apart to nobody. Counted.
    Refused,
    Accepted(User),
}

/// `username` is already cleaned and lower-cased.
#[tracing::instrument(skip_all, fields(username = %username))]
pub(crate) async fn check_password(
    state: &AppState,
    meta: &Meta,
    username: &str,
    given: &str,
) -> AppResult<PasswordCheck> {
    if username.is_empty() || given.is_empty() {
        return Ok(PasswordCheck::Missing {
            username: username.is_empty(),
            password: given.is_empty(),
        });
    }
    let now = state.clock.now_ms();
    if let Some(until) = throttle::locked_until(&state.db, username, &meta.ip, now).await? {
        return Ok(PasswordCheck::Locked { until });
    }
    let user = users::by_username(&state.db, username).await?;
    // An unknown account, or one with no password issued yet (a roll-over's copy), is checked
    // against a dummy hash so that the answer takes as long as for a real one.
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| password::dummy_hash().to_string());
    let ok = password::verify(stored, given.to_string()).await;
    match user {
        Some(u) if ok && u.active && !u.password_hash.is_empty() => Ok(PasswordCheck::Accepted(u)),
        _ => {
            parindex_db::throttle::record(&state.db, username, &meta.ip, now).await?;
            Ok(PasswordCheck::Refused)
        }
    }
}

/// A full session for `user`, stored by the hash of its token; returns the `Set-Cookie` value that
/// carries the token itself.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub(crate) async fn open_session(state: &AppState, meta: &Meta, user: &User) -> AppResult<String> {
    let token = parindex_domain::token::generate()
        .map_err(|e| AppError::internal("drawing a session token", e))?;
    let now = state.clock.now_ms();
    let hours = state.config.session_hours;
    let ctx = meta.ctx(Some(user.id), &user.username, now);
    parindex_db::sessions::create(
        &state.db,
        &ctx,
        &parindex_domain::token::hash(&token),
        user.id,
        now + hours * 3_600_000,
    )
    .await?;
    Ok(cookies::set(
        session::SESSION_COOKIE,
        &token,
        hours * 3600,
        state.config.secure_cookies,
    ))
}
