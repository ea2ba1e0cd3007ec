//! The second factor of MoHA accounts: a one-time code from an authenticator app (TOTP, RFC 6238:
//! HMAC-SHA-1, six digits, thirty-second steps, one step of tolerance either way), and one-time
//! recovery codes for a lost phone.
//!
//! The rules live here: which roles must have one, when a code is accepted (never twice in the same
//! step, as RFC 6238 §5.2 asks), what a recovery code looks like, and how a secret is sealed before
//! it is stored. The database and the pages only call these.

use crate::Role;
use crate::audit::AuditKey;
use crate::ids::UserId;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The name an authenticator app shows above the code.
pub const ISSUER: &str = "parindex";
/// How many recovery codes an enrolment hands out.
pub const RECOVERY_CODES: usize = 10;
const SECRET_BYTES: usize = 20;
const STEP_SECONDS: i64 = 30;
const DIGITS: usize = 6;

/// MoHA administrators and appraisers publish the ranking, appraise every unit and can cancel a
/// unit's survey: a password alone is not enough for them.
pub fn required(role: Role) -> bool {
    role.is_moha()
}

/// Why an administrator may not reset an account's second factor, or `None` when they may: never
/// their own (a session left open, with the password, would then be enough to replace it), and only
/// when there is one. The accounts page asks this before offering the form.
pub fn reset_refusal(admin_id: UserId, account_id: UserId, has_one: bool) -> Option<&'static str> {
    if admin_id == account_id {
        Some("second-factor-reset-self")
    } else if !has_one {
        Some("second-factor-none")
    } else {
        None
    }
}

/// 160 random bits shared with the authenticator app (RFC 4226 §4 recommends 160).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret([u8; SECRET_BYTES]);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

/// Why a typed code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Not six digits.
    Malformed,
    /// Six digits, but not the code of this moment.
    Wrong,
    /// The code of a step that was already used to sign in.
    Reused,
}

impl CodeRefusal {
    /// The message key shown beside the field.
    pub fn key(self) -> &'static str {
        match self {
            CodeRefusal::Malformed => "second-factor-code-malformed",
            CodeRefusal::Wrong => "second-factor-code-wrong",
            CodeRefusal::Reused => "second-factor-code-reused",
        }
    }
}

/// A secret as stored: hex of a random nonce and of the secret sealed with a key derived from the
/// server's key and that nonce. The database alone does not give the codes away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub nonce: String,
    pub secret: String,
}

impl TotpSecret {
    pub fn generate() -> Result<TotpSecret, getrandom::Error> {
        let mut b = [0u8; SECRET_BYTES];
        getrandom::fill(&mut b)?;
        Ok(TotpSecret(b))
    }

    /// A fixed secret derived from `seed`, for the demo's accounts: anyone can compute their codes.
    pub fn derived_from(seed: &str) -> TotpSecret {
        let d = Sha256::digest(format!("parindex demo second factor\0{seed}").as_bytes());
        let mut b = [0u8; SECRET_BYTES];
        b.copy_from_slice(&d[..SECRET_BYTES]);
        TotpSecret(b)
    }

