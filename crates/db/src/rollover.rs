//! Rolling a campaign over to a later year: a preview of what would be created, then the copy in one
//! transaction. Copied: the units, their accounts (without a password until MoHA issues one), the
//! support and focal contacts (marked "to confirm"), the respondent groups, the questionnaires, the
//! scoring and interference settings, the legal basis and organiser, and the deadlines one year later
//! (awaiting MoHA's confirmation). The criteria sets are chosen again. Nothing of the old campaign's
//! answers, lists, scores or results is copied.

use crate::audit::{self, Change};
use crate::campaigns::{self, Campaign, CampaignInput};
use crate::criteria_sets::{self, StoredSet};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use crate::units::{self, Unit, UnitInput};
use crate::users::{self, NewUser};
use parindex_domain::deadline;
use parindex_domain::rollover;
use parindex_domain::{CampaignId, Level, Role, UnitId};
use std::collections::{HashMap, HashSet};

/// What MoHA chose for the new campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollover {
    pub from: CampaignId,
    pub year: i64,
    pub name_vi: String,
    pub name_en: String,
    /// The criteria set chosen for each level (ids of stored sets; levels left out get none).
    pub sets: Vec<i64>,
}

/// One account as it will be copied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountCopy {
    pub username: String,
    pub new_username: String,
    pub full_name: String,
    pub role: Role,
    pub unit_code: String,
    #[serde(skip)]
    email: String,
    #[serde(skip)]
    unit_id: UnitId,
}

/// What a roll-over to `year` would create.
#[derive(Debug, Clone)]
pub struct Preview {
    pub from: Campaign,
    pub year: i64,
    pub name_vi: String,
    pub name_en: String,
    /// (deadline kind, ISO day) of the old campaign.
    pub old_deadlines: Vec<(String, String)>,
    /// The same deadlines one year on per year between the campaigns.
    pub deadlines: Vec<(String, String)>,
    pub units: Vec<Unit>,
    pub accounts: Vec<AccountCopy>,
    pub support_contacts: i64,
    pub focal_contacts: i64,
    pub groups: usize,
    /// The levels whose questionnaire is copied.
    pub questionnaires: Vec<Level>,
    pub scoring_settings: bool,
    pub integrity_settings: bool,
    /// The old campaign's criteria set per level, proposed again.
    pub sets: Vec<(Level, StoredSet)>,
}

/// What a roll-over from `from` to `year` would create, or why it is refused.
pub async fn preview(db: &Db, from: CampaignId, year: i64) -> DbResult<Preview> {
    let old = campaigns::get(db, from).await?;
    rollover::check_year(old.year, year).map_err(|r| DbError::Refused(r.key()))?;
    let mut tx = db.begin().await?;
    let accounts = account_copies(&mut tx, &old, year).await?;
    let deadlines = later_deadlines(&mut tx, &old, year).await?;
    let support_contacts = count(&mut tx, SUPPORT_COUNT, from).await?;
    let focal_contacts = count(&mut tx, FOCAL_COUNT, from).await?;
    let questionnaires: Vec<(String,)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT level FROM campaign_questionnaires WHERE campaign_id = $1 ORDER BY level"
    ).bind(from).fetch_all(c).await)?;
    let scoring_settings = count(&mut tx, SCORING_COUNT, from).await? > 0;
    let integrity_settings = count(&mut tx, INTEGRITY_COUNT, from).await? > 0;
    tx.commit().await?;
    Ok(Preview {
        year,
        name_vi: rollover::name(&old.name_vi, old.year, year),
        name_en: rollover::name(&old.name_en, old.year, year),
        deadlines,
        old_deadlines: crate::deadlines::for_campaign(db, from).await?,
        units: units::list(db, from).await?,
        accounts,
        support_contacts,
        focal_contacts,
        groups: crate::respondents::groups(db, from).await?.all().count(),
        questionnaires: questionnaires
            .into_iter()
            .filter_map(|(l,)| Level::try_from(l).ok())
            .collect(),
        scoring_settings,
        integrity_settings,
        sets: criteria_sets::pinned(db, from).await?,
        from: old,
    })
}

