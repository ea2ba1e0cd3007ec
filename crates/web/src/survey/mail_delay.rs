//! The notice that sending is delayed: e-mails that failed for now and wait to be tried again (the
//! relay down, or refusing for a while), so nobody reads a row of "waiting" as the system idling.
//! Units see how many of theirs and since when; MoHA also sees the relay's last error.

use crate::error::AppResult;
use crate::i18n::Lang;
use crate::state::AppState;
use parindex_db::outbox;
use parindex_domain::UnitId;
use parindex_domain::{clock, deadline};

/// The notice for one unit's invitations (`Some(unit)`) or for all, if sending is delayed.
pub async fn notice(
    state: &AppState,
    lang: Lang,
    unit_id: Option<UnitId>,
) -> AppResult<Option<String>> {
    let Some(d) = outbox::delay(&state.db, unit_id).await? else {
        return Ok(None);
    };
    let since = deadline::display_instant(clock::from_ms(d.since_ms));
    let mut args = vec![("waiting", d.waiting.to_string()), ("since", since)];
    let key = if unit_id.is_some() {
        "sv-mail-delayed-unit"
    } else {
        args.push(("error", d.error));
        "sv-mail-delayed-moha"
    };
    Ok(Some(lang.t_args(key, &args)))
}
