//! Interference detection in the database: the campaign's thresholds, the detection runs and the
//! newest findings per unit, and MoHA's decisions. Traces are read from the paradata and answers the
//! survey pages stored (salted hashes only); nothing here changes a response. A decision snapshots
//! the evidence the reviewer saw, with its SHA-256; the newest decision per unit is in force, and a
//! cancellation makes the index treat the unit's survey as cancelled. Every change is audited.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::outbox::{self, OutMail};
use crate::packed::{self, RECORD_SEP, UNIT_SEP};
use crate::pool::Db;
use crate::{criteria_sets, deadlines, questionnaires};
use futures_util::TryStreamExt;
use parindex_domain::ids::{CampaignId, UnitId};
use parindex_domain::integrity::decision::{Checked, Outcome};
use parindex_domain::integrity::model::Shape;
use parindex_domain::integrity::schedule::{self, RunKind};
use parindex_domain::integrity::{
    Detection, Event, IntegritySettings, Interner, NO_ANSWER, ResponseTrace, UnitAssessment, detect,
};
use parindex_domain::survey::QuestionnaireSet;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::HashMap;

fn json_err(e: serde_json::Error) -> DbError {
    DbError::Other(e.to_string())
}

pub async fn settings(db: &Db, campaign_id: CampaignId) -> DbResult<IntegritySettings> {
    let row: Option<(String,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT settings_json FROM integrity_settings WHERE campaign_id = $1"
    ).bind(campaign_id).fetch_optional(p).await)?;
    match row {
        Some((json,)) => serde_json::from_str(&json).map_err(json_err),
        None => Ok(IntegritySettings::default()),
    }
}

/// Stores checked thresholds, audited with the old and new values.
pub async fn set_settings(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    s: &IntegritySettings,
) -> DbResult<()> {
    let before = settings(db, campaign_id).await?;
    let json = serde_json::to_string(s).map_err(json_err)?;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO integrity_settings (campaign_id, settings_json, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (campaign_id) DO UPDATE SET settings_json = excluded.settings_json, \
         updated_at = excluded.updated_at"
    ).bind(campaign_id).bind(&json).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "integrity.settings",
            entity: "integrity_settings",
            entity_id: campaign_id.to_string(),
            campaign_id: Some(campaign_id),
            before: Some(serde_json::json!(before)),
            after: Some(serde_json::json!(s)),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

/// A question's place in its questionnaire and its options' positions, by key.
type QuestionPlace = (usize, HashMap<String, u8>);

/// One questionnaire's positions: the number of questions, each question's place by code, and
/// each question's best option position.
type GroupPlaces = (usize, HashMap<String, QuestionPlace>, Vec<u8>);

/// Question and option positions of each level's questionnaires, by (level, group).
struct Positions {
    by_group: HashMap<(String, String), GroupPlaces>,
}

impl Positions {
    fn add(&mut self, level: &str, set: &QuestionnaireSet) {
        let shape = Shape::from_set(set);
        for qn in &set.questionnaires {
            let questions = qn
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    let options = set
                        .options(q)
                        .iter()
                        .enumerate()
                        .map(|(k, o)| (o.key.clone(), u8::try_from(k).unwrap_or(NO_ANSWER)))
                        .collect();
                    (q.code.clone(), (i, options))
                })
                .collect();
            self.by_group.insert(
                (level.to_string(), qn.group.clone()),
                (qn.questions.len(), questions, shape.best(&qn.group)),
            );
        }
    }

    /// The answers as option positions in questionnaire order, and each question's best option
    /// position.
    fn answers(&self, level: &str, group: &str, text: &str) -> (Vec<u8>, &[u8]) {
        let Some((n, questions, best)) = self.by_group.get(&(level.to_string(), group.to_string()))
        else {
            return (Vec::new(), &[]);
        };
        let mut out = vec![NO_ANSWER; *n];
        for (code, key) in packed::pairs(text) {
            if let Some((i, options)) = questions.get(code)
                && let Some(&pos) = options.get(key)
            {
                out[*i] = pos;
            }
        }
        (out, best)
    }
}

