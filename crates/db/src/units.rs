//! Units (đơn vị được đánh giá): the ministries and provinces taking part in a campaign.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use parindex_domain::CampaignId;
use parindex_domain::Level;
use parindex_domain::UnitId;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Unit {
    pub id: UnitId,
    pub campaign_id: CampaignId,
    pub code: String,
    /// A stored name that is not a level fails when the row is read.
    #[sqlx(try_from = "String")]
    pub level: Level,
    pub name: String,
    pub short_name: String,
    pub not_ranked: bool,
    /// Comma-separated official e-mail domains.
    pub email_domains: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitInput {
    pub code: String,
    pub level: Level,
    pub name: String,
    pub short_name: String,
    pub not_ranked: bool,
    pub email_domains: String,
}

const COLUMNS: &str = "id, campaign_id, code, level, name, short_name, not_ranked, email_domains";

pub async fn list(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<Unit>> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE campaign_id = $1 ORDER BY level, code");
    let mut units: Vec<Unit> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(campaign_id).fetch_all(p).await)?;
    units.sort_by(|a, b| {
        a.level
            .cmp(&b.level)
            .then_with(|| parindex_domain::text::compare_titles(&a.short_name, &b.short_name))
    });
    Ok(units)
}

/// The campaign's units inside the caller's transaction, by code.
pub(crate) async fn list_tx(tx: &mut Tx, campaign_id: CampaignId) -> DbResult<Vec<Unit>> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE campaign_id = $1 ORDER BY code");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(campaign_id).fetch_all(c).await)?,
    )
}

pub async fn get(db: &Db, id: UnitId) -> DbResult<Unit> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_one(p).await)?,
    )
}

pub async fn by_code(db: &Db, campaign_id: CampaignId, code: &str) -> DbResult<Unit> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE campaign_id = $1 AND code = $2");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(campaign_id).bind(code).fetch_one(p).await)?,
    )
}

async fn get_tx(tx: &mut Tx, id: UnitId) -> DbResult<Unit> {
    let sql = format!("SELECT {COLUMNS} FROM units WHERE id = $1");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_one(c).await)?,
    )
}

fn conflict(e: sqlx::Error) -> DbError {
    match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict("units.code".into()),
        other => other,
    }
}

pub async fn create(db: &Db, ctx: &Ctx, campaign_id: CampaignId, u: &UnitInput) -> DbResult<Unit> {
    let mut tx = db.begin().await?;
    let created = insert_tx(&mut tx, ctx, campaign_id, u).await?;
    tx.commit().await?;
    Ok(created)
}

/// Adds a unit to a campaign inside the caller's transaction, with its audit entry.
pub(crate) async fn insert_tx(
    tx: &mut Tx,
    ctx: &Ctx,
    campaign_id: CampaignId,
    u: &UnitInput,
) -> DbResult<Unit> {
    let key = parindex_domain::text::search_key(&format!("{} {}", u.name, u.short_name));
    let (id,): (UnitId,) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO units (campaign_id, code, level, name, short_name, not_ranked, email_domains, search_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
    ).bind(campaign_id).bind(&u.code).bind(u.level.as_str()).bind(&u.name).bind(&u.short_name)
    .bind(u.not_ranked).bind(&u.email_domains).bind(&key)
    .fetch_one(c).await).map_err(conflict)?;
    let created = get_tx(tx, id).await?;
    audit::append(
        tx,
        ctx,
        Change {
            action: "unit.create",
            entity: "unit",
            entity_id: id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(id),
            after: Some(serde_json::json!(created)),
            ..Change::default()
        },
    )
    .await?;
    Ok(created)
}

pub async fn update(db: &Db, ctx: &Ctx, id: UnitId, u: &UnitInput) -> DbResult<Unit> {
    let mut tx = db.begin().await?;
    let after = update_tx(&mut tx, ctx, id, u).await?;
    tx.commit().await?;
    Ok(after)
}

/// [`update`] inside the caller's transaction.
pub(crate) async fn update_tx(tx: &mut Tx, ctx: &Ctx, id: UnitId, u: &UnitInput) -> DbResult<Unit> {
    let before = get_tx(tx, id).await?;
    if before.level != u.level {
        let scope = crate::setup::Scope::Unit(id);
        crate::setup::guard(tx, parindex_domain::setup::Change::UnitLevel, scope).await?;
    }
    let key = parindex_domain::text::search_key(&format!("{} {}", u.name, u.short_name));
    on_tx!(tx, c => sqlx::query(
        "UPDATE units SET code = $1, level = $2, name = $3, short_name = $4, not_ranked = $5, \
         email_domains = $6, search_key = $7 WHERE id = $8"
    ).bind(&u.code).bind(u.level.as_str()).bind(&u.name).bind(&u.short_name).bind(u.not_ranked)
    .bind(&u.email_domains).bind(&key).bind(id)
    .execute(c).await.map(|r| r.rows_affected()))
    .map_err(conflict)?;
    let after = get_tx(tx, id).await?;
    audit::append(
        tx,
        ctx,
        Change {
            action: "unit.update",
            entity: "unit",
            entity_id: id.to_string(),
            campaign_id: Some(after.campaign_id),
            unit_id: Some(id),
            before: Some(serde_json::json!(before)),
            after: Some(serde_json::json!(after)),
        },
    )
    .await?;
    Ok(after)
}
