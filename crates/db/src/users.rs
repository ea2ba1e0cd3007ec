//! Accounts. MoHA accounts have no unit; unit accounts belong to one unit. Passwords arrive hashed.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::outbox::{self, OutMail};
use crate::pool::{Db, Tx};
use parindex_domain::Role;
use parindex_domain::UserId;
use parindex_domain::{CampaignId, UnitId};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub unit_id: Option<UnitId>,
    #[serde(skip)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
}

/// A new account, validated by the caller; `password_hash` is already an argon2 PHC string.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    pub password_hash: String,
    pub must_change_password: bool,
}

const COLUMNS: &str =
    "id, username, full_name, email, role, unit_id, password_hash, must_change_password, active";

pub async fn get(db: &Db, id: UserId) -> DbResult<User> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_one(p).await)?,
    )
}

pub async fn by_username(db: &Db, username: &str) -> DbResult<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(username).fetch_optional(p).await)?,
    )
}

/// Every account, or the accounts of one unit.
pub async fn list(db: &Db, unit_id: Option<UnitId>) -> DbResult<Vec<User>> {
    let sql =
        format!("SELECT {COLUMNS} FROM users WHERE ($1 IS NULL OR unit_id = $1) ORDER BY username");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(unit_id).fetch_all(p).await)?,
    )
}

/// Adds an account inside the caller's transaction, with its audit entry.
pub(crate) async fn insert_tx(tx: &mut Tx, ctx: &Ctx, u: &NewUser) -> DbResult<UserId> {
    let key = parindex_domain::text::search_key(&format!("{} {}", u.full_name, u.username));
    let (id,): (UserId,) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO users (username, full_name, email, role, unit_id, password_hash, must_change_password, \
         active, search_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $9) RETURNING id"
    ).bind(&u.username).bind(&u.full_name).bind(&u.email).bind(u.role.as_str()).bind(u.unit_id)
    .bind(&u.password_hash).bind(u.must_change_password).bind(&key).bind(ctx.now_ms)
    .fetch_one(c).await)
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict(format!("users.username:{}", u.username)),
        other => other,
    })?;
    let campaign_id: Option<(CampaignId,)> = match u.unit_id {
        Some(unit) => on_tx!(tx, c => sqlx::query_as("SELECT campaign_id FROM units WHERE id = $1")
            .bind(unit).fetch_optional(c).await)?,
        None => None,
    };
    audit::append(
        tx,
        ctx,
        Change {
            action: "user.create",
            entity: "user",
            entity_id: id.to_string(),
            campaign_id: campaign_id.map(|c| c.0),
            unit_id: u.unit_id,
            after: Some(serde_json::json!({
                "username": u.username, "full_name": u.full_name, "email": u.email,
                "role": u.role, "unit_id": u.unit_id,
            })),
            ..Change::default()
        },
    )
    .await?;
    Ok(id)
}

pub async fn create(db: &Db, ctx: &Ctx, u: &NewUser) -> DbResult<User> {
    let mut tx = db.begin().await?;
    let id = insert_tx(&mut tx, ctx, u).await?;
    tx.commit().await?;
    get(db, id).await
}

/// Creates every account or none (an import).
pub async fn create_many(db: &Db, ctx: &Ctx, users: &[NewUser]) -> DbResult<Vec<UserId>> {
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(users.len());
    for u in users {
        ids.push(insert_tx(&mut tx, ctx, u).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Sets a new password, clears the first-login flag, ends every other session of the account, and
/// queues the notice of the change to the account's owner in the same transaction.
pub async fn set_password(
    db: &Db,
    ctx: &Ctx,
    id: UserId,
    hash: &str,
    keep_session: Option<&str>,
    notice: Option<&OutMail>,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = FALSE WHERE id = $2"
    ).bind(hash).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(id).bind(keep_session.unwrap_or("")).execute(c).await.map(|r| r.rows_affected()))?;
    if let Some(mail) = notice {
        outbox::enqueue(&mut tx, "password_changed", None, mail, ctx.now_ms).await?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "user.password_change",
            entity: "user",
            entity_id: id.to_string(),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// Turns an account on or off; turning it off ends its sessions.
pub async fn set_active(db: &Db, ctx: &Ctx, id: UserId, active: bool) -> DbResult<()> {
    let mut tx = db.begin().await?;
    let n = on_tx!(&mut tx, c => sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    if !active {
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: if active {
                "user.activate"
            } else {
                "user.deactivate"
            },
            entity: "user",
            entity_id: id.to_string(),
            after: Some(serde_json::json!({ "active": active })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

pub async fn count(db: &Db) -> DbResult<i64> {
    let (n,): (i64,) =
        on_pool!(db, p => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(p).await)?;
    Ok(n)
}
