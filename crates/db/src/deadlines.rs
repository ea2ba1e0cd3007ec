//! Campaign deadlines and per-unit extensions (each extension is audited with its reason).

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::DbError;
use crate::error::DbResult;
use crate::pool::{Db, Tx};
use parindex_domain::UserId;
use parindex_domain::deadline::{self, DeadlineKind};
use parindex_domain::ids::{CampaignId, UnitId};
use parindex_domain::{clock, extension};
use serde::Serialize;
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Extension {
    pub unit_id: UnitId,
    #[sqlx(try_from = "String")]
    pub kind: DeadlineKind,
    pub due_date: String,
    pub reason: String,
    pub granted_by: i64,
    pub granted_at: i64,
}

/// (kind, ISO day) pairs of a campaign.
pub async fn for_campaign(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<(String, String)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT kind, due_date FROM campaign_deadlines WHERE campaign_id = $1 ORDER BY kind"
    ).bind(campaign_id).fetch_all(p).await)?)
}

pub(crate) async fn for_campaign_tx(
    tx: &mut Tx,
    campaign_id: CampaignId,
) -> DbResult<Vec<(String, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT kind, due_date FROM campaign_deadlines WHERE campaign_id = $1 ORDER BY kind"
    ).bind(campaign_id).fetch_all(c).await)?)
}

/// The day the deadline of `kind` falls on for one unit (its extension where MoHA granted one, else
/// the campaign's), as it stands inside the write's transaction.
async fn unit_day_tx(tx: &mut Tx, unit_id: UnitId, kind: DeadlineKind) -> DbResult<Option<Date>> {
    let row: Option<(Option<String>, Option<String>)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT d.due_date, e.due_date FROM units u \
         LEFT JOIN campaign_deadlines d ON d.campaign_id = u.campaign_id AND d.kind = $2 \
         LEFT JOIN deadline_extensions e ON e.unit_id = u.id AND e.kind = $2 \
         WHERE u.id = $1"
    ).bind(unit_id).bind(kind.as_str()).fetch_optional(c).await)?;
    let (campaign, extension) = row.ok_or(DbError::NotFound)?;
    let parse = |d: Option<String>| d.as_deref().and_then(deadline::parse_date);
    Ok(deadline::effective(parse(campaign), parse(extension)))
}

/// Refuses a unit's write of `kind` once the unit's deadline has passed at `ctx.now_ms`
/// (`DbError::Closed`, naming the day). Every write bound by a deadline calls this inside its own
/// transaction, so no page, API call or command can forget the deadline.
pub(crate) async fn ensure_open_tx(
    tx: &mut Tx,
    ctx: &Ctx,
    unit_id: UnitId,
    kind: DeadlineKind,
) -> DbResult<()> {
    match unit_day_tx(tx, unit_id, kind).await? {
        Some(day) if !deadline::is_open(day, clock::from_ms(ctx.now_ms)) => {
            Err(DbError::Closed { kind, day })
        }
        _ => Ok(()),
    }
}

/// Whether the unit's action of `kind` is still open at `ctx.now_ms`, read inside the transaction.
pub(crate) async fn is_open_tx(
    tx: &mut Tx,
    ctx: &Ctx,
    unit_id: UnitId,
    kind: DeadlineKind,
) -> DbResult<bool> {
    match ensure_open_tx(tx, ctx, unit_id, kind).await {
        Ok(()) => Ok(true),
        Err(DbError::Closed { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

pub(crate) async fn replace_tx(
    tx: &mut Tx,
    campaign_id: CampaignId,
    deadlines: &[(String, String)],
) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM campaign_deadlines WHERE campaign_id = $1")
        .bind(campaign_id).execute(c).await.map(|r| r.rows_affected()))?;
    for (kind, day) in deadlines {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO campaign_deadlines (campaign_id, kind, due_date) VALUES ($1, $2, $3)"
        ).bind(campaign_id).bind(kind).bind(day).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn extensions_for_unit(db: &Db, unit_id: UnitId) -> DbResult<Vec<Extension>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT unit_id, kind, due_date, reason, granted_by, granted_at FROM deadline_extensions \
         WHERE unit_id = $1 ORDER BY kind"
    ).bind(unit_id).fetch_all(p).await)?)
}

/// Grants (or replaces) one unit's extension of one deadline, as MoHA typed it, if the domain's
/// rule (`extension::check`, against the campaign's deadlines read here) accepts it; otherwise
/// every problem, and nothing written.
pub async fn grant_extension(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    kind: &str,
    due_date: &str,
    reason: &str,
) -> DbResult<Result<(), Vec<extension::Problem>>> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    let campaign = for_campaign_tx(&mut tx, campaign_id).await?;
    let campaign_day = |k: DeadlineKind| {
        campaign
            .iter()
            .find(|(kind, _)| kind == k.as_str())
            .and_then(|(_, d)| deadline::parse_date(d))
    };
    let grant = match extension::check(kind, due_date, reason, campaign_day) {
        Ok(g) => g,
        Err(problems) => return Ok(Err(problems)),
    };
    let (kind, due_date, reason) = (grant.kind.as_str(), deadline::iso(grant.day), grant.reason);
    let before: Option<Extension> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT unit_id, kind, due_date, reason, granted_by, granted_at FROM deadline_extensions \
         WHERE campaign_id = $1 AND unit_id = $2 AND kind = $3"
    ).bind(campaign_id).bind(unit_id).bind(kind).fetch_optional(c).await)?;
    let granted_by = ctx.actor_id.map_or(0, UserId::get);
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO deadline_extensions (campaign_id, unit_id, kind, due_date, reason, granted_by, granted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (campaign_id, unit_id, kind) DO UPDATE SET due_date = excluded.due_date, \
         reason = excluded.reason, granted_by = excluded.granted_by, granted_at = excluded.granted_at"
    ).bind(campaign_id).bind(unit_id).bind(kind).bind(&due_date).bind(&reason).bind(granted_by).bind(ctx.now_ms)
    .execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "deadline.extend",
            entity: "deadline_extension",
            entity_id: format!("{unit_id}/{kind}"),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: before.map(|b| serde_json::json!(b)),
            after: Some(
                serde_json::json!({ "kind": kind, "due_date": due_date, "reason": reason }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}
