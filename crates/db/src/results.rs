//! The index in the database: a campaign's scoring settings, the figures MoHA imports for
//! "imported" leaves, the draft result (version 0, replaced on each computation) and the published
//! versions (1, 2, …), each a frozen snapshot with the inputs it came from. Every change is audited.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::Db;
use parindex_domain::CampaignId;
use parindex_domain::UnitId;
use parindex_domain::scoring::uncertainty::UnitInterval;
use parindex_domain::scoring::{CampaignInput, CampaignResult, ScoringSettings};
use rust_decimal::Decimal;
use serde::Serialize;

fn json_err(e: serde_json::Error) -> DbError {
    DbError::Other(e.to_string())
}

/// The campaign's scoring settings (the 2023 defaults until MoHA sets them) and whether units may
/// see their own draft before publication.
pub async fn settings(db: &Db, campaign_id: CampaignId) -> DbResult<(ScoringSettings, bool)> {
    let row: Option<(String, bool)> = on_pool!(db, p => sqlx::query_as(
        "SELECT settings_json, units_see_draft FROM campaign_scoring WHERE campaign_id = $1"
    ).bind(campaign_id).fetch_optional(p).await)?;
    match row {
        Some((json, see)) => Ok((serde_json::from_str(&json).map_err(json_err)?, see)),
        None => Ok((ScoringSettings::default(), false)),
    }
}

