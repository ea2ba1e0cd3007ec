//! A unit's self-assessment report: its state and its leaves. Every write checks, inside its own
//! transaction, that the report is still in the state the caller saw, so an approval cannot slip past
//! an edit (or the other way round), and that the unit's self-assessment deadline has not passed.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::deadlines;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use parindex_domain::UserId;
use parindex_domain::ids::{CampaignId, UnitId};
use parindex_domain::self_assessment::{LeafEntry, State};
use parindex_domain::{DeadlineKind, Points};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub state: State,
    pub difficulties: String,
    pub leader_comment: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leaf {
    pub score: Option<Points>,
    pub explanation: String,
    pub updated_at: i64,
}

pub async fn report(db: &Db, unit_id: UnitId) -> DbResult<Report> {
    let row: Option<(String, String, String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT state, difficulties, leader_comment, updated_at FROM self_assessments WHERE unit_id = $1"
    ).bind(unit_id).fetch_optional(p).await)?;
    Ok(to_report(row))
}

fn to_report(row: Option<(String, String, String, i64)>) -> Report {
    match row {
        Some((state, difficulties, leader_comment, updated_at)) => Report {
            state: State::parse(&state).unwrap_or(State::Draft),
            difficulties,
            leader_comment,
            updated_at,
        },
        None => Report {
            state: State::Draft,
            difficulties: String::new(),
            leader_comment: String::new(),
            updated_at: 0,
        },
    }
}

async fn report_tx(tx: &mut Tx, unit_id: UnitId) -> DbResult<Report> {
    let row: Option<(String, String, String, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT state, difficulties, leader_comment, updated_at FROM self_assessments WHERE unit_id = $1"
    ).bind(unit_id).fetch_optional(c).await)?;
    Ok(to_report(row))
}

/// Every leaf the unit has touched, by code.
pub async fn leaves(db: &Db, unit_id: UnitId) -> DbResult<HashMap<String, Leaf>> {
    let rows: Vec<(String, Option<String>, String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT leaf_code, score, explanation, updated_at FROM self_scores WHERE unit_id = $1"
    ).bind(unit_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(code, score, explanation, updated_at)| {
            (
                code,
                Leaf {
                    score: score.and_then(|s| Points::parse(&s).ok()),
                    explanation,
                    updated_at,
                },
            )
        })
        .collect())
}

/// Every unit's report in a campaign, by unit id, in one query; a unit that has not started has
/// none (its report is a draft, as [`report`] says).
pub async fn reports_in(db: &Db, campaign: CampaignId) -> DbResult<HashMap<UnitId, Report>> {
    let rows: Vec<(UnitId, String, String, String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT s.unit_id, s.state, s.difficulties, s.leader_comment, s.updated_at \
         FROM self_assessments s JOIN units u ON u.id = s.unit_id WHERE u.campaign_id = $1"
    ).bind(campaign).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(unit, state, difficulties, leader_comment, updated_at)| {
            let report = to_report(Some((state, difficulties, leader_comment, updated_at)));
            (unit, report)
        })
        .collect())
}

/// The report of a unit that has not started: a draft.
pub fn not_started() -> Report {
    to_report(None)
}

/// Every leaf every unit of a campaign has touched, by unit id and code, in one query.
pub async fn leaves_in(
    db: &Db,
    campaign: CampaignId,
) -> DbResult<HashMap<UnitId, HashMap<String, Leaf>>> {
    let rows: Vec<(UnitId, String, Option<String>, String, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT s.unit_id, s.leaf_code, s.score, s.explanation, s.updated_at \
         FROM self_scores s JOIN units u ON u.id = s.unit_id WHERE u.campaign_id = $1"
    ).bind(campaign).fetch_all(p).await)?;
    let mut out: HashMap<UnitId, HashMap<String, Leaf>> = HashMap::new();
    for (unit, code, score, explanation, updated_at) in rows {
        out.entry(unit).or_default().insert(
            code,
            Leaf {
                score: score.and_then(|s| Points::parse(&s).ok()),
                explanation,
                updated_at,
            },
        );
    }
    Ok(out)
}

