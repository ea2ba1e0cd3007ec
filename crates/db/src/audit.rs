//! The append-only, hash-chained audit log. Entries are appended inside the transaction of the change
//! they record; the single `audit_head` row is locked first, so appends are serialised on PostgreSQL as
//! they already are by `BEGIN IMMEDIATE` on SQLite.

use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use parindex_domain::UserId;
use parindex_domain::audit::{AuditKey, AuditRecord, ChainBreak, ChainVerifier};
use parindex_domain::ids::{CampaignId, UnitId};
use std::sync::OnceLock;

/// The key this process writes and verifies the chain with, loaded once at start-up.
static KEY: OnceLock<AuditKey> = OnceLock::new();

/// Sets the process's audit key. Setting the same key again is harmless; another key is refused.
pub fn use_key(key: AuditKey) -> DbResult<()> {
    let set = KEY.get_or_init(|| key.clone());
    if *set == key {
        Ok(())
    } else {
        Err(DbError::Other(
            "this process already holds another audit key".into(),
        ))
    }
}

pub(crate) fn key() -> DbResult<&'static AuditKey> {
    KEY.get().ok_or_else(|| {
        DbError::Other("the audit key is not loaded, so nothing can be recorded".into())
    })
}

/// The key's fingerprint the database was written with, if it has one yet.
pub async fn fingerprint(db: &Db) -> DbResult<Option<String>> {
    let (fp,): (String,) = on_pool!(db, p => sqlx::query_as(
        "SELECT key_fingerprint FROM audit_head WHERE id = 1"
    ).fetch_one(p).await)?;
    Ok(Some(fp).filter(|f| !f.is_empty()))
}

/// Refuses to go on when the database's chain was written with another key than the one loaded: the
/// server would otherwise append entries that can never verify.
pub async fn check_key(db: &Db) -> DbResult<()> {
    let ours = key()?.fingerprint();
    match fingerprint(db).await? {
        Some(theirs) if theirs != ours => Err(DbError::Other(format!(
            "the audit log was written with the key whose fingerprint is {theirs}, but this server \
             holds {ours}: give it the same key (the audit.key file of the first server, or the \
             audit_key setting)"
        ))),
        _ => Ok(()),
    }
}

/// What changed: the action name ("unit.update"), the entity and its id, its scope, and JSON snapshots.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: String,
    pub campaign_id: Option<CampaignId>,
    pub unit_id: Option<UnitId>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    seq: i64,
    at: i64,
    actor_id: Option<i64>,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    campaign_id: Option<i64>,
    unit_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    ip: String,
    user_agent: String,
    prev_hash: String,
    hash: String,
}

impl From<Row> for AuditRecord {
    fn from(r: Row) -> Self {
        AuditRecord {
            seq: r.seq,
            at_ms: r.at,
            actor_id: r.actor_id,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            campaign_id: r.campaign_id,
            unit_id: r.unit_id,
            before: r.before_json,
            after: r.after_json,
            ip: r.ip,
            user_agent: r.user_agent,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const COLUMNS: &str = "seq, at, actor_id, actor, action, entity, entity_id, campaign_id, unit_id, \
                       before_json, after_json, ip, user_agent, prev_hash, hash";

/// Appends one entry to the chain within `tx`.
pub async fn append(tx: &mut Tx, ctx: &Ctx, change: Change) -> DbResult<i64> {
    let key = key()?;
    let (seq, prev, keyed_from, fp): (i64, String, i64, String) = on_tx!(tx, c => sqlx::query_as(
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 \
         RETURNING seq, hash, keyed_from, key_fingerprint"
    ).fetch_one(c).await)?;
    let ours = key.fingerprint();
    if !fp.is_empty() && fp != ours {
        return Err(DbError::Other(format!(
            "the audit log is keyed with {fp}, not with this server's key {ours}"
        )));
    }
    let mut rec = AuditRecord {
        seq,
        at_ms: ctx.now_ms,
        actor_id: ctx.actor_id.map(UserId::get),
        actor: ctx.actor.clone(),
        action: change.action.to_string(),
        entity: change.entity.to_string(),
        entity_id: change.entity_id,
        campaign_id: change.campaign_id.map(CampaignId::get),
        unit_id: change.unit_id.map(UnitId::get),
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        ip: ctx.ip.clone(),
        user_agent: ctx.user_agent.chars().take(300).collect(),
        prev_hash: prev,
        hash: String::new(),
    };
    rec.hash = rec.compute_hash((seq >= keyed_from).then_some(key));
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, campaign_id, unit_id, \
         before_json, after_json, ip, user_agent, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    )
    .bind(rec.seq).bind(rec.at_ms).bind(rec.actor_id).bind(&rec.actor).bind(&rec.action)
    .bind(&rec.entity).bind(&rec.entity_id).bind(rec.campaign_id).bind(rec.unit_id)
    .bind(&rec.before).bind(&rec.after).bind(&rec.ip).bind(&rec.user_agent)
    .bind(&rec.prev_hash).bind(&rec.hash)
    .execute(c).await.map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query("UPDATE audit_head SET hash = $1, key_fingerprint = $2 WHERE id = 1")
        .bind(&rec.hash).bind(&ours).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(seq)
}

/// Filters for browsing the log; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub action_prefix: Option<String>,
    pub unit_id: Option<UnitId>,
    pub campaign_id: Option<CampaignId>,
    pub actor: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Only entries with a sequence number below this (the next page).
    pub before_seq: Option<i64>,
}

/// Newest first, at most `limit` entries.
pub async fn list(db: &Db, f: &Filter, limit: i64) -> DbResult<Vec<AuditRecord>> {
    let prefix = f
        .action_prefix
        .as_ref()
        .map(|p| format!("{}%", escape_like(p)));
    let actor = f.actor.as_ref().map(|a| format!("%{}%", escape_like(a)));
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE \
         ($1 IS NULL OR action LIKE $1 ESCAPE '\\') AND ($2 IS NULL OR unit_id = $2) AND \
         ($3 IS NULL OR campaign_id = $3) AND ($4 IS NULL OR actor LIKE $4 ESCAPE '\\') AND \
         ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6) AND ($7 IS NULL OR seq < $7) \
         ORDER BY seq DESC LIMIT $8"
    );
    let rows: Vec<Row> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(prefix.clone()).bind(f.unit_id).bind(f.campaign_id).bind(actor.clone())
        .bind(f.from_ms).bind(f.to_ms).bind(f.before_seq).bind(limit)
        .fetch_all(p).await)?;
    Ok(rows.into_iter().map(AuditRecord::from).collect())
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: u64,
    pub head_seq: i64,
    pub first_break: Option<ChainBreak>,
    /// Entries written before the database had a key (checked with a plain SHA-256).
    pub unkeyed: i64,
    /// The fingerprint the log was written with, when it is not this process's key's: nothing
    /// keyed can verify then, and the report says so instead of naming every entry altered.
    pub other_key: Option<String>,
}