pub async fn set_settings(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    settings: &ScoringSettings,
    units_see_draft: bool,
) -> DbResult<()> {
    let before = self::settings(db, campaign_id).await?;
    let json = serde_json::to_string(settings).map_err(json_err)?;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO campaign_scoring (campaign_id, settings_json, units_see_draft, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (campaign_id) DO UPDATE SET \
         settings_json = excluded.settings_json, units_see_draft = excluded.units_see_draft, \
         updated_at = excluded.updated_at"
    ).bind(campaign_id).bind(&json).bind(units_see_draft).bind(ctx.now_ms)
    .execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "results.settings",
            entity: "campaign_scoring",
            entity_id: campaign_id.to_string(),
            campaign_id: Some(campaign_id),
            before: Some(serde_json::json!({ "settings": before.0, "units_see_draft": before.1 })),
            after: Some(
                serde_json::json!({ "settings": settings, "units_see_draft": units_see_draft }),
            ),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedFigure {
    pub unit_id: UnitId,
    pub leaf_code: String,
    /// A percentage 0–100 of the leaf's maximum.
    pub value: Decimal,
    pub source: String,
    pub updated_at: i64,
}

pub async fn imported_figures(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<ImportedFigure>> {
    let rows: Vec<(UnitId, String, String, String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT unit_id, leaf_code, value, source, updated_at FROM imported_figures \
         WHERE campaign_id = $1 ORDER BY unit_id, leaf_code"
    ).bind(campaign_id).fetch_all(p).await)?;
    rows.into_iter()
        .map(|(unit_id, leaf_code, value, source, updated_at)| {
            Ok(ImportedFigure {
                unit_id,
                leaf_code,
                value: value.parse().map_err(|_| {
                    DbError::Other(format!("stored figure {value:?} is not a number"))
                })?,
                source,
                updated_at,
            })
        })
        .collect()
}

/// Stores checked figures (unit, leaf, value, source) in one transaction, replacing earlier ones for
/// the same unit and leaf, with one audit entry listing them.
pub async fn store_imported(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    figures: &[(UnitId, String, Decimal, String)],
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    for (unit, leaf, value, source) in figures {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO imported_figures (campaign_id, unit_id, leaf_code, value, source, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (campaign_id, unit_id, leaf_code) DO UPDATE SET \
             value = excluded.value, source = excluded.source, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by"
        ).bind(campaign_id).bind(unit).bind(leaf).bind(value.to_string()).bind(source)
        .bind(ctx.now_ms).bind(ctx.actor_id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "results.import_figures",
            entity: "imported_figures",
            entity_id: campaign_id.to_string(),
            campaign_id: Some(campaign_id),
            after: Some(serde_json::json!(
                figures
                    .iter()
                    .map(|(u, l, v, s)| serde_json::json!({
                        "unit_id": u, "leaf": l, "value": v.to_string(), "source": s
                    }))
                    .collect::<Vec<_>>()
            )),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// A stored version without its bodies. Version 0 is the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct VersionInfo {
    pub version: i64,
    pub input_sha256: String,
    pub computed_at: i64,
    pub published_at: Option<i64>,
    pub note: String,
}

const INFO: &str = "version, input_sha256, computed_at, published_at, note";

/// The draft and every published version, newest first (the draft before them).
pub async fn versions(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<VersionInfo>> {
    let sql = format!(
        "SELECT {INFO} FROM result_versions WHERE campaign_id = $1 \
         ORDER BY CASE WHEN version = 0 THEN 0 ELSE 1 END, version DESC"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(campaign_id).fetch_all(p).await)?,
    )
}

/// The newest published version, if any.
pub async fn latest_published(db: &Db, campaign_id: CampaignId) -> DbResult<Option<VersionInfo>> {
    Ok(versions(db, campaign_id)
        .await?
        .into_iter()
        .find(|v| v.version > 0))
}

/// A stored version's result.
pub async fn result(
    db: &Db,
    campaign_id: CampaignId,
    version: i64,
) -> DbResult<Option<(VersionInfo, CampaignResult)>> {
    let sql = format!(
        "SELECT {INFO}, result_json FROM result_versions WHERE campaign_id = $1 AND version = $2"
    );
    let row: Option<(i64, String, i64, Option<i64>, String, String)> = on_pool!(db, p =>
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(campaign_id).bind(version).fetch_optional(p).await)?;
    let Some((version, input_sha256, computed_at, published_at, note, json)) = row else {
        return Ok(None);
    };
    let result: CampaignResult = serde_json::from_str(&json).map_err(json_err)?;
    Ok(Some((
        VersionInfo {
            version,
            input_sha256,
            computed_at,
            published_at,
            note,
        },
        result,
    )))
}

/// A stored version's 95% intervals, one per unit with respondents (empty for a version computed
/// before intervals were).
pub async fn intervals(
    db: &Db,
    campaign_id: CampaignId,
    version: i64,
) -> DbResult<Vec<UnitInterval>> {
    let row: Option<(String,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT intervals_json FROM result_versions WHERE campaign_id = $1 AND version = $2"
    ).bind(campaign_id).bind(version).fetch_optional(p).await)?;
    match row {
        Some((json,)) => serde_json::from_str(&json).map_err(json_err),
        None => Ok(Vec::new()),
    }
}

/// A stored version's inputs, checked against their recorded hash.
pub async fn inputs(
    db: &Db,
    campaign_id: CampaignId,
    version: i64,
) -> DbResult<Option<CampaignInput>> {
    let row: Option<(String, String)> = on_pool!(db, p => sqlx::query_as(
        "SELECT input_sha256, inputs_json FROM result_versions WHERE campaign_id = $1 AND version = $2"
    ).bind(campaign_id).bind(version).fetch_optional(p).await)?;
    let Some((sha, json)) = row else {
        return Ok(None);
    };
    let input: CampaignInput = serde_json::from_str(&json).map_err(json_err)?;
    if input.hash() != sha {
        return Err(DbError::Other(format!(
            "the stored inputs of version {version} do not match their hash"
        )));
    }
    Ok(Some(input))
}

/// Replaces the campaign's draft with a new computation and its intervals, in one transaction.
pub async fn save_draft(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    input: &CampaignInput,
    result: &CampaignResult,
    intervals: &[UnitInterval],
) -> DbResult<()> {
    let inputs_json = serde_json::to_string(&input.canonical()).map_err(json_err)?;
    let result_json = serde_json::to_string(result).map_err(json_err)?;
    let intervals_json = serde_json::to_string(intervals).map_err(json_err)?;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO result_versions (campaign_id, version, input_sha256, inputs_json, result_json, intervals_json, computed_at, computed_by) \
         VALUES ($1, 0, $2, $3, $4, $5, $6, $7) ON CONFLICT (campaign_id, version) DO UPDATE SET \
         input_sha256 = excluded.input_sha256, inputs_json = excluded.inputs_json, \
         result_json = excluded.result_json, intervals_json = excluded.intervals_json, \
         computed_at = excluded.computed_at, computed_by = excluded.computed_by"
    ).bind(campaign_id).bind(&result.input_hash).bind(&inputs_json).bind(&result_json).bind(&intervals_json)
    .bind(ctx.now_ms).bind(ctx.actor_id).execute(c).await.map(|r| r.rows_affected()))?;
    let units: usize = result.levels.iter().map(|l| l.units.len()).sum();
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "results.compute",
            entity: "result_versions",
            entity_id: format!("{campaign_id}/0"),
            campaign_id: Some(campaign_id),
            after: Some(serde_json::json!({ "input_sha256": result.input_hash, "units": units })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// Campaigns with a published result, newest year first: (campaign id, year, latest version).
pub async fn published_campaigns(db: &Db) -> DbResult<Vec<(i64, i64, i64)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT c.id, c.year, MAX(r.version) FROM campaigns c JOIN result_versions r ON r.campaign_id = c.id \
         WHERE r.version > 0 GROUP BY c.id, c.year ORDER BY c.year DESC"
    ).fetch_all(p).await)?)
}
