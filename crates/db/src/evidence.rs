//! The unit's evidence library and the links from leaves to its files. File contents live in the
//! object store under `storage_key`; the database holds what describes them. Linking and unlinking are
//! part of the report, so they happen only while it is a draft, or while the unit explains a leaf MoHA
//! adjusted.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::Db;
use parindex_domain::UserId;
use parindex_domain::ids::{CampaignId, UnitId};
use parindex_domain::storage_quota::{Quota, Usage};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EvidenceFile {
    pub id: i64,
    pub unit_id: UnitId,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub storage_key: String,
    pub uploaded_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LinkedFile {
    #[sqlx(flatten)]
    pub file: EvidenceFile,
    pub reference: String,
    /// When the file was linked to the leaf (epoch ms).
    pub linked_at: i64,
}

const COLUMNS: &str = "f.id, f.unit_id, f.sha256, f.filename, f.content_type, f.size_bytes, f.storage_key, f.uploaded_at";

pub struct NewFile<'a> {
    pub sha256: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub storage_key: &'a str,
}

/// Adds a file to the unit's library, or returns the one with the same content already there.
pub async fn add_file(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    f: &NewFile<'_>,
) -> DbResult<EvidenceFile> {
    let (campaign_id, unit_id) = (campaign, unit);
    if let Some(existing) = by_hash(db, unit_id, f.sha256).await? {
        return Ok(existing);
    }
    let mut tx = db.begin().await?;
    let (id,): (i64,) = match on_tx!(&mut tx, c => sqlx::query_as(
        "INSERT INTO evidence_files (unit_id, sha256, filename, content_type, size_bytes, storage_key, uploaded_at, uploaded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
    ).bind(unit_id).bind(f.sha256).bind(f.filename).bind(f.content_type).bind(f.size_bytes).bind(f.storage_key)
    .bind(ctx.now_ms).bind(ctx.actor_id.map_or(0, UserId::get)).fetch_one(c).await)
    {
        Ok(row) => row,
        Err(e) => match DbError::from(e) {
            // The same file uploaded twice at once: the other upload stored it, so use that one.
            DbError::Conflict(_) => {
                drop(tx);
                return by_hash(db, unit_id, f.sha256)
                    .await?
                    .ok_or(DbError::NotFound);
            }
            other => return Err(other),
        },
    };
    audit::append(&mut tx, ctx, Change {
        action: "evidence.upload",
        entity: "evidence_file",
        entity_id: id.to_string(),
        campaign_id: Some(campaign_id),
        unit_id: Some(unit_id),
        after: Some(serde_json::json!({ "filename": f.filename, "sha256": f.sha256, "size": f.size_bytes, "type": f.content_type })),
        ..Change::default()
    }).await?;
    tx.commit().await?;
    file(db, unit_id, id).await
}

async fn by_hash(db: &Db, unit_id: UnitId, sha: &str) -> DbResult<Option<EvidenceFile>> {
    let sql =
        format!("SELECT {COLUMNS} FROM evidence_files f WHERE f.unit_id = $1 AND f.sha256 = $2");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(unit_id).bind(sha).fetch_optional(p).await)?,
    )
}

/// One file of the unit's library; another unit's file is "not found".
pub async fn file(db: &Db, unit_id: UnitId, id: i64) -> DbResult<EvidenceFile> {
    let sql = format!("SELECT {COLUMNS} FROM evidence_files f WHERE f.unit_id = $1 AND f.id = $2");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(unit_id).bind(id).fetch_one(p).await)?,
    )
}

pub async fn library(db: &Db, unit_id: UnitId) -> DbResult<Vec<EvidenceFile>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM evidence_files f WHERE f.unit_id = $1 ORDER BY f.uploaded_at DESC, f.id DESC"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(unit_id).fetch_all(p).await)?,
    )
}

pub async fn for_leaf(db: &Db, unit_id: UnitId, code: &str) -> DbResult<Vec<LinkedFile>> {
    let sql = format!(
        "SELECT {COLUMNS}, l.reference, l.linked_at FROM evidence_links l JOIN evidence_files f ON f.id = l.file_id \
         WHERE l.unit_id = $1 AND l.leaf_code = $2 ORDER BY l.linked_at, f.id"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(unit_id).bind(code).fetch_all(p).await)?,
    )
}

/// Whether a file of `size` bytes with content `sha` fits the unit's quota: it is already in the
/// library (it costs nothing more), or the library has room for it. Two uploads checked at the same
/// moment can each pass, so a library can go over by at most the uploads in flight at once.
pub async fn room_for(
    db: &Db,
    unit_id: UnitId,
    sha: &str,
    size: i64,
    quota: Quota,
) -> DbResult<bool> {
    if by_hash(db, unit_id, sha).await?.is_some() {
        return Ok(true);
    }
    let (bytes, files): (i64, i64) = on_pool!(db, p => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT), COUNT(*) FROM evidence_files WHERE unit_id = $1"
    ).bind(unit_id).fetch_one(p).await)?;
    Ok(quota.admits(Usage { bytes, files }, size))
}

