//! A campaign's units set from the year's units file: units added, renamed or changed, removed, and
//! the crosswalk to the campaign before (merges and splits), all in one transaction. A unit is removed
//! only while no work rests on it, with the accounts that never got a password; a unit whose accounts
//! are in use stays, and the whole file is refused.

use crate::audit::{self, Change};
use crate::campaigns;
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use crate::units::{self, Unit, UnitInput};
use parindex_domain::crosswalk::Link;
use parindex_domain::{CampaignId, UnitId};
use std::collections::{BTreeMap, HashMap};

/// One unit of the file, with its predecessors in the campaign before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub input: UnitInput,
    pub predecessors: Vec<Link>,
    /// What the file leaves out, which a unit already in the campaign keeps.
    pub kept: Kept,
}

/// The optional columns a file may leave out: a unit already in the campaign keeps its own value
/// of each (a new unit has none, and is ranked).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kept {
    pub email_domains: bool,
    pub not_ranked: bool,
}

/// `incoming` with what the file left out taken from the units of `current` with the same code.
fn with_kept(current: &[Unit], mut incoming: Vec<Incoming>) -> Vec<Incoming> {
    for i in &mut incoming {
        let Some(u) = current.iter().find(|u| u.code == i.input.code) else {
            continue;
        };
        if i.kept.email_domains {
            i.input.email_domains = u.email_domains.clone();
        }
        if i.kept.not_ranked {
            i.input.not_ranked = u.not_ranked;
        }
    }
    incoming
}

/// What the file changes, as the review page lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// New codes: (code, short name).
    pub added: Vec<(String, String)>,
    /// (code, old short name, new short name) where a name changed.
    pub renamed: Vec<(String, String, String)>,
    /// Codes whose level, domains or "not ranked" changed.
    pub updated: Vec<String>,
    /// Codes the file leaves out: (code, short name).
    pub removed: Vec<(String, String)>,
    /// Units made of several predecessors: (code, [(predecessor code, weight)]).
    pub merged: Vec<(String, Vec<(String, String)>)>,
    /// Predecessors shared by several units: (predecessor code, successor codes).
    pub split: Vec<(String, Vec<String>)>,
    pub unchanged: usize,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.renamed.is_empty()
            && self.updated.is_empty()
            && self.removed.is_empty()
    }
}

/// The changes `incoming` makes to `current`.
pub fn diff(current: &[Unit], incoming: &[Incoming]) -> Changes {
    let mut c = Changes::default();
    let by_code: HashMap<&str, &Unit> = current.iter().map(|u| (u.code.as_str(), u)).collect();
    for i in incoming {
        let n = &i.input;
        match by_code.get(n.code.as_str()) {
            None => c.added.push((n.code.clone(), n.short_name.clone())),
            Some(u) => {
                let renamed = u.name != n.name || u.short_name != n.short_name;
                let updated = u.level != n.level
                    || u.email_domains != n.email_domains
                    || u.not_ranked != n.not_ranked;
                if renamed {
                    c.renamed
                        .push((n.code.clone(), u.short_name.clone(), n.short_name.clone()));
                }
                if updated {
                    c.updated.push(n.code.clone());
                }
                if !renamed && !updated {
                    c.unchanged += 1;
                }
            }
        }
        if i.predecessors.len() > 1 {
            let links = i
                .predecessors
                .iter()
                .map(|l| (l.code.clone(), l.weight.normalize().to_string()))
                .collect();
            c.merged.push((n.code.clone(), links));
        }
    }
    for u in current {
        if !incoming.iter().any(|i| i.input.code == u.code) {
            c.removed.push((u.code.clone(), u.short_name.clone()));
        }
    }
    let mut successors: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for i in incoming {
        for l in &i.predecessors {
            successors
                .entry(l.code.as_str())
                .or_default()
                .push(i.input.code.clone());
        }
    }
    c.split = successors
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(p, s)| (p.to_string(), s))
        .collect();
    c
}

/// How a merged unit's predecessors weigh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weighting {
    /// As the file writes them (1 where it writes none).
    AsWritten,
    /// By each predecessor's completed survey responses in the campaign before, for every unit with
    /// several predecessors (the file's weights of those units are not used).
    Respondents,
}

