//! A unit's start page: what is left to do, each task with where it stands and the time left before
//! its deadline (the nearest first); then the campaign and legal basis, the deadlines that apply to
//! the unit (extensions included), the support contact of its level, and its focal contacts.

use crate::auth::UnitReader;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::meta::Meta;
use crate::service::unit_tasks::UnitTasks;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use crate::ui::unit_context::UnitContext;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use parindex_domain::deadline::{self, Countdown, DeadlineKind};
use parindex_domain::respondents::ListState;
use parindex_domain::self_assessment::State as SaState;
use time::OffsetDateTime;

/// One thing the unit has to do by a deadline.
pub struct HomeTask {
    pub kind: DeadlineKind,
    pub label: String,
    pub href: String,
    /// Nothing is left for the unit to do.
    pub done: bool,
    /// Where it stands, e.g. "Đang soạn · 62/97 mục chưa xong".
    pub status: String,
    /// The time left before the deadline ("còn 2 ngày 5 giờ"), or that it has passed; empty when
    /// there is no deadline.
    pub left: String,
    /// Minutes left, for finding the nearest deadline; `None` once closed or without one.
    minutes_left: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "unit_home.html")]
pub struct UnitHomePage {
    pub page: Page,
    pub cx: UnitContext,
    pub campaign_name: String,
    pub can_edit_focal: bool,
    pub tasks: Vec<HomeTask>,
    /// The unfinished task whose deadline comes first, if any is still open.
    pub nearest: Option<usize>,
}

impl UnitHomePage {
    pub fn nearest_task(&self) -> Option<&HomeTask> {
        self.nearest.and_then(|i| self.tasks.get(i))
    }
}

/// "còn 2 ngày 5 giờ", "còn 3 giờ 20 phút", or "đã hết hạn".
fn left_text(lang: Lang, c: Option<Countdown>) -> String {
    match c {
        None => lang.t("home-left-closed"),
        Some(c) if c.days > 0 => lang.t_args(
            "home-left-days",
            &[("days", c.days.to_string()), ("hours", c.hours.to_string())],
        ),
        Some(c) => lang.t_args(
            "home-left-hours",
            &[
                ("hours", c.hours.to_string()),
                ("minutes", c.minutes.to_string()),
            ],
        ),
    }
}

fn tasks(lang: Lang, t: &UnitTasks, now: OffsetDateTime) -> Vec<HomeTask> {
    let cx = &t.sa.cx;
    let unit = cx.unit.id;
    let order = [
        DeadlineKind::FocalRegistration,
        DeadlineKind::RespondentList,
        DeadlineKind::SurveyAnswers,
        DeadlineKind::SelfAssessment,
    ];
    order
        .into_iter()
        .map(|kind| {
            let (href, done, status) = match kind {
                DeadlineKind::FocalRegistration => (
                    format!("/unit/{unit}/focal"),
                    cx.focal.is_some(),
                    lang.t(if cx.focal.is_some() {
                        "home-focal-done"
                    } else {
                        "focal-missing"
                    }),
                ),
                DeadlineKind::RespondentList => (
                    format!("/unit/{unit}/respondents"),
                    t.list.state != ListState::Draft,
                    lang.t(&format!("home-list-{}", t.list.state.as_str())),
                ),
                DeadlineKind::SurveyAnswers => (
                    format!("/unit/{unit}/survey"),
                    false,
                    lang.t_args(
                        "home-survey-answered",
                        &[
                            ("answered", t.answered.to_string()),
                            ("listed", t.listed.to_string()),
                        ],
                    ),
                ),
                DeadlineKind::SelfAssessment => {
                    let state = t.sa.report.state;
                    let label = lang.t(&format!("sa-state-{}", state.as_str()));
                    let (left, total) = t.unfinished();
                    let status = if state == SaState::Submitted || left == 0 {
                        label
                    } else {
                        format!(
                            "{label} · {}",
                            lang.t_args(
                                "home-sa-unfinished",
                                &[("left", left.to_string()), ("total", total.to_string())],
                            )
                        )
                    };
                    (
                        format!("/unit/{unit}/self-assessment?show=unfinished"),
                        state == SaState::Submitted,
                        status,
                    )
                }
            };
            let day = cx
                .deadlines
                .iter()
                .find(|d| d.kind == kind)
                .and_then(|d| d.due_date.as_deref())
                .and_then(deadline::parse_date);
            let countdown = day.and_then(|d| deadline::countdown(d, now));
            HomeTask {
                kind,
                label: lang.t(&format!("deadline-{}", kind.as_str())),
                href,
                done,
                status,
                left: day.map(|_| left_text(lang, countdown)).unwrap_or_default(),
                minutes_left: countdown.map(|c| (c.days * 24 + c.hours) * 60 + c.minutes),
            }
        })
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Query(q): Query<DoneQuery>,
) -> AppResult<UnitHomePage> {
    let t = UnitTasks::load(&state, r.unit_id).await?;
    let tasks = tasks(meta.lang, &t, state.clock.now());
    let nearest = tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.done)
        .filter_map(|(i, t)| t.minutes_left.map(|m| (m, i)))
        .min()
        .map(|(_, i)| i);
    let cx = t.sa.cx;
    let page = Page::new(&meta, &r.user, "unit-home-title")
        .with_notice(q.done.as_deref())
        .with_title(cx.unit.name.clone());
    let campaign_name = crate::ui::unit_context::campaign_title(&meta, &cx.campaign);
    let can_edit_focal = r.user.role == parindex_domain::Role::UnitOfficer;
    Ok(UnitHomePage {
        page,
        cx,
        campaign_name,
        can_edit_focal,
        tasks,
        nearest,
    })
}
