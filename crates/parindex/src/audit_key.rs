//! The audit chain's key: from the `audit_key` setting (64 hex digits, for several app servers that
//! share one PostgreSQL), else the file `audit.key` in the data folder, created with 0600 permissions
//! on first use. It is never stored in the database, so database access alone cannot re-forge the
//! chain. Back the file up apart from the database; a restore needs it.

use crate::settings::Settings;
use anyhow::{Context, bail};
use parindex_domain::audit::AuditKey;
use std::io::Write;
use std::path::Path;

pub const FILE: &str = "audit.key";

/// Loads the key the settings name, creating the key file when there is none, and hands it to the
/// database layer.
pub fn load(settings: &Settings) -> anyhow::Result<AuditKey> {
    let key = if settings.audit_key.trim().is_empty() {
        from_file(&settings.data_dir.join(FILE))?
    } else {
        AuditKey::from_hex(&settings.audit_key)
            .context("audit_key must be 64 hexadecimal digits (32 bytes)")?
    };
    parindex_db::audit::use_key(key.clone())?;
    Ok(key)
}

/// Like [`load`], but never creates a key: a restore needs the key the backup was written with.
pub fn require(settings: &Settings) -> anyhow::Result<AuditKey> {
    let path = settings.data_dir.join(FILE);
    if settings.audit_key.trim().is_empty() && !path.exists() {
        bail!(
            "no audit key: copy audit.key from the original data folder to {} (chmod 600), or set \
             audit_key, before restoring; the audit log cannot be verified or extended without it",
            path.display()
        );
    }
    load(settings)
}

fn from_file(path: &Path) -> anyhow::Result<AuditKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            check_private(path)?;
            AuditKey::from_hex(&text)
                .with_context(|| format!("{} does not hold a 64-digit hex key", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn create(path: &Path) -> anyhow::Result<AuditKey> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let key = AuditKey::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let mut f = open_private(path).with_context(|| format!("creating {}", path.display()))?;
    writeln!(f, "{}", key.to_hex())?;
    f.sync_all()?;
    tracing::info!(path = %path.display(), fingerprint = %key.fingerprint(), "created the audit key");
    Ok(key)
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// A key file others can read is refused: anyone who can read it can re-forge the chain.
#[cfg(unix)]
fn check_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        bail!(
            "{} can be read by others (mode {:o}); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_file_is_private_and_read_back_the_same() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(FILE);
        let a = from_file(&path).expect("created");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(from_file(&path).expect("read"), a);
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(FILE);
        from_file(&path).expect("created");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let e = from_file(&path).expect_err("refused");
        assert!(e.to_string().contains("chmod 600"), "{e}");
    }
}
