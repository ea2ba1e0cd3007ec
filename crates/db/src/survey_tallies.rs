//! The survey's tallies in the database: per unit, survey leaf, group and number of counted answers,
//! the respondents and the sum of their answers in hundredths. A submission adds itself in its own
//! transaction ([`add_submission`]), by the domain's per-response rule and the level's parsed answer
//! key (cached by the questionnaires' hash). Whatever else wrote answers (a restore, a bulk load, a copy from the other
//! engine, a questionnaire replaced) is caught by [`fold_in`], which computing calls first: it
//! empties a level whose questionnaires changed and folds every submitted response not yet tallied,
//! by the same rule.
//! [`verify`] recounts from the raw answers and compares.

use crate::error::DbResult;
use crate::packed;
use crate::pool::{Db, Engine, Tx};
use crate::portable::{Conn, Kind, columns};
use crate::questionnaires;
use crate::steps::{Param, Step};
use parindex_domain::CampaignId;
use parindex_domain::Level;
use parindex_domain::UnitId;
use parindex_domain::scoring::{AnswerKey, GroupTally, LeafTally, Tallies};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// What the tallies hold for a campaign: unit → leaf → group → tally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    pub by_unit: HashMap<UnitId, BTreeMap<String, LeafTally>>,
    /// Submitted responses folded in.
    pub responses: u64,
    /// Their answers that matched no question or option of the key (left out).
    pub unmatched: u64,
}

/// What [`fold_in`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Folded {
    /// Levels whose tallies were emptied and keyed again because their questionnaires changed (or
    /// had never been keyed).
    pub keys_rebuilt: u32,
    /// Submitted responses folded in now.
    pub responses: u64,
}

/// Marks the responses one fold takes, inside its transaction.
const FOLDING: &str = "folding";

/// Parsed answer keys by (campaign, level, questionnaire hash): a submission needs its level's key,
/// and parsing the questionnaires for each would cost more than the tallying.
fn cached_key(campaign_id: CampaignId, level: &str, sha: &str) -> Option<Arc<AnswerKey>> {
    keys()
        .lock()
        .ok()?
        .get(&(campaign_id, level.to_string(), sha.to_string()))
        .cloned()
}

type KeyCache = Mutex<HashMap<(CampaignId, String, String), Arc<AnswerKey>>>;

fn keys() -> &'static KeyCache {
    static KEYS: OnceLock<KeyCache> = OnceLock::new();
    KEYS.get_or_init(Default::default)
}

/// The level's parsed answer key if its stored questionnaires still hash to `sha`. A miss reads
/// them inside `tx`: a submission holds its connection, and waiting for a second one from the pool
/// would starve the pool when many submit at once.
async fn key_for<C: Conn>(
    tx: &mut C,
    campaign_id: CampaignId,
    level: &str,
    sha: &str,
) -> DbResult<Option<Arc<AnswerKey>>> {
    if let Some(k) = cached_key(campaign_id, level, sha) {
        return Ok(Some(k));
    }
    let Some((q, stored)) = questionnaires::get_in(tx, campaign_id, level).await? else {
        return Ok(None);
    };
    if stored != sha {
        return Ok(None);
    }
    let key = Arc::new(AnswerKey::new(&q));
    if let Ok(mut k) = keys().lock() {
        if k.len() > 64 {
            k.clear();
        }
        k.insert(
            (campaign_id, level.to_string(), sha.to_string()),
            key.clone(),
        );
    }
    Ok(Some(key))
}

/// One tally row to add: (unit, leaf, group, counted answers) and (respondents, hundredths).
type TallyRow<'a> = ((UnitId, &'a str, &'a str, u32), (i64, i64));

