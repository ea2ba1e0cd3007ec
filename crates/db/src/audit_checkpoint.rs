//! A checkpoint of the audit chain's head, e-mailed to every MoHA administrator once a day. Once
//! sent, the head (its sequence number and keyed hash) lives in mailboxes that database access
//! cannot reach, and `parindex audit verify --expect SEQ:HASH` holds the chain to it: a rewrite of
//! any entry up to SEQ shows, even by someone holding the key.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::DbResult;
use crate::outbox::{self, OutMail};
use crate::pool::Db;

/// How often a checkpoint goes out.
pub const EVERY_MS: i64 = 24 * 3_600_000;

/// The head a checkpoint records, and who it went to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub recipients: usize,
}

/// Mails the current head to every active MoHA administrator with an address, unless a checkpoint
/// went out within the last [`EVERY_MS`] or nothing was recorded since the last one. `compose`
/// writes the message for (recipient, seq, hash). The mails and the `audit.checkpoint` entry are
/// written in one transaction.
pub async fn send_if_due(
    db: &Db,
    ctx: &Ctx,
    compose: &(dyn Fn(&str, i64, &str) -> OutMail + Sync),
) -> DbResult<Option<Checkpoint>> {
    let mut tx = db.begin().await?;
    // Holds the head row for the transaction, so two servers deciding at once send one checkpoint.
    on_tx!(&mut tx, c => sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(&mut *c).await.map(|r| r.rows_affected()))?;
    let last: Option<(i64, Option<String>)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT at, after_json FROM audit_log WHERE action = 'audit.checkpoint' ORDER BY seq DESC LIMIT 1"
    ).fetch_optional(&mut *c).await)?;
    let (seq, hash): (i64, String) = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT seq, hash FROM audit_head WHERE id = 1"
    ).fetch_one(&mut *c).await)?;
    if let Some((at, after)) = &last {
        let nothing_new = after
            .as_deref()
            .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
            .and_then(|v| v["seq"].as_i64())
            .is_some_and(|s| s + 1 == seq);
        if ctx.now_ms - at < EVERY_MS || nothing_new {
            return Ok(None);
        }
    }
    if seq == 0 {
        return Ok(None);
    }
    let to: Vec<(String,)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT email FROM users WHERE role = $1 AND active = TRUE AND email <> '' ORDER BY id"
    ).bind(parindex_domain::Role::MohaAdmin.as_str()).fetch_all(&mut *c).await)?;
    for (email,) in &to {
        outbox::enqueue(
            &mut tx,
            "audit_checkpoint",
            None,
            &compose(email, seq, &hash),
            ctx.now_ms,
        )
        .await?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "audit.checkpoint",
            entity: "audit_log",
            entity_id: seq.to_string(),
            after: Some(serde_json::json!({ "seq": seq, "hash": hash, "recipients": to.len() })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(Checkpoint {
        seq,
        hash,
        recipients: to.len(),
    }))
}
