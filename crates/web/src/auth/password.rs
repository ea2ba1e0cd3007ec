//! Argon2id password hashes (PHC strings), computed off the async runtime.

use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal("argon2", e))
}

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| AppError::internal("hashing a password", e))?
}

/// Does `password` match `phc`? A malformed stored hash never matches.
pub async fn verify(phc: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of nothing in particular, verified when the username is unknown so that the answer takes as
/// long as for a real account.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_blocking("parindex-dummy-password").unwrap_or_default());
    &DUMMY
}

/// A readable one-time password for a new account: 16 characters in 4 groups, from an alphabet without
/// look-alikes (about 79 bits). Rejection sampling keeps every character equally likely.
pub fn temporary() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let limit = 256 - (256 % ALPHABET.len());
    let mut out = String::with_capacity(19);
    let mut picked = 0;
    while picked < 16 {
        let mut buf = [0u8; 32];
        getrandom::fill(&mut buf).map_err(|e| AppError::internal("drawing random bytes", e))?;
        for b in buf {
            if picked == 16 {
                break;
            }
            if usize::from(b) < limit {
                if picked > 0 && picked % 4 == 0 {
                    out.push('-');
                }
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
                picked += 1;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ_per_salt() {
        let a = hash("Một-mật-khẩu-dài".into()).await.expect("hash");
        let b = hash("Một-mật-khẩu-dài".into()).await.expect("hash");
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify(a.clone(), "Một-mật-khẩu-dài".into()).await);
        assert!(!verify(a, "wrong".into()).await);
        assert!(!verify("not a hash".into(), "x".into()).await);
    }

    #[test]
    fn temporary_passwords_are_long_and_distinct() {
        let a = temporary().expect("rng");
        let b = temporary().expect("rng");
        assert_eq!(a.len(), 19);
        assert_ne!(a, b);
    }
}
