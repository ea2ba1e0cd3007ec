//! The second factor of MoHA accounts, stored: the authenticator secret (sealed with a key derived from
//! the server's key), the last step used, and hashed recovery codes. Signing in with a code is one
//! transaction that checks the code against what it reads, so two requests with the same code cannot
//! both succeed. The rules themselves are in `parindex_domain::second_factor`.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use crate::sessions::{self, Pending};
use parindex_domain::UserId;
use parindex_domain::second_factor::{self as rule, CodeRefusal, Sealed, TotpSecret};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct Row {
    nonce: String,
    sealed_secret: String,
    confirmed_at: Option<i64>,
    last_step: i64,
}

impl Row {
    fn secret(&self) -> DbResult<TotpSecret> {
        Sealed {
            nonce: self.nonce.clone(),
            secret: self.sealed_secret.clone(),
        }
        .open(audit::key()?)
        .ok_or_else(|| DbError::Other("a second-factor secret cannot be read".into()))
    }
}

async fn row(tx: &mut Tx, user_id: UserId) -> DbResult<Option<Row>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT nonce, sealed_secret, confirmed_at, last_step FROM second_factors WHERE user_id = $1"
    ).bind(user_id).fetch_optional(c).await)?)
}

fn seal(secret: &TotpSecret) -> DbResult<Sealed> {
    secret
        .seal(audit::key()?)
        .map_err(|e| DbError::Other(e.to_string()))
}

/// After a right password: opens a pending session for `user_id` that waits for a code when the
/// account has a confirmed second factor, or for its enrolment otherwise. An enrolment keeps a
/// secret already shown and not yet confirmed, so an app set up on an earlier try still works;
/// `fresh` is used only when there is none.
pub async fn start(
    db: &Db,
    ctx: &Ctx,
    token_hash: &str,
    user_id: UserId,
    expires_at: i64,
    fresh: &TotpSecret,
) -> DbResult<Pending> {
    let mut tx = db.begin().await?;
    let pending = match row(&mut tx, user_id).await? {
        Some(r) if r.confirmed_at.is_some() => Pending::Code,
        Some(_) => Pending::Enrol,
        None => {
            let sealed = seal(fresh)?;
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO second_factors (user_id, nonce, sealed_secret, created_at) VALUES ($1, $2, $3, $4)"
            ).bind(user_id).bind(&sealed.nonce).bind(&sealed.secret).bind(ctx.now_ms)
            .execute(c).await.map(|r| r.rows_affected()))?;
            Pending::Enrol
        }
    };
    sessions::insert(&mut tx, ctx, token_hash, user_id, expires_at, Some(pending)).await?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "session.password_accepted",
            entity: "user",
            entity_id: user_id.to_string(),
            after: Some(serde_json::json!({ "awaits": pending.as_str() })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(pending)
}

/// The secret an account is enrolling with (shown on the enrolment page), if it has not confirmed it.
pub async fn enrolment_secret(db: &Db, user_id: UserId) -> DbResult<Option<TotpSecret>> {
    let r: Option<Row> = on_pool!(db, p => sqlx::query_as(
        "SELECT nonce, sealed_secret, confirmed_at, last_step FROM second_factors WHERE user_id = $1"
    ).bind(user_id).fetch_optional(p).await)?;
    r.filter(|r| r.confirmed_at.is_none())
        .map(|r| r.secret())
        .transpose()
}

/// What was typed at the second step, read at `world_ms` (the world's time: an app's codes follow
/// it even when the server runs a shifted demo clock), and the new recovery codes' hashes for an
/// enrolment.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub typed: &'a str,
    pub world_ms: i64,
    pub recovery_hashes: &'a [String],
}

