//! Respondent lists: the campaign's groups, each unit's list and its state, the people on it, and the
//! group exceptions. Every change re-checks the list's state inside its transaction (an import or an
//! edit cannot slip past "send") and the unit's list deadline, and is audited. An import is one transaction: all rows or none.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::deadlines;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use parindex_domain::ids::{CampaignId, UnitId};
use parindex_domain::respondents::{ExceptionState, GroupSet, ListState, Respondent};
use parindex_domain::{DeadlineKind, text};
use serde::Serialize;

/// The campaign's groups; the 2023 defaults until MoHA sets its own.
pub async fn groups(db: &Db, campaign_id: CampaignId) -> DbResult<GroupSet> {
    let row: Option<(String,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT groups_json FROM campaign_groups WHERE campaign_id = $1"
    ).bind(campaign_id).fetch_optional(p).await)?;
    match row {
        Some((json,)) => serde_json::from_str(&json).map_err(|e| DbError::Other(e.to_string())),
        None => Ok(GroupSet::defaults_2023()),
    }
}

pub async fn set_groups(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    set: &GroupSet,
) -> DbResult<()> {
    let json = serde_json::to_string(set).map_err(|e| DbError::Other(e.to_string()))?;
    let mut tx = db.begin().await?;
    let scope = crate::setup::Scope::Campaign(campaign_id);
    crate::setup::guard(&mut tx, parindex_domain::setup::Change::Groups, scope).await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO campaign_groups (campaign_id, groups_json, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (campaign_id) DO UPDATE SET groups_json = excluded.groups_json, updated_at = excluded.updated_at"
    ).bind(campaign_id).bind(&json).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "respondent_groups.set",
            entity: "campaign",
            entity_id: campaign_id.to_string(),
            campaign_id: Some(campaign_id),
            after: serde_json::from_str(&json).ok(),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct List {
    pub state: ListState,
    pub moha_comment: String,
    pub sent_at: Option<i64>,
    pub reviewed_at: Option<i64>,
}

type ListRow = (String, String, Option<i64>, Option<i64>);

fn to_list(row: Option<ListRow>) -> List {
    match row {
        Some((state, moha_comment, sent_at, reviewed_at)) => List {
            state: ListState::parse(&state).unwrap_or(ListState::Draft),
            moha_comment,
            sent_at,
            reviewed_at,
        },
        None => List {
            state: ListState::Draft,
            moha_comment: String::new(),
            sent_at: None,
            reviewed_at: None,
        },
    }
}

const LIST_SQL: &str =
    "SELECT state, moha_comment, sent_at, reviewed_at FROM respondent_lists WHERE unit_id = $1";

pub async fn list(db: &Db, unit_id: UnitId) -> DbResult<List> {
    let row: Option<ListRow> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(LIST_SQL))
        .bind(unit_id).fetch_optional(p).await)?;
    Ok(to_list(row))
}

async fn list_tx(tx: &mut Tx, unit_id: UnitId) -> DbResult<List> {
    let row: Option<ListRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(LIST_SQL))
        .bind(unit_id).fetch_optional(c).await)?;
    Ok(to_list(row))
}

/// The list must be a draft for the unit to change it.
/// The unit's changes to its list: only before its list deadline (with any extension), and only
/// while the list is a draft.
async fn ensure_draft(tx: &mut Tx, ctx: &Ctx, unit_id: UnitId) -> DbResult<()> {
    deadlines::ensure_open_tx(tx, ctx, unit_id, DeadlineKind::RespondentList).await?;
    if list_tx(tx, unit_id).await?.state.editable() {
        Ok(())
    } else {
        Err(DbError::Stale)
    }
}

