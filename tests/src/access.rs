//! What the authorization tests share: whether a route's declared rule lets an account in, and a
//! session cookie for an account without going through the login page.

use crate::TestApp;
use parindex_db::{Ctx, sessions};
use parindex_domain::Role;
use parindex_domain::UnitId;
use parindex_domain::UserId;
use parindex_web::Access;

/// Does `access` let in an account of `role` (None: signed out) belonging to `unit`, on a route about
/// `target` (the unit in its path, if any)?
pub fn allowed(
    access: Access,
    role: Option<Role>,
    unit: Option<UnitId>,
    target: Option<UnitId>,
) -> bool {
    let moha = role.is_some_and(Role::is_moha);
    match access {
        Access::Public => true,
        // Only a pending session (password given, second factor not yet), which no full session or
        // signed-out browser is.
        Access::SecondStep => false,
        Access::SignedIn | Access::Authenticated => role.is_some(),
        Access::MohaAdmin => role == Some(Role::MohaAdmin),
        Access::MohaStaff => moha,
        Access::MohaAppraiser => role == Some(Role::MohaAppraiser),
        Access::UnitReader => moha || (role.is_some() && unit.is_some() && unit == target),
        Access::UnitOfficer => role == Some(Role::UnitOfficer) && unit == target,
        Access::UnitLeader => role == Some(Role::UnitLeader) && unit == target,
    }
}

/// `path` with each `{name}` placeholder replaced by its value in `values`, then the ones every
/// matrix fills the same way (a criterion code, a level, a group, an unknown token, the first page,
/// the demo's year).
pub fn fill_path(path: &str, values: &[(&str, String)]) -> String {
    let zeros = "0".repeat(64);
    let fixed = [
        ("{code}", "1.1.1"),
        ("{level}", "province"),
        ("{group}", "hdnd"),
        ("{key}", zeros.as_str()),
        ("{token}", zeros.as_str()),
        ("{page}", "1"),
        ("{year}", "2023"),
    ];
    let mut out = path.to_string();
    for (k, v) in values {
        out = out.replace(k, v);
    }
    for (k, v) in fixed {
        out = out.replace(k, v);
    }
    out
}

/// A `Cookie` header value with a new session for `user_id`, valid for an hour of the app's clock.
pub async fn session_cookie(app: &TestApp, user_id: UserId) -> String {
    let token = parindex_domain::token::generate().unwrap();
    let now = parindex_domain::Clock::now_ms(&app.clock);
    sessions::create(
        &app.db,
        &Ctx::system(now),
        &parindex_domain::token::hash(&token),
        user_id,
        now + 3_600_000,
    )
    .await
    .unwrap();
    format!("parindex_session={token}")
}
