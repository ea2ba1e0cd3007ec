//! The password again, before an action that cannot be taken back (publishing results, cancelling
//! a unit's survey results) or that changes how the account signs in (ASVS 3.7.1), so a session left
//! open on a shared computer is not enough. A wrong password counts as a failed login: a stolen
//! session cannot be used to guess the password, and five wrong tries lock the account here and at
//! the login page alike.

use crate::auth::{password, throttle};
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use parindex_db::users::User;
use parindex_domain::{clock, deadline};

/// `None` when `typed` is the account's password; otherwise the message to show by the field, in
/// the user's language (`wrong` names the one for a wrong password).
pub async fn refusal(
    state: &AppState,
    meta: &Meta,
    user: &User,
    typed: &str,
    wrong: &str,
) -> AppResult<Option<String>> {
    let now = state.clock.now_ms();
    if let Some(until) = throttle::locked_until(&state.db, &user.username, &meta.ip, now).await? {
        let until = deadline::display_instant(clock::from_ms(until));
        return Ok(Some(meta.lang.t_args("login-locked", &[("until", until)])));
    }
    if typed.is_empty() {
        return Ok(Some(meta.lang.t("reauth-required")));
    }
    if password::verify(user.password_hash.clone(), typed.to_string()).await {
        return Ok(None);
    }
    parindex_db::throttle::record(&state.db, &user.username, &meta.ip, now).await?;
    Ok(Some(meta.lang.t(wrong)))
}
