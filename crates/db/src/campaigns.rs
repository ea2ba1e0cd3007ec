//! Campaigns (kỳ đánh giá): one per year, with their legal basis and deadlines.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::deadlines;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use parindex_domain::CampaignId;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Campaign {
    pub id: CampaignId,
    pub year: i64,
    pub name_vi: String,
    pub name_en: String,
    pub legal_basis: String,
    /// Who organises the survey and signs its e-mails, e.g. "Bộ Nội vụ".
    pub organiser: String,
    /// The fewest respondents a group may have for its own figures to be shown to a unit.
    pub min_group_size: i64,
    /// The campaign this one was rolled over from, if any: its "last year".
    pub predecessor_id: Option<CampaignId>,
    /// False while the deadlines proposed by a roll-over await MoHA's confirmation.
    pub deadlines_confirmed: bool,
    /// Whether units are reminded of their open deadlines by e-mail, and how many days before
    /// ("7, 1"), besides the last day.
    pub reminders_on: bool,
    pub reminder_days: String,
}

impl Campaign {
    /// The documents of the legal basis, in order.
    pub fn legal_basis_items(&self) -> Vec<String> {
        parindex_domain::legal_basis::items(&self.legal_basis)
    }
}

/// The editable fields, already validated and cleaned by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignInput {
    pub year: i64,
    pub name_vi: String,
    pub name_en: String,
    pub legal_basis: String,
    pub organiser: String,
    pub min_group_size: i64,
    /// (deadline kind, ISO day); kinds left out have no deadline.
    pub deadlines: Vec<(String, String)>,
}

const COLUMNS: &str = "id, year, name_vi, name_en, legal_basis, organiser, min_group_size, \
     predecessor_id, deadlines_confirmed, reminders_on, reminder_days";

pub async fn list(db: &Db) -> DbResult<Vec<Campaign>> {
    let sql = format!("SELECT {COLUMNS} FROM campaigns ORDER BY year DESC");
    Ok(on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(p).await)?)
}

pub async fn get(db: &Db, id: CampaignId) -> DbResult<Campaign> {
    let sql = format!("SELECT {COLUMNS} FROM campaigns WHERE id = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_one(p).await)?,
    )
}

pub async fn by_year(db: &Db, year: i64) -> DbResult<Campaign> {
    let sql = format!("SELECT {COLUMNS} FROM campaigns WHERE year = $1");
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(year).fetch_one(p).await)?,
    )
}

pub(crate) async fn get_tx(tx: &mut Tx, id: CampaignId) -> DbResult<Campaign> {
    let sql = format!("SELECT {COLUMNS} FROM campaigns WHERE id = $1");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_one(c).await)?,
    )
}

fn snapshot(c: &Campaign, deadlines: &[(String, String)]) -> serde_json::Value {
    serde_json::json!({ "campaign": c, "deadlines": deadlines })
}

pub async fn create(db: &Db, ctx: &Ctx, input: &CampaignInput) -> DbResult<Campaign> {
    let mut tx = db.begin().await?;
    let created = insert_tx(&mut tx, ctx, input, None).await?;
    tx.commit().await?;
    Ok(created)
}

/// Creates a campaign with its deadlines inside the caller's transaction, with its audit entry. A
/// campaign rolled over from `predecessor` starts with its deadlines unconfirmed.
pub(crate) async fn insert_tx(
    tx: &mut Tx,
    ctx: &Ctx,
    input: &CampaignInput,
    predecessor: Option<CampaignId>,
) -> DbResult<Campaign> {
    let (id,): (CampaignId,) = on_tx!(tx, c => sqlx::query_as(
        "INSERT INTO campaigns (year, name_vi, name_en, legal_basis, organiser, created_at, min_group_size, \
         predecessor_id, deadlines_confirmed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    ).bind(input.year).bind(&input.name_vi).bind(&input.name_en).bind(&input.legal_basis).bind(&input.organiser).bind(ctx.now_ms).bind(input.min_group_size)
    .bind(predecessor).bind(predecessor.is_none())
    .fetch_one(c).await)
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict("campaigns.year".into()),
        other => other,
    })?;
    deadlines::replace_tx(tx, id, &input.deadlines).await?;
    let created = get_tx(tx, id).await?;
    audit::append(
        tx,
        ctx,
        Change {
            action: "campaign.create",
            entity: "campaign",
            entity_id: id.to_string(),
            campaign_id: Some(id),
            after: Some(snapshot(&created, &input.deadlines)),
            ..Change::default()
        },
    )
    .await?;
    Ok(created)
}

pub async fn update(
    db: &Db,
    ctx: &Ctx,
    id: CampaignId,
    input: &CampaignInput,
) -> DbResult<Campaign> {
    let mut tx = db.begin().await?;
    let before = get_tx(&mut tx, id).await?;
    let before_deadlines = deadlines::for_campaign_tx(&mut tx, id).await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE campaigns SET year = $1, name_vi = $2, name_en = $3, legal_basis = $4, organiser = $5, min_group_size = $7, \
         deadlines_confirmed = TRUE WHERE id = $6"
    ).bind(input.year).bind(&input.name_vi).bind(&input.name_en).bind(&input.legal_basis).bind(&input.organiser).bind(id).bind(input.min_group_size)
    .execute(c).await.map(|r| r.rows_affected()))
    .map_err(|e| match DbError::from(e) {
        DbError::Conflict(_) => DbError::Conflict("campaigns.year".into()),
        other => other,
    })?;
    deadlines::replace_tx(&mut tx, id, &input.deadlines).await?;
    let after = get_tx(&mut tx, id).await?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "campaign.update",
            entity: "campaign",
            entity_id: id.to_string(),
            campaign_id: Some(id),
            before: Some(snapshot(&before, &before_deadlines)),
            after: Some(snapshot(&after, &input.deadlines)),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Switches the campaign's deadline reminders on or off and sets their days (already checked).
pub async fn set_reminders(
    db: &Db,
    ctx: &Ctx,
    id: CampaignId,
    on: bool,
    days: &str,
) -> DbResult<Campaign> {
    let mut tx = db.begin().await?;
    let before = get_tx(&mut tx, id).await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE campaigns SET reminders_on = $1, reminder_days = $2 WHERE id = $3")
        .bind(on).bind(days).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    let after = get_tx(&mut tx, id).await?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "campaign.reminders",
            entity: "campaign",
            entity_id: id.to_string(),
            campaign_id: Some(id),
            before: Some(
                serde_json::json!({ "on": before.reminders_on, "days": before.reminder_days }),
            ),
            after: Some(serde_json::json!({ "on": on, "days": days })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
