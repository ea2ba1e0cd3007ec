//! What every handler can reach: the database, the clock and the web settings.

use parindex_db::Db;
use parindex_domain::CampaignId;
use parindex_domain::Clock;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Set the `Secure` flag on cookies (behind TLS).
    pub secure_cookies: bool,
    /// The public origin, e.g. `https://cchc.moha.gov.vn`, checked against `Origin` on state changes.
    /// When unset, the request's own `Host` is the expected origin.
    pub public_origin: Option<String>,
    /// Take the client address from the `X-Forwarded-For` header set by our own reverse proxy.
    pub trust_proxy: bool,
    /// How long a login lasts.
    pub session_hours: i64,
    /// How long a login lasts without being used.
    pub session_idle_minutes: i64,
    /// Largest request body accepted, in bytes (uploads included).
    pub max_body_bytes: usize,
    /// Who gets a survey reminder, and how often.
    pub reminders: parindex_domain::survey::ReminderPolicy,
    /// How much evidence each unit's library may hold.
    pub evidence_quota: parindex_domain::storage_quota::Quota,
    /// The results' 95% intervals: how many bootstrap resamples.
    pub bootstrap: parindex_domain::scoring::uncertainty::Settings,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            public_origin: None,
            trust_proxy: false,
            session_hours: 12,
            session_idle_minutes: 60,
            max_body_bytes: 10 * 1024 * 1024,
            reminders: parindex_domain::survey::ReminderPolicy::default(),
            evidence_quota: parindex_domain::storage_quota::Quota::default(),
            bootstrap: parindex_domain::scoring::uncertainty::Settings::default(),
        }
    }
}

/// What every handler can reach, behind one shared pointer: handlers take the state by value, and
/// copying one pointer is cheaper than copying each field's (a request copies it several times).
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Debug)]
pub struct Shared {
    pub db: Db,
    /// The respondent path's events (a link opened, a page shown), committed in batches: on SQLite
    /// in the writes' own batches, on PostgreSQL in batches of their own.
    pub events: parindex_db::survey_events::EventWriter,
    /// The respondent path's writes (start, a page saved, the submission), committed in batches.
    pub writes: parindex_db::write_queue::WriteQueue,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<WebConfig>,
    /// Where evidence files are kept (local disk by default; any S3-compatible store later).
    pub files: Arc<dyn object_store::ObjectStore>,
    /// Parsed criteria trees by set id. Stored sets never change, so each is read and hash-checked once.
    criteria: Arc<
        std::sync::RwLock<
            std::collections::HashMap<i64, Arc<parindex_domain::criteria::CriteriaSet>>,
        >,
    >,
    /// Stored criteria sets' ids by code: a code is unique and a stored set never changes.
    criteria_codes: Arc<std::sync::RwLock<std::collections::HashMap<String, i64>>>,
    /// Parsed questionnaire files by their hash (a replaced file has a new hash).
    questionnaires: Arc<
        std::sync::RwLock<
            std::collections::HashMap<String, Arc<parindex_domain::survey::QuestionnaireSet>>,
        >,
    >,
}

