//! Support contacts per level (set by MoHA) and each unit's focal contacts (set by the unit officer).

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::deadlines;
use crate::error::DbResult;
use crate::pool::Db;
use parindex_domain::UserId;
use parindex_domain::ids::{CampaignId, UnitId};
use parindex_domain::{DeadlineKind, Level};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SupportContact {
    #[sqlx(try_from = "String")]
    pub level: Level,
    pub name: String,
    pub phone: String,
    pub email: String,
}

pub async fn support_for(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<SupportContact>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT level, name, phone, email FROM support_contacts WHERE campaign_id = $1 ORDER BY level"
    ).bind(campaign_id).fetch_all(p).await)?)
}

/// The levels whose support contact was copied from last year's campaign and not saved again since.
pub async fn support_to_confirm(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<Level>> {
    let rows: Vec<(String,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT level FROM support_contacts WHERE campaign_id = $1 AND to_confirm ORDER BY level"
    ).bind(campaign_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(l,)| Level::try_from(l).ok())
        .collect())
}

pub async fn set_support(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    c: &SupportContact,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    let before: Option<SupportContact> = on_tx!(&mut tx, x => sqlx::query_as(
        "SELECT level, name, phone, email FROM support_contacts WHERE campaign_id = $1 AND level = $2"
    ).bind(campaign_id).bind(c.level.as_str()).fetch_optional(x).await)?;
    on_tx!(&mut tx, x => sqlx::query(
        "INSERT INTO support_contacts (campaign_id, level, name, phone, email) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (campaign_id, level) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email, \
         to_confirm = FALSE"
    ).bind(campaign_id).bind(c.level.as_str()).bind(&c.name).bind(&c.phone).bind(&c.email).execute(x).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "support_contact.set",
            entity: "support_contact",
            entity_id: format!("{campaign_id}/{}", c.level),
            campaign_id: Some(campaign_id),
            before: before.map(|b| serde_json::json!(b)),
            after: Some(serde_json::json!(c)),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, sqlx::FromRow, Default)]
#[serde(default)]
pub struct FocalContacts {
    /// The PAR focal unit (đơn vị đầu mối CCHC) and its contact person.
    pub par_unit: String,
    pub par_name: String,
    pub par_phone: String,
    pub par_email: String,
    /// The IT focal officer (cán bộ đầu mối CNTT): name, position, mobile.
    pub it_name: String,
    pub it_position: String,
    pub it_mobile: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct FocalRecord {
    #[sqlx(flatten)]
    pub contacts: FocalContacts,
    pub updated_at: i64,
    /// Copied from last year's campaign and not yet saved again by the unit.
    pub to_confirm: bool,
}

pub async fn focal_for(db: &Db, unit_id: UnitId) -> DbResult<Option<FocalRecord>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT par_unit, par_name, par_phone, par_email, it_name, it_position, it_mobile, updated_at, \
         to_confirm FROM focal_contacts WHERE unit_id = $1"
    ).bind(unit_id).fetch_optional(p).await)?)
}

/// The unit records its focal contacts, before its registration deadline (with any extension).
pub async fn set_focal(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    f: &FocalContacts,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    deadlines::ensure_open_tx(&mut tx, ctx, unit_id, DeadlineKind::FocalRegistration).await?;
    let before: Option<FocalContacts> = on_tx!(&mut tx, x => sqlx::query_as(
        "SELECT par_unit, par_name, par_phone, par_email, it_name, it_position, it_mobile \
         FROM focal_contacts WHERE unit_id = $1"
    ).bind(unit_id).fetch_optional(x).await)?;
    on_tx!(&mut tx, x => sqlx::query(
        "INSERT INTO focal_contacts (unit_id, par_unit, par_name, par_phone, par_email, it_name, it_position, \
         it_mobile, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (unit_id) DO UPDATE SET par_unit = excluded.par_unit, par_name = excluded.par_name, \
         par_phone = excluded.par_phone, par_email = excluded.par_email, it_name = excluded.it_name, \
         it_position = excluded.it_position, it_mobile = excluded.it_mobile, updated_at = excluded.updated_at, \
         updated_by = excluded.updated_by, to_confirm = FALSE"
    ).bind(unit_id).bind(&f.par_unit).bind(&f.par_name).bind(&f.par_phone).bind(&f.par_email)
    .bind(&f.it_name).bind(&f.it_position).bind(&f.it_mobile).bind(ctx.now_ms).bind(ctx.actor_id.map_or(0, UserId::get))
    .execute(x).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "focal_contacts.set",
            entity: "focal_contacts",
            entity_id: unit_id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: before.map(|b| serde_json::json!(b)),
            after: Some(serde_json::json!(f)),
        },
    )
    .await?;
    tx.commit().await
}
