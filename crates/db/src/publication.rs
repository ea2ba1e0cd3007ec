//! Publishing a campaign's draft result. The facts the rule needs (the draft's hash, the flagged
//! units without a decision, the cancelled surveys) are read in the publishing transaction and
//! checked by the domain's one rule, [`parindex_domain::scoring::publish::check`], so the results
//! page, `parindex compute --publish` and the demo all publish under the same rule. The page reads
//! the same facts to show them above the publish button.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use parindex_domain::CampaignId;
use parindex_domain::integrity::UnitAssessment;
use parindex_domain::integrity::decision::{self, Outcome};
use parindex_domain::scoring::publish::{self, Facts, Problem, Request};
use std::collections::{HashMap, HashSet};

const DRAFT: &str =
    "SELECT input_sha256 FROM result_versions WHERE campaign_id = $1 AND version = 0";
const FINDINGS: &str = "SELECT assessment_json FROM integrity_findings WHERE campaign_id = $1";
const IN_FORCE: &str = "SELECT unit_id, outcome FROM integrity_decisions d WHERE campaign_id = $1 \
     AND id = (SELECT MAX(id) FROM integrity_decisions e WHERE e.campaign_id = d.campaign_id \
     AND e.unit_id = d.unit_id) ORDER BY unit_id";
const CODES: &str = "SELECT id, code FROM units WHERE campaign_id = $1";

/// The rows the facts are made of, as read.
struct Rows {
    draft: Option<(String,)>,
    findings: Vec<(String,)>,
    in_force: Vec<(i64, String)>,
    codes: Vec<(i64, String)>,
}

/// The facts as they stand now, for the page. A plain read: it never waits for the write gate.
pub async fn facts(db: &Db, campaign_id: CampaignId) -> DbResult<Facts> {
    let id = campaign_id;
    let rows = Rows {
        draft: on_pool!(db, p => sqlx::query_as(DRAFT).bind(id).fetch_optional(p).await)?,
        findings: on_pool!(db, p => sqlx::query_as(FINDINGS).bind(id).fetch_all(p).await)?,
        in_force: on_pool!(db, p => sqlx::query_as(IN_FORCE).bind(id).fetch_all(p).await)?,
        codes: on_pool!(db, p => sqlx::query_as(CODES).bind(id).fetch_all(p).await)?,
    };
    assemble(rows)
}

async fn facts_tx(tx: &mut Tx, campaign_id: CampaignId) -> DbResult<Facts> {
    let id = campaign_id;
    let rows = Rows {
        draft: on_tx!(tx, c => sqlx::query_as(DRAFT).bind(id).fetch_optional(c).await)?,
        findings: on_tx!(tx, c => sqlx::query_as(FINDINGS).bind(id).fetch_all(c).await)?,
        in_force: on_tx!(tx, c => sqlx::query_as(IN_FORCE).bind(id).fetch_all(c).await)?,
        codes: on_tx!(tx, c => sqlx::query_as(CODES).bind(id).fetch_all(c).await)?,
    };
    assemble(rows)
}

fn assemble(rows: Rows) -> DbResult<Facts> {
    let mut findings: Vec<UnitAssessment> = rows
        .findings
        .into_iter()
        .map(|(j,)| serde_json::from_str(&j).map_err(|e| DbError::Other(e.to_string())))
        .collect::<DbResult<_>>()?;
    findings.sort_by(|a, b| b.risk.total_cmp(&a.risk).then(a.unit_id.cmp(&b.unit_id)));
    let codes: HashMap<i64, String> = rows.codes.into_iter().collect();
    let code = |id: i64| codes.get(&id).cloned().unwrap_or_else(|| id.to_string());
    let decided: HashSet<i64> = rows.in_force.iter().map(|(u, _)| *u).collect();
    Ok(Facts {
        draft_hash: rows.draft.map(|d| d.0),
        undecided: decision::undecided(&findings, &decided)
            .into_iter()
            .map(code)
            .collect(),
        cancelled: rows
            .in_force
            .iter()
            .filter(|(_, o)| Outcome::parse(o) == Some(Outcome::Cancel))
            .map(|(u, _)| code(*u))
            .collect(),
    })
}

/// Publishes the draft as the next version if the rule allows it, in one transaction with its
/// audit entry, which records the flagged units published without a decision. Returns the new
/// version, or every problem the rule found (nothing written then).
pub async fn publish(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    req: &Request<'_>,
    note: &str,
) -> DbResult<Result<i64, Vec<Problem>>> {
    let mut tx = db.begin().await?;
    let facts = facts_tx(&mut tx, campaign_id).await?;
    if let Err(problems) = publish::check(&facts, req) {
        return Ok(Err(problems));
    }
    let (next,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM result_versions WHERE campaign_id = $1"
    ).bind(campaign_id).fetch_one(c).await)?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO result_versions (campaign_id, version, input_sha256, inputs_json, result_json, \
         intervals_json, computed_at, computed_by, published_at, published_by, note) \
         SELECT campaign_id, $2, input_sha256, inputs_json, result_json, intervals_json, computed_at, computed_by, $3, $4, $5 \
         FROM result_versions WHERE campaign_id = $1 AND version = 0"
    ).bind(campaign_id).bind(next).bind(ctx.now_ms).bind(ctx.actor_id).bind(note)
    .execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "results.publish",
            entity: "result_versions",
            entity_id: format!("{campaign_id}/{next}"),
            campaign_id: Some(campaign_id),
            after: Some(serde_json::json!({
                "version": next,
                "input_sha256": req.reviewed_hash.trim(),
                "note": note,
                "acknowledged_undecided_flags": facts.undecided,
                "cancelled_surveys": facts.cancelled,
            })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(next))
}