/// Walks the chain from the first entry, a page at a time, and reports the first broken link. The
/// head row is checked too, so deleting the newest entries is caught.
pub async fn verify(db: &Db) -> DbResult<Verification> {
    let key = key()?;
    let (keyed_from, fp): (i64, String) = on_pool!(db, p => sqlx::query_as(
        "SELECT keyed_from, key_fingerprint FROM audit_head WHERE id = 1"
    ).fetch_one(p).await)?;
    let unkeyed = keyed_from - 1;
    if !fp.is_empty() && fp != key.fingerprint() {
        return Ok(Verification {
            checked: 0,
            head_seq: 0,
            first_break: None,
            unkeyed,
            other_key: Some(fp),
        });
    }
    let mut v = ChainVerifier::new(key.clone(), keyed_from);
    let mut after = 0i64;
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000");
    loop {
        let rows: Vec<Row> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(after).fetch_all(p).await)?;
        if rows.is_empty() {
            break;
        }
        for r in rows {
            let rec = AuditRecord::from(r);
            after = rec.seq;
            if let Err(b) = v.check(&rec) {
                return Ok(Verification {
                    checked: v.checked,
                    head_seq: after,
                    first_break: Some(b),
                    unkeyed,
                    other_key: None,
                });
            }
        }
    }
    let (head_seq, head_hash): (i64, String) = on_pool!(db, p => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(p).await)?;
    let first_break = if head_seq != after {
        Some(ChainBreak::Gap {
            seq: head_seq,
            expected: after,
        })
    } else {
        let last: Option<(String,)> = on_pool!(db, p => sqlx::query_as("SELECT hash FROM audit_log WHERE seq = $1")
            .bind(head_seq).fetch_optional(p).await)?;
        match last {
            Some((h,)) if h != head_hash => Some(ChainBreak::Unlinked { seq: head_seq }),
            _ => None,
        }
    };
    Ok(Verification {
        checked: v.checked,
        head_seq,
        first_break,
        unkeyed,
        other_key: None,
    })
}

/// How many entries the log holds.
pub async fn count(db: &Db) -> DbResult<i64> {
    let (n,): (i64,) =
        on_pool!(db, p => sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(p).await)?;
    Ok(n)
}

/// The hash entry `seq` carries now, if it exists (to hold the chain to a checkpoint).
pub async fn hash_at(db: &Db, seq: i64) -> DbResult<Option<String>> {
    let row: Option<(String,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT hash FROM audit_log WHERE seq = $1"
    ).bind(seq).fetch_optional(p).await)?;
    Ok(row.map(|(h,)| h))
}

/// The head of the chain: its sequence number and hash (what a checkpoint records).
pub async fn head(db: &Db) -> DbResult<(i64, String)> {
    Ok(
        on_pool!(db, p => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(p).await)?,
    )
}
