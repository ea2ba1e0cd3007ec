//! MoHA's appraisal of one unit's submitted self-assessment: its stage and each leaf's decisions and
//! explanation. Every write checks, inside its own transaction, that the report is submitted and the
//! appraisal still at the stage the caller saw, so a late decision cannot slip past a stage change.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use parindex_domain::Points;
use parindex_domain::UserId;
use parindex_domain::appraisal::{Decision, Round, Stage, Verdict};
use parindex_domain::ids::{CampaignId, UnitId};
use serde::Serialize;
use std::collections::HashMap;

/// A unit's appraisal. A submitted report without one is in round 1 with nothing decided yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appraisal {
    pub stage: Stage,
    /// ISO day the unit's explanations are due.
    pub explain_due: Option<String>,
    pub sent_at: Option<i64>,
    pub explained_at: Option<i64>,
    pub finalized_at: Option<i64>,
    pub updated_at: i64,
}

impl Appraisal {
    fn not_begun() -> Appraisal {
        Appraisal {
            stage: Stage::Round1,
            explain_due: None,
            sent_at: None,
            explained_at: None,
            finalized_at: None,
            updated_at: 0,
        }
    }
}

/// One round's decision on a leaf, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decided {
    pub verdict: Verdict,
    pub score: Points,
    pub comment: String,
    pub by: i64,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AppraisedLeaf {
    pub round1: Option<Decided>,
    pub explanation: String,
    pub explained_at: Option<i64>,
    pub round2: Option<Decided>,
}

impl AppraisedLeaf {
    pub fn adjusted(&self) -> bool {
        self.round1
            .as_ref()
            .is_some_and(|d| d.verdict == Verdict::Adjust)
    }
}

type StageRow = (
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
);

const STAGE_SQL: &str = "SELECT stage, explain_due, sent_at, explained_at, finalized_at, updated_at \
     FROM appraisals WHERE unit_id = $1";

fn to_appraisal(row: Option<StageRow>) -> Appraisal {
    match row {
        Some((stage, explain_due, sent_at, explained_at, finalized_at, updated_at)) => Appraisal {
            stage: Stage::parse(&stage).unwrap_or(Stage::Round1),
            explain_due,
            sent_at,
            explained_at,
            finalized_at,
            updated_at,
        },
        None => Appraisal::not_begun(),
    }
}

pub async fn get(db: &Db, unit_id: UnitId) -> DbResult<Appraisal> {
    let row: Option<StageRow> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(STAGE_SQL))
        .bind(unit_id).fetch_optional(p).await)?;
    Ok(to_appraisal(row))
}

async fn get_tx(tx: &mut Tx, unit_id: UnitId) -> DbResult<Appraisal> {
    let row: Option<StageRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(STAGE_SQL))
        .bind(unit_id).fetch_optional(c).await)?;
    Ok(to_appraisal(row))
}

#[derive(sqlx::FromRow)]
struct LeafRow {
    leaf_code: String,
    r1_verdict: Option<String>,
    r1_score: Option<String>,
    r1_comment: String,
    r1_by: Option<i64>,
    r1_at: Option<i64>,
    explanation: String,
    explained_at: Option<i64>,
    r2_verdict: Option<String>,
    r2_score: Option<String>,
    r2_comment: String,
    r2_by: Option<i64>,
    r2_at: Option<i64>,
}

fn decided(
    verdict: Option<String>,
    score: Option<String>,
    comment: String,
    by: Option<i64>,
    at: Option<i64>,
) -> Option<Decided> {
    Some(Decided {
        verdict: Verdict::parse(&verdict?)?,
        score: Points::parse(&score?).ok()?,
        comment,
        by: by.unwrap_or(0),
        at: at.unwrap_or(0),
    })
}

