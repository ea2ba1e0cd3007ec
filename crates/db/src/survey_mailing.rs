//! E-mails after the first invitation: sending again (to a corrected address, or after a failure) and
//! reminders to those who have not answered. Each e-mail carries a fresh personal link; links already
//! sent keep working, except after an address correction, which revokes the links that went to the
//! wrong address.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::deadlines;
use crate::error::{DbError, DbResult};
use crate::outbox;
use crate::pool::Db;
use crate::survey::{Compose, MailKind, Recipient, mail_link};
use parindex_domain::DeadlineKind;
use parindex_domain::UnitId;
use parindex_domain::email::Email;
use parindex_domain::survey::paradata::event;
use parindex_domain::survey::readdress::{self, InvitationFacts, Sender};
use parindex_domain::survey::{Delivery, ReminderCandidate, ReminderPolicy};

type InvitationRow = (String, String, String, String, bool, bool, bool, String);

/// Sends the invitation again, to `to`, as `sender` (`None` for an account that may not).
/// The rule in `readdress::check` is applied to the invitation as it stands inside the transaction,
/// with the survey's answer deadline for the unit (with any extension) at `ctx.now_ms`, so a
/// respondent who opens the link meanwhile is never re-addressed. Refused with `NotFound` for
/// another unit's invitation and `Refused` with the rule's message key otherwise.
pub async fn resend(
    db: &Db,
    ctx: &Ctx,
    unit_id: UnitId,
    invitation_id: i64,
    sender: Option<Sender>,
    to: &Email,
    compose: &Compose<'_>,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    let row: Option<InvitationRow> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT r.full_name, i.email, i.group_code, i.delivery, i.opened_at IS NOT NULL, \
         i.started_at IS NOT NULL, i.completed_at IS NOT NULL, u.email_domains \
         FROM survey_invitations i JOIN respondents r ON r.id = i.respondent_id \
         JOIN units u ON u.id = i.unit_id WHERE i.id = $1 AND i.unit_id = $2"
    ).bind(invitation_id).bind(unit_id).fetch_optional(&mut *c).await)?;
    let (full_name, old_email, group_code, delivery, opened, started, completed, domains) =
        row.ok_or(DbError::NotFound)?;
    let facts = InvitationFacts {
        delivery: Delivery::parse(&delivery).unwrap_or(Delivery::Queued),
        opened,
        started,
        completed,
        answers_open: deadlines::is_open_tx(&mut tx, ctx, unit_id, DeadlineKind::SurveyAnswers)
            .await?,
    };
    let domains: Vec<&str> = domains.split(',').map(str::trim).collect();
    readdress::check(sender, &facts, to, &domains).map_err(|r| DbError::Refused(r.key()))?;
    let email = to.as_str().to_string();
    if email != old_email {
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE survey_links SET revoked = TRUE WHERE invitation_id = $1"
        ).bind(invitation_id).execute(c).await.map(|r| r.rows_affected()))?;
        if sender == Some(Sender::UnitOfficer) {
            // The interference review weighs a unit's re-addresses (Signal::Readdressed).
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO survey_paradata (invitation_id, at, event) VALUES ($1, $2, $3)"
            ).bind(invitation_id).bind(ctx.now_ms).bind(event::READDRESSED)
            .execute(c).await.map(|r| r.rows_affected()))?;
        }
    }
    outbox::cancel_queued(&mut tx, invitation_id).await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE survey_invitations SET email = $2, delivery = 'queued', delivery_error = '', \
         last_mailed_at = $3 WHERE id = $1"
    ).bind(invitation_id).bind(&email).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    let to = Recipient {
        full_name: &full_name,
        email: &email,
        group_code: &group_code,
    };
    mail_link(
        &mut tx,
        invitation_id,
        MailKind::Invitation,
        to,
        compose,
        ctx.now_ms,
    )
    .await?;
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "survey.resend",
            entity: "survey_invitation",
            entity_id: invitation_id.to_string(),
            unit_id: Some(unit_id),
            before: Some(serde_json::json!({ "email": old_email })),
            after: Some(serde_json::json!({ "email": email })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await
}

type CandidateRow = (i64, String, String, String, String, i64, i64);

/// Reminds every respondent of the unit that the policy says is due. Returns how many.
pub async fn remind(
    db: &Db,
    ctx: &Ctx,
    unit_id: UnitId,
    policy: ReminderPolicy,
    compose: &Compose<'_>,
) -> DbResult<usize> {
    let mut tx = db.begin().await?;
    deadlines::ensure_open_tx(&mut tx, ctx, unit_id, DeadlineKind::SurveyAnswers).await?;
    let rows: Vec<CandidateRow> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT i.id, r.full_name, i.email, i.group_code, i.delivery, i.reminders, i.last_mailed_at \
         FROM survey_invitations i JOIN respondents r ON r.id = i.respondent_id \
         WHERE i.unit_id = $1 AND i.completed_at IS NULL ORDER BY i.id"
    ).bind(unit_id).fetch_all(c).await)?;
    let mut sent = 0;
    for (id, full_name, email, group_code, delivery, reminders, last) in &rows {
        let due = policy.due(
            ReminderCandidate {
                completed: false,
                delivered: Delivery::parse(delivery) == Some(Delivery::Sent),
                reminders: *reminders,
                last_mailed_at_ms: *last,
            },
            ctx.now_ms,
        );
        if !due {
            continue;
        }
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE survey_invitations SET reminders = reminders + 1, last_mailed_at = $2, \
             delivery = 'queued' WHERE id = $1"
        ).bind(id).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
        let to = Recipient {
            full_name,
            email,
            group_code,
        };
        mail_link(&mut tx, *id, MailKind::Reminder, to, compose, ctx.now_ms).await?;
        sent += 1;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "survey.remind",
            entity: "survey_unit",
            entity_id: unit_id.to_string(),
            unit_id: Some(unit_id),
            after: Some(serde_json::json!({ "reminders": sent })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(sent)
}
