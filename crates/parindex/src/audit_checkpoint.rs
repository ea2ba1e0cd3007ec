//! The daily audit checkpoint e-mail to MoHA's administrators, in both languages: the head's
//! sequence number and keyed hash, and the command that holds the chain to them.

use parindex_db::audit_checkpoint::{self, Checkpoint};
use parindex_db::{Ctx, Db};
use parindex_domain::{clock, deadline};

/// Queues the checkpoint if one is due (see `parindex_db::audit_checkpoint`).
pub async fn send(db: &Db, now_ms: i64) -> parindex_db::error::DbResult<Option<Checkpoint>> {
    let time = deadline::display_instant(clock::from_ms(now_ms));
    let compose = move |to: &str, seq: i64, hash: &str| {
        parindex_web::notice_mail::bilingual(
            to,
            "audit-checkpoint-subject",
            "audit-checkpoint-body",
            &[
                ("seq", seq.to_string()),
                ("hash", hash.to_string()),
                ("time", time.clone()),
            ],
        )
    };
    audit_checkpoint::send_if_due(db, &Ctx::system(now_ms), &compose).await
}