impl AppState {
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        config: WebConfig,
        files: Arc<dyn object_store::ObjectStore>,
    ) -> Self {
        let writes = parindex_db::write_queue::WriteQueue::new(db.clone());
        AppState(Arc::new(Shared {
            events: parindex_db::survey_events::EventWriter::new(writes.beside()),
            writes,
            db,
            clock,
            config: Arc::new(config),
            files,
            criteria: Arc::default(),
            criteria_codes: Arc::default(),
            questionnaires: Arc::default(),
        }))
    }

    /// A level's questionnaires in a campaign, whose stored file has hash `sha`; parsed once per
    /// stored file (a replaced file has a new hash).
    pub async fn questionnaire_set(
        &self,
        campaign_id: CampaignId,
        level: &str,
        sha: Option<&str>,
    ) -> Result<Option<Arc<parindex_domain::survey::QuestionnaireSet>>, parindex_db::DbError> {
        let Some(sha) = sha else {
            return Ok(None);
        };
        if let Some(q) = self
            .questionnaires
            .read()
            .ok()
            .and_then(|m| m.get(sha).cloned())
        {
            return Ok(Some(q));
        }
        let Some(set) = parindex_db::questionnaires::get(&self.db, campaign_id, level).await?
        else {
            return Ok(None);
        };
        let set = Arc::new(set);
        if let Ok(mut m) = self.questionnaires.write() {
            m.insert(sha.to_string(), set.clone());
        }
        Ok(Some(set))
    }

    /// The tree of a stored criteria set, from memory after the first (hash-checked) read.
    pub async fn criteria_tree(
        &self,
        set_id: i64,
    ) -> Result<Arc<parindex_domain::criteria::CriteriaSet>, parindex_db::DbError> {
        if let Some(t) = self
            .criteria
            .read()
            .ok()
            .and_then(|m| m.get(&set_id).cloned())
        {
            return Ok(t);
        }
        let tree = Arc::new(parindex_db::criteria_sets::tree(&self.db, set_id).await?);
        if let Ok(mut m) = self.criteria.write() {
            m.insert(set_id, tree.clone());
        }
        Ok(tree)
    }

    /// The tree of the stored criteria set with this code, from memory after the first read.
    pub async fn criteria_by_code(
        &self,
        code: &str,
    ) -> Result<Option<Arc<parindex_domain::criteria::CriteriaSet>>, parindex_db::DbError> {
        let known = self
            .criteria_codes
            .read()
            .ok()
            .and_then(|m| m.get(code).copied());
        let id = match known {
            Some(id) => id,
            None => {
                let Some(stored) = parindex_db::criteria_sets::by_code(&self.db, code).await?
                else {
                    return Ok(None);
                };
                if let Ok(mut m) = self.criteria_codes.write() {
                    m.insert(code.to_string(), stored.id);
                }
                stored.id
            }
        };
        self.criteria_tree(id).await.map(Some)
    }

    /// Files kept in an S3-compatible bucket: `s3://bucket` or `s3://bucket/prefix`. Credentials,
    /// endpoint and region come from the usual `AWS_*` environment variables (`AWS_ENDPOINT` for a
    /// store other than Amazon's, `AWS_ALLOW_HTTP=true` for one without TLS).
    pub fn s3_files(url: &str) -> Result<Arc<dyn object_store::ObjectStore>, String> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| {
            format!("files_url {url}: expected s3://bucket or s3://bucket/prefix")
        })?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("files_url {url}: no bucket"));
        }
        // A few quick retries, all within the 30 s a request may take: an upload to a store that is
        // down is refused with "try again" instead of hanging.
        let retry = object_store::RetryConfig {
            max_retries: 3,
            retry_timeout: std::time::Duration::from_secs(15),
            ..object_store::RetryConfig::default()
        };
        // Set one by one: replacing the client options would drop what the environment set
        // (AWS_ALLOW_HTTP among them).
        use object_store::ClientConfigKey as Client;
        use object_store::aws::AmazonS3ConfigKey as Key;
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_retry(retry)
            .with_config(Key::Client(Client::ConnectTimeout), "5s")
            .with_config(Key::Client(Client::Timeout), "20s")
            .build()
            .map_err(|e| format!("files_url {url}: {e}"))?;
        let prefix = prefix.trim_matches('/');
        Ok(if prefix.is_empty() {
            Arc::new(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        })
    }

    /// Files kept on local disk under `dir` (created if missing).
    pub fn local_files(
        dir: &std::path::Path,
    ) -> std::io::Result<Arc<dyn object_store::ObjectStore>> {
        std::fs::create_dir_all(dir)?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(std::io::Error::other)?;
        Ok(Arc::new(store))
    }
}
