//! The durable e-mail outbox. A message is queued in the same transaction as the change that causes
//! it (opening a survey, a reminder, a corrected address), so none is lost and none is sent for a
//! change that did not happen. Workers claim due messages under a lease (on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so several app servers share the queue and no message is claimed twice),
//! send them, and record the outcome: sent, retry later, or failed for good. Bodies hold a personal
//! link, so they are cleared once the message is sent or has failed.

use crate::error::DbResult;
use crate::pool::{Db, Tx};
use parindex_domain::UnitId;
use parindex_domain::survey::Next;

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A message a worker holds the lease of.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub invitation_id: Option<i64>,
    pub to_addr: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

pub(crate) async fn enqueue(
    tx: &mut Tx,
    kind: &str,
    invitation_id: Option<i64>,
    mail: &OutMail,
    now_ms: i64,
) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO outbox (kind, invitation_id, to_addr, subject, body_text, body_html, state, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $7)"
    ).bind(kind).bind(invitation_id).bind(&mail.to).bind(&mail.subject).bind(&mail.text)
    .bind(&mail.html).bind(now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Stops the queued messages of an invitation (a newer one replaces them).
pub(crate) async fn cancel_queued(tx: &mut Tx, invitation_id: i64) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE outbox SET state = 'cancelled', body_text = '', body_html = '' \
         WHERE invitation_id = $1 AND state = 'queued'"
    ).bind(invitation_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

const CLAIM_SQLITE: &str = "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= $3 \
     AND (lease_until IS NULL OR lease_until <= $3) ORDER BY next_attempt_at, id LIMIT $4) \
     RETURNING id, invitation_id, to_addr, subject, body_text, body_html, attempts";

const CLAIM_POSTGRES: &str = "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= $3 \
     AND (lease_until IS NULL OR lease_until <= $3) ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
     RETURNING id, invitation_id, to_addr, subject, body_text, body_html, attempts";

/// Takes the lease of up to `limit` due messages for `lease_ms`, those due first first (a message
/// put back for a retry goes after those due before it). A worker that dies leaves its messages to
/// be claimed again when the lease runs out. The order is the index `outbox_due`'s, so a claim reads
/// only the rows it takes however many are queued.
pub async fn claim(
    db: &Db,
    owner: &str,
    now_ms: i64,
    lease_ms: i64,
    limit: i64,
) -> DbResult<Vec<Claimed>> {
    let mut rows: Vec<Claimed> = match db {
        Db::Sqlite(p, _) => {
            sqlx::query_as(CLAIM_SQLITE)
                .bind(owner)
                .bind(now_ms + lease_ms)
                .bind(now_ms)
                .bind(limit)
                .fetch_all(p)
                .await?
        }
        Db::Postgres(p, _) => {
            sqlx::query_as(CLAIM_POSTGRES)
                .bind(owner)
                .bind(now_ms + lease_ms)
                .bind(now_ms)
                .bind(limit)
                .fetch_all(p)
                .await?
        }
    };
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// Releases the leases `owner` holds on messages not yet sent: a server that restarts under the same
/// name takes its unfinished claims back at once. Only safe while no other process runs under that
/// name, which holds when the name includes an address the server has bound. Returns how many.
pub async fn release_own(db: &Db, owner: &str) -> DbResult<u64> {
    let n = on_pool!(db, p => sqlx::query(
        "UPDATE outbox SET lease_owner = NULL, lease_until = NULL \
         WHERE lease_owner = $1 AND state = 'queued'"
    ).bind(owner).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(n)
}

/// Records how each claimed message ended, in one transaction. A message whose lease this worker no
/// longer holds is left alone. The invitation's delivery status follows its newest message only.
pub async fn record(
    db: &Db,
    owner: &str,
    outcomes: &[(Claimed, Next)],
    now_ms: i64,
) -> DbResult<()> {
    if outcomes.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for (m, next) in outcomes {
        let (state, at, error) = match next {
            Next::Sent => ("sent", now_ms, ""),
            Next::RetryAt { at_ms, error } => ("queued", *at_ms, error.as_str()),
            Next::Failed { error } => ("failed", now_ms, error.as_str()),
        };
        let error: String = error.chars().take(500).collect();
        let changed = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE outbox SET state = $3, lease_owner = NULL, lease_until = NULL, last_error = $4, \
             next_attempt_at = CASE WHEN $3 = 'queued' THEN $5 ELSE next_attempt_at END, \
             sent_at = CASE WHEN $3 = 'sent' THEN $5 ELSE sent_at END, \
             body_text = CASE WHEN $3 = 'queued' THEN body_text ELSE '' END, \
             body_html = CASE WHEN $3 = 'queued' THEN body_html ELSE '' END \
             WHERE id = $1 AND lease_owner = $2"
        ).bind(m.id).bind(owner).bind(state).bind(&error).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))?;
        let Some(inv) = m
            .invitation_id
            .filter(|_| changed == 1 && state != "queued")
        else {
            continue;
        };
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE survey_invitations SET delivery = $2, delivery_error = $3, \
             delivered_at = CASE WHEN $2 = 'sent' THEN COALESCE(delivered_at, $4) ELSE delivered_at END \
             WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.invitation_id = $1 AND o.id > $5)"
        ).bind(inv).bind(state).bind(&error).bind(now_ms).bind(m.id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    }
    tx.commit().await
}