async fn touch(tx: &mut Tx, unit_id: UnitId, now: i64) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO respondent_lists (unit_id, state, updated_at) VALUES ($1, 'draft', $2) \
         ON CONFLICT (unit_id) DO UPDATE SET updated_at = excluded.updated_at"
    ).bind(unit_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stored {
    pub id: i64,
    #[serde(flatten)]
    pub person: Respondent,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    full_name: String,
    position: String,
    organisation: String,
    group_code: String,
    email: String,
    phone: String,
    stand_in: i64,
}

impl From<PersonRow> for Stored {
    fn from(r: PersonRow) -> Self {
        Stored {
            id: r.id,
            person: Respondent {
                full_name: r.full_name,
                position: r.position,
                organisation: r.organisation,
                group: r.group_code,
                email: r.email,
                phone: r.phone,
                stand_in: r.stand_in != 0,
            },
        }
    }
}

/// Everyone on the unit's list (in no particular order; the pages sort the Vietnamese way).
pub async fn people(db: &Db, unit_id: UnitId) -> DbResult<Vec<Stored>> {
    let rows: Vec<PersonRow> = on_pool!(db, p => sqlx::query_as(
        "SELECT id, full_name, position, organisation, group_code, email, phone, stand_in \
         FROM respondents WHERE unit_id = $1"
    ).bind(unit_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(Stored::from).collect())
}

/// Rows per multi-row INSERT (11 parameters each). SQLite slows down sharply with thousands of
/// parameters in one statement, PostgreSQL gains from fewer round trips; both measured with the
/// `respondents_import` bench.
fn chunk_rows(db: &Db) -> usize {
    match db.engine() {
        crate::pool::Engine::Sqlite => 50,
        crate::pool::Engine::Postgres => 500,
    }
}

/// Adds the checked rows of one import, all or none, while the list is a draft.
pub async fn import(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    rows: &[Respondent],
    source: &str,
) -> DbResult<usize> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    ensure_draft(&mut tx, ctx, unit_id).await?;
    touch(&mut tx, unit_id, ctx.now_ms).await?;
    tracing::info!(%unit_id, rows = rows.len(), "respondent import: writing");
    for chunk in rows.chunks(chunk_rows(db)) {
        let mut sql = String::from(
            "INSERT INTO respondents (unit_id, full_name, position, organisation, group_code, email, phone, \
             stand_in, search_key, created_at, updated_at) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let b = i * 11;
            let marks: Vec<String> = (1..=11).map(|k| format!("${}", b + k)).collect();
            sql.push('(');
            sql.push_str(&marks.join(", "));
            sql.push(')');
        }
        let n = on_tx!(&mut tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for r in chunk {
                q = q.bind(unit_id).bind(&r.full_name).bind(&r.position).bind(&r.organisation).bind(&r.group)
                    .bind(&r.email).bind(&r.phone).bind(i64::from(r.stand_in)).bind(text::search_key(&r.full_name))
                    .bind(ctx.now_ms).bind(ctx.now_ms);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        });
        // A UNIQUE (unit, e-mail) clash means someone changed the list meanwhile: a conflict.
        n?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "respondents.import",
            entity: "respondent_list",
            entity_id: unit_id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            after: Some(serde_json::json!({ "rows": rows.len(), "source": source })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(%unit_id, rows = rows.len(), "respondent import: committed");
    Ok(rows.len())
}

/// Adds one person, or changes one (by id), while the list is a draft.
pub async fn save_person(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    id: Option<i64>,
    r: &Respondent,
) -> DbResult<i64> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    ensure_draft(&mut tx, ctx, unit_id).await?;
    touch(&mut tx, unit_id, ctx.now_ms).await?;
    let key = text::search_key(&r.full_name);
    let stand_in = i64::from(r.stand_in);
    let (id, before) = match id {
        Some(id) => {
            let before: Option<PersonRow> = on_tx!(&mut tx, c => sqlx::query_as(
                "SELECT id, full_name, position, organisation, group_code, email, phone, stand_in \
                 FROM respondents WHERE id = $1 AND unit_id = $2"
            ).bind(id).bind(unit_id).fetch_optional(c).await)?;
            let before = before.ok_or(DbError::NotFound)?;
            on_tx!(&mut tx, c => sqlx::query(
                "UPDATE respondents SET full_name = $3, position = $4, organisation = $5, group_code = $6, \
                 email = $7, phone = $8, stand_in = $9, search_key = $10, updated_at = $11 WHERE id = $1 AND unit_id = $2"
            ).bind(id).bind(unit_id).bind(&r.full_name).bind(&r.position).bind(&r.organisation).bind(&r.group)
            .bind(&r.email).bind(&r.phone).bind(stand_in).bind(&key).bind(ctx.now_ms)
            .execute(c).await.map(|r| r.rows_affected()))?;
            (id, Some(Stored::from(before)))
        }
        None => {
            let (id,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as(
                "INSERT INTO respondents (unit_id, full_name, position, organisation, group_code, email, phone, \
                 stand_in, search_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id"
            ).bind(unit_id).bind(&r.full_name).bind(&r.position).bind(&r.organisation).bind(&r.group)
            .bind(&r.email).bind(&r.phone).bind(stand_in).bind(&key).bind(ctx.now_ms)
            .fetch_one(c).await)?;
            (id, None)
        }
    };
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "respondents.save",
            entity: "respondent",
            entity_id: id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: before.and_then(|b| serde_json::to_value(b).ok()),
            after: serde_json::to_value(r).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn remove_person(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    id: i64,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    ensure_draft(&mut tx, ctx, unit_id).await?;
    let before: Option<PersonRow> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT id, full_name, position, organisation, group_code, email, phone, stand_in \
         FROM respondents WHERE id = $1 AND unit_id = $2"
    ).bind(id).bind(unit_id).fetch_optional(c).await)?;
    let before = before.ok_or(DbError::NotFound)?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM respondents WHERE id = $1 AND unit_id = $2")
        .bind(id).bind(unit_id).execute(c).await.map(|r| r.rows_affected()))?;
    touch(&mut tx, unit_id, ctx.now_ms).await?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "respondents.remove",
            entity: "respondent",
            entity_id: id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: serde_json::to_value(Stored::from(before)).ok(),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// Moves the list from `from` to `to` (send, accept, return), only if it is still in `from`.
pub async fn transition(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    from: ListState,
    to: ListState,
    comment: &str,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    if from.editable() {
        // Sending is the unit's change, closed by its deadline; MoHA's review of a sent list is not.
        deadlines::ensure_open_tx(&mut tx, ctx, unit_id, DeadlineKind::RespondentList).await?;
    }
    if list_tx(&mut tx, unit_id).await?.state != from {
        return Err(DbError::Stale);
    }
    touch(&mut tx, unit_id, ctx.now_ms).await?;
    let sent = (to == ListState::Sent).then_some(ctx.now_ms);
    let reviewed = (from == ListState::Sent).then_some(ctx.now_ms);
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE respondent_lists SET state = $2, moha_comment = $3, sent_at = COALESCE($4, sent_at), \
         reviewed_at = COALESCE($5, reviewed_at) WHERE unit_id = $1"
    ).bind(unit_id).bind(to.as_str()).bind(comment).bind(sent).bind(reviewed)
    .execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "respondents.state",
            entity: "respondent_list",
            entity_id: unit_id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: Some(serde_json::json!({ "state": from.as_str() })),
            after: Some(serde_json::json!({ "state": to.as_str(), "comment": comment })),
        },
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Exception {
    #[sqlx(rename = "group_code")]
    pub group: String,
    pub reason: String,
    /// A stored name that is not a state fails when the row is read.
    #[sqlx(try_from = "String")]
    pub state: ExceptionState,
    pub moha_comment: String,
}

