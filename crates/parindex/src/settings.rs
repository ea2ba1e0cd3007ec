//! Configuration: built-in defaults, then an optional TOML file, then `PARINDEX_*` environment variables
//! (and `DATABASE_URL`), then command-line flags. Zero configuration works: SQLite in `./data`.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Deserialize)]
pub struct Settings {
    /// Address the web server listens on.
    pub listen: String,
    /// Folder for the SQLite database and other local files.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; empty for SQLite in `data_dir`.
    pub database_url: String,
    /// Address of the Prometheus metrics listener; empty turns it off.
    pub metrics_listen: String,
    /// `text` or `json`.
    pub log_format: String,
    pub secure_cookies: bool,
    pub public_origin: String,
    pub trust_proxy: bool,
    pub session_hours: i64,
    /// Minutes a login lasts without being used.
    pub session_idle_minutes: i64,
    pub max_body_bytes: usize,
    /// `smtp://host:port`, `smtp://user:pass@host:587?tls=required` or `smtps://host:465`; empty
    /// writes e-mails as .eml files to `data_dir/outbox`.
    pub smtp_url: String,
    /// The sender of survey e-mails.
    pub mail_from: String,
    /// Most e-mails a second (0: no limit).
    pub mail_rate: u32,
    /// E-mails in flight at once (and pooled SMTP connections).
    pub mail_concurrency: usize,
    /// Most reminders per respondent.
    pub reminder_max: i64,
    /// Fewest hours between two e-mails to one respondent before a reminder.
    pub reminder_interval_hours: i64,
    /// Where evidence files are kept: empty for `data_dir/files`, or `s3://bucket/prefix` for
    /// S3-compatible storage that several app servers share.
    pub files_url: String,
    /// PostgreSQL's backup tools, for `parindex backup` and `parindex restore`.
    pub pg_dump: String,
    pub pg_restore: String,
    /// How much evidence one unit's library may hold: megabytes, and files.
    pub evidence_quota_mb: i64,
    pub evidence_quota_files: i64,
    /// The audit chain's key, 64 hex digits; empty for the `audit.key` file in `data_dir`. Several
    /// app servers on one database must share it.
    pub audit_key: String,
    /// Bootstrap resamples behind each result's 95% intervals (100 to 100,000).
    pub bootstrap_resamples: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            metrics_listen: "127.0.0.1:9464".into(),
            log_format: "text".into(),
            secure_cookies: false,
            public_origin: String::new(),
            trust_proxy: false,
            session_hours: 12,
            session_idle_minutes: 60,
            max_body_bytes: 10 * 1024 * 1024,
            smtp_url: String::new(),
            mail_from: "Bộ Nội vụ - Khảo sát CCHC <khaosat@localhost>".into(),
            mail_rate: 0,
            mail_concurrency: 16,
            reminder_max: 3,
            reminder_interval_hours: 48,
            files_url: String::new(),
            pg_dump: "pg_dump".into(),
            pg_restore: "pg_restore".into(),
            evidence_quota_mb: 2048,
            evidence_quota_files: 5_000,
            audit_key: String::new(),
            bootstrap_resamples: 2_000,
        }
    }
}

/// The database URL with any password replaced, for logs and `Debug`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url))
            .field("metrics_listen", &self.metrics_listen)
            .field("log_format", &self.log_format)
            .field("secure_cookies", &self.secure_cookies)
            .field("public_origin", &self.public_origin)
            .field("trust_proxy", &self.trust_proxy)
            .field("session_hours", &self.session_hours)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("smtp_url", &redact_url(&self.smtp_url))
            .field("mail_from", &self.mail_from)
            .field("mail_rate", &self.mail_rate)
            .field("mail_concurrency", &self.mail_concurrency)
            .field("reminder_max", &self.reminder_max)
            .field("reminder_interval_hours", &self.reminder_interval_hours)
            .field("files_url", &self.files_url)
            .field("pg_dump", &self.pg_dump)
            .field("pg_restore", &self.pg_restore)
            .field("evidence_quota_mb", &self.evidence_quota_mb)
            .field("evidence_quota_files", &self.evidence_quota_files)
            .field("bootstrap_resamples", &self.bootstrap_resamples)
            .field(
                "audit_key",
                &if self.audit_key.is_empty() {
                    ""
                } else {
                    "[redacted]"
                },
            )
            .finish()
    }
}