/// What the file would change, read now (the review step), with the weights it would store.
pub async fn preview(
    db: &Db,
    campaign_id: CampaignId,
    incoming: &[Incoming],
    weighting: Weighting,
) -> DbResult<Changes> {
    let campaign = campaigns::get(db, campaign_id).await?;
    let mut tx = db.begin().await?;
    let weighed = weigh_tx(&mut tx, campaign.predecessor_id, incoming, weighting).await?;
    let current = units::list_tx(&mut tx, campaign_id).await?;
    tx.commit().await?;
    Ok(diff(&current, &with_kept(&current, weighed)))
}

/// `incoming` with the weights `weighting` gives. Refused when a merged unit's predecessor has no
/// completed response to weigh by.
async fn weigh_tx(
    tx: &mut Tx,
    before: Option<CampaignId>,
    incoming: &[Incoming],
    weighting: Weighting,
) -> DbResult<Vec<Incoming>> {
    let (Weighting::Respondents, Some(before)) = (weighting, before) else {
        return Ok(incoming.to_vec());
    };
    let counts: Vec<(String, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT u.code, COUNT(i.completed_at) FROM units u LEFT JOIN survey_invitations i ON i.unit_id = u.id \
         WHERE u.campaign_id = $1 GROUP BY u.code"
    ).bind(before).fetch_all(c).await)?;
    let counts: HashMap<String, i64> = counts.into_iter().collect();
    let mut out = incoming.to_vec();
    for i in out.iter_mut().filter(|i| i.predecessors.len() > 1) {
        for l in &mut i.predecessors {
            let n = counts.get(&l.code).copied().unwrap_or(0);
            if n == 0 {
                return Err(DbError::Refused("units-file-no-respondents"));
            }
            l.weight = rust_decimal::Decimal::from(n);
        }
    }
    Ok(out)
}

/// Applies the file in one transaction and returns what it changed.
pub async fn apply(
    db: &Db,
    ctx: &Ctx,
    campaign_id: CampaignId,
    incoming: &[Incoming],
    weighting: Weighting,
) -> DbResult<Changes> {
    let campaign = campaigns::get(db, campaign_id).await?;
    let mut tx = db.begin().await?;
    let weighed = weigh_tx(&mut tx, campaign.predecessor_id, incoming, weighting).await?;
    let current = units::list_tx(&mut tx, campaign_id).await?;
    let incoming = &with_kept(&current, weighed);
    let changes = diff(&current, incoming);
    let mut ids: HashMap<String, UnitId> = HashMap::new();
    for i in incoming {
        let id = match current.iter().find(|u| u.code == i.input.code) {
            Some(u) if same(u, &i.input) => u.id,
            Some(u) => units::update_tx(&mut tx, ctx, u.id, &i.input).await?.id,
            None => {
                units::insert_tx(&mut tx, ctx, campaign_id, &i.input)
                    .await?
                    .id
            }
        };
        ids.insert(i.input.code.clone(), id);
    }
    for u in current.iter().filter(|u| !ids.contains_key(&u.code)) {
        remove_tx(&mut tx, ctx, u).await?;
    }
    let crosswalk = set_crosswalk_tx(&mut tx, campaign.predecessor_id, &ids, incoming).await?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "campaign.units_import",
            entity: "campaign",
            entity_id: campaign_id.to_string(),
            campaign_id: Some(campaign_id),
            after: Some(serde_json::json!({
                "added": changes.added, "renamed": changes.renamed, "updated": changes.updated,
                "removed": changes.removed, "crosswalk": crosswalk,
                "weighting": match weighting {
                    Weighting::AsWritten => "as_written",
                    Weighting::Respondents => "respondents",
                },
            })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(changes)
}

fn same(u: &Unit, n: &UnitInput) -> bool {
    u.name == n.name
        && u.short_name == n.short_name
        && u.level == n.level
        && u.email_domains == n.email_domains
        && u.not_ranked == n.not_ranked
}

/// Takes a unit out: refused while work rests on it or one of its accounts has a password.
async fn remove_tx(tx: &mut Tx, ctx: &Ctx, u: &Unit) -> DbResult<()> {
    let scope = crate::setup::Scope::Unit(u.id);
    crate::setup::guard(tx, parindex_domain::setup::Change::RemoveUnit, scope).await?;
    let idle: Vec<(String,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT username FROM users WHERE unit_id = $1 AND password_hash = '' ORDER BY username"
    ).bind(u.id).fetch_all(c).await)?;
    on_tx!(tx, c => sqlx::query("DELETE FROM users WHERE unit_id = $1 AND password_hash = ''")
        .bind(u.id).execute(c).await.map(|r| r.rows_affected()))?;
    let (left,): (i64,) = on_tx!(tx, c => sqlx::query_as("SELECT COUNT(*) FROM users WHERE unit_id = $1")
        .bind(u.id).fetch_one(c).await)?;
    if left > 0 {
        return Err(DbError::Refused("unit-remove-has-accounts"));
    }
    on_tx!(tx, c => sqlx::query("DELETE FROM units WHERE id = $1")
        .bind(u.id).execute(c).await.map(|r| r.rows_affected()))?;
    audit::append(
        tx,
        ctx,
        Change {
            action: "unit.remove",
            entity: "unit",
            entity_id: u.id.to_string(),
            campaign_id: Some(u.campaign_id),
            before: Some(serde_json::json!({
                "unit": u,
                "accounts_without_password": idle.into_iter().map(|(n,)| n).collect::<Vec<_>>(),
            })),
            ..Change::default()
        },
    )
    .await?;
    Ok(())
}