/// Every leaf the appraisal has touched, by code.
pub async fn leaves(db: &Db, unit_id: UnitId) -> DbResult<HashMap<String, AppraisedLeaf>> {
    let rows: Vec<LeafRow> = on_pool!(db, p => sqlx::query_as(
        "SELECT leaf_code, r1_verdict, r1_score, r1_comment, r1_by, r1_at, explanation, explained_at, \
         r2_verdict, r2_score, r2_comment, r2_by, r2_at FROM appraisal_leaves WHERE unit_id = $1"
    ).bind(unit_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.leaf_code,
                AppraisedLeaf {
                    round1: decided(r.r1_verdict, r.r1_score, r.r1_comment, r.r1_by, r.r1_at),
                    explanation: r.explanation,
                    explained_at: r.explained_at,
                    round2: decided(r.r2_verdict, r.r2_score, r.r2_comment, r.r2_by, r.r2_at),
                },
            )
        })
        .collect())
}

/// The report must be submitted for MoHA to appraise it.
async fn ensure_submitted(tx: &mut Tx, unit_id: UnitId) -> DbResult<()> {
    let state: Option<(String,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT state FROM self_assessments WHERE unit_id = $1"
    ).bind(unit_id).fetch_optional(c).await)?;
    match state {
        Some((s,)) if s == "submitted" => Ok(()),
        _ => Err(DbError::Stale),
    }
}

/// Records one leaf's decision in `round`. Round 1 needs the appraisal in round 1, round 2 in round 2.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    code: &str,
    round: Round,
    d: &Decision,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    ensure_submitted(&mut tx, unit_id).await?;
    let current = get_tx(&mut tx, unit_id).await?;
    let wanted = match round {
        Round::First => Stage::Round1,
        Round::Second => Stage::Round2,
    };
    if current.stage != wanted {
        return Err(DbError::Stale);
    }
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO appraisals (unit_id, stage, updated_at) VALUES ($1, 'round1', $2) \
         ON CONFLICT (unit_id) DO UPDATE SET updated_at = excluded.updated_at"
    ).bind(unit_id).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    let before: Option<(Option<String>, Option<String>, String)> = match round {
        Round::First => on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT r1_verdict, r1_score, r1_comment FROM appraisal_leaves WHERE unit_id = $1 AND leaf_code = $2"
        ).bind(unit_id).bind(code).fetch_optional(c).await)?,
        Round::Second => on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT r2_verdict, r2_score, r2_comment FROM appraisal_leaves WHERE unit_id = $1 AND leaf_code = $2"
        ).bind(unit_id).bind(code).fetch_optional(c).await)?,
    };
    let score = d.score.to_fixed();
    let by = ctx.actor_id.map_or(0, UserId::get);
    match round {
        Round::First => {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO appraisal_leaves (unit_id, leaf_code, r1_verdict, r1_score, r1_comment, r1_by, r1_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (unit_id, leaf_code) DO UPDATE SET \
                 r1_verdict = excluded.r1_verdict, r1_score = excluded.r1_score, r1_comment = excluded.r1_comment, \
                 r1_by = excluded.r1_by, r1_at = excluded.r1_at"
            ).bind(unit_id).bind(code).bind(d.verdict.as_str()).bind(&score).bind(&d.comment).bind(by).bind(ctx.now_ms)
            .execute(c).await.map(|r| r.rows_affected()))?;
        }
        Round::Second => {
            // Round 2 decides only leaves adjusted in round 1.
            let n = on_tx!(&mut tx, c => sqlx::query(
                "UPDATE appraisal_leaves SET r2_verdict = $3, r2_score = $4, r2_comment = $5, r2_by = $6, r2_at = $7 \
                 WHERE unit_id = $1 AND leaf_code = $2 AND r1_verdict = 'adjust'"
            ).bind(unit_id).bind(code).bind(d.verdict.as_str()).bind(&score).bind(&d.comment).bind(by).bind(ctx.now_ms)
            .execute(c).await.map(|r| r.rows_affected()))?;
            if n == 0 {
                return Err(DbError::Stale);
            }
        }
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: match round {
                Round::First => "appraisal.round1",
                Round::Second => "appraisal.round2",
            },
            entity: "appraisal_leaf",
            entity_id: format!("{unit_id}/{code}"),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: before
                .filter(|(v, _, _)| v.is_some())
                .map(|(v, s, c)| serde_json::json!({ "verdict": v, "score": s, "comment": c })),
            after: Some(
                serde_json::json!({ "verdict": d.verdict.as_str(), "score": score, "comment": d.comment }),
            ),
        },
    )
    .await?;
    tx.commit().await
}