/// The upserts that add `rows` to the stored tallies, 100 rows a statement, in the order given
/// (callers pass a stable order, so that concurrent writers lock shared rows in the same order).
fn upserts(rows: &[TallyRow<'_>]) -> Vec<Step> {
    rows.chunks(100)
        .map(|chunk| {
            let mut sql = String::from(
                "INSERT INTO survey_tallies (unit_id, leaf_code, group_code, answers, respondents, cents) VALUES ",
            );
            let mut params: Vec<Param> = Vec::with_capacity(chunk.len() * 6);
            for (i, ((unit, leaf, group, n), (respondents, cents))) in chunk.iter().enumerate() {
                let b = i * 6 + 1;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(${b}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                ));
                params.extend([
                    unit.get().into(),
                    (*leaf).into(),
                    (*group).into(),
                    i64::from(*n).into(),
                    (*respondents).into(),
                    (*cents).into(),
                ]);
            }
            sql.push_str(
                " ON CONFLICT (unit_id, leaf_code, group_code, answers) DO UPDATE SET \
                 respondents = survey_tallies.respondents + excluded.respondents, \
                 cents = survey_tallies.cents + excluded.cents",
            );
            Step::new(sql, params)
        })
        .collect()
}

/// Adds `rows` to the stored tallies, by [`upserts`].
async fn add_rows<C: Conn>(tx: &mut C, rows: &[TallyRow<'_>]) -> DbResult<()> {
    for step in upserts(rows) {
        tx.execute(&step).await?;
    }
    Ok(())
}

/// The statements that add one response's `rows` to the tallies and mark it tallied under `sha`
/// with `unmatched` answers no key matched. On PostgreSQL the mark rides on the last upsert, in a
/// data-modifying `WITH`, so a submission makes one statement fewer.
fn tally_response(
    engine: Engine,
    invitation_id: i64,
    rows: &[TallyRow<'_>],
    sha: &str,
    unmatched: i64,
) -> Vec<Step> {
    let mark = |first: usize| {
        format!(
            "UPDATE survey_invitations SET tallied_sha256 = ${}, unmatched_answers = ${} WHERE id = ${first}",
            first + 1,
            first + 2
        )
    };
    let mark_params: [Param; 3] = [invitation_id.into(), sha.into(), unmatched.into()];
    let mut steps = upserts(rows);
    match (engine, steps.pop()) {
        (Engine::Postgres, Some(mut last)) => {
            let upsert = std::mem::take(last.sql.to_mut());
            last.sql = format!("WITH added AS ({upsert}) {}", mark(last.params.len() + 1)).into();
            last.params.extend(mark_params);
            steps.push(last);
        }
        (_, last) => {
            steps.extend(last);
            steps.push(Step::new(mark(1), mark_params.into()));
        }
    }
    steps
}

/// Adds one submitted response to the tallies, in the submission's transaction (after its
/// `completed_at` is set, which locks the invitation, so the answers read here are its last): the
/// respondent's hundredths and counted answers per leaf, by the domain's [`AnswerKey::response`],
/// and the response marked as tallied under the key's hash. The key and the answers are read in one
/// statement. A level without a key yet leaves the response untallied; computing folds it in.
pub(crate) async fn add_submission<C: Conn>(tx: &mut C, invitation_id: i64) -> DbResult<()> {
    let lock = match tx.engine() {
        Engine::Postgres => " FOR SHARE OF k",
        Engine::Sqlite => "",
    };
    let sql = format!(
        "SELECT i.campaign_id, i.unit_id, i.group_code, u.level, k.questionnaire_sha256, \
         (SELECT {} FROM survey_answers a WHERE a.invitation_id = i.id) \
         FROM survey_invitations i JOIN units u ON u.id = i.unit_id \
         JOIN survey_tally_keys k ON k.campaign_id = i.campaign_id AND k.level = u.level \
         WHERE i.id = $1{lock}",
        packed::aggregate(tx.engine())
    );
    let kinds = [
        Kind::Int,
        Kind::Int,
        Kind::Text,
        Kind::Text,
        Kind::Text,
        Kind::Text,
    ];
    let rows = tx.rows(&sql, &[invitation_id.into()], &kinds).await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(());
    };
    let [campaign_id, unit_id, group, level, sha, answers] = columns(row)?;
    let (campaign_id, unit_id) = (CampaignId(campaign_id.int()?), UnitId(unit_id.int()?));
    let (group, level, sha) = (group.text()?, level.text()?, sha.text()?);
    let answers = answers.maybe_text()?.unwrap_or_default();
    let Some(key) = key_for(tx, campaign_id, &level, &sha).await? else {
        return Ok(());
    };
    let r = key.response(&group, packed::pairs(&answers));
    let rows: Vec<TallyRow> = r
        .leaves
        .iter()
        .map(|(leaf, cents, n)| {
            (
                (unit_id, *leaf, group.as_str(), *n),
                (1, i64::try_from(*cents).unwrap_or(i64::MAX)),
            )
        })
        .collect();
    let unmatched = i64::try_from(r.unmatched).unwrap_or(i64::MAX);
    for step in tally_response(tx.engine(), invitation_id, &rows, &sha, unmatched) {
        tx.execute(&step).await?;
    }
    Ok(())
}

/// Brings the campaign's tallies up to date: empties the tallies of a level whose stored
/// questionnaires changed (or were never keyed), then folds in every submitted response not yet
/// tallied, by the same per-response rule as a submission.
pub async fn fold_in(db: &Db, campaign_id: CampaignId) -> DbResult<Folded> {
    let mut out = Folded::default();
    let mut level_keys: HashMap<String, (String, Arc<AnswerKey>)> = HashMap::new();
    for level in Level::ALL {
        let level = level.as_str();
        let Some(sha) = questionnaires::sha(db, campaign_id, level).await? else {
            continue;
        };
        let built: Option<(String,)> = on_pool!(db, p => sqlx::query_as(
            "SELECT questionnaire_sha256 FROM survey_tally_keys WHERE campaign_id = $1 AND level = $2"
        ).bind(campaign_id).bind(level).fetch_optional(p).await)?;
        let mut tx = db.begin().await?;
        if built.as_ref().map(|b| b.0.as_str()) != Some(sha.as_str()) {
            reset_level(&mut tx, campaign_id, level, &sha).await?;
            out.keys_rebuilt += 1;
        }
        let key = key_for(&mut tx, campaign_id, level, &sha).await?;
        tx.commit().await?;
        if let Some(key) = key {
            level_keys.insert(level.to_string(), (sha, key));
        }
    }
    let (pending,): (i64,) = on_pool!(db, p => sqlx::query_as(
        "SELECT COUNT(*) FROM survey_invitations \
         WHERE campaign_id = $1 AND completed_at IS NOT NULL AND tallied_sha256 IS NULL"
    ).bind(campaign_id).fetch_one(p).await)?;
    if pending == 0 {
        return Ok(out);
    }
    let mut tx = db.begin().await?;
    // Take the untallied responses first: one submitted meanwhile tallies itself.
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE survey_invitations SET tallied_sha256 = $2 \
         WHERE campaign_id = $1 AND completed_at IS NOT NULL AND tallied_sha256 IS NULL"
    ).bind(campaign_id).bind(FOLDING).execute(c).await.map(|r| r.rows_affected()))?;
    let agg = packed::aggregate(tx.engine());
    let sql = format!(
        "SELECT i.id, i.unit_id, i.group_code, u.level, {agg} FROM survey_invitations i \
         JOIN units u ON u.id = i.unit_id LEFT JOIN survey_answers a ON a.invitation_id = i.id \
         WHERE i.campaign_id = $1 AND i.tallied_sha256 = $2 GROUP BY i.id, i.unit_id, i.group_code, u.level"
    );
    let rows: Vec<(i64, UnitId, String, String, Option<String>)> = on_tx!(&mut tx, c => sqlx::query_as(
        sqlx::AssertSqlSafe(sql.clone())).bind(campaign_id).bind(FOLDING).fetch_all(c).await)?;
    let mut sums: BTreeMap<(UnitId, String, String, u32), (i64, i64)> = BTreeMap::new();
    let mut unmatched: Vec<(i64, i64)> = Vec::new();
    for (id, unit, group, level, answers) in &rows {
        let Some((_, key)) = level_keys.get(level) else {
            continue;
        };
        let answers = answers.as_deref().unwrap_or("");
        let r = key.response(group, packed::pairs(answers));
        for (leaf, cents, n) in r.leaves {
            let e = sums
                .entry((*unit, leaf.to_string(), group.clone(), n))
                .or_default();
            e.0 += 1;
            e.1 += i64::try_from(cents).unwrap_or(i64::MAX);
        }
        if r.unmatched > 0 {
            unmatched.push((*id, i64::try_from(r.unmatched).unwrap_or(i64::MAX)));
        }
    }
    let sums: Vec<TallyRow> = sums
        .iter()
        .map(|((unit, leaf, group, n), sum)| ((*unit, leaf.as_str(), group.as_str(), *n), *sum))
        .collect();
    add_rows(&mut tx, &sums).await?;
    // Each taken response is now tallied under its level's key; one of a level without a key waits.
    for (level, (sha, _)) in &level_keys {
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE survey_invitations SET tallied_sha256 = $3, unmatched_answers = 0 \
             WHERE campaign_id = $1 AND tallied_sha256 = $2 \
             AND unit_id IN (SELECT id FROM units WHERE campaign_id = $1 AND level = $4)"
        ).bind(campaign_id).bind(FOLDING).bind(sha).bind(level).execute(c).await.map(|r| r.rows_affected()))?;
    }
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE survey_invitations SET tallied_sha256 = NULL WHERE campaign_id = $1 AND tallied_sha256 = $2"
    ).bind(campaign_id).bind(FOLDING).execute(c).await.map(|r| r.rows_affected()))?;
    for (id, n) in unmatched {
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE survey_invitations SET unmatched_answers = $2 WHERE id = $1"
        ).bind(id).bind(n).execute(c).await.map(|r| r.rows_affected()))?;
    }
    tx.commit().await?;
    out.responses = rows
        .iter()
        .filter(|r| level_keys.contains_key(&r.3))
        .count() as u64;
    Ok(out)
}