/// A leaf as the domain's rules read it: what the unit saved for `code` (nothing yet, if it has not
/// touched it) and how many evidence files it linked.
pub fn entry(
    saved: &HashMap<String, Leaf>,
    evidence: &HashMap<String, usize>,
    code: &str,
) -> LeafEntry {
    let evidence_count = evidence.get(code).copied().unwrap_or(0);
    match saved.get(code) {
        Some(l) => LeafEntry {
            score: l.score,
            explanation: l.explanation.clone(),
            evidence_count,
        },
        None => LeafEntry {
            evidence_count,
            ..LeafEntry::default()
        },
    }
}

async fn ensure_draft(tx: &mut Tx, unit_id: UnitId) -> DbResult<Report> {
    let r = report_tx(tx, unit_id).await?;
    if r.state.editable() {
        Ok(r)
    } else {
        Err(DbError::Stale)
    }
}

/// Saves one leaf's score and explanation, only while the report is a draft.
pub async fn save_leaf(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    code: &str,
    score: Option<Points>,
    explanation: &str,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    deadlines::ensure_open_tx(&mut tx, ctx, unit_id, DeadlineKind::SelfAssessment).await?;
    ensure_draft(&mut tx, unit_id).await?;
    let before: Option<(Option<String>, String)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT score, explanation FROM self_scores WHERE unit_id = $1 AND leaf_code = $2"
    ).bind(unit_id).bind(code).fetch_optional(c).await)?;
    let score_text = score.map(Points::to_fixed);
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO self_scores (unit_id, leaf_code, score, explanation, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unit_id, leaf_code) DO UPDATE SET \
         score = excluded.score, explanation = excluded.explanation, updated_at = excluded.updated_at, \
         updated_by = excluded.updated_by"
    ).bind(unit_id).bind(code).bind(&score_text).bind(explanation).bind(ctx.now_ms).bind(ctx.actor_id.map_or(0, UserId::get))
    .execute(c).await.map(|r| r.rows_affected()))?;
    touch(&mut tx, unit_id, ctx.now_ms).await?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "self_assessment.score",
            entity: "self_score",
            entity_id: format!("{unit_id}/{code}"),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: before.map(|(s, e)| serde_json::json!({ "score": s, "explanation": e })),
            after: Some(serde_json::json!({ "score": score_text, "explanation": explanation })),
        },
    )
    .await?;
    tx.commit().await
}

/// Creates the report row if needed and records when it last changed.
async fn touch(tx: &mut Tx, unit_id: UnitId, now_ms: i64) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO self_assessments (unit_id, state, updated_at) VALUES ($1, 'draft', $2) \
         ON CONFLICT (unit_id) DO UPDATE SET updated_at = excluded.updated_at"
    ).bind(unit_id).bind(now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The "difficulties and recommendations" section, while the report is a draft.
pub async fn save_difficulties(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    text: &str,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    deadlines::ensure_open_tx(&mut tx, ctx, unit_id, DeadlineKind::SelfAssessment).await?;
    let before = ensure_draft(&mut tx, unit_id).await?;
    touch(&mut tx, unit_id, ctx.now_ms).await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE self_assessments SET difficulties = $1 WHERE unit_id = $2")
        .bind(text).bind(unit_id).execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "self_assessment.difficulties",
            entity: "self_assessment",
            entity_id: unit_id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: Some(serde_json::json!({ "difficulties": before.difficulties })),
            after: Some(serde_json::json!({ "difficulties": text })),
        },
    )
    .await?;
    tx.commit().await
}

/// Moves the report from `from` to `to`, only if it is still in `from`. A return carries the leader's
/// comment; other moves clear it.
pub async fn transition(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    from: State,
    to: State,
    comment: &str,
) -> DbResult<()> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    deadlines::ensure_open_tx(&mut tx, ctx, unit_id, DeadlineKind::SelfAssessment).await?;
    let current = report_tx(&mut tx, unit_id).await?;
    if current.state != from {
        return Err(DbError::Stale);
    }
    touch(&mut tx, unit_id, ctx.now_ms).await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE self_assessments SET state = $1, leader_comment = $2 WHERE unit_id = $3")
        .bind(to.as_str()).bind(comment).bind(unit_id).execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "self_assessment.transition",
            entity: "self_assessment",
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
