//! The session cookie and the signed-in account behind it.

use crate::cookies;
use crate::state::AppState;
use axum::http::HeaderMap;
use parindex_db::users::User;

pub const SESSION_COOKIE: &str = "parindex_session";

/// The raw token from the cookie, if any.
pub fn token(headers: &HeaderMap) -> Option<String> {
    cookies::get(headers, SESSION_COOKIE)
        .filter(|t| t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The live account behind the request's session cookie.
pub async fn current_user(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<User>, parindex_db::DbError> {
    let Some(t) = token(headers) else {
        return Ok(None);
    };
    let hash = parindex_domain::token::hash(&t);
    parindex_db::sessions::user_for(
        &state.db,
        &hash,
        state.clock.now_ms(),
        state.config.session_idle_minutes * 60_000,
    )
    .await
}