impl Settings {
    /// Defaults ← `file` (if given, it must exist) ← `PARINDEX_*` ← `DATABASE_URL`.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        let d = Settings::default();
        let mut b = config::Config::builder()
            .set_default("listen", d.listen)?
            .set_default("data_dir", d.data_dir.to_string_lossy().to_string())?
            .set_default("database_url", d.database_url)?
            .set_default("metrics_listen", d.metrics_listen)?
            .set_default("log_format", d.log_format)?
            .set_default("secure_cookies", d.secure_cookies)?
            .set_default("public_origin", d.public_origin)?
            .set_default("trust_proxy", d.trust_proxy)?
            .set_default("session_hours", d.session_hours)?
            .set_default("session_idle_minutes", d.session_idle_minutes)?
            .set_default(
                "max_body_bytes",
                i64::try_from(d.max_body_bytes).unwrap_or(i64::MAX),
            )?
            .set_default("smtp_url", d.smtp_url)?
            .set_default("mail_from", d.mail_from)?
            .set_default("mail_rate", i64::from(d.mail_rate))?
            .set_default(
                "mail_concurrency",
                i64::try_from(d.mail_concurrency).unwrap_or(8),
            )?
            .set_default("reminder_max", d.reminder_max)?
            .set_default("reminder_interval_hours", d.reminder_interval_hours)?
            .set_default("files_url", d.files_url)?
            .set_default("pg_dump", d.pg_dump)?
            .set_default("pg_restore", d.pg_restore)?
            .set_default("evidence_quota_mb", d.evidence_quota_mb)?
            .set_default("evidence_quota_files", d.evidence_quota_files)?
            .set_default("audit_key", d.audit_key)?
            .set_default("bootstrap_resamples", i64::from(d.bootstrap_resamples))?;
        if let Some(f) = file {
            b = b.add_source(config::File::from(f).required(true));
        }
        b = b.add_source(config::Environment::with_prefix("PARINDEX").try_parsing(true));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            b = b.set_override("database_url", url)?;
        }
        Ok(b.build()?.try_deserialize()?)
    }

    /// The database to open: the configured URL, or SQLite in the data folder.
    pub fn database(&self) -> String {
        if self.database_url.trim().is_empty() {
            format!("sqlite://{}", self.data_dir.join("parindex.db").display())
        } else {
            self.database_url.clone()
        }
    }

    /// The store for evidence and other uploaded files.
    pub fn files(&self) -> anyhow::Result<std::sync::Arc<dyn object_store::ObjectStore>> {
        let url = self.files_url.trim();
        if url.is_empty() {
            Ok(parindex_web::AppState::local_files(
                &self.data_dir.join("files"),
            )?)
        } else {
            parindex_web::AppState::s3_files(url).map_err(anyhow::Error::msg)
        }
    }

    pub fn web(&self) -> parindex_web::WebConfig {
        parindex_web::WebConfig {
            secure_cookies: self.secure_cookies,
            public_origin: Some(self.public_origin.trim().to_string()).filter(|s| !s.is_empty()),
            trust_proxy: self.trust_proxy,
            session_hours: self.session_hours.clamp(1, 24 * 30),
            session_idle_minutes: self.session_idle_minutes.clamp(5, 24 * 60),
            max_body_bytes: self.max_body_bytes,
            reminders: parindex_domain::survey::ReminderPolicy {
                min_interval_ms: self.reminder_interval_hours.max(1) * 3_600_000,
                max_reminders: self.reminder_max.max(0),
            },
            evidence_quota: parindex_domain::storage_quota::Quota {
                max_bytes: self.evidence_quota_mb.max(1).saturating_mul(1024 * 1024),
                max_files: self.evidence_quota_files.max(1),
            },
            bootstrap: self.bootstrap(),
        }
    }

    /// The bootstrap's settings: the configured resamples, within 100 to 100,000.
    pub fn bootstrap(&self) -> parindex_domain::scoring::uncertainty::Settings {
        parindex_domain::scoring::uncertainty::Settings {
            resamples: self.bootstrap_resamples.clamp(100, 100_000),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bootstrap_resamples_reach_the_server_within_their_bounds() {
        assert_eq!(Settings::default().web().bootstrap.resamples, 2_000);
        for (asked, got) in [(5, 100), (500, 500), (1_000_000, 100_000)] {
            let s = Settings {
                bootstrap_resamples: asked,
                ..Settings::default()
            };
            assert_eq!(s.web().bootstrap.resamples, got);
            assert_eq!(s.bootstrap().resamples, got);
        }
    }

    #[test]
    fn passwords_never_reach_debug_output() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/parindex"),
            "postgres://app:***@db:5432/parindex"
        );
        assert_eq!(
            redact_url("postgres://db/parindex"),
            "postgres://db/parindex"
        );
        let s = Settings {
            database_url: "postgres://app:s3cret@db/x".into(),
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("s3cret"));
    }

    #[test]
    fn files_go_to_the_data_folder_unless_an_s3_url_is_given() {
        let dir = tempfile::tempdir().expect("tempdir");
        let local = Settings {
            data_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        assert!(local.files().is_ok());
        assert!(dir.path().join("files").is_dir());
        for bad in ["ftp://bucket", "s3://", "s3:///prefix"] {
            let s = Settings {
                files_url: bad.into(),
                ..Settings::default()
            };
            let e = s.files().err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("files_url"), "{bad}: {e}");
        }
        let s3 = Settings {
            files_url: "s3://parindex-evidence/2023".into(),
            ..Settings::default()
        };
        assert!(s3.files().is_ok(), "built without contacting the store");
    }

    #[test]
    fn a_toml_file_is_read_and_sqlite_is_the_default() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("parindex.toml");
        std::fs::write(&f, "listen = \"0.0.0.0:9000\"\nsession_hours = 8\n").expect("write");
        let s = Settings::load(Some(&f)).expect("load");
        assert_eq!(s.listen, "0.0.0.0:9000");
        assert_eq!(s.session_hours, 8);
        if std::env::var("DATABASE_URL").is_err() {
            assert!(s.database().starts_with("sqlite://"));
        }
    }
}