/// Ends the pending session `pending_hash` with what was typed and, when it proves the second
/// factor, opens the full session `new_hash` in the same transaction.
///
/// - Waiting for a code: `typed` is the app's code of this moment (a step later than the last one
///   used) or an unused recovery code, which is then used up.
/// - Waiting for enrolment: `typed` is the app's code for the new secret; the secret is confirmed
///   and `recovery_hashes` become the account's recovery codes.
///
/// Refusals name the message; nothing is written then. Returns the account and how it proved it.
pub async fn complete(
    db: &Db,
    ctx: &Ctx,
    pending_hash: &str,
    new_hash: &str,
    expires_at: i64,
    attempt: &Attempt<'_>,
) -> DbResult<(UserId, &'static str)> {
    let Attempt {
        typed,
        world_ms,
        recovery_hashes,
    } = *attempt;
    let mut tx = db.begin().await?;
    let session: Option<(UserId, String)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT user_id, pending FROM sessions WHERE token_hash = $1 AND expires_at > $2 AND pending IS NOT NULL"
    ).bind(pending_hash).bind(ctx.now_ms).fetch_optional(c).await)?;
    let Some((user_id, pending)) = session else {
        return Err(DbError::Refused("second-factor-session-over"));
    };
    let Some(factor) = row(&mut tx, user_id).await? else {
        return Err(DbError::Refused("second-factor-session-over"));
    };
    let how = match (pending.as_str(), factor.confirmed_at) {
        ("code", Some(_)) if rule::is_recovery_code(typed) => {
            let hash = rule::recovery_hash(typed).unwrap_or_default();
            let used = on_tx!(&mut tx, c => sqlx::query(
                "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL"
            ).bind(user_id).bind(&hash).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
            if used != 1 {
                return Err(DbError::Refused("second-factor-recovery-wrong"));
            }
            "recovery_code"
        }
        ("code", Some(_)) => {
            let step = factor
                .secret()?
                .accept(typed, world_ms, factor.last_step)
                .map_err(|r| DbError::Refused(r.key()))?;
            let moved = on_tx!(&mut tx, c => sqlx::query(
                "UPDATE second_factors SET last_step = $2 WHERE user_id = $1 AND last_step < $2"
            ).bind(user_id).bind(step).execute(c).await.map(|r| r.rows_affected()))?;
            if moved != 1 {
                return Err(DbError::Refused(CodeRefusal::Reused.key()));
            }
            "code"
        }
        ("enrol", None) => {
            let step = factor
                .secret()?
                .accept(typed, world_ms, 0)
                .map_err(|r| DbError::Refused(r.key()))?;
            on_tx!(&mut tx, c => sqlx::query(
                "UPDATE second_factors SET confirmed_at = $2, last_step = $3 WHERE user_id = $1 AND confirmed_at IS NULL"
            ).bind(user_id).bind(ctx.now_ms).bind(step).execute(c).await.map(|r| r.rows_affected()))?;
            replace_recovery_codes(&mut tx, user_id, recovery_hashes).await?;
            audit::append(
                &mut tx,
                ctx,
                Change {
                    action: "user.second_factor_enrolled",
                    entity: "user",
                    entity_id: user_id.to_string(),
                    after: Some(serde_json::json!({ "recovery_codes": recovery_hashes.len() })),
                    ..Change::default()
                },
            )
            .await?;
            "enrolled"
        }
        // The factor changed under the session (reset, or enrolled from another browser): start over.
        _ => return Err(DbError::Refused("second-factor-session-over")),
    };
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(pending_hash).execute(c).await.map(|r| r.rows_affected()))?;
    sessions::signed_in(&mut tx, ctx, new_hash, user_id, expires_at, Some(how)).await?;
    tx.commit().await?;
    Ok((user_id, how))
}

async fn replace_recovery_codes(tx: &mut Tx, user_id: UserId, hashes: &[String]) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    for h in hashes {
        on_tx!(tx, c => sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id).bind(h).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Enrols an account directly with a known secret, already confirmed (the demo's MoHA accounts).
pub async fn enrol_confirmed(
    db: &Db,
    ctx: &Ctx,
    user_id: UserId,
    secret: &TotpSecret,
) -> DbResult<()> {
    let sealed = seal(secret)?;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO second_factors (user_id, nonce, sealed_secret, confirmed_at, created_at) VALUES ($1, $2, $3, $4, $4)"
    ).bind(user_id).bind(&sealed.nonce).bind(&sealed.secret).bind(ctx.now_ms)
    .execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "user.second_factor_enrolled",
            entity: "user",
            entity_id: user_id.to_string(),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// Removes an account's second factor and recovery codes and ends its sessions: at its next login
/// it enrols again. The caller has checked the administrator's right (`second_factor::may_reset`).
pub async fn reset(db: &Db, ctx: &Ctx, user_id: UserId) -> DbResult<()> {
    let mut tx = db.begin().await?;
    let before = row(&mut tx, user_id).await?;
    let Some(before) = before else {
        return Err(DbError::Refused("second-factor-none"));
    };
    for sql in [
        "DELETE FROM second_factors WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM sessions WHERE user_id = $1",
    ] {
        on_tx!(&mut tx, c => sqlx::query(sql).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "user.second_factor_reset",
            entity: "user",
            entity_id: user_id.to_string(),
            before: Some(serde_json::json!({ "confirmed_at": before.confirmed_at })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// Which accounts have a confirmed second factor, with how many unused recovery codes each has left.
pub async fn confirmed(db: &Db) -> DbResult<HashMap<UserId, i64>> {
    let rows: Vec<(UserId, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT f.user_id, (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = f.user_id AND r.used_at IS NULL) \
         FROM second_factors f WHERE f.confirmed_at IS NOT NULL"
    ).fetch_all(p).await)?;
    Ok(rows.into_iter().collect())
}