    pub fn from_base32(s: &str) -> Option<TotpSecret> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = Secret::try_from_base32(compact.to_ascii_uppercase()).ok()?;
        bytes.as_bytes().try_into().ok().map(TotpSecret)
    }

    /// The key as an authenticator app takes it typed, in groups of four for reading aloud.
    pub fn grouped(&self) -> String {
        let b32 = Secret::new(Box::new(self.0)).to_base32();
        b32.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn totp(&self, account: &str) -> Totp {
        // Six digits, SHA-1, 30 s steps and a skew of one are RFC 6238's defaults and what every
        // authenticator app supports; an account name with ':' is not representable in the URI,
        // so it is replaced.
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_secret(Secret::new(Box::new(self.0)))
            .with_issuer(Some(ISSUER))
            .with_account_name(account.replace(':', "_"))
            .build_noncompliant()
    }

    /// `otpauth://totp/parindex:ACCOUNT?secret=…&issuer=parindex`: what an authenticator app or a
    /// script needs to make the codes.
    pub fn otpauth_uri(&self, account: &str) -> String {
        self.totp(account)
            .to_url()
            .unwrap_or_else(|_| format!("otpauth://totp/{ISSUER}?secret={}", self.base32()))
    }

    fn base32(&self) -> String {
        Secret::new(Box::new(self.0)).to_base32()
    }

    /// The code of the step holding `unix_ms`, as the app shows it.
    pub fn code_at(&self, unix_ms: i64) -> String {
        self.code_of_step(step_at(unix_ms))
    }

    fn code_of_step(&self, step: i64) -> String {
        let secs = u64::try_from(step.max(0) * STEP_SECONDS).unwrap_or_default();
        self.totp("").generate(secs).to_string()
    }

    /// Accepts `typed` at `now_ms` when it is the code of the current step or of the one just before
    /// or after it, and that step is later than `last_step`, the last one used. Returns the step to
    /// remember.
    pub fn accept(&self, typed: &str, now_ms: i64, last_step: i64) -> Result<i64, CodeRefusal> {
        let typed = compact(typed);
        if typed.len() != DIGITS || !typed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeRefusal::Malformed);
        }
        let now = step_at(now_ms);
        let mut reused = false;
        for step in now - 1..=now + 1 {
            if same(&self.code_of_step(step), &typed) {
                if step > last_step {
                    return Ok(step);
                }
                reused = true;
            }
        }
        Err(if reused {
            CodeRefusal::Reused
        } else {
            CodeRefusal::Wrong
        })
    }

    /// Seals the secret for storage with a fresh nonce.
    pub fn seal(&self, key: &AuditKey) -> Result<Sealed, getrandom::Error> {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce)?;
        Ok(Sealed {
            nonce: hex::encode(nonce),
            secret: hex::encode(xor_pad(key, &nonce, &self.0)),
        })
    }
}

impl Sealed {
    /// The secret back, with the same key it was sealed with.
    pub fn open(&self, key: &AuditKey) -> Option<TotpSecret> {
        let nonce = hex::decode(&self.nonce).ok()?;
        let sealed = hex::decode(&self.secret).ok()?;
        let bytes: [u8; SECRET_BYTES] = sealed.try_into().ok()?;
        Some(TotpSecret(xor_pad(key, &nonce, &bytes)))
    }
}

/// XOR with a pad derived from the key and a nonce used once: sealing and opening are the same.
fn xor_pad(key: &AuditKey, nonce: &[u8], bytes: &[u8; SECRET_BYTES]) -> [u8; SECRET_BYTES] {
    let pad = key.derive("parindex second factor secret", nonce);
    let mut out = [0u8; SECRET_BYTES];
    for (i, b) in bytes.iter().enumerate() {
        out[i] = b ^ pad[i];
    }
    out
}

fn step_at(unix_ms: i64) -> i64 {
    unix_ms.div_euclid(1000 * STEP_SECONDS)
}

/// What was typed without spaces and dashes ("123 456" is "123456").
fn compact(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// Compares in time independent of where the strings differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Recovery codes use Crockford's base 32 (no I, L, O or U to misread): 16 characters, 80 bits.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_LEN: usize = 16;

/// A new set of recovery codes, as shown once: "k3m9-x2qa-…" in groups of four.
pub fn new_recovery_codes() -> Result<Vec<String>, getrandom::Error> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut b = [0u8; RECOVERY_LEN];
            getrandom::fill(&mut b)?;
            let raw: Vec<u8> = b
                .iter()
                .map(|x| RECOVERY_ALPHABET[usize::from(x & 31)])
                .collect();
            Ok(raw
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-"))
        })
        .collect()
}

/// Whether `typed` has the shape of a recovery code rather than of an app's code.
pub fn is_recovery_code(typed: &str) -> bool {
    normalize_recovery(typed).is_some()
}

/// The only form in which a recovery code is stored, for what was typed: case, spaces and dashes
/// do not matter, and O, I and L read as 0, 1 and 1. `None` when it cannot be a recovery code.
pub fn recovery_hash(typed: &str) -> Option<String> {
    normalize_recovery(typed).map(|n| crate::token::hash(&n))
}

