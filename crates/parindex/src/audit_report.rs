//! What `parindex audit verify` says: the chain walked with the key, the entries from before the
//! database had a key, and each checkpoint held to.

use parindex_db::Db;
use parindex_db::audit::Verification;

/// The report line and whether the chain is intact.
pub fn verification(v: &Verification) -> (String, bool) {
    if let Some(fp) = &v.other_key {
        return (
            format!(
                "audit chain NOT CHECKED: it was written with the key whose fingerprint is {fp}, and this \
                 server holds another; give it the original audit.key (or audit_key setting)"
            ),
            false,
        );
    }
    let unkeyed = if v.unkeyed > 0 {
        format!(
            "; entries 1 to {} were written before the log had a key and are only hash-chained",
            v.unkeyed
        )
    } else {
        String::new()
    };
    match &v.first_break {
        None => (
            format!(
                "audit chain intact: {} entries verified with the key{unkeyed}",
                v.checked
            ),
            true,
        ),
        Some(b) => (
            format!(
                "audit chain BROKEN at entry {}: {b} ({} entries verified before it){unkeyed}",
                b.seq(),
                v.checked
            ),
            false,
        ),
    }
}

/// Holds the chain to a checkpoint `SEQ:HASH` (from the checkpoint e-mail).
pub async fn checkpoint(db: &Db, spec: &str) -> anyhow::Result<(String, bool)> {
    let (seq, hash) = spec
        .split_once(':')
        .and_then(|(s, h)| Some((s.trim().parse::<i64>().ok()?, h.trim().to_lowercase())))
        .ok_or_else(|| anyhow::anyhow!("--expect takes SEQ:HASH, e.g. 1093:3f2a…"))?;
    let found = parindex_db::audit::hash_at(db, seq).await?;
    Ok(match found {
        Some(h) if h == hash => (format!("checkpoint {seq} holds"), true),
        Some(_) => (
            format!("checkpoint {seq} does NOT hold: the entry was rewritten since"),
            false,
        ),
        None => (
            format!("checkpoint {seq} does NOT hold: the entry is gone"),
            false,
        ),
    })
}
