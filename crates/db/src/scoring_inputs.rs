//! Gathers everything the scoring engine computes from, for one campaign: the pinned criteria sets,
//! the scoring settings, each unit's final self/appraised scores (from submitted reports), the survey
//! tallies of submitted responses and MoHA's imported figures. The tallies are read as stored
//! ([`crate::survey_tallies`]), after folding in any submitted response not yet tallied; [`recount`]
//! tallies the raw answers again, to verify them. The engine does the rest.

use crate::error::{DbError, DbResult};
use crate::pool::Db;
use crate::{campaigns, criteria_sets, packed, questionnaires, results, survey_tallies, units};
use futures_util::TryStreamExt;
use parindex_domain::CampaignId;
use parindex_domain::Level;
use parindex_domain::Points;
use parindex_domain::UnitId;
use parindex_domain::appraisal::final_score;
use parindex_domain::scoring::uncertainty::collect::Collector;
use parindex_domain::scoring::uncertainty::{self, GroupSample, UnitInterval};
use parindex_domain::scoring::{AnswerKey, CampaignInput, LevelInput, Tallies, UnitInput};
use rust_decimal::Decimal;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// The inputs, with what the loader noticed on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub input: CampaignInput,
    /// Submitted responses read.
    pub responses: u64,
    /// Answers that matched no question or option of the questionnaires (left out).
    pub unmatched_answers: u64,
    /// Unit ids by code, for the callers that link results back to units.
    pub unit_ids: HashMap<String, UnitId>,
}

pub async fn load(db: &Db, campaign_id: CampaignId) -> DbResult<Loaded> {
    let campaign = campaigns::get(db, campaign_id).await?;
    let (settings, _) = results::settings(db, campaign_id).await?;
    let all_units = units::list(db, campaign_id).await?;
    let mut scores = final_scores(db, campaign_id).await?;
    let mut imported = imported(db, campaign_id).await?;
    survey_tallies::fold_in(db, campaign_id).await?;
    let mut tallies = survey_tallies::read(db, campaign_id).await?;
    let mut levels = Vec::new();
    let cancelled = crate::integrity::cancelled_units(db, campaign_id).await?;
    for (level, stored) in criteria_sets::pinned(db, campaign_id).await? {
        let set = criteria_sets::tree(db, stored.id).await?;
        let units = all_units
            .iter()
            .filter(|u| u.level == level)
            .map(|u| UnitInput {
                code: u.code.clone(),
                not_ranked: u.not_ranked,
                survey_cancelled: cancelled.binary_search(&u.id).is_ok(),
                scores: scores.remove(&u.id).unwrap_or_default(),
                survey: tallies.by_unit.remove(&u.id).unwrap_or_default(),
                imported: imported.remove(&u.id).unwrap_or_default(),
            })
            .collect();
        levels.push(LevelInput {
            level,
            criteria_set: set,
            settings: settings.clone(),
            units,
        });
    }
    Ok(Loaded {
        input: CampaignInput {
            year: campaign.year,
            levels,
        },
        responses: tallies.responses,
        unmatched_answers: tallies.unmatched,
        unit_ids: all_units.iter().map(|u| (u.code.clone(), u.id)).collect(),
    })
}