/// Messages per state, for tests, metrics and the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
}

pub async fn counts(db: &Db) -> DbResult<Counts> {
    let rows: Vec<(String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT state, COUNT(*) FROM outbox GROUP BY state"
    ).fetch_all(p).await)?;
    let mut c = Counts::default();
    for (state, n) in rows {
        match state.as_str() {
            "queued" => c.queued = n,
            "sent" => c.sent = n,
            "failed" => c.failed = n,
            _ => c.cancelled += n,
        }
    }
    Ok(c)
}

/// The next time a queued message falls due, if any (the worker sleeps until then).
pub async fn next_due(db: &Db) -> DbResult<Option<i64>> {
    let (at,): (Option<i64>,) = on_pool!(db, p => sqlx::query_as(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'queued'"
    ).fetch_one(p).await)?;
    Ok(at)
}

/// When the oldest message still waiting to be sent was queued, if any.
pub async fn oldest_queued(db: &Db) -> DbResult<Option<i64>> {
    let (at,): (Option<i64>,) = on_pool!(db, p => sqlx::query_as(
        "SELECT MIN(created_at) FROM outbox WHERE state = 'queued'"
    ).fetch_one(p).await)?;
    Ok(at)
}

/// E-mails that are waiting because sending them failed for now (the relay down or refusing for a
/// while): how many, since when the oldest has waited, and the newest error, for the pages to say
/// why sending is delayed. `unit_id` narrows it to one unit's invitations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delay {
    pub waiting: i64,
    pub since_ms: i64,
    pub error: String,
}

pub async fn delay(db: &Db, unit_id: Option<UnitId>) -> DbResult<Option<Delay>> {
    let scope = "o.state = 'queued' AND o.attempts > 0 AND ($1 IS NULL OR o.invitation_id IN \
                 (SELECT id FROM survey_invitations WHERE unit_id = $1))";
    let count_sql = format!("SELECT COUNT(*), MIN(o.created_at) FROM outbox o WHERE {scope}");
    let (waiting, since): (i64, Option<i64>) = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(count_sql.clone()))
        .bind(unit_id).fetch_one(p).await)?;
    let Some(since_ms) = since.filter(|_| waiting > 0) else {
        return Ok(None);
    };
    let error_sql = format!(
        "SELECT o.last_error FROM outbox o WHERE {scope} ORDER BY o.next_attempt_at DESC LIMIT 1"
    );
    let (error,): (String,) = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(error_sql.clone()))
        .bind(unit_id).fetch_one(p).await)?;
    Ok(Some(Delay {
        waiting,
        since_ms,
        error,
    }))
}
