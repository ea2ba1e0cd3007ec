//! Deadline reminders to units, run every hour by each server: for every campaign that sends them
//! (and whose deadlines are confirmed),
//! every unit that still has something open before one of its deadlines (with any extension) is
//! e-mailed on the campaign's reminder days and on the last day, at its officers' and PAR focal
//! contact's addresses, through the outbox. Each reminder goes once, whichever server decides it.

use crate::error::AppResult;
use crate::i18n::Lang;
use crate::service::unit_tasks::UnitTasks;
use crate::state::AppState;
use crate::ui::unit_context::UnitContext;
use parindex_db::outbox::OutMail;
use parindex_db::reminders::{self, Reminder};
use parindex_db::{Ctx, campaigns, units};
use parindex_domain::deadline::{self, VIETNAM};
use parindex_domain::reminder::{self, UnitState};
use parindex_domain::{DeadlineKind, UnitId};
use time::Date;

/// Sends the reminders due now; returns how many units were reminded of how many deadlines.
pub async fn run(state: &AppState) -> AppResult<usize> {
    let today = state.clock.now().to_offset(VIETNAM).date();
    let ctx = Ctx::system(state.clock.now_ms());
    let mut sent = 0;
    for c in campaigns::list(&state.db).await? {
        // Deadlines a roll-over proposed are not reminded of until MoHA confirms them.
        if !c.reminders_on || !c.deadlines_confirmed {
            continue;
        }
        let days = reminder::parse_days(&c.reminder_days)
            .unwrap_or_else(|| reminder::DEFAULT_DAYS.to_vec());
        for u in units::list(&state.db, c.id).await? {
            // One unit that cannot be read holds up no other.
            match remind_unit(state, &ctx, u.id, today, &days).await {
                Ok(n) => sent += n,
                Err(e) => {
                    tracing::warn!(unit = %u.id, error = %e, "deadline reminders skipped a unit")
                }
            }
        }
    }
    Ok(sent)
}

/// The reminders one unit is due today.
async fn remind_unit(
    state: &AppState,
    ctx: &Ctx,
    unit_id: UnitId,
    today: Date,
    days: &[u32],
) -> AppResult<usize> {
    let cx = UnitContext::load(state, unit_id).await?;
    let due: Vec<(DeadlineKind, Date, u32)> = DeadlineKind::ALL
        .into_iter()
        .filter_map(|k| {
            let day = cx.day(k)?;
            Some((k, day, reminder::due(today, day, days)?))
        })
        .collect();
    if due.is_empty() {
        return Ok(0);
    }
    // A level with no criteria set yet has no self-assessment to remind of.
    let tasks = UnitTasks::load(state, unit_id).await.ok();
    let st = UnitState {
        focal_done: cx.focal.as_ref().is_some_and(|f| !f.to_confirm),
        list: parindex_db::respondents::list(&state.db, unit_id)
            .await?
            .state,
        self_assessment: tasks.map(|t| (t.sa.report.state, t.unfinished().0)),
    };
    let to = reminders::recipients(&state.db, unit_id).await?;
    let mut sent = 0;
    for (kind, day, before) in due {
        let Some(open) = reminder::open(kind, &st) else {
            continue;
        };
        if to.is_empty() {
            tracing::warn!(unit = %unit_id, kind = kind.as_str(), "a reminder is due but the unit has no address");
            continue;
        }
        let r = Reminder {
            campaign_id: cx.campaign.id,
            unit_id,
            kind,
            due_date: deadline::iso(day),
            days_before: before,
            open: Lang::Vi.t_args(open.0, &[("n", open.1.to_string())]),
            mails: to
                .iter()
                .map(|t| mail(state, t, &cx, kind, day, before, open))
                .collect(),
        };
        if reminders::send_once(&state.db, ctx, &r).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

fn mail(
    state: &AppState,
    to: &str,
    cx: &UnitContext,
    kind: DeadlineKind,
    day: Date,
    before: u32,
    open: (&str, usize),
) -> OutMail {
    let link = state
        .config
        .public_origin
        .as_deref()
        .map(|o| format!("{}/unit/{}", o.trim_end_matches('/'), cx.unit.id))
        .unwrap_or_default();
    crate::notice_mail::bilingual_with(to, "reminder-mail-subject", "reminder-mail-body", |lang| {
        let when = if before == 0 {
            lang.t("reminder-last-day")
        } else {
            lang.t_args("reminder-days-left", &[("n", before.to_string())])
        };
        vec![
            ("unit", cx.unit.short_name.clone()),
            ("year", cx.campaign.year.to_string()),
            ("deadline", lang.t(&format!("deadline-{}", kind.as_str()))),
            ("day", deadline::display(day)),
            ("when", when),
            ("open", lang.t_args(open.0, &[("n", open.1.to_string())])),
            ("link", link.clone()),
        ]
    })
}