/// Keys a level's tallies to its questionnaires' hash `sha` and empties them: every response of
/// the level is folded in again under the new key. Called when the questionnaires are replaced, in
/// the same transaction.
pub async fn reset_level(
    tx: &mut Tx,
    campaign_id: CampaignId,
    level: &str,
    sha: &str,
) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO survey_tally_keys (campaign_id, level, questionnaire_sha256) VALUES ($1, $2, $3) \
         ON CONFLICT (campaign_id, level) DO UPDATE SET questionnaire_sha256 = excluded.questionnaire_sha256"
    ).bind(campaign_id).bind(level).bind(sha).execute(c).await.map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query(
        "DELETE FROM survey_tallies WHERE unit_id IN \
         (SELECT id FROM units WHERE campaign_id = $1 AND level = $2)"
    ).bind(campaign_id).bind(level).execute(c).await.map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query(
        "UPDATE survey_invitations SET tallied_sha256 = NULL, unmatched_answers = 0 \
         WHERE campaign_id = $1 AND unit_id IN (SELECT id FROM units WHERE campaign_id = $1 AND level = $2)"
    ).bind(campaign_id).bind(level).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The campaign's tallies as stored.
pub async fn read(db: &Db, campaign_id: CampaignId) -> DbResult<Stored> {
    let rows: Vec<(UnitId, String, String, i64, i64, i64)> = on_pool!(db, p => sqlx::query_as(
        "SELECT t.unit_id, t.leaf_code, t.group_code, t.answers, t.respondents, t.cents \
         FROM survey_tallies t JOIN units u ON u.id = t.unit_id WHERE u.campaign_id = $1"
    ).bind(campaign_id).fetch_all(p).await)?;
    let mut out = Stored::default();
    for (unit, leaf, group, answers, respondents, cents) in rows {
        let t: &mut GroupTally = out
            .by_unit
            .entry(unit)
            .or_default()
            .entry(leaf)
            .or_default()
            .entry(group)
            .or_default();
        t.respondents += u32::try_from(respondents).unwrap_or(u32::MAX);
        *t.cents
            .entry(u32::try_from(answers).unwrap_or(u32::MAX))
            .or_default() += u64::try_from(cents).unwrap_or(0);
    }
    let (responses, unmatched): (i64, i64) = on_pool!(db, p => sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(unmatched_answers), 0) AS BIGINT) FROM survey_invitations \
         WHERE campaign_id = $1 AND completed_at IS NOT NULL AND tallied_sha256 IS NOT NULL"
    ).bind(campaign_id).fetch_one(p).await)?;
    out.responses = u64::try_from(responses).unwrap_or(0);
    out.unmatched = u64::try_from(unmatched).unwrap_or(0);
    Ok(out)
}