type ScoreRow = (
    UnitId,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// unit → leaf → final score, for reports submitted to MoHA: the last appraised score, else the
/// unit's own.
async fn final_scores(
    db: &Db,
    campaign_id: CampaignId,
) -> DbResult<HashMap<UnitId, BTreeMap<String, Points>>> {
    let rows: Vec<ScoreRow> = on_pool!(db, p => sqlx::query_as(
        "SELECT s.unit_id, s.leaf_code, s.score, a.r1_verdict, a.r1_score, a.r2_verdict, a.r2_score \
         FROM self_scores s \
         JOIN units u ON u.id = s.unit_id \
         JOIN self_assessments sa ON sa.unit_id = s.unit_id AND sa.state = 'submitted' \
         LEFT JOIN appraisal_leaves a ON a.unit_id = s.unit_id AND a.leaf_code = s.leaf_code \
         WHERE u.campaign_id = $1"
    ).bind(campaign_id).fetch_all(p).await)?;
    let parse = |s: Option<String>| s.and_then(|s| Points::parse(&s).ok());
    let decided = |verdict: &Option<String>, score: Option<String>| {
        verdict.as_ref().and_then(|_| parse(score))
    };
    let mut out: HashMap<UnitId, BTreeMap<String, Points>> = HashMap::new();
    for (unit, leaf, own, v1, s1, v2, s2) in rows {
        let r1 = decided(&v1, s1);
        let r2 = decided(&v2, s2);
        if let Some(score) = final_score(parse(own), r1, r2) {
            out.entry(unit).or_default().insert(leaf, score);
        }
    }
    Ok(out)
}

/// unit → leaf → imported figure (a percentage of the leaf's maximum).
async fn imported(
    db: &Db,
    campaign_id: CampaignId,
) -> DbResult<HashMap<UnitId, BTreeMap<String, Decimal>>> {
    let mut out: HashMap<UnitId, BTreeMap<String, Decimal>> = HashMap::new();
    for f in results::imported_figures(db, campaign_id).await? {
        out.entry(f.unit_id)
            .or_default()
            .insert(f.leaf_code, f.value);
    }
    Ok(out)
}

/// How many parts the responses are read in at once, on as many connections: SQLite and PostgreSQL
/// both spend their time per answer row, so two parts use both cores of a small server.
const PARTS: i64 = 2;

/// Every submitted response of the campaign tallied again from its raw answers, level by level, with
/// the key of each level's stored questionnaires: what the stored tallies must equal.
pub async fn recount(db: &Db, campaign_id: CampaignId) -> DbResult<Tallies> {
    let mut tallies = Tallies::default();
    for level in Level::ALL {
        if let Some(q) = questionnaires::get(db, campaign_id, level.as_str()).await? {
            let key = AnswerKey::new(&q);
            survey_tallies(db, campaign_id, level.as_str(), &key, &mut tallies).await?;
        }
    }
    Ok(tallies)
}

/// The stored tallies (after folding in) against a recount from the raw answers.
pub async fn verify_tallies(
    db: &Db,
    campaign_id: CampaignId,
) -> DbResult<survey_tallies::Verification> {
    survey_tallies::fold_in(db, campaign_id).await?;
    let stored = survey_tallies::read(db, campaign_id).await?;
    let recount = recount(db, campaign_id).await?;
    Ok(survey_tallies::compare(&stored, &recount))
}

/// Adds every submitted response of the level's units to `tallies`. The database concatenates each
/// response's answers into one row, so a national campaign is tens of thousands of rows, not millions;
/// the rows are read in [`PARTS`] ranges of invitations at once, whose tallies add up exactly in any
/// order.
async fn survey_tallies(
    db: &Db,
    campaign_id: CampaignId,
    level: &str,
    key: &AnswerKey,
    tallies: &mut Tallies,
) -> DbResult<()> {
    let (lo, hi): (Option<i64>, Option<i64>) = on_pool!(db, p => sqlx::query_as(
        "SELECT MIN(id), MAX(id) FROM survey_invitations WHERE campaign_id = $1"
    ).bind(campaign_id).fetch_one(p).await)?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(());
    };
    let step = (hi - lo) / PARTS + 1;
    let parts = (0..PARTS).map(|k| {
        let from = lo + k * step;
        survey_part(db, campaign_id, level, key, (from, from + step))
    });
    for t in futures_util::future::try_join_all(parts).await? {
        tallies.merge(t);
    }
    Ok(())
}

/// The responses whose invitation id lies in `[from, to)`: a range, so that each part reads only its
/// own invitations and their answers.
async fn survey_part(
    db: &Db,
    campaign_id: CampaignId,
    level: &str,
    key: &AnswerKey,
    range: (i64, i64),
) -> DbResult<Tallies> {
    let mut tallies = Tallies::default();
    for_each_response(db, campaign_id, level, range, |unit, group, pairs| {
        tallies.add_response(key, unit, group, pairs);
    })
    .await?;
    Ok(tallies)
}

/// Calls `add` with each submitted response of the level's units whose invitation id lies in
/// `[from, to)`, in invitation order: its unit, its group and its (question, option) answers. The
/// database concatenates each response's answers into one row.
async fn for_each_response(
    db: &Db,
    campaign_id: CampaignId,
    level: &str,
    (from, to): (i64, i64),
    mut add: impl for<'a> FnMut(i64, &'a str, &mut dyn Iterator<Item = (&'a str, &'a str)>),
) -> DbResult<()> {
    const FROM: &str = "FROM survey_invitations i \
         JOIN units u ON u.id = i.unit_id AND u.level = $2 \
         JOIN survey_answers a ON a.invitation_id = i.id \
         WHERE i.campaign_id = $1 AND i.completed_at IS NOT NULL AND i.id >= $3 AND i.id < $4 \
         GROUP BY i.id, i.unit_id, i.group_code ORDER BY i.id";
    let sql = format!(
        "SELECT i.unit_id, i.group_code, {} {FROM}",
        packed::aggregate(db.engine())
    );
    let mut one = |row: &dyn RowView| -> DbResult<()> {
        let unit = row.unit()?;
        let (group, answers) = row.texts()?;
        add(unit, group, &mut packed::pairs(answers));
        Ok(())
    };
    match db {
        Db::Sqlite(p, _) => {
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(campaign_id)
                .bind(level)
                .bind(from)
                .bind(to)
                .fetch(p);
            while let Some(r) = rows.try_next().await? {
                one(&r)?;
            }
        }
        Db::Postgres(p, _) => {
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(campaign_id)
                .bind(level)
                .bind(from)
                .bind(to)
                .fetch(p);
            while let Some(r) = rows.try_next().await? {
                one(&r)?;
            }
        }
    }
    Ok(())
}

