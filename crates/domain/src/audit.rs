//! The audit chain. Every entry's hash covers the previous entry's hash and every field of its own, so
//! altering, removing or reordering any row breaks every link after it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that stands before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub campaign_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: String,
    pub user_agent: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// The hash this record must carry given its fields and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        // A JSON array is an unambiguous encoding: no field can bleed into the next.
        let canonical = serde_json::json!([
            self.prev_hash,
            self.seq,
            self.at_ms,
            self.actor_id,
            self.actor,
            self.action,
            self.entity,
            self.entity_id,
            self.campaign_id,
            self.unit_id,
            self.before,
            self.after,
            self.ip,
            self.user_agent,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its hash does not match its contents")]
    Altered { seq: i64 },
    #[error("entry {seq}: it does not link to the entry before it")]
    Unlinked { seq: i64 },
    #[error("entry {seq}: expected sequence number {expected}")]
    Gap { seq: i64, expected: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Altered { seq }
            | ChainBreak::Unlinked { seq }
            | ChainBreak::Gap { seq, .. } => *seq,
        }
    }
}

/// Walks records in sequence order, carrying the running state, so a long chain is checked in pages.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev_hash: String,
    next_seq: i64,
    pub checked: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev_hash: GENESIS.to_string(),
            next_seq: 1,
            checked: 0,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, r: &AuditRecord) -> Result<(), ChainBreak> {
        if r.seq != self.next_seq {
            return Err(ChainBreak::Gap {
                seq: r.seq,
                expected: self.next_seq,
            });
        }
        if r.prev_hash != self.prev_hash {
            return Err(ChainBreak::Unlinked { seq: r.seq });
        }
        if r.compute_hash() != r.hash {
            return Err(ChainBreak::Altered { seq: r.seq });
        }
        self.prev_hash = r.hash.clone();
        self.next_seq += 1;
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut r = AuditRecord {
                    seq,
                    at_ms: 1_700_000_000_000 + seq,
                    actor_id: Some(1),
                    actor: "admin".into(),
                    action: "unit.update".into(),
                    entity: "unit".into(),
                    entity_id: seq.to_string(),
                    campaign_id: Some(1),
                    unit_id: None,
                    before: Some(r#"{"name":"A"}"#.into()),
                    after: Some(r#"{"name":"B"}"#.into()),
                    ip: "127.0.0.1".into(),
                    user_agent: "test".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                r.hash = r.compute_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn verify(rs: &[AuditRecord]) -> Result<u64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for r in rs {
            v.check(r)?;
        }
        Ok(v.checked)
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn an_altered_field_is_found_at_its_row() {
        let mut c = chain(5);
        c[2].after = Some(r#"{"name":"C"}"#.into());
        assert_eq!(verify(&c), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn a_recomputed_hash_still_breaks_the_next_link() {
        let mut c = chain(5);
        c[1].actor = "someone else".into();
        c[1].hash = c[1].compute_hash();
        assert_eq!(verify(&c), Err(ChainBreak::Unlinked { seq: 3 }));
    }

    #[test]
    fn a_deleted_row_is_a_gap() {
        let mut c = chain(5);
        c.remove(3);
        assert_eq!(
            verify(&c),
            Err(ChainBreak::Gap {
                seq: 5,
                expected: 4
            })
        );
    }
}