/// The stored tallies against a recount from the raw answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Submitted responses recounted from the raw answers.
    pub recounted: u64,
    /// Stored (unit id, leaf, group) tallies that differ from the recount, with both sides.
    pub differences: Vec<Difference>,
    /// Submitted responses counted as tallied: (stored, recounted).
    pub responses: (u64, u64),
    /// Answers that matched no question or option of the key: (stored, recounted).
    pub unmatched: (u64, u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub unit_id: UnitId,
    pub leaf: String,
    pub group: String,
    pub stored: Option<GroupTally>,
    pub recounted: Option<GroupTally>,
}

impl Verification {
    pub fn holds(&self) -> bool {
        self.differences.is_empty()
            && self.responses.0 == self.responses.1
            && self.unmatched.0 == self.unmatched.1
    }
}

/// Compares the stored tallies with `recount` (the raw answers tallied again), group by group.
pub fn compare(stored: &Stored, recount: &Tallies) -> Verification {
    let mut differences = Vec::new();
    let mut keys: Vec<(UnitId, &str, &str)> = Vec::new();
    for (unit, leaves) in &stored.by_unit {
        for (leaf, groups) in leaves {
            keys.extend(groups.keys().map(|g| (*unit, leaf.as_str(), g.as_str())));
        }
    }
    for (unit, leaves) in &recount.by_unit {
        for (leaf, groups) in leaves {
            keys.extend(
                groups
                    .keys()
                    .map(|g| (UnitId(*unit), leaf.as_str(), g.as_str())),
            );
        }
    }
    keys.sort_unstable();
    keys.dedup();
    for (unit, leaf, group) in keys {
        let s = stored
            .by_unit
            .get(&unit)
            .and_then(|l| l.get(leaf))
            .and_then(|g| g.get(group));
        let r = recount
            .by_unit
            .get(&unit.get())
            .and_then(|l| l.get(leaf))
            .and_then(|g| g.get(group));
        if s != r {
            differences.push(Difference {
                unit_id: unit,
                leaf: leaf.to_string(),
                group: group.to_string(),
                stored: s.cloned(),
                recounted: r.cloned(),
            });
        }
    }
    Verification {
        recounted: recount.responses,
        differences,
        responses: (stored.responses, recount.responses),
        unmatched: (stored.unmatched, recount.unmatched),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: u32) -> Vec<TallyRow<'static>> {
        (0..n)
            .map(|i| ((UnitId(7), "L1", "G", i), (1, 250)))
            .collect()
    }

    #[test]
    fn on_postgres_the_mark_rides_on_the_last_upsert() {
        let one = tally_response(Engine::Postgres, 42, &rows(1), "abc", 3);
        assert_eq!(one.len(), 1);
        assert!(
            one[0]
                .sql
                .starts_with("WITH added AS (INSERT INTO survey_tallies")
        );
        assert!(one[0].sql.ends_with(
            ") UPDATE survey_invitations SET tallied_sha256 = $8, unmatched_answers = $9 WHERE id = $7"
        ));
        assert_eq!(one[0].params.len(), 9);
        assert_eq!(
            one[0].params[6..],
            [Param::from(42), Param::from("abc"), Param::from(3)]
        );
        // 150 rows: two upserts, the mark on the second, numbered after its 50 rows.
        let two = tally_response(Engine::Postgres, 42, &rows(150), "abc", 0);
        assert_eq!(two.len(), 2);
        assert!(!two[0].sql.contains("UPDATE survey_invitations"));
        assert_eq!(two[0].params.len(), 600);
        assert!(two[1].sql.contains("WHERE id = $301"));
        assert_eq!(two[1].params.len(), 303);
    }

    #[test]
    fn on_sqlite_and_without_rows_the_mark_is_its_own_statement() {
        let lite = tally_response(Engine::Sqlite, 42, &rows(1), "abc", 3);
        assert_eq!(lite.len(), 2);
        assert!(lite[0].sql.starts_with("INSERT INTO survey_tallies"));
        assert_eq!(
            lite[1].sql,
            "UPDATE survey_invitations SET tallied_sha256 = $2, unmatched_answers = $3 WHERE id = $1"
        );
        let none = tally_response(Engine::Postgres, 42, &[], "abc", 5);
        assert_eq!(none.len(), 1);
        assert!(none[0].sql.starts_with("UPDATE survey_invitations"));
    }
}
