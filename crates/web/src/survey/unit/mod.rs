//! "Chi tiết tiến độ khảo sát": a unit's survey progress per group and per organisation, completions
//! over time as a chart, and the respondents who have not answered yet, with their e-mail's delivery
//! status, for chasing. Officers (and MoHA) correct an address that failed and send again; officers
//! send reminders to those due for one. Nothing here shows what anyone answered.

use crate::auth::{MohaStaff, UnitOfficer, UnitReader};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::meta::Meta;
use crate::state::AppState;
use crate::survey::mail::unit_mail;
use crate::survey::moha::percent;
use crate::ui::download::xlsx_table;
use crate::ui::layout::Page;
use crate::ui::pager::{At, Pager};
use crate::ui::unit_context::UnitContext;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::integrity::Decision;
use parindex_db::survey_progress::{Counts, Pending};
use parindex_db::users::User;
use parindex_db::{DbError, survey_mailing};
use parindex_domain::Email;
use parindex_domain::UnitId;
use parindex_domain::clock::from_ms;
use parindex_domain::deadline::display_instant;
use parindex_domain::survey::readdress::{self, Sender};
use parindex_domain::survey::{Delivery, ReminderPolicy};
use unit_survey::UnitSurvey;

mod unit_survey;
use parindex_import::sheet::Cell;

pub struct CountsRow {
    pub label: String,
    pub detail: String,
    pub c: Counts,
    pub percent: String,
}

pub struct Bar {
    pub x: usize,
    pub y: usize,
    pub height: usize,
    pub label: String,
    pub value: i64,
}

pub struct PendingRow {
    pub p: Pending,
    pub group: String,
    pub delivery: String,
    /// The e-mail could not be delivered: the address needs correcting.
    pub failed: bool,
    /// Whether this account may send this invitation again (the resend rule says so).
    pub resend: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "survey_progress.html")]
pub struct ProgressPage {
    pub page: Page,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub opened: Option<String>,
    pub groups: Vec<CountsRow>,
    pub organisations: Vec<CountsRow>,
    pub total: CountsRow,
    pub bars: Vec<Bar>,
    pub chart_width: usize,
    /// The pending respondents on this page of the searched list.
    pub pending: Vec<PendingRow>,
    /// How many respondents have not answered, before the search.
    pub pending_total: usize,
    /// The search over the pending respondents (name, e-mail, organisation).
    pub q: String,
    pub pager: Pager,
    pub is_officer: bool,
    /// Where a corrected address is posted; empty when this account cannot resend.
    pub resend_base: String,
    pub due_reminders: usize,
    pub remind_note: String,
    pub deadline: String,
    /// MoHA's decision on the unit's survey and its reason (never the evidence).
    pub decision: Option<String>,
    /// Why sending is delayed, while e-mails wait after failing.
    pub mail_delay: Option<String>,
    /// The address typed into a refused resend form, shown again in that row's field.
    pub typed: Option<(i64, String)>,
    pub decision_cancels: bool,
}

const CHART_HEIGHT: usize = 120;
const BAR_STEP: usize = 28;

/// Cumulative completions at the end of each Vietnam day that saw one.
fn bars(times: &[i64]) -> Vec<Bar> {
    let mut days: Vec<(String, i64)> = Vec::new();
    for (i, t) in times.iter().enumerate() {
        let day = parindex_domain::deadline::display_instant(parindex_domain::clock::from_ms(*t));
        let day = day
            .split(' ')
            .next()
            .unwrap_or_default()
            .chars()
            .take(5)
            .collect::<String>();
        match days.last_mut() {
            Some((d, n)) if *d == day => *n = i as i64 + 1,
            _ => days.push((day, i as i64 + 1)),
        }
    }
    let max = days.last().map_or(1, |(_, n)| (*n).max(1));
    days.into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let height = (value as usize * CHART_HEIGHT).div_ceil(max as usize);
            Bar {
                x: i * BAR_STEP + 4,
                y: CHART_HEIGHT - height + 14,
                height,
                label,
                value,
            }
        })
        .collect()
}

fn counts_row(lang: Lang, label: String, detail: String, c: Counts) -> CountsRow {
    CountsRow {
        percent: percent(lang, c.completed, c.invited),
        label,
        detail,
        c,
    }
}

async fn progress_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    unit_id: UnitId,
) -> AppResult<ProgressPage> {
    let survey = UnitSurvey::load(state, unit_id).await?;
    let mail_delay = crate::survey::mail_delay::notice(state, meta.lang, Some(unit_id)).await?;
    let now = state.clock.now_ms();
    Ok(ProgressPage::of(
        survey,
        meta,
        user,
        state.config.reminders,
        now,
        mail_delay,
    ))
}

