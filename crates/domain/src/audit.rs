//! The audit chain. Every entry's hash covers the previous entry's hash and every field of its own, so
//! altering, removing or reordering any row breaks every link after it.
//!
//! The hash is keyed (HMAC-SHA-256) with a secret kept outside the database, so someone who can write
//! to the database but does not hold the key cannot edit an entry and recompute every later link: the
//! recomputed chain fails verification. Entries written before a database had a key (sequence numbers
//! below the head's `keyed_from`) carry a plain SHA-256 and are reported as unkeyed.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The secret the chain is keyed with: 32 random bytes, kept in a file with 0600 permissions in the
/// data folder or given in the settings, never in the database.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.fingerprint())
    }
}

impl AuditKey {
    pub fn generate() -> Result<AuditKey, getrandom::Error> {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b)?;
        Ok(AuditKey(b))
    }

    /// 64 hex digits, as the key file and the setting hold it.
    pub fn from_hex(s: &str) -> Option<AuditKey> {
        let bytes = hex::decode(s.trim()).ok()?;
        bytes.try_into().ok().map(AuditKey)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A separate 32-byte key for another purpose, derived from this one (HMAC of the purpose and
    /// `data`), so that one secret kept outside the database also seals what must be stored in it
    /// readable (the second factor's secrets) without ever being used for two things at once.
    pub fn derive(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// A name for the key that reveals nothing of it: the first 16 hex digits of a hash of it. The
    /// database keeps it, so a server started with the wrong key refuses to write.
    pub fn fingerprint(&self) -> String {
        let d = Sha256::digest([b"parindex audit key".as_slice(), &self.0].concat());
        hex::encode(d)[..16].to_string()
    }
}

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
    /// The hash this record must carry given its fields and `prev_hash`: keyed with `key`, or a plain
    /// SHA-256 for an entry written before the database had a key (`None`).
    pub fn compute_hash(&self, key: Option<&AuditKey>) -> String {
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
        let bytes = canonical.to_string();
        match key {
            Some(k) => {
                let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&k.0)
                    .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
                mac.update(bytes.as_bytes());
                hex::encode(mac.finalize().into_bytes())
            }
            None => hex::encode(Sha256::digest(bytes.as_bytes())),
        }
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
/// Entries from `keyed_from` on are checked with the key.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev_hash: String,
    next_seq: i64,
    key: AuditKey,
    keyed_from: i64,
    pub checked: u64,
}

impl ChainVerifier {
    pub fn new(key: AuditKey, keyed_from: i64) -> ChainVerifier {
        ChainVerifier {
            prev_hash: GENESIS.to_string(),
            next_seq: 1,
            key,
            keyed_from,
            checked: 0,
        }
    }

    /// The key an entry is hashed with.
    pub fn key_for(&self, seq: i64) -> Option<&AuditKey> {
        (seq >= self.keyed_from).then_some(&self.key)
    }

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
        if r.compute_hash(self.key_for(r.seq)) != r.hash {
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
                r.hash = r.compute_hash(Some(&key()));
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    fn key() -> AuditKey {
        AuditKey::from_hex(&"5a".repeat(32)).expect("key")
    }

    fn verify(rs: &[AuditRecord]) -> Result<u64, ChainBreak> {
        let mut v = ChainVerifier::new(key(), 1);
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
        c[1].hash = c[1].compute_hash(Some(&key()));
        assert_eq!(verify(&c), Err(ChainBreak::Unlinked { seq: 3 }));
    }

    #[test]
    fn a_chain_recomputed_without_the_key_does_not_verify() {
        let mut c = chain(5);
        c[1].actor = "someone else".into();
        let forger = AuditKey::generate().expect("rng");
        for guess in [None, Some(&forger)] {
            let mut prev = c[0].hash.clone();
            for r in c.iter_mut().skip(1) {
                r.prev_hash = prev.clone();
                r.hash = r.compute_hash(guess);
                prev = r.hash.clone();
            }
            assert_eq!(verify(&c), Err(ChainBreak::Altered { seq: 2 }));
        }
    }

    #[test]
    fn entries_before_the_key_are_checked_unkeyed() {
        let mut c = chain(3);
        c[0].hash = c[0].compute_hash(None);
        c[1].prev_hash = c[0].hash.clone();
        c[1].hash = c[1].compute_hash(Some(&key()));
        c[2].prev_hash = c[1].hash.clone();
        c[2].hash = c[2].compute_hash(Some(&key()));
        let mut v = ChainVerifier::new(key(), 2);
        for r in &c {
            v.check(r).expect("intact");
        }
        assert_eq!(verify(&c), Err(ChainBreak::Altered { seq: 1 }));
    }

    #[test]
    fn keys_round_trip_and_their_fingerprint_hides_them() {
        let k = AuditKey::generate().expect("rng");
        assert_eq!(AuditKey::from_hex(&k.to_hex()), Some(k.clone()));
        assert_eq!(k.fingerprint().len(), 16);
        assert!(!k.to_hex().contains(&k.fingerprint()));
        assert!(!format!("{k:?}").contains(&k.to_hex()));
        assert_eq!(AuditKey::from_hex("abcd"), None);
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
