//! Deadline reminders sent to units: each (unit, deadline, day) goes once. The record, the e-mails and
//! the audit entry are written in one transaction, and a second server deciding the same reminder at
//! the same time finds it recorded and sends nothing.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::DbResult;
use crate::outbox::{self, OutMail};
use crate::pool::Db;
use parindex_domain::{CampaignId, DeadlineKind, UnitId};

/// One reminder to send.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub campaign_id: CampaignId,
    pub unit_id: UnitId,
    pub kind: DeadlineKind,
    /// The unit's deadline day (ISO), with any extension.
    pub due_date: String,
    /// Days before the deadline; 0 on the last day.
    pub days_before: u32,
    /// What is still open, as the e-mail says it (for the audit log).
    pub open: String,
    pub mails: Vec<OutMail>,
}

/// Records and queues the reminder unless it was sent already; returns whether it was.
pub async fn send_once(db: &Db, ctx: &Ctx, r: &Reminder) -> DbResult<bool> {
    let mut tx = db.begin().await?;
    let inserted = on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO deadline_reminders (unit_id, kind, due_date, days_before, sent_at, recipients) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
    ).bind(r.unit_id).bind(r.kind.as_str()).bind(&r.due_date).bind(i64::from(r.days_before))
    .bind(ctx.now_ms).bind(i64::try_from(r.mails.len()).unwrap_or(i64::MAX))
    .execute(c).await.map(|x| x.rows_affected()))?;
    if inserted == 0 {
        return Ok(false);
    }
    for m in &r.mails {
        outbox::enqueue(&mut tx, "reminder", None, m, ctx.now_ms).await?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "reminder.send",
            entity: "unit",
            entity_id: r.unit_id.to_string(),
            campaign_id: Some(r.campaign_id),
            unit_id: Some(r.unit_id),
            after: Some(serde_json::json!({
                "kind": r.kind, "due_date": r.due_date, "days_before": r.days_before,
                "open": r.open, "to": r.mails.iter().map(|m| &m.to).collect::<Vec<_>>(),
            })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The addresses a unit's reminders go to: its active officers' and its PAR focal contact's.
pub async fn recipients(db: &Db, unit_id: UnitId) -> DbResult<Vec<String>> {
    let rows: Vec<(String,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT email FROM users WHERE unit_id = $1 AND active AND role = 'unit_officer' AND email <> '' \
         UNION SELECT par_email FROM focal_contacts WHERE unit_id = $1 AND par_email <> ''"
    ).bind(unit_id).fetch_all(p).await)?;
    let mut out: Vec<String> = rows.into_iter().map(|(e,)| e.to_lowercase()).collect();
    out.sort();
    out.dedup();
    Ok(out)
}
