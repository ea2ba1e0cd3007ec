//! Issuing a campaign's unit accounts at once: the standard accounts a unit lacks are created, and
//! every unit account without a password gets a one-time password (stored hashed), with the e-mails
//! carrying them queued in the same transaction. Nothing is half-done: an account that got a
//! password meanwhile makes the whole issue stale.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::outbox::{self, OutMail};
use crate::pool::Db;
use crate::users::{self, NewUser};
use parindex_domain::{CampaignId, Role, UnitId, UserId};

/// One unit of the campaign: where its credentials go, and its active accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub unit_id: UnitId,
    pub code: String,
    pub short_name: String,
    /// The PAR focal contact's e-mail the unit registered, if any.
    pub focal_email: Option<String>,
    pub accounts: Vec<Account>,
}

/// An active unit account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// No password yet (copied from last year, or never issued).
    pub awaiting: bool,
}

type Row = (
    UnitId,
    String,
    String,
    Option<String>,
    Option<UserId>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<bool>,
);

/// Every unit of the campaign by code, with its focal address and active accounts.
pub async fn roster(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<Roster>> {
    let rows: Vec<Row> = on_pool!(db, p => sqlx::query_as(
        "SELECT u.id, u.code, u.short_name, NULLIF(f.par_email, ''), us.id, us.username, us.full_name, \
         us.role, us.password_hash = '' FROM units u \
         LEFT JOIN focal_contacts f ON f.unit_id = u.id \
         LEFT JOIN users us ON us.unit_id = u.id AND us.active \
         WHERE u.campaign_id = $1 ORDER BY u.code, us.username"
    ).bind(campaign_id).fetch_all(p).await)?;
    let mut out: Vec<Roster> = Vec::new();
    for (unit_id, code, short_name, focal_email, id, username, full_name, role, awaiting) in rows {
        if out.last().is_none_or(|r| r.unit_id != unit_id) {
            out.push(Roster {
                unit_id,
                code,
                short_name,
                focal_email,
                accounts: Vec::new(),
            });
        }
        let (Some(id), Some(username), Some(full_name), Some(role), Some(awaiting)) =
            (id, username, full_name, role, awaiting)
        else {
            continue;
        };
        let role = Role::try_from(role).map_err(|e| DbError::Other(e.to_string()))?;
        if let Some(r) = out.last_mut() {
            r.accounts.push(Account {
                id,
                username,
                full_name,
                role,
                awaiting,
            });
        }
    }
    Ok(out)
}

/// What one issue writes.
#[derive(Debug, Clone, Default)]
pub struct Issue {
    /// Standard accounts to create, each with its one-time password's hash.
    pub created: Vec<NewUser>,
    /// Accounts awaiting a password, and the hash of the one-time password each gets.
    pub passwords: Vec<(UserId, String)>,
    /// The e-mails carrying the one-time passwords.
    pub mails: Vec<OutMail>,
}

/// Writes the issue in one transaction. `Stale` when one of the accounts got a password meanwhile.
pub async fn issue(db: &Db, ctx: &Ctx, campaign_id: CampaignId, i: &Issue) -> DbResult<()> {
    let mut tx = db.begin().await?;
    for u in &i.created {
        users::insert_tx(&mut tx, ctx, u).await?;
    }
    for (id, hash) in &i.passwords {
        let n = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = TRUE \
             WHERE id = $2 AND password_hash = '' AND active"
        ).bind(hash).bind(*id).execute(c).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(DbError::Stale);
        }
        audit::append(
            &mut tx,
            ctx,
            Change {
                action: "user.password_issue",
                entity: "user",
                entity_id: id.to_string(),
                campaign_id: Some(campaign_id),
                ..Change::default()
            },
        )
        .await?;
    }
    for m in &i.mails {
        outbox::enqueue(&mut tx, "credentials", None, m, ctx.now_ms).await?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "campaign.accounts_issue",
            entity: "campaign",
            entity_id: campaign_id.to_string(),
            campaign_id: Some(campaign_id),
            after: Some(serde_json::json!({
                "created": i.created.iter().map(|u| &u.username).collect::<Vec<_>>(),
                "passwords": i.created.len() + i.passwords.len(),
                "mails": i.mails.iter().map(|m| &m.to).collect::<Vec<_>>(),
            })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}