fn normalize_recovery(typed: &str) -> Option<String> {
    let n: String = compact(typed)
        .to_ascii_lowercase()
        .chars()
        .map(|c| match c {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        })
        .collect();
    (n.len() == RECOVERY_LEN && n.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_702_173_600_000; // 10/12/2023 09:00 in Hanoi

    fn secret() -> TotpSecret {
        TotpSecret::derived_from("moha.admin")
    }

    #[test]
    fn rfc_6238_test_vector() {
        // RFC 6238 Appendix B, SHA-1, secret "12345678901234567890": 94287082 at 59 s; six digits.
        let s = TotpSecret(*b"12345678901234567890");
        assert_eq!(s.code_at(59_000), "287082");
        assert_eq!(s.code_at(1_111_111_109_000), "081804");
        assert_eq!(s.code_at(20_000_000_000_000), "353130");
    }

    #[test]
    fn the_codes_of_this_step_and_its_neighbours_are_accepted_once() {
        let s = secret();
        let now = step_at(T);
        assert_eq!(s.accept(&s.code_at(T), T, 0), Ok(now));
        assert_eq!(s.accept(&s.code_at(T - 30_000), T, 0), Ok(now - 1));
        assert_eq!(s.accept(&s.code_at(T + 30_000), T, 0), Ok(now + 1));
        assert_eq!(
            s.accept(&s.code_at(T - 60_000), T, 0),
            Err(CodeRefusal::Wrong)
        );
        assert_eq!(s.accept(&s.code_at(T), T, now), Err(CodeRefusal::Reused));
        // After the step before was used, the current one still is accepted.
        assert_eq!(s.accept(&s.code_at(T), T, now - 1), Ok(now));
    }

    #[test]
    fn typed_codes_may_have_spaces_but_must_be_six_digits() {
        let s = secret();
        let code = s.code_at(T);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(s.accept(&spaced, T, 0).is_ok());
        for bad in ["", "12345", "1234567", "abcdef", "12345x"] {
            assert_eq!(s.accept(bad, T, 0), Err(CodeRefusal::Malformed), "{bad}");
        }
    }

    #[test]
    fn the_uri_names_the_issuer_account_and_secret() {
        let s = secret();
        let uri = s.otpauth_uri("moha.admin");
        assert!(
            uri.starts_with("otpauth://totp/parindex:moha.admin?"),
            "{uri}"
        );
        let b32: String = s.grouped().split(' ').collect();
        assert!(uri.contains(&format!("secret={b32}")), "{uri}");
        assert!(uri.contains("issuer=parindex"), "{uri}");
        assert_eq!(TotpSecret::from_base32(&s.grouped()), Some(s));
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key() {
        let key = AuditKey::generate().expect("rng");
        let other = AuditKey::generate().expect("rng");
        let s = secret();
        let sealed = s.seal(&key).expect("rng");
        assert!(!sealed.secret.contains(&hex::encode(s.0)));
        assert_eq!(sealed.open(&key), Some(s.clone()));
        assert_ne!(sealed.open(&other), Some(s.clone()));
        // A fresh nonce each time: the same secret never seals to the same bytes.
        assert_ne!(s.seal(&key).expect("rng").secret, sealed.secret);
    }

    #[test]
    fn recovery_codes_are_distinct_and_read_forgivingly() {
        let codes = new_recovery_codes().expect("rng");
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut hashes: Vec<_> = codes.iter().filter_map(|c| recovery_hash(c)).collect();
        hashes.sort();
        hashes.dedup();
        assert_eq!(hashes.len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(c.len(), 19);
        let sloppy = c.to_uppercase().replace('-', " ").replace('0', "O");
        assert_eq!(recovery_hash(&sloppy), recovery_hash(c));
        assert!(is_recovery_code(c));
        assert!(!is_recovery_code("123456"));
        assert!(recovery_hash("uuuu-uuuu-uuuu-uuuu").is_none());
    }

    #[test]
    fn an_administrator_resets_only_someone_elses_existing_factor() {
        assert_eq!(reset_refusal(UserId(1), UserId(2), true), None);
        assert_eq!(
            reset_refusal(UserId(1), UserId(1), true),
            Some("second-factor-reset-self")
        );
        assert_eq!(
            reset_refusal(UserId(1), UserId(2), false),
            Some("second-factor-none")
        );
    }

    #[test]
    fn only_moha_roles_require_it() {
        assert!(required(Role::MohaAdmin));
        assert!(required(Role::MohaAppraiser));
        assert!(!required(Role::UnitOfficer));
        assert!(!required(Role::UnitLeader));
        assert!(!required(Role::UnitViewer));
    }
}
