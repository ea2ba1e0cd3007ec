//! Stored criteria sets and the campaign's pin per level. A stored set is never changed: loading a new
//! version means a new code. Pinning is audited.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use parindex_domain::CampaignId;
use parindex_domain::Level;
use parindex_domain::criteria::CriteriaSet;
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StoredSet {
    pub id: i64,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub level: Level,
    pub name_vi: String,
    pub name_en: String,
    pub illustrative: bool,
    pub total: String,
    pub sha256: String,
    pub loaded_at: i64,
}

const COLUMNS: &str = "id, code, level, name_vi, name_en, illustrative, total, sha256, loaded_at";

/// Stores a validated set. A set with the same code is refused (a new version needs a new code).
pub async fn store(db: &Db, ctx: &Ctx, set: &CriteriaSet) -> DbResult<StoredSet> {
    let body = serde_json::to_string(set).map_err(|e| DbError::Other(e.to_string()))?;
    let sha = hex::encode(Sha256::digest(body.as_bytes()));
    let mut tx = db.begin().await?;
    let (id,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as(
        "INSERT INTO criteria_sets (code, level, name_vi, name_en, illustrative, total, body, sha256, loaded_at, loaded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
    ).bind(&set.code).bind(set.level.as_str()).bind(&set.name_vi).bind(&set.name_en).bind(set.illustrative)
    .bind(set.total.to_fixed()).bind(&body).bind(&sha).bind(ctx.now_ms).bind(ctx.actor_id)
    .fetch_one(c).await)
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict("criteria_sets.code".into()),
        other => other,
    })?;
    audit::append(&mut tx, ctx, Change {
        action: "criteria_set.load",
        entity: "criteria_set",
        entity_id: id.to_string(),
        after: Some(serde_json::json!({ "code": set.code, "level": set.level, "sha256": sha, "illustrative": set.illustrative })),
        ..Change::default()
    }).await?;
    tx.commit().await?;
    get(db, id).await
}

pub async fn list(db: &Db) -> DbResult<Vec<StoredSet>> {
    let sql =
        format!("SELECT {COLUMNS} FROM criteria_sets ORDER BY level, loaded_at DESC, id DESC");
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(p).await)?)
}

pub async fn get(db: &Db, id: i64) -> DbResult<StoredSet> {
    let sql = format!("SELECT {COLUMNS} FROM criteria_sets WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_one(p).await)?,
    )
}

pub async fn by_code(db: &Db, code: &str) -> DbResult<Option<StoredSet>> {
    let sql = format!("SELECT {COLUMNS} FROM criteria_sets WHERE code = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(code).fetch_optional(p).await)?,
    )
}

/// The whole tree of a stored set, checked against the hash it was stored with.
pub async fn tree(db: &Db, id: i64) -> DbResult<CriteriaSet> {
    let (body, sha): (String, String) = on_pool!(db, p => sqlx::query_as(
        "SELECT body, sha256 FROM criteria_sets WHERE id = $1"
    ).bind(id).fetch_one(p).await)?;
    if hex::encode(Sha256::digest(body.as_bytes())) != sha {
        return Err(DbError::Other(format!(
            "criteria set {id} does not match its stored hash"
        )));
    }
    serde_json::from_str(&body).map_err(|e| DbError::Other(e.to_string()))
}

/// The set pinned for each level of a campaign: (level, set).
pub async fn pinned(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<(Level, StoredSet)>> {
    let rows: Vec<(String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT level, set_id FROM campaign_criteria_sets WHERE campaign_id = $1 ORDER BY level"
    ).bind(campaign_id).fetch_all(p).await)?;
    let mut out = Vec::with_capacity(rows.len());
    for (level, id) in rows {
        let level = Level::try_from(level).map_err(|e| DbError::Other(e.to_string()))?;
        out.push((level, get(db, id).await?));
    }
    Ok(out)
}

/// Pins `set_id` as the campaign's set for the set's own level, replacing an earlier pin only while
/// the setup rule allows it (no unit of the level has scored, its survey is not open).
pub async fn pin(db: &Db, ctx: &Ctx, campaign_id: CampaignId, set_id: i64) -> DbResult<()> {
    let mut tx = db.begin().await?;
    pin_tx(&mut tx, ctx, campaign_id, set_id).await?;
    tx.commit().await
}

/// [`pin`] inside the caller's transaction.
pub(crate) async fn pin_tx(
    tx: &mut Tx,
    ctx: &Ctx,
    campaign_id: CampaignId,
    set_id: i64,
) -> DbResult<()> {
    let sql = format!("SELECT {COLUMNS} FROM criteria_sets WHERE id = $1");
    let set: StoredSet = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(set_id).fetch_one(c).await)?;
    let before: Option<(i64,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT set_id FROM campaign_criteria_sets WHERE campaign_id = $1 AND level = $2"
    ).bind(campaign_id).bind(set.level.as_str()).fetch_optional(c).await)?;
    if before.is_some_and(|b| b.0 != set_id) {
        let scope = crate::setup::Scope::Level(campaign_id, set.level.as_str());
        crate::setup::guard(tx, parindex_domain::setup::Change::CriteriaSet, scope).await?;
    }
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO campaign_criteria_sets (campaign_id, level, set_id) VALUES ($1, $2, $3) \
         ON CONFLICT (campaign_id, level) DO UPDATE SET set_id = excluded.set_id"
    ).bind(campaign_id).bind(set.level.as_str()).bind(set_id).execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        tx,
        ctx,
        Change {
            action: "criteria_set.pin",
            entity: "campaign",
            entity_id: campaign_id.to_string(),
            campaign_id: Some(campaign_id),
            before: before.map(|b| serde_json::json!({ "level": set.level, "set_id": b.0 })),
            after: Some(
                serde_json::json!({ "level": set.level, "set_id": set_id, "code": set.code }),
            ),
            ..Change::default()
        },
    )
    .await?;
    Ok(())
}
