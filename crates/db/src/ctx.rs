//! Who is making a change, from where, and when: everything the audit entry needs.

use parindex_domain::UserId;

#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor_id: Option<UserId>,
    pub actor: String,
    pub ip: String,
    pub user_agent: String,
    pub now_ms: i64,
}

impl Ctx {
    /// Changes made by the `parindex` command line itself (migrate, demo).
    pub fn system(now_ms: i64) -> Self {
        Ctx {
            actor_id: None,
            actor: "system".into(),
            ip: String::new(),
            user_agent: "parindex-cli".into(),
            now_ms,
        }
    }
}