/// Replaces the crosswalk of the campaign's units; returns it as (code, [(predecessor, weight)]).
async fn set_crosswalk_tx(
    tx: &mut Tx,
    before: Option<CampaignId>,
    ids: &HashMap<String, UnitId>,
    incoming: &[Incoming],
) -> DbResult<Vec<(String, Vec<(String, String)>)>> {
    for id in ids.values() {
        on_tx!(tx, c => sqlx::query("DELETE FROM unit_predecessors WHERE unit_id = $1")
            .bind(*id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    let old: HashMap<String, UnitId> = match before {
        Some(b) => units::list_tx(tx, b)
            .await?
            .into_iter()
            .map(|u| (u.code, u.id))
            .collect(),
        None => HashMap::new(),
    };
    let mut out = Vec::new();
    for i in incoming.iter().filter(|i| !i.predecessors.is_empty()) {
        let unit = ids.get(&i.input.code).copied().ok_or(DbError::NotFound)?;
        let mut links = Vec::new();
        for l in &i.predecessors {
            let pred = old
                .get(&l.code)
                .copied()
                .ok_or(DbError::Refused("units-file-predecessor-unknown"))?;
            let weight = l.weight.normalize().to_string();
            on_tx!(tx, c => sqlx::query(
                "INSERT INTO unit_predecessors (unit_id, predecessor_id, weight) VALUES ($1, $2, $3)"
            ).bind(unit).bind(pred).bind(&weight).execute(c).await.map(|r| r.rows_affected()))?;
            links.push((l.code.clone(), weight));
        }
        out.push((i.input.code.clone(), links));
    }
    Ok(out)
}

/// A unit's predecessors in the campaign before: (code, short name, weight).
pub async fn predecessors(db: &Db, unit_id: UnitId) -> DbResult<Vec<(String, String, String)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT u.code, u.short_name, x.weight FROM unit_predecessors x JOIN units u ON u.id = x.predecessor_id \
         WHERE x.unit_id = $1 ORDER BY u.code"
    ).bind(unit_id).fetch_all(p).await)?)
}

/// The crosswalk of a campaign's units: (unit code, predecessor code, predecessor short name, weight).
pub async fn crosswalk(
    db: &Db,
    campaign_id: CampaignId,
) -> DbResult<Vec<(String, String, String, String)>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT u.code, pu.code, pu.short_name, x.weight FROM unit_predecessors x \
         JOIN units u ON u.id = x.unit_id JOIN units pu ON pu.id = x.predecessor_id \
         WHERE u.campaign_id = $1 ORDER BY u.code, pu.code"
    ).bind(campaign_id).fetch_all(p).await)?)
}
