//! The questionnaires of a campaign, one checked file per level, stored whole (JSON) with its hash.
//! Replacing them is audited, and empties the level's survey tallies (computing folds every response
//! in again under the new questionnaires); the checks happen before, in the domain.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::Db;
use crate::portable::{Conn, Kind, columns};
use parindex_domain::CampaignId;
use parindex_domain::survey::QuestionnaireSet;
use sha2::{Digest, Sha256};

pub async fn get(
    db: &Db,
    campaign_id: CampaignId,
    level: &str,
) -> DbResult<Option<QuestionnaireSet>> {
    let row: Option<(String, String)> = on_pool!(db, p => sqlx::query_as(
        "SELECT body_json, sha256 FROM campaign_questionnaires WHERE campaign_id = $1 AND level = $2"
    ).bind(campaign_id).bind(level).fetch_optional(p).await)?;
    row.map(|(json, sha)| parse_stored(campaign_id, level, &json, &sha))
        .transpose()
}

/// The level's stored questionnaires with their hash, read inside `tx` (a caller already holding a
/// connection must not wait for a second one from the pool).
pub(crate) async fn get_in<C: Conn>(
    tx: &mut C,
    campaign_id: CampaignId,
    level: &str,
) -> DbResult<Option<(QuestionnaireSet, String)>> {
    let rows = tx
        .rows(
            "SELECT body_json, sha256 FROM campaign_questionnaires WHERE campaign_id = $1 AND level = $2",
            &[campaign_id.get().into(), level.into()],
            &[Kind::Text, Kind::Text],
        )
        .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let [json, sha] = columns(row)?;
    let (json, sha) = (json.text()?, sha.text()?);
    Ok(Some((parse_stored(campaign_id, level, &json, &sha)?, sha)))
}

/// A stored body, checked against its hash and parsed.
fn parse_stored(
    campaign_id: CampaignId,
    level: &str,
    json: &str,
    sha: &str,
) -> DbResult<QuestionnaireSet> {
    if hex::encode(Sha256::digest(json.as_bytes())) != sha {
        return Err(DbError::Other(format!(
            "stored questionnaires of campaign {campaign_id} ({level}) do not match their hash"
        )));
    }
    serde_json::from_str(json).map_err(|e| DbError::Other(e.to_string()))
}

pub async fn set(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    q: &QuestionnaireSet,
) -> DbResult<()> {
    let json = serde_json::to_string(q).map_err(|e| DbError::Other(e.to_string()))?;
    let sha = hex::encode(Sha256::digest(json.as_bytes()));
    let mut tx = db.begin().await?;
    let scope = crate::setup::Scope::Level(campaign_id, &q.set.level);
    crate::setup::guard(
        &mut tx,
        parindex_domain::setup::Change::Questionnaires,
        scope,
    )
    .await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO campaign_questionnaires (campaign_id, level, body_json, sha256, loaded_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (campaign_id, level) DO UPDATE SET body_json = excluded.body_json, sha256 = excluded.sha256, \
         loaded_at = excluded.loaded_at"
    ).bind(campaign_id).bind(&q.set.level).bind(&json).bind(&sha).bind(ctx.now_ms)
    .execute(c).await.map(|r| r.rows_affected()))?;
    crate::survey_tallies::reset_level(&mut tx, campaign_id, &q.set.level, &sha).await?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "questionnaires.set",
            entity: "campaign_questionnaires",
            entity_id: format!("{campaign_id}/{}", q.set.level),
            campaign_id: Some(campaign_id),
            after: Some(serde_json::json!({
                "level": q.set.level, "criteria_set": q.set.criteria_set, "sha256": sha,
                "questionnaires": q.questionnaires.len(), "illustrative": q.set.illustrative,
            })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// The hash of the level's stored questionnaires, if any (cheap: lets callers cache the parsed set).
pub async fn sha(db: &Db, campaign_id: CampaignId, level: &str) -> DbResult<Option<String>> {
    let row: Option<(String,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT sha256 FROM campaign_questionnaires WHERE campaign_id = $1 AND level = $2"
    ).bind(campaign_id).bind(level).fetch_optional(p).await)?;
    Ok(row.map(|r| r.0))
}