/// How many files back each leaf of the unit.
pub async fn counts(db: &Db, unit_id: UnitId) -> DbResult<HashMap<String, usize>> {
    let rows: Vec<(String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT leaf_code, COUNT(*) FROM evidence_links WHERE unit_id = $1 GROUP BY leaf_code"
    ).bind(unit_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(c, n)| (c, usize::try_from(n).unwrap_or(0)))
        .collect())
}

/// The evidence counts of every unit of a campaign, by unit id and leaf code, in one query.
pub async fn counts_in(
    db: &Db,
    campaign: CampaignId,
) -> DbResult<HashMap<UnitId, HashMap<String, usize>>> {
    let rows: Vec<(UnitId, String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT l.unit_id, l.leaf_code, COUNT(*) FROM evidence_links l \
         JOIN units u ON u.id = l.unit_id WHERE u.campaign_id = $1 GROUP BY l.unit_id, l.leaf_code"
    ).bind(campaign).fetch_all(p).await)?;
    let mut out: HashMap<UnitId, HashMap<String, usize>> = HashMap::new();
    for (unit, code, n) in rows {
        out.entry(unit)
            .or_default()
            .insert(code, usize::try_from(n).unwrap_or(0));
    }
    Ok(out)
}

/// When the unit may change a leaf's evidence: while the report is a draft, or — for a leaf MoHA
/// adjusted in round 1 — while the unit explains it; then only links made since round 1 was sent can
/// be removed.
enum Window {
    Draft,
    Explaining { sent_at: i64 },
}

async fn window(tx: &mut crate::pool::Tx, unit_id: UnitId, code: &str) -> DbResult<Window> {
    let state: Option<(String,)> = on_tx!(tx, c => sqlx::query_as("SELECT state FROM self_assessments WHERE unit_id = $1")
        .bind(unit_id).fetch_optional(c).await)?;
    match state {
        None => return Ok(Window::Draft),
        Some((s,)) if s == "draft" => return Ok(Window::Draft),
        Some(_) => {}
    }
    let explaining: Option<(Option<i64>,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT a.sent_at FROM appraisals a JOIN appraisal_leaves l ON l.unit_id = a.unit_id \
         WHERE a.unit_id = $1 AND l.leaf_code = $2 AND a.stage = 'explaining' AND l.r1_verdict = 'adjust'"
    ).bind(unit_id).bind(code).fetch_optional(c).await)?;
    match explaining {
        Some((sent_at,)) => Ok(Window::Explaining {
            sent_at: sent_at.unwrap_or(0),
        }),
        None => Err(DbError::Stale),
    }
}

pub async fn link(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    code: &str,
    file_id: i64,
    reference: &str,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    // A submitted link stays as it was submitted; while explaining, only new links are added.
    let sql = match window(&mut tx, unit_id, code).await? {
        Window::Draft => {
            "INSERT INTO evidence_links (unit_id, leaf_code, file_id, reference, linked_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (unit_id, leaf_code, file_id) DO UPDATE SET reference = excluded.reference"
        }
        Window::Explaining { .. } => {
            "INSERT INTO evidence_links (unit_id, leaf_code, file_id, reference, linked_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (unit_id, leaf_code, file_id) DO NOTHING"
        }
    };
    on_tx!(&mut tx, c => sqlx::query(sql).bind(unit_id).bind(code).bind(file_id).bind(reference).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "evidence.link",
            entity: "evidence_link",
            entity_id: format!("{unit_id}/{code}/{file_id}"),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            after: Some(
                serde_json::json!({ "leaf": code, "file_id": file_id, "reference": reference }),
            ),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

pub async fn unlink(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    code: &str,
    file_id: i64,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    let since = match window(&mut tx, unit_id, code).await? {
        Window::Draft => i64::MIN,
        Window::Explaining { sent_at } => sent_at,
    };
    let n = on_tx!(&mut tx, c => sqlx::query(
        "DELETE FROM evidence_links WHERE unit_id = $1 AND leaf_code = $2 AND file_id = $3 AND linked_at >= $4"
    ).bind(unit_id).bind(code).bind(file_id).bind(since).execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(if since == i64::MIN {
            DbError::NotFound
        } else {
            DbError::Stale
        });
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "evidence.unlink",
            entity: "evidence_link",
            entity_id: format!("{unit_id}/{code}/{file_id}"),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: Some(serde_json::json!({ "leaf": code, "file_id": file_id })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// Every link of the unit: (leaf code, file name, reference), for the report.
pub async fn all_links(db: &Db, unit_id: UnitId) -> DbResult<Vec<(String, String, String)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT l.leaf_code, f.filename, l.reference FROM evidence_links l JOIN evidence_files f ON f.id = l.file_id \
         WHERE l.unit_id = $1 ORDER BY l.leaf_code, l.linked_at, f.id"
    ).bind(unit_id).fetch_all(p).await)?)
}