/// The unit's explanation of a leaf adjusted in round 1, while the appraisal waits for it.
pub async fn explain(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    code: &str,
    text: &str,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    if get_tx(&mut tx, unit_id).await?.stage != Stage::Explaining {
        return Err(DbError::Stale);
    }
    let before: Option<(String,)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT explanation FROM appraisal_leaves WHERE unit_id = $1 AND leaf_code = $2 AND r1_verdict = 'adjust'"
    ).bind(unit_id).bind(code).fetch_optional(c).await)?;
    let Some((before,)) = before else {
        return Err(DbError::NotFound);
    };
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE appraisal_leaves SET explanation = $3, explained_by = $4, explained_at = $5 \
         WHERE unit_id = $1 AND leaf_code = $2"
    ).bind(unit_id).bind(code).bind(text).bind(ctx.actor_id.map_or(0, UserId::get)).bind(ctx.now_ms)
    .execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "appraisal.explanation",
            entity: "appraisal_leaf",
            entity_id: format!("{unit_id}/{code}"),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: Some(serde_json::json!({ "explanation": before })),
            after: Some(serde_json::json!({ "explanation": text })),
        },
    )
    .await?;
    tx.commit().await
}

/// A stage change as the caller saw it: from, to, and what must still hold inside the transaction.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    pub from: Stage,
    pub to: Stage,
    /// The number of leaves round 1 adjusted, when the caller's decision depended on it.
    pub adjusted: Option<usize>,
    /// The day the unit's explanations are due (sending round 1 with adjustments).
    pub explain_due: Option<&'a str>,
}

/// Moves the appraisal from one stage to the next, only if it is still where the caller saw it.
pub async fn advance(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    m: &Move<'_>,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    ensure_submitted(&mut tx, unit_id).await?;
    let current = get_tx(&mut tx, unit_id).await?;
    if current.stage != m.from {
        return Err(DbError::Stale);
    }
    if let Some(expected) = m.adjusted {
        let (n,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT COUNT(*) FROM appraisal_leaves WHERE unit_id = $1 AND r1_verdict = 'adjust'"
        ).bind(unit_id).fetch_one(c).await)?;
        if usize::try_from(n).ok() != Some(expected) {
            return Err(DbError::Stale);
        }
    }
    let now = ctx.now_ms;
    let sent = (m.from == Stage::Round1).then_some(now);
    let explained = (m.to == Stage::Round2).then_some(now);
    let finalized = (m.to == Stage::Final).then_some(now);
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO appraisals (unit_id, stage, explain_due, sent_at, explained_at, finalized_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (unit_id) DO UPDATE SET stage = excluded.stage, \
         explain_due = COALESCE(excluded.explain_due, appraisals.explain_due), \
         sent_at = COALESCE(excluded.sent_at, appraisals.sent_at), \
         explained_at = COALESCE(excluded.explained_at, appraisals.explained_at), \
         finalized_at = COALESCE(excluded.finalized_at, appraisals.finalized_at), \
         updated_at = excluded.updated_at"
    ).bind(unit_id).bind(m.to.as_str()).bind(m.explain_due).bind(sent).bind(explained).bind(finalized).bind(now)
        .execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "appraisal.stage",
            entity: "appraisal",
            entity_id: unit_id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: Some(serde_json::json!({ "stage": m.from.as_str() })),
            after: Some(
                serde_json::json!({ "stage": m.to.as_str(), "explain_due": m.explain_due }),
            ),
        },
    )
    .await?;
    tx.commit().await
}

/// The appraisal stage of every unit of a campaign that has one.
pub async fn stages(db: &Db, campaign_id: CampaignId) -> DbResult<HashMap<UnitId, Stage>> {
    let rows: Vec<(UnitId, String)> = on_pool!(db, p => sqlx::query_as(
        "SELECT a.unit_id, a.stage FROM appraisals a JOIN units u ON u.id = a.unit_id WHERE u.campaign_id = $1"
    ).bind(campaign_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, s)| Stage::parse(&s).map(|s| (id, s)))
        .collect())
}