const SUPPORT_COUNT: &str = "SELECT COUNT(*) FROM support_contacts WHERE campaign_id = $1";
const FOCAL_COUNT: &str = "SELECT COUNT(*) FROM focal_contacts f JOIN units u ON u.id = f.unit_id \
                           WHERE u.campaign_id = $1";
const SCORING_COUNT: &str = "SELECT COUNT(*) FROM campaign_scoring WHERE campaign_id = $1";
const INTEGRITY_COUNT: &str = "SELECT COUNT(*) FROM integrity_settings WHERE campaign_id = $1";

async fn count(tx: &mut Tx, sql: &'static str, id: CampaignId) -> DbResult<i64> {
    let (n,): (i64,) = on_tx!(tx, c => sqlx::query_as(sql).bind(id).fetch_one(c).await)?;
    Ok(n)
}

/// The old campaign's deadlines moved to `year`.
async fn later_deadlines(
    tx: &mut Tx,
    old: &Campaign,
    year: i64,
) -> DbResult<Vec<(String, String)>> {
    let stored = crate::deadlines::for_campaign_tx(tx, old.id).await?;
    Ok(stored
        .into_iter()
        .filter_map(|(kind, day)| {
            let day = deadline::parse_date(&day)?;
            Some((kind, deadline::iso(rollover::later(day, year - old.year)?)))
        })
        .collect())
}

/// Every active account of the old campaign's units, with the username its copy will have.
async fn account_copies(tx: &mut Tx, old: &Campaign, year: i64) -> DbResult<Vec<AccountCopy>> {
    type Row = (String, String, String, String, String, UnitId);
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT us.username, us.full_name, us.role, u.code, us.email, u.id FROM users us \
         JOIN units u ON u.id = us.unit_id WHERE u.campaign_id = $1 AND us.active ORDER BY u.code, us.username"
    ).bind(old.id).fetch_all(c).await)?;
    let existing: Vec<(String,)> =
        on_tx!(tx, c => sqlx::query_as("SELECT username FROM users").fetch_all(c).await)?;
    let mut taken: HashSet<String> = existing.into_iter().map(|(u,)| u).collect();
    let mut out = Vec::with_capacity(rows.len());
    for (username, full_name, role, unit_code, email, unit_id) in rows {
        let role = Role::try_from(role).map_err(|e| DbError::Other(e.to_string()))?;
        let new_username = rollover::username(&username, old.year, year, |u| taken.contains(u));
        taken.insert(new_username.clone());
        out.push(AccountCopy {
            username,
            new_username,
            full_name,
            role,
            unit_code,
            email,
            unit_id,
        });
    }
    Ok(out)
}

