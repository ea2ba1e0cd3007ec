//! Issuing a campaign's unit accounts at once: the standard officer, leader and viewer a unit lacks
//! are created, and every unit account without a password gets a one-time password. The passwords
//! go either by e-mail to each unit's registered PAR focal address (through the outbox), or in one
//! spreadsheet for MoHA to hand over; a unit with no focal address gets no e-mail and no new
//! standard account, and is reported.

use crate::auth::password;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use parindex_db::credentials::{self, Issue, Roster};
use parindex_db::outbox::OutMail;
use parindex_db::users::NewUser;
use parindex_db::{Ctx, DbError, campaigns};
use parindex_domain::accounts::{missing_standard, standard_username};
use parindex_domain::{CampaignId, Role};

/// How the one-time passwords reach the units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// One e-mail per unit to its PAR focal address.
    Email,
    /// A spreadsheet, downloaded once by the administrator.
    Sheet,
}

impl Delivery {
    pub fn parse(s: &str) -> Option<Delivery> {
        match s.trim() {
            "email" => Some(Delivery::Email),
            "xlsx" => Some(Delivery::Sheet),
            _ => None,
        }
    }
}

/// One account issued: its unit, who, and the one-time password (for the sheet; never stored).
#[derive(Debug, Clone)]
pub struct IssuedRow {
    pub unit_code: String,
    pub unit_short: String,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub password: String,
    /// Where the e-mail with it went, when it went by e-mail.
    pub sent_to: Option<String>,
}

/// What an issue did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub issued: Vec<IssuedRow>,
    /// Units left out for want of a registered focal address: (code, short name).
    pub no_address: Vec<(String, String)>,
}

/// How many accounts of the campaign await a password, and how many standard accounts are missing.
pub async fn pending(state: &AppState, campaign_id: CampaignId) -> AppResult<(usize, usize)> {
    let roster = credentials::roster(&state.db, campaign_id).await?;
    let awaiting = roster
        .iter()
        .flat_map(|r| &r.accounts)
        .filter(|a| a.awaiting)
        .count();
    let missing = roster
        .iter()
        .map(|r| missing_standard(&roles(r)).len())
        .sum();
    Ok((awaiting, missing))
}

fn roles(r: &Roster) -> Vec<Role> {
    r.accounts.iter().map(|a| a.role).collect()
}