/// The bootstrap's samples of one level: every submitted response as one respondent's values per
/// survey leaf, by unit and group, in invitation order (so that the intervals are reproducible).
/// Returns the leaves of each row, in order, and each unit's groups.
pub async fn samples(
    db: &Db,
    campaign_id: CampaignId,
    level: Level,
) -> DbResult<(Vec<String>, BTreeMap<i64, Vec<GroupSample>>)> {
    let Some(q) = questionnaires::get(db, campaign_id, level.as_str()).await? else {
        return Ok((Vec::new(), BTreeMap::new()));
    };
    let key = AnswerKey::new(&q);
    let mut collector = Collector::new(&key);
    for_each_response(
        db,
        campaign_id,
        level.as_str(),
        (i64::MIN, i64::MAX),
        |unit, group, pairs| collector.add_response(unit, group, pairs),
    )
    .await?;
    let leaves = collector.leaves().to_vec();
    Ok((leaves, collector.into_groups()))
}

/// The two engines' rows, read the same way without copying the text.
trait RowView {
    fn unit(&self) -> DbResult<i64>;
    fn texts(&self) -> DbResult<(&str, &str)>;
}

macro_rules! row_view {
    ($row:ty) => {
        impl RowView for $row {
            fn unit(&self) -> DbResult<i64> {
                self.try_get(0).map_err(DbError::from)
            }
            fn texts(&self) -> DbResult<(&str, &str)> {
                Ok((self.try_get(1)?, self.try_get(2)?))
            }
        }
    };
}
row_view!(sqlx::sqlite::SqliteRow);
row_view!(sqlx::postgres::PgRow);

/// Loads the campaign's inputs, computes every level and its 95% intervals (the default bootstrap),
/// and stores both as the draft.
pub async fn compute_draft(
    db: &Db,
    ctx: &crate::Ctx,
    campaign_id: CampaignId,
) -> DbResult<(Loaded, parindex_domain::scoring::CampaignResult)> {
    compute_draft_with(db, ctx, campaign_id, &uncertainty::Settings::default()).await
}

/// [`compute_draft`] with the bootstrap's settings (the number of resamples is a server setting).
pub async fn compute_draft_with(
    db: &Db,
    ctx: &crate::Ctx,
    campaign_id: CampaignId,
    bootstrap: &uncertainty::Settings,
) -> DbResult<(Loaded, parindex_domain::scoring::CampaignResult)> {
    let loaded = load(db, campaign_id).await?;
    let result = parindex_domain::scoring::compute_campaign(&loaded.input);
    let intervals = intervals(db, campaign_id, &loaded, &result, bootstrap).await?;
    results::save_draft(db, ctx, campaign_id, &loaded.input, &result, &intervals).await?;
    Ok((loaded, result))
}

/// Every level's 95% intervals: the bootstrap over the level's respondents, seeded from the
/// result's input hash, with the campaign's group averaging.
async fn intervals(
    db: &Db,
    campaign_id: CampaignId,
    loaded: &Loaded,
    result: &parindex_domain::scoring::CampaignResult,
    bootstrap: &uncertainty::Settings,
) -> DbResult<Vec<UnitInterval>> {
    let code_of: HashMap<UnitId, &str> = loaded
        .unit_ids
        .iter()
        .map(|(code, id)| (*id, code.as_str()))
        .collect();
    let seed = uncertainty::seed_of(&result.input_hash);
    let mut out = Vec::new();
    for level in &result.levels {
        let Some(input) = loaded.input.levels.iter().find(|l| l.level == level.level) else {
            continue;
        };
        let (leaves, by_unit) = samples(db, campaign_id, level.level).await?;
        let by_code = by_unit
            .into_iter()
            .filter_map(|(id, g)| code_of.get(&UnitId(id)).map(|c| (c.to_string(), g)))
            .collect();
        let units =
            uncertainty::assemble::unit_samples(level, &input.criteria_set, &leaves, by_code);
        out.extend(uncertainty::intervals(
            &units,
            &input.settings.averaging,
            bootstrap,
            seed,
        ));
    }
    Ok(out)
}