/// Creates the new campaign from `r.from`, all in one transaction, and returns it.
pub async fn copy(db: &Db, ctx: &Ctx, r: &Rollover) -> DbResult<Campaign> {
    let old = campaigns::get(db, r.from).await?;
    rollover::check_year(old.year, r.year).map_err(|e| DbError::Refused(e.key()))?;
    let mut tx = db.begin().await?;
    let input = CampaignInput {
        year: r.year,
        name_vi: r.name_vi.clone(),
        name_en: r.name_en.clone(),
        legal_basis: old.legal_basis.clone(),
        organiser: old.organiser.clone(),
        min_group_size: old.min_group_size,
        deadlines: later_deadlines(&mut tx, &old, r.year).await?,
    };
    let new = campaigns::insert_tx(&mut tx, ctx, &input, Some(old.id)).await?;
    let unit_map = copy_units(&mut tx, ctx, old.id, new.id).await?;
    let accounts = copy_accounts(&mut tx, ctx, &old, r.year, &unit_map).await?;
    for sql in [SUPPORT_COPY, REMINDERS_COPY] {
        on_tx!(&mut tx, c => sqlx::query(sql).bind(new.id).bind(old.id)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    for sql in SETTINGS {
        on_tx!(&mut tx, c => sqlx::query(sql).bind(new.id).bind(old.id).bind(ctx.now_ms)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    for set in &r.sets {
        criteria_sets::pin_tx(&mut tx, ctx, new.id, *set).await?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "campaign.copy",
            entity: "campaign",
            entity_id: new.id.to_string(),
            campaign_id: Some(new.id),
            after: Some(serde_json::json!({
                "from": old.id, "from_year": old.year, "year": r.year,
                "units": unit_map.len(), "accounts": accounts, "criteria_sets": r.sets,
            })),
            ..Change::default()
        },
    )
    .await?;
    let new = campaigns::get_tx(&mut tx, new.id).await?;
    tx.commit().await?;
    Ok(new)
}

/// The support contacts' copy, to confirm: ($1 new campaign, $2 old campaign).
const SUPPORT_COPY: &str = "INSERT INTO support_contacts (campaign_id, level, name, phone, email, to_confirm) \
     SELECT $1, level, name, phone, email, TRUE FROM support_contacts WHERE campaign_id = $2";

/// The deadline reminders' setting: ($1 new campaign, $2 old campaign).
const REMINDERS_COPY: &str = "UPDATE campaigns SET \
     reminders_on = (SELECT o.reminders_on FROM campaigns o WHERE o.id = $2), \
     reminder_days = (SELECT o.reminder_days FROM campaigns o WHERE o.id = $2) WHERE id = $1";

/// Copies of the campaign-wide settings: ($1 new campaign, $2 old campaign, $3 now).
const SETTINGS: [&str; 5] = [
    "INSERT INTO campaign_groups (campaign_id, groups_json, updated_at) \
     SELECT $1, groups_json, $3 FROM campaign_groups WHERE campaign_id = $2",
    "INSERT INTO campaign_questionnaires (campaign_id, level, body_json, sha256, loaded_at) \
     SELECT $1, level, body_json, sha256, $3 FROM campaign_questionnaires WHERE campaign_id = $2",
    "INSERT INTO campaign_scoring (campaign_id, settings_json, units_see_draft, updated_at) \
     SELECT $1, settings_json, units_see_draft, $3 FROM campaign_scoring WHERE campaign_id = $2",
    "INSERT INTO integrity_settings (campaign_id, settings_json, updated_at) \
     SELECT $1, settings_json, $3 FROM integrity_settings WHERE campaign_id = $2",
    "INSERT INTO focal_contacts (unit_id, par_unit, par_name, par_phone, par_email, it_name, it_position, \
     it_mobile, updated_at, updated_by, to_confirm) \
     SELECT nu.id, f.par_unit, f.par_name, f.par_phone, f.par_email, f.it_name, f.it_position, f.it_mobile, \
     $3, f.updated_by, TRUE FROM focal_contacts f JOIN units ou ON ou.id = f.unit_id \
     JOIN units nu ON nu.campaign_id = $1 AND nu.code = ou.code WHERE ou.campaign_id = $2",
];

/// Copies every unit; returns old unit id → new unit id.
async fn copy_units(
    tx: &mut Tx,
    ctx: &Ctx,
    from: CampaignId,
    to: CampaignId,
) -> DbResult<HashMap<UnitId, UnitId>> {
    let old: Vec<Unit> = units::list_tx(tx, from).await?;
    let mut map = HashMap::with_capacity(old.len());
    for u in old {
        let input = UnitInput {
            code: u.code,
            level: u.level,
            name: u.name,
            short_name: u.short_name,
            not_ranked: u.not_ranked,
            email_domains: u.email_domains,
        };
        let created = units::insert_tx(tx, ctx, to, &input).await?;
        map.insert(u.id, created.id);
    }
    Ok(map)
}

/// Copies every active unit account to its unit's copy, with no password until MoHA issues one;
/// returns (old username, new username) pairs.
async fn copy_accounts(
    tx: &mut Tx,
    ctx: &Ctx,
    old: &Campaign,
    year: i64,
    unit_map: &HashMap<UnitId, UnitId>,
) -> DbResult<Vec<(String, String)>> {
    let copies = account_copies(tx, old, year).await?;
    let mut done = Vec::with_capacity(copies.len());
    for a in copies {
        let new = NewUser {
            username: a.new_username.clone(),
            full_name: a.full_name,
            email: a.email,
            role: a.role,
            unit_id: Some(unit_map.get(&a.unit_id).copied().ok_or(DbError::NotFound)?),
            password_hash: String::new(),
            must_change_password: true,
        };
        users::insert_tx(tx, ctx, &new).await?;
        done.push((a.username, a.new_username));
    }
    Ok(done)
}