/// Every submitted response of the campaign as a trace.
pub async fn traces(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<ResponseTrace>> {
    let mut pos = Positions {
        by_group: HashMap::new(),
    };
    for (level, _) in criteria_sets::pinned(db, campaign_id).await? {
        if let Some(set) = questionnaires::get(db, campaign_id, level.as_str()).await? {
            pos.add(level.as_str(), &set);
        }
    }
    let answers_sql = format!(
        "SELECT i.id, i.unit_id, u.level, i.group_code, i.completed_at, COALESCE({}, '') \
         FROM survey_invitations i JOIN units u ON u.id = i.unit_id \
         LEFT JOIN survey_answers a ON a.invitation_id = i.id \
         WHERE i.campaign_id = $1 AND i.completed_at IS NOT NULL \
         GROUP BY i.id, i.unit_id, u.level, i.group_code, i.completed_at",
        packed::aggregate(db.engine())
    );
    let events_sql = match db {
        Db::Sqlite(..) => {
            "SELECT p.invitation_id, group_concat(p.at || char(31) || p.event || char(31) || p.page \
             || char(31) || p.session_hash || char(31) || p.ip_hash || char(31) || \
             CASE WHEN p.signed_in_unit IS NULL THEN '' ELSE '1' END, char(30)) \
             FROM survey_paradata p JOIN survey_invitations i ON i.id = p.invitation_id \
             WHERE i.campaign_id = $1 AND i.completed_at IS NOT NULL GROUP BY p.invitation_id"
        }
        Db::Postgres(..) => {
            "SELECT p.invitation_id, string_agg(p.at::text || chr(31) || p.event || chr(31) || \
             p.page::text || chr(31) || p.session_hash || chr(31) || p.ip_hash || chr(31) || \
             CASE WHEN p.signed_in_unit IS NULL THEN '' ELSE '1' END, chr(30)) \
             FROM survey_paradata p JOIN survey_invitations i ON i.id = p.invitation_id \
             WHERE i.campaign_id = $1 AND i.completed_at IS NOT NULL GROUP BY p.invitation_id"
        }
    };
    let mut events: HashMap<i64, String> = HashMap::new();
    macro_rules! read_events {
        ($p:expr) => {{
            let mut rows = sqlx::query(events_sql).bind(campaign_id).fetch($p);
            while let Some(r) = rows.try_next().await? {
                let id: i64 = r.try_get(0)?;
                let text: String = r.try_get(1)?;
                events.insert(id, text);
            }
        }};
    }
    match db {
        Db::Sqlite(p, _) => read_events!(p),
        Db::Postgres(p, _) => read_events!(p),
    }
    let mut names = Interner::default();
    let mut out = Vec::with_capacity(events.len());
    macro_rules! read_answers {
        ($p:expr) => {{
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(answers_sql))
                .bind(campaign_id)
                .fetch($p);
            while let Some(r) = rows.try_next().await? {
                let id: i64 = r.try_get(0)?;
                let unit: i64 = r.try_get(1)?;
                let level: &str = r.try_get(2)?;
                let group: &str = r.try_get(3)?;
                let completed: i64 = r.try_get(4)?;
                let text: &str = r.try_get(5)?;
                let (answers, best) = pos.answers(level, group, text);
                let evs = events.get(&id).map(|s| parse_events(s)).unwrap_or_default();
                out.push(
                    ResponseTrace::build(id, unit, group, completed, answers, &evs, &mut names)
                        .with_best(best),
                );
            }
        }};
    }
    match db {
        Db::Sqlite(p, _) => read_answers!(p),
        Db::Postgres(p, _) => read_answers!(p),
    }
    Ok(out)
}

