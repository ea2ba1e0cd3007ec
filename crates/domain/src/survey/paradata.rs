//! Paradata keeps no address or browser string in the clear: each is hashed with the campaign's
//! secret salt, so equal values can be compared within the campaign (the integrity work looks for one
//! device answering many links) but cannot be looked up from outside.

use sha2::{Digest, Sha256};

/// A salted, truncated SHA-256 of `value` (empty stays empty).
pub fn salted_hash(salt: &str, value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(value.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// Events recorded while a respondent answers.
pub mod event {
    pub const OPENED: &str = "opened";
    pub const STARTED: &str = "started";
    pub const PAGE_SHOWN: &str = "page_shown";
    pub const PAGE_SAVED: &str = "page_saved";
    pub const CHECK_SHOWN: &str = "check_shown";
    pub const SUBMITTED: &str = "submitted";
    /// The unit sent the invitation to another address (after a failed delivery); MoHA's own
    /// corrections are not recorded as this.
    pub const READDRESSED: &str = "readdressed";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_depend_on_the_salt_and_hide_the_value() {
        let a = salted_hash("s1", "203.0.113.9");
        assert_eq!(a, salted_hash("s1", "203.0.113.9"));
        assert_ne!(a, salted_hash("s2", "203.0.113.9"));
        assert_ne!(a, salted_hash("s1", "203.0.113.10"));
        assert!(!a.contains("203"));
        assert_eq!(a.len(), 32);
        assert_eq!(salted_hash("s1", ""), "");
    }
}