pub async fn exceptions(db: &Db, unit_id: UnitId) -> DbResult<Vec<Exception>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT group_code, reason, state, moha_comment FROM group_exceptions WHERE unit_id = $1 ORDER BY group_code"
    ).bind(unit_id).fetch_all(p).await)?)
}

/// The unit records (or restates) why a group cannot be complete; MoHA decides it again.
pub async fn request_exception(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    group: &str,
    reason: &str,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    ensure_draft(&mut tx, ctx, unit_id).await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO group_exceptions (unit_id, group_code, reason, state, created_at) VALUES ($1, $2, $3, 'pending', $4) \
         ON CONFLICT (unit_id, group_code) DO UPDATE SET reason = excluded.reason, state = 'pending', \
         moha_comment = '', created_at = excluded.created_at, decided_at = NULL"
    ).bind(unit_id).bind(group).bind(reason).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "respondents.exception",
            entity: "group_exception",
            entity_id: format!("{unit_id}/{group}"),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            after: Some(serde_json::json!({ "group": group, "reason": reason })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// MoHA accepts or rejects a pending exception.
pub async fn decide_exception(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    group: &str,
    accept: bool,
    comment: &str,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    let state = ExceptionState::decided(accept).as_str();
    let n = on_tx!(&mut tx, c => sqlx::query(
        "UPDATE group_exceptions SET state = $3, moha_comment = $4, decided_at = $5 \
         WHERE unit_id = $1 AND group_code = $2 AND state = 'pending'"
    ).bind(unit_id).bind(group).bind(state).bind(comment).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(DbError::Stale);
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "respondents.exception_decision",
            entity: "group_exception",
            entity_id: format!("{unit_id}/{group}"),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            after: Some(serde_json::json!({ "state": state, "comment": comment })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// Per unit of a campaign: the list's state and its count per group.
pub async fn national(
    db: &Db,
    campaign_id: CampaignId,
) -> DbResult<Vec<(UnitId, String, String, i64)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT u.id, COALESCE(l.state, 'draft'), COALESCE(r.group_code, ''), COUNT(r.id) \
         FROM units u LEFT JOIN respondent_lists l ON l.unit_id = u.id \
         LEFT JOIN respondents r ON r.unit_id = u.id \
         WHERE u.campaign_id = $1 GROUP BY u.id, l.state, r.group_code"
    ).bind(campaign_id).fetch_all(p).await)?)
}

/// People listed by more than one unit of a campaign: (e-mail, unit id, full name, group).
pub async fn cross_unit_duplicates(
    db: &Db,
    campaign_id: CampaignId,
) -> DbResult<Vec<(String, UnitId, String, String)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT r.email, r.unit_id, r.full_name, r.group_code FROM respondents r JOIN units u ON u.id = r.unit_id \
         WHERE u.campaign_id = $1 AND r.email IN ( \
            SELECT r2.email FROM respondents r2 JOIN units u2 ON u2.id = r2.unit_id \
            WHERE u2.campaign_id = $1 GROUP BY r2.email HAVING COUNT(DISTINCT r2.unit_id) > 1) \
         ORDER BY r.email, r.unit_id"
    ).bind(campaign_id).fetch_all(p).await)?)
}