/// A decision's notice for the unit: what MoHA decided, when, and why (never the evidence).
fn decision_notice(lang: Lang, d: &Decision) -> String {
    let at = display_instant(from_ms(d.decided_at));
    lang.t_args(
        &format!("ig-unit-notice-{}", d.outcome),
        &[("at", at), ("reason", d.reason.clone())],
    )
}

impl ProgressPage {
    fn of(
        mut s: UnitSurvey,
        meta: &Meta,
        user: &User,
        policy: ReminderPolicy,
        now_ms: i64,
        mail_delay: Option<String>,
    ) -> ProgressPage {
        let lang = meta.lang;
        let unit_id = s.uc.unit.id;
        let groups = s
            .by_group()
            .into_iter()
            .map(|(g, c)| counts_row(lang, s.group_name(lang, &g.code), String::new(), c))
            .collect();
        let organisations = s
            .organisations()
            .into_iter()
            .map(|r| {
                let group = s.group_name(lang, &r.group_code);
                counts_row(lang, r.organisation.clone(), group, r.counts)
            })
            .collect();
        let total = counts_row(lang, lang.t("sv-total"), String::new(), s.total());
        let bars = bars(&s.completions);
        let due_reminders = s.due_reminders(policy, now_ms);
        let sender = sender_for(user, unit_id);
        let resend_base = match sender {
            Some(Sender::UnitOfficer) => format!("/unit/{unit_id}/survey/resend"),
            Some(Sender::Moha) => format!("/admin/units/{unit_id}/survey/resend"),
            None => String::new(),
        };
        // Moved out, not cloned: nothing below reads `s.pending` (the reminders were counted above).
        let pending: Vec<PendingRow> = std::mem::take(&mut s.pending)
            .into_iter()
            .map(|p| PendingRow {
                group: s.group_name(lang, &p.group_code),
                delivery: lang.t(&format!("sv-delivery-{}", p.delivery)),
                failed: p.delivery == Delivery::Failed,
                resend: readdress::may_resend(sender, &p.facts(s.answers_open)).is_ok(),
                p,
            })
            .collect();
        let days = (policy.min_interval_ms / (24 * 3_600_000)).to_string();
        let remind_note = lang.t_args(
            "svp-remind-note",
            &[
                ("due", due_reminders.to_string()),
                ("max", policy.max_reminders.to_string()),
                ("days", days),
            ],
        );
        let mut page = Page::new(meta, user, "svp-title");
        page.title = format!("{} · {}", page.t("svp-title"), s.uc.unit.short_name);
        ProgressPage {
            page,
            unit_id,
            unit_name: s.uc.unit.name.clone(),
            opened: s.opened_at.map(|ms| display_instant(from_ms(ms))),
            chart_width: (bars.len() * BAR_STEP + 8).max(120),
            groups,
            organisations,
            total,
            bars,
            pending_total: pending.len(),
            pager: Pager::new("", "", pending.len(), "", PENDING_ANCHOR),
            pending,
            q: String::new(),
            is_officer: sender == Some(Sender::UnitOfficer),
            resend_base,
            due_reminders,
            remind_note,
            deadline: s
                .uc
                .day(parindex_domain::DeadlineKind::SurveyAnswers)
                .map(parindex_domain::deadline::display)
                .unwrap_or_default(),
            decision: s.decision.as_ref().map(|d| decision_notice(lang, d)),
            decision_cancels: s.decision.as_ref().is_some_and(Decision::cancels),
            mail_delay,
            typed: None,
        }
    }
}

const PENDING_ANCHOR: &str = "svp-pending";

/// Which page of the pending respondents to show: the one asked for, or the one holding an invitation.
enum PendingAt<'a> {
    Requested(&'a str),
    Holding(i64),
}

