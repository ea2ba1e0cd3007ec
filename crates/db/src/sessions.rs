//! Login sessions, stored in the database so several app servers share them. The cookie carries a
//! random token; only its SHA-256 hash is stored.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::DbResult;
use crate::pool::{Db, Tx};
use crate::users::User;
use parindex_domain::UserId;

pub async fn create(
    db: &Db,
    ctx: &Ctx,
    token_hash: &str,
    user_id: UserId,
    expires_at: i64,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    signed_in(&mut tx, ctx, token_hash, user_id, expires_at, None).await?;
    tx.commit().await
}

/// What a session still waits for after a right password, for an account that needs a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// The code from the account's authenticator app (or a recovery code).
    Code,
    /// Setting up the authenticator app: the account has none yet.
    Enrol,
}

impl Pending {
    pub fn as_str(self) -> &'static str {
        match self {
            Pending::Code => "code",
            Pending::Enrol => "enrol",
        }
    }

    fn parse(s: &str) -> Option<Pending> {
        [Pending::Code, Pending::Enrol]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// Inserts a session in `tx`. A full one (`pending` empty) also clears the account's failed logins
/// and is audited as the login; a pending one clears nothing, so a right password cannot reset the
/// count of wrong codes.
pub(crate) async fn insert(
    tx: &mut Tx,
    ctx: &Ctx,
    token_hash: &str,
    user_id: UserId,
    expires_at: i64,
    pending: Option<Pending>,
) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent, last_seen_at, pending) VALUES ($1, $2, $3, $4, $5, $6, $3, $7)"
    ).bind(token_hash).bind(user_id).bind(ctx.now_ms).bind(expires_at).bind(&ctx.ip)
    .bind(ctx.user_agent.chars().take(300).collect::<String>()).bind(pending.map(Pending::as_str))
    .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A full session, in `tx`, with its audit entry: `how` says what proved the second factor, if any.
pub(crate) async fn signed_in(
    tx: &mut Tx,
    ctx: &Ctx,
    token_hash: &str,
    user_id: UserId,
    expires_at: i64,
    how: Option<&str>,
) -> DbResult<()> {
    insert(tx, ctx, token_hash, user_id, expires_at, None).await?;
    on_tx!(tx, c => sqlx::query("DELETE FROM login_failures WHERE username = (SELECT username FROM users WHERE id = $1)")
        .bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        tx,
        ctx,
        Change {
            action: "session.login",
            entity: "user",
            entity_id: user_id.to_string(),
            after: how.map(|h| serde_json::json!({ "second_factor": h })),
            ..Change::default()
        },
    )
    .await?;
    Ok(())
}

/// The account and what it still owes behind a pending session's token hash, while it lasts.
pub async fn pending_for(
    db: &Db,
    token_hash: &str,
    now_ms: i64,
) -> DbResult<Option<(User, Pending)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: User,
        pending: String,
    }
    let row: Option<Row> = on_pool!(db, p => sqlx::query_as(
        "SELECT u.id, u.username, u.full_name, u.email, u.role, u.unit_id, u.password_hash, \
         u.must_change_password, u.active, s.pending FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.pending IS NOT NULL AND u.active = TRUE"
    ).bind(token_hash).bind(now_ms).fetch_optional(p).await)?;
    Ok(row.and_then(|r| Pending::parse(&r.pending).map(|p| (r.user, p))))
}

/// How often a session's last use is written: at most once a minute, not on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(sqlx::FromRow)]
struct Live {
    #[sqlx(flatten)]
    user: User,
    last_seen_at: i64,
}

/// The active account behind a session token hash, if the session is live: before its absolute
/// end, and used within the last `idle_ms`. Using it counts as use; that is written (through the
/// write queue) only when the last write is a minute old, so most requests only read.
pub async fn user_for(
    db: &Db,
    token_hash: &str,
    now_ms: i64,
    idle_ms: i64,
) -> DbResult<Option<User>> {
    let live: Option<Live> = on_pool!(db, p => sqlx::query_as(
        "SELECT u.id, u.username, u.full_name, u.email, u.role, u.unit_id, u.password_hash, \
         u.must_change_password, u.active, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND s.pending IS NULL \
         AND u.active = TRUE"
    ).bind(token_hash).bind(now_ms).bind(now_ms - idle_ms).fetch_optional(p).await)?;
    let Some(live) = live else {
        return Ok(None);
    };
    if now_ms - live.last_seen_at >= TOUCH_EVERY_MS
        && let Err(e) = touch(db, token_hash, now_ms).await
    {
        // A session that cannot be marked used right now (a full disk, say) still serves this
        // request; it only ages sooner.
        tracing::warn!(error = %e, "could not record a session's use");
    }
    Ok(Some(live.user))
}

async fn touch(db: &Db, token_hash: &str, now_ms: i64) -> DbResult<()> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2"
    ).bind(token_hash).bind(now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    tx.commit().await
}

/// Ends one session (logout) or, with `everywhere`, every session of its account.
pub async fn end(
    db: &Db,
    ctx: &Ctx,
    token_hash: &str,
    user_id: UserId,
    everywhere: bool,
) -> DbResult<u64> {
    let mut tx = db.begin().await?;
    let n = if everywhere {
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()))?
    } else {
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?
    };
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: if everywhere {
                "session.logout_everywhere"
            } else {
                "session.logout"
            },
            entity: "user",
            entity_id: user_id.to_string(),
            after: Some(serde_json::json!({ "sessions_ended": n })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

pub async fn count_for_user(db: &Db, user_id: UserId, now_ms: i64) -> DbResult<i64> {
    let (n,): (i64,) = on_pool!(db, p => sqlx::query_as(
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2"
    ).bind(user_id).bind(now_ms).fetch_one(p).await)?;
    Ok(n)
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(db: &Db, now_ms: i64) -> DbResult<u64> {
    Ok(
        on_pool!(db, p => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms).execute(p).await.map(|r| r.rows_affected()))?,
    )
}