fn parse_events(text: &str) -> Vec<Event<'_>> {
    text.split(RECORD_SEP)
        .filter_map(|r| {
            let mut f = r.split(UNIT_SEP);
            Some(Event {
                at: f.next()?.parse().ok()?,
                kind: f.next()?,
                page: f.next()?.parse().ok()?,
                session: f.next()?,
                network: f.next()?,
                signed_in: f.next()? == "1",
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct RunInfo {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: RunKind,
    pub ran_at: i64,
    pub responses: i64,
    pub units: i64,
    pub flagged: i64,
    pub duration_ms: i64,
    pub latest_completion: Option<i64>,
}

const RUN_COLS: &str =
    "id, kind, ran_at, responses, units, flagged, duration_ms, latest_completion";

/// Reads every response, runs the checks, and stores the run and its findings (replacing the
/// previous findings) with one audit entry, in one transaction.
pub async fn run(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    kind: RunKind,
) -> DbResult<(RunInfo, Detection)> {
    let started = std::time::Instant::now();
    let s = settings(db, campaign_id).await?;
    let traces = traces(db, campaign_id).await?;
    let latest = traces.iter().map(|t| t.completed_at).max();
    let d = detect(&traces, &s);
    let flagged: Vec<i64> = d.flagged().map(|u| u.unit_id).collect();
    let duration = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let settings_json = serde_json::to_string(&s).map_err(json_err)?;
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO integrity_runs (campaign_id, kind, ran_at, responses, units, flagged, \
         duration_ms, latest_completion, settings_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id"
    ).bind(campaign_id).bind(kind.code()).bind(ctx.now_ms).bind(d.responses as i64)
    .bind(d.units.len() as i64).bind(flagged.len() as i64).bind(duration).bind(latest)
    .bind(&settings_json).fetch_one(c).await)?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM integrity_findings WHERE campaign_id = $1")
        .bind(campaign_id).execute(c).await.map(|r| r.rows_affected()))?;
    for u in &d.units {
        let json = serde_json::to_string(u).map_err(json_err)?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO integrity_findings (campaign_id, unit_id, run_id, responses, risk, flagged, \
             assessment_json) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ).bind(campaign_id).bind(u.unit_id).bind(id).bind(i64::from(u.responses))
        .bind(format!("{:.2}", u.risk)).bind(u.flagged).bind(&json)
        .execute(c).await.map(|r| r.rows_affected()))?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "integrity.run",
            entity: "integrity_runs",
            entity_id: id.to_string(),
            campaign_id: Some(campaign_id),
            after: Some(serde_json::json!({
                "kind": kind.code(), "responses": d.responses, "units": d.units.len(),
                "flagged_units": flagged,
            })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    let info = RunInfo {
        id,
        kind,
        ran_at: ctx.now_ms,
        responses: d.responses as i64,
        units: d.units.len() as i64,
        flagged: flagged.len() as i64,
        duration_ms: duration,
        latest_completion: latest,
    };
    Ok((info, d))
}

/// The newest runs, newest first.
pub async fn runs(db: &Db, campaign_id: CampaignId, limit: i64) -> DbResult<Vec<RunInfo>> {
    let sql = format!(
        "SELECT {RUN_COLS} FROM integrity_runs WHERE campaign_id = $1 ORDER BY id DESC LIMIT $2"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(campaign_id).bind(limit).fetch_all(p).await)?,
    )
}

/// The newest findings of every unit with responses, highest risk first.
pub async fn findings(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<UnitAssessment>> {
    let rows: Vec<(String,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT assessment_json FROM integrity_findings WHERE campaign_id = $1"
    ).bind(campaign_id).fetch_all(p).await)?;
    let mut out: Vec<UnitAssessment> = rows
        .into_iter()
        .map(|(j,)| serde_json::from_str(&j).map_err(json_err))
        .collect::<DbResult<_>>()?;
    out.sort_by(|a, b| b.risk.total_cmp(&a.risk).then(a.unit_id.cmp(&b.unit_id)));
    Ok(out)
}

/// The newest findings of one unit, with the run they came from.
pub async fn finding(
    db: &Db,
    campaign: CampaignId,
    unit: UnitId,
) -> DbResult<Option<(i64, UnitAssessment)>> {
    let (campaign_id, unit_id) = (campaign, unit);
    let row: Option<(i64, String)> = on_pool!(db, p => sqlx::query_as(
        "SELECT run_id, assessment_json FROM integrity_findings WHERE campaign_id = $1 AND unit_id = $2"
    ).bind(campaign_id).bind(unit_id).fetch_optional(p).await)?;
    row.map(|(run, j)| Ok((run, serde_json::from_str(&j).map_err(json_err)?)))
        .transpose()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Decision {
    pub id: i64,
    pub unit_id: UnitId,
    pub outcome: String,
    pub reason: String,
    pub responsible: String,
    pub reviewer: String,
    pub decided_at: i64,
    pub run_id: Option<i64>,
    pub evidence_json: String,
    pub evidence_sha256: String,
}

impl Decision {
    pub fn outcome(&self) -> Option<Outcome> {
        Outcome::parse(&self.outcome)
    }

    pub fn cancels(&self) -> bool {
        self.outcome() == Some(Outcome::Cancel)
    }
}

const DECISION_COLS: &str = "id, unit_id, outcome, reason, responsible, reviewer, decided_at, \
     run_id, evidence_json, evidence_sha256";

/// Records a decision on a unit with a snapshot of its newest findings, audited, and queues the
/// notice to the unit in the same transaction. Returns the decision's id.
pub async fn decide(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    d: &Checked,
    notice: Option<&OutMail>,
) -> DbResult<i64> {
    let (campaign_id, unit_id) = (campaign, unit);
    let current = finding(db, campaign_id, unit_id).await?;
    let run_id = current.as_ref().map(|c| c.0);
    let evidence = serde_json::to_string(&current.map(|c| c.1)).map_err(json_err)?;
    let sha = hex::encode(Sha256::digest(evidence.as_bytes()));
    let before = in_force(db, campaign_id, unit_id).await?;
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO integrity_decisions (campaign_id, unit_id, outcome, reason, responsible, \
         reviewer_id, reviewer, decided_at, run_id, evidence_json, evidence_sha256) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"
    ).bind(campaign_id).bind(unit_id).bind(d.outcome.code()).bind(&d.reason).bind(&d.responsible)
    .bind(ctx.actor_id).bind(&ctx.actor).bind(ctx.now_ms).bind(run_id).bind(&evidence).bind(&sha)
    .fetch_one(c).await)?;
    if let Some(mail) = notice {
        outbox::enqueue(&mut tx, "integrity_decision", None, mail, ctx.now_ms).await?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "integrity.decide",
            entity: "integrity_decisions",
            entity_id: id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            before: before.map(|b| serde_json::json!({ "decision": b.id, "outcome": b.outcome })),
            after: Some(serde_json::json!({
                "outcome": d.outcome.code(), "reason": d.reason, "responsible": d.responsible,
                "run_id": run_id, "evidence_sha256": sha, "notified": notice.map(|m| &m.to),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Every decision on a unit, newest first.
pub async fn history(db: &Db, campaign_id: CampaignId, unit_id: UnitId) -> DbResult<Vec<Decision>> {
    let sql = format!(
        "SELECT {DECISION_COLS} FROM integrity_decisions WHERE campaign_id = $1 AND unit_id = $2 \
         ORDER BY id DESC"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(campaign_id).bind(unit_id).fetch_all(p).await)?,
    )
}

/// The decision in force on a unit: its newest.
pub async fn in_force(
    db: &Db,
    campaign_id: CampaignId,
    unit_id: UnitId,
) -> DbResult<Option<Decision>> {
    let sql = format!(
        "SELECT {DECISION_COLS} FROM integrity_decisions WHERE campaign_id = $1 AND unit_id = $2 \
         ORDER BY id DESC LIMIT 1"
    );
    Ok(
        on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(campaign_id).bind(unit_id).fetch_optional(p).await)?,
    )
}

/// The decision in force on every unit that has one.
pub async fn in_force_all(db: &Db, campaign_id: CampaignId) -> DbResult<HashMap<UnitId, Decision>> {
    let sql = format!(
        "SELECT {DECISION_COLS} FROM integrity_decisions d WHERE campaign_id = $1 AND id = \
         (SELECT MAX(id) FROM integrity_decisions e WHERE e.campaign_id = d.campaign_id \
         AND e.unit_id = d.unit_id)"
    );
    let rows: Vec<Decision> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(campaign_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|d| (d.unit_id, d)).collect())
}

/// The units whose survey results are cancelled by the decision in force.
pub async fn cancelled_units(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<UnitId>> {
    let mut v: Vec<UnitId> = in_force_all(db, campaign_id)
        .await?
        .into_values()
        .filter(Decision::cancels)
        .map(|d| d.unit_id)
        .collect();
    v.sort_unstable();
    Ok(v)
}

/// Runs detection for every campaign where it is due: continuously while surveys are open, once
/// more after the answer deadline. Returns the runs made.
pub async fn tick(db: &Db, ctx: &Ctx) -> DbResult<Vec<RunInfo>> {
    let campaigns: Vec<(CampaignId,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT DISTINCT campaign_id FROM survey_units ORDER BY campaign_id"
    ).fetch_all(p).await)?;
    let now = parindex_domain::clock::from_ms(ctx.now_ms);
    let mut made = Vec::new();
    for (c,) in campaigns {
        let s = settings(db, c).await?;
        let passed = deadlines::for_campaign(db, c)
            .await?
            .into_iter()
            .find(|(k, _)| k == "survey_answers")
            .and_then(|(_, d)| parindex_domain::deadline::parse_date(&d))
            .is_some_and(|d| !parindex_domain::deadline::is_open(d, now));
        let (latest,): (Option<i64>,) = on_pool!(db, p => sqlx::query_as(
            "SELECT MAX(completed_at) FROM survey_invitations WHERE campaign_id = $1"
        ).bind(c).fetch_one(p).await)?;
        let last = runs(db, c, 1).await?.into_iter().next();
        let sql = format!(
            "SELECT {RUN_COLS} FROM integrity_runs WHERE campaign_id = $1 AND kind = 'close' \
             ORDER BY id DESC LIMIT 1"
        );
        let close: Option<RunInfo> = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(c).fetch_optional(p).await)?;
        let state = schedule::State {
            now_ms: ctx.now_ms,
            interval_ms: i64::from(s.interval_minutes) * 60_000,
            deadline_passed: passed,
            latest_completion: latest,
            last_run: last.map(|r| (r.ran_at, r.latest_completion)),
            last_close: close.map(|r| r.latest_completion),
        };
        if let Some(kind) = schedule::due(&state) {
            made.push(run(db, ctx, c, kind).await?.0);
        }
    }
    Ok(made)
}

/// The respondents of a unit's submitted responses, by invitation: name, group and completion time,
/// for MoHA's examples (never shown to the unit).
pub async fn example_people(
    db: &Db,
    unit_id: UnitId,
) -> DbResult<HashMap<i64, (String, String, Option<i64>)>> {
    let rows: Vec<(i64, String, String, Option<i64>)> = on_pool!(db, p => sqlx::query_as(
        "SELECT i.id, r.full_name, i.group_code, i.completed_at FROM survey_invitations i \
         JOIN respondents r ON r.id = i.respondent_id WHERE i.unit_id = $1 AND i.completed_at IS NOT NULL"
    ).bind(unit_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, group, at)| (id, (name, group, at)))
        .collect())
}