impl ProgressPage {
    /// Keeps the pending respondents whose name, e-mail or organisation matches `q`, a page at a time.
    /// A refused resend form shows on the page, without search, that holds its invitation.
    fn show_pending(mut self, q: &str, at: PendingAt) -> ProgressPage {
        let all = std::mem::take(&mut self.pending);
        let matching: Vec<PendingRow> = all
            .into_iter()
            .filter(|r| {
                q.trim().is_empty()
                    || parindex_domain::text::matches(&r.p.full_name, q)
                    || parindex_domain::text::matches(&r.p.email, q)
                    || parindex_domain::text::matches(&r.p.organisation, q)
            })
            .collect();
        let path = format!("/unit/{}/survey", self.unit_id);
        let keep = format!("q={}", crate::render_error::urlencode(q));
        let at = match at {
            PendingAt::Requested(p) => At::Requested(p),
            PendingAt::Holding(id) => {
                At::Holding(matching.iter().position(|r| r.p.invitation_id == id))
            }
        };
        self.pager = Pager::of(&path, &keep, matching.len(), at, PENDING_ANCHOR);
        self.pending = self.pager.take(matching);
        self.q = q.to_string();
        self
    }
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ProgressQuery {
    pub done: Option<String>,
    /// The search over the pending respondents.
    pub q: String,
    /// The page of the pending respondents (`ui::pager`).
    pub p: String,
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Query(q): Query<ProgressQuery>,
) -> AppResult<ProgressPage> {
    let mut p = progress_page(&state, &meta, &r.user, r.unit_id)
        .await?
        .show_pending(&q.q, PendingAt::Requested(&q.p));
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

pub async fn remind(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
) -> AppResult<Response> {
    let uc = UnitContext::load(&state, o.unit_id).await?;
    let mail = unit_mail(&state, &uc)?;
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    let n = survey_mailing::remind(&state.db, &ctx, o.unit_id, state.config.reminders, &|m| {
        mail.compose(m)
    })
    .await?;
    let done = if n == 0 {
        "survey-none-due"
    } else {
        "survey-reminded"
    };
    Ok(Redirect::to(&format!("/unit/{}/survey?done={done}", o.unit_id)).into_response())
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ResendForm {
    pub email: String,
}

async fn resend_for(
    state: &AppState,
    meta: &Meta,
    user: &User,
    unit_id: UnitId,
    invitation_id: i64,
    f: ResendForm,
) -> AppResult<Response> {
    let uc = UnitContext::load(state, unit_id).await?;
    let refused = async |key: &str, status: StatusCode| -> AppResult<Response> {
        let mut p = progress_page(state, meta, user, unit_id)
            .await?
            .show_pending("", PendingAt::Holding(invitation_id));
        p.page.error(&format!("email-{invitation_id}"), key);
        p.typed = Some((invitation_id, f.email.clone()));
        Ok((status, p).into_response())
    };
    let Ok(email) = Email::parse(&f.email) else {
        return refused("sv-bad-email", StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let mail = unit_mail(state, &uc)?;
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    let sender = sender_for(user, unit_id);
    match survey_mailing::resend(
        &state.db,
        &ctx,
        unit_id,
        invitation_id,
        sender,
        &email,
        &|m| mail.compose(m),
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Refused(key)) => return refused(key, StatusCode::CONFLICT).await,
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/unit/{unit_id}/survey?done=survey-resent")).into_response())
}

impl ProgressPage {
    /// What the resend field of invitation `id` shows: the address typed into a refused form, or
    /// the one on file.
    pub fn email_value<'a>(&'a self, id: i64, on_file: &'a str) -> &'a str {
        match &self.typed {
            Some((typed_id, typed)) if *typed_id == id => typed,
            _ => on_file,
        }
    }
}

/// How this account may act on the unit's invitations, as the resend rule sees it.
fn sender_for(user: &User, unit_id: UnitId) -> Option<Sender> {
    Sender::of(user.role, user.unit_id == Some(unit_id))
}

pub async fn resend(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, invitation_id)): Path<(UnitId, i64)>,
    Form(f): Form<ResendForm>,
) -> AppResult<Response> {
    resend_for(&state, &meta, &o.user, o.unit_id, invitation_id, f).await
}

pub async fn resend_moha(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path((unit_id, invitation_id)): Path<(UnitId, i64)>,
    Form(f): Form<ResendForm>,
) -> AppResult<Response> {
    resend_for(&state, &meta, &user, unit_id, invitation_id, f).await
}

pub async fn pending_export(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
) -> AppResult<Response> {
    let s = UnitSurvey::load(&state, r.unit_id).await?;
    let lang = meta.lang;
    let headers: Vec<String> = lang.t_each(&[
        "rl-name",
        "rl-position",
        "rl-organisation",
        "rl-group",
        "rl-email",
        "rl-phone",
        "sv-col-delivery",
        "sv-col-reminders",
    ]);
    let rows: Vec<Vec<Cell>> = s
        .pending
        .iter()
        .map(|p| {
            vec![
                p.full_name.clone().into(),
                p.position.clone().into(),
                p.organisation.clone().into(),
                s.group_name(lang, &p.group_code).into(),
                p.email.clone().into(),
                p.phone.clone().into(),
                lang.t(&format!("sv-delivery-{}", p.delivery)).into(),
                p.reminders.into(),
            ]
        })
        .collect();
    let name = format!("chua-tra-loi-{}.xlsx", s.uc.unit.code);
    xlsx_table(&name, &lang.t("svp-sheet"), &headers, &rows)
}
