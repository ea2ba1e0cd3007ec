//! What has started in a campaign, a level or a unit, read for the domain's setup rule
//! ([`parindex_domain::setup::may`]). The writes that change a campaign's set-up (pinning a
//! criteria set, loading questionnaires, replacing the groups, moving a unit to another level)
//! call [`guard`] inside their own transaction, so no path can make a change the rule refuses.

use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use parindex_domain::setup::{self, Change, Started};
use parindex_domain::{CampaignId, UnitId};

/// Where to look: a whole campaign, one of its levels, or one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Campaign(CampaignId),
    Level(CampaignId, &'a str),
    Unit(UnitId),
}

impl Scope<'_> {
    /// The filter's parameters: campaign (or none for a unit), level, unit.
    fn binds(&self) -> (Option<CampaignId>, Option<&str>, Option<UnitId>) {
        match *self {
            Scope::Campaign(c) => (Some(c), None, None),
            Scope::Level(c, l) => (Some(c), Some(l), None),
            Scope::Unit(u) => (None, None, Some(u)),
        }
    }
}

/// The units in scope, as a condition on `u` (units) with parameters $1 campaign, $2 level, $3 unit.
const IN_SCOPE: &str = "($1 IS NULL OR u.campaign_id = $1) AND ($2 IS NULL OR u.level = $2) \
     AND ($3 IS NULL OR u.id = $3)";

/// Counts of scores, respondents, sent lists and opened surveys in scope.
fn counts_sql() -> String {
    format!(
        "SELECT \
         (SELECT COUNT(*) FROM self_scores s JOIN units u ON u.id = s.unit_id WHERE {IN_SCOPE}), \
         (SELECT COUNT(*) FROM respondents r JOIN units u ON u.id = r.unit_id WHERE {IN_SCOPE}), \
         (SELECT COUNT(*) FROM respondent_lists l JOIN units u ON u.id = l.unit_id \
          WHERE {IN_SCOPE} AND l.state <> 'draft'), \
         (SELECT COUNT(*) FROM survey_units s JOIN units u ON u.id = s.unit_id WHERE {IN_SCOPE})"
    )
}

fn from_counts((scored, listed, sent, opened): (i64, i64, i64, i64)) -> Started {
    Started {
        scored: scored > 0,
        listed: listed > 0,
        lists_sent: sent > 0,
        survey_opened: opened > 0,
    }
}

async fn started_tx(tx: &mut Tx, scope: Scope<'_>) -> DbResult<Started> {
    let (c, l, u) = scope.binds();
    let sql = counts_sql();
    let counts = on_tx!(tx, x => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(c).bind(l).bind(u).fetch_one(x).await)?;
    Ok(from_counts(counts))
}

/// What has started in `scope` now, for the pages to ask the rule which forms to show. A plain
/// read: it never waits for the write gate.
pub async fn started(db: &Db, scope: Scope<'_>) -> DbResult<Started> {
    let (c, l, u) = scope.binds();
    let sql = counts_sql();
    let counts = on_pool!(db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(c).bind(l).bind(u).fetch_one(p).await)?;
    Ok(from_counts(counts))
}

/// Whether `change` may still be made in `scope`, according to what the transaction sees;
/// refused with the rule's message key.
pub(crate) async fn guard(tx: &mut Tx, change: Change, scope: Scope<'_>) -> DbResult<()> {
    let started = started_tx(tx, scope).await?;
    setup::may(change, &started).map_err(|r| DbError::Refused(r.key()))
}