/// Issues the campaign's accounts as described above, all in one transaction. An outcome with
/// nothing issued wrote nothing.
#[tracing::instrument(skip_all, fields(actor = %ctx.actor, campaign_id = %campaign_id))]
pub async fn issue(
    state: &AppState,
    ctx: &Ctx,
    campaign_id: CampaignId,
    standard: bool,
    delivery: Delivery,
) -> AppResult<Outcome> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let mut draft = Draft::default();
    for unit in &credentials::roster(&state.db, campaign_id).await? {
        draft.unit(state, unit, campaign.year, standard, delivery)?;
    }
    if draft.out.issued.is_empty() {
        return Ok(draft.out);
    }
    let (plan, out) = draft.hashed().await?;
    match credentials::issue(&state.db, ctx, campaign_id, &plan).await {
        Ok(()) => Ok(out),
        Err(DbError::Conflict(_)) | Err(DbError::Stale) => {
            Err(AppError::BadRequest("issue-accounts-changed"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The issue being put together: what to write, what to report, and where each row's hash goes
/// (an existing account's, or a new one's) once the passwords are hashed.
#[derive(Default)]
struct Draft {
    plan: Issue,
    out: Outcome,
    slots: Vec<Slot>,
}

impl Draft {
    /// One unit's share: its accounts awaiting a password, its missing standard accounts, its e-mail.
    fn unit(
        &mut self,
        state: &AppState,
        unit: &Roster,
        year: i64,
        standard: bool,
        delivery: Delivery,
    ) -> AppResult<()> {
        let address = unit.focal_email.clone();
        if address.is_none() && (delivery == Delivery::Email || standard) {
            if delivery == Delivery::Email || !missing_standard(&roles(unit)).is_empty() {
                self.out
                    .no_address
                    .push((unit.code.clone(), unit.short_name.clone()));
            }
            if delivery == Delivery::Email {
                return Ok(());
            }
        }
        let first = self.out.issued.len();
        for a in unit.accounts.iter().filter(|a| a.awaiting) {
            self.slots.push(Slot::Existing(self.plan.passwords.len()));
            self.plan.passwords.push((a.id, String::new()));
            let password = password::temporary()?;
            self.out
                .issued
                .push(row(unit, &a.username, &a.full_name, a.role, password));
        }
        if let (true, Some(to)) = (standard, &address) {
            for role in missing_standard(&roles(unit)) {
                self.standard(unit, role, year, to)?;
            }
        }
        if let (Delivery::Email, Some(to), false) =
            (delivery, &address, self.out.issued.len() == first)
        {
            let rows = &mut self.out.issued[first..];
            self.plan.mails.push(mail(state, to, year, unit, rows));
            for r in rows {
                r.sent_to = Some(to.clone());
            }
        }
        Ok(())
    }

    /// A standard account the unit lacks, at its focal address.
    fn standard(&mut self, unit: &Roster, role: Role, year: i64, to: &str) -> AppResult<()> {
        let Some(username) = standard_username(&unit.code, role, year) else {
            return Ok(());
        };
        let full_name = format!(
            "{} – {}",
            Lang::Vi.t(&format!("role-{}", role.as_str())),
            unit.short_name
        );
        self.slots.push(Slot::New(self.plan.created.len()));
        self.plan.created.push(NewUser {
            username: username.clone(),
            full_name: full_name.clone(),
            email: to.to_string(),
            role,
            unit_id: Some(unit.unit_id),
            password_hash: String::new(),
            must_change_password: true,
        });
        let password = password::temporary()?;
        self.out
            .issued
            .push(row(unit, &username, &full_name, role, password));
        Ok(())
    }

    /// The plan with every one-time password's hash in place.
    async fn hashed(mut self) -> AppResult<(Issue, Outcome)> {
        let passwords = self.out.issued.iter().map(|r| r.password.clone()).collect();
        for (slot, hash) in self.slots.into_iter().zip(hash_all(passwords).await?) {
            match slot {
                Slot::Existing(i) => self.plan.passwords[i].1 = hash,
                Slot::New(i) => self.plan.created[i].password_hash = hash,
            }
        }
        Ok((self.plan, self.out))
    }
}

fn row(unit: &Roster, username: &str, full_name: &str, role: Role, password: String) -> IssuedRow {
    IssuedRow {
        unit_code: unit.code.clone(),
        unit_short: unit.short_name.clone(),
        username: username.to_string(),
        full_name: full_name.to_string(),
        role,
        password,
        sent_to: None,
    }
}

enum Slot {
    Existing(usize),
    New(usize),
}

/// The hashes of `passwords`, in order: one blocking task per core, each hashing its share in turn,
/// so that the memory Argon2 takes (19 MiB a hash) stays at one hash per core.
async fn hash_all(passwords: Vec<String>) -> AppResult<Vec<String>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = passwords.len().div_ceil(cores).max(1);
    let tasks: Vec<_> = passwords
        .chunks(share)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            tokio::task::spawn_blocking(move || {
                chunk
                    .iter()
                    .map(|p| password::hash_blocking(p))
                    .collect::<AppResult<Vec<String>>>()
            })
        })
        .collect();
    let mut out = Vec::with_capacity(passwords.len());
    for t in tasks {
        out.extend(
            t.await
                .map_err(|e| AppError::internal("hashing passwords", e))??,
        );
    }
    Ok(out)
}

/// The e-mail to a unit's focal address with its accounts' one-time passwords, in both languages.
fn mail(state: &AppState, to: &str, year: i64, unit: &Roster, rows: &[IssuedRow]) -> OutMail {
    let address = state
        .config
        .public_origin
        .as_deref()
        .map(|o| format!("{}/login", o.trim_end_matches('/')))
        .unwrap_or_default();
    crate::notice_mail::bilingual_with(to, "issue-mail-subject", "issue-mail-body", |lang| {
        let mut accounts = String::new();
        for r in rows {
            let role = lang.t(&format!("role-{}", r.role.as_str()));
            accounts += &format!(
                "\n- {} ({}, {role}): {}",
                r.username, r.full_name, r.password
            );
        }
        if !address.is_empty() {
            let at = [("address", address.clone())];
            accounts += &format!("\n{}", lang.t_args("issue-mail-sign-in", &at));
        }
        accounts += &format!("\n{}", lang.t("issue-mail-pass-on"));
        vec![
            ("unit", unit.short_name.clone()),
            ("year", year.to_string()),
            ("accounts", accounts),
        ]
    })
}
