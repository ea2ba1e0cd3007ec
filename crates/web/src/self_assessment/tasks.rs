//! The unit's self-assessment: the task list of fields → criteria → leaves with a status each, one
//! page per leaf to score and explain it, and the flow officer → leader → MoHA. Survey and imported
//! leaves are shown read-only. Everything locks at the self-assessment deadline, on the server.

use crate::auth::{UnitLeaderOf, UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::self_assessment::{Loaded, act, stale};
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::self_assessments;
use parindex_db::users::User;
use parindex_domain::UnitId;
use parindex_domain::criteria::{Depth, Method, Node};
use parindex_domain::self_assessment::{
    self as sa, Action, Filter, LeafEntry, LeafStatus, State as SaState,
};
use parindex_domain::text;
use std::collections::HashMap;

pub struct TaskRow {
    pub depth: u8,
    pub code: String,
    pub name: String,
    pub max: String,
    pub is_leaf: bool,
    pub is_self: bool,
    pub method: String,
    pub score: String,
    pub status: String,
    pub status_label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "self_assessment.html")]
pub struct TaskListPage {
    pub page: Page,
    pub unit_id: UnitId,
    pub state: SaState,
    pub state_label: String,
    pub open: bool,
    pub illustrative: bool,
    pub rows: Vec<TaskRow>,
    /// (status, label, count) over the self-assessed leaves.
    pub counts: Vec<(String, String, usize)>,
    pub total_self: String,
    pub scored_self: String,
    pub complete: bool,
    pub difficulties: String,
    pub leader_comment: String,
    /// The report actions the domain offers this user now (`send`, `approve`, `return`, `submit`).
    pub offered: Vec<&'static str>,
    /// Whether this user may change the report now (the difficulties form).
    pub can_edit: bool,
    /// A leader's return comment as typed, kept when the return was refused.
    pub return_text: String,
    /// The filters over the self-assessed items: (name, label, how many it shows, whether it is on).
    pub filters: Vec<(&'static str, String, usize, bool)>,
    /// What a leader reviews before approving, when the page offers approval.
    pub review: Option<LeaderReview>,
}

/// The summary a leader reads before approving: the self-assessed points of each field against
/// its maximum, and how many items have no evidence.
pub struct LeaderReview {
    /// (code, name, points, maximum) of each field, over its self-assessed items.
    pub fields: Vec<(String, String, String, String)>,
    pub without_evidence: usize,
}

fn leader_review(meta: &Meta, l: &Loaded) -> LeaderReview {
    let selfs = l.self_leaves();
    let fields = l
        .set
        .walk()
        .into_iter()
        .filter(|(d, _)| *d == Depth::Field)
        .map(|(_, f)| {
            let prefix = format!("{}.", f.code);
            let under: Vec<&&Node> = selfs
                .iter()
                .filter(|n| n.code.starts_with(&prefix))
                .collect();
            let max: parindex_domain::Points = under.iter().map(|n| n.max).sum();
            let points: parindex_domain::Points =
                under.iter().filter_map(|n| l.entry(&n.code).score).sum();
            (
                f.code.clone(),
                meta.lang.pick(&f.name_vi, &f.name_en),
                meta.lang.decimal(&points.to_fixed()),
                meta.lang.decimal(&max.to_fixed()),
            )
        })
        .collect();
    let without_evidence = selfs
        .iter()
        .filter(|n| Filter::WithoutEvidence.keeps(&l.entry(&n.code)))
        .count();
    LeaderReview {
        fields,
        without_evidence,
    }
}

impl TaskListPage {
    /// Whether the page offers `action` (the domain decided; the template only asks).
    pub fn offers(&self, action: &str) -> bool {
        self.offered.contains(&action)
    }
}

/// Keeps the rows `filter` shows: self-assessed items it keeps, other items only when it shows
/// everything, and a field or criterion only above an item that is kept.
fn filtered(rows: Vec<(TaskRow, Option<LeafEntry>)>, filter: Filter) -> Vec<TaskRow> {
    if filter == Filter::All {
        return rows.into_iter().map(|(r, _)| r).collect();
    }
    let kept: Vec<bool> = rows
        .iter()
        .map(|(r, e)| r.is_leaf && e.as_ref().is_some_and(|e| filter.keeps(e)))
        .collect();
    let mut out = Vec::new();
    for (i, (row, _)) in rows.iter().enumerate() {
        let under = rows[i + 1..]
            .iter()
            .take_while(|(r, _)| r.depth > row.depth)
            .count();
        let show = if row.is_leaf {
            kept[i]
        } else {
            kept[i + 1..=i + under].iter().any(|k| *k)
        };
        if show {
            out.push(i);
        }
    }
    let mut rows: Vec<Option<TaskRow>> = rows.into_iter().map(|(r, _)| Some(r)).collect();
    out.into_iter().filter_map(|i| rows[i].take()).collect()
}

fn task_list(meta: &Meta, user: &User, l: &Loaded, filter: Filter) -> TaskListPage {
    let role = user.role;
    let mut page = Page::new(meta, user, "sa-title");
    page.title = format!("{} · {}", page.t("sa-title"), l.cx.unit.short_name);
    let mut counts: HashMap<LeafStatus, usize> = HashMap::new();
    let rows = l
        .set
        .walk()
        .into_iter()
        .map(|(d, n)| {
            let is_self = n.method == Some(Method::SelfAssessed);
            let entry = l.entry(&n.code);
            let status =
                (n.is_leaf() && d != Depth::Field && is_self).then(|| sa::leaf_status(&entry));
            if let Some(s) = status {
                *counts.entry(s).or_default() += 1;
            }
            let row = TaskRow {
                depth: match d {
                    Depth::Field => 0,
                    Depth::Criterion => 1,
                    Depth::SubCriterion => 2,
                },
                code: n.code.clone(),
                name: meta.lang.pick(&n.name_vi, &n.name_en),
                max: meta.lang.decimal(&n.max.to_fixed()),
                is_leaf: n.is_leaf() && d != Depth::Field,
                is_self,
                method: n
                    .method
                    .map(|m| meta.lang.t(&format!("method-{}", m.as_str())))
                    .unwrap_or_default(),
                score: entry
                    .score
                    .map(|p| meta.lang.decimal(&p.to_fixed()))
                    .unwrap_or_default(),
                status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
                status_label: status
                    .map(|s| meta.lang.t(&format!("sa-status-{}", s.as_str())))
                    .unwrap_or_default(),
            };
            (row, status.map(|_| entry))
        })
        .collect();
    let entries: Vec<LeafEntry> = l.self_leaves().iter().map(|n| l.entry(&n.code)).collect();
    let filters = Filter::ALL
        .into_iter()
        .map(|f| {
            (
                f.as_str(),
                meta.lang.t(&format!("sa-filter-{}", f.as_str())),
                entries.iter().filter(|e| f.keeps(e)).count(),
                f == filter,
            )
        })
        .collect();
    let rows = filtered(rows, filter);
    let offered: Vec<&'static str> = sa::flow::offered(l.report.state, role, l.open)
        .into_iter()
        .map(Action::as_str)
        .collect();
    let selfs = l.self_leaves();
    let total_self: parindex_domain::Points = selfs.iter().map(|n| n.max).sum();
    let scored_self: parindex_domain::Points =
        selfs.iter().filter_map(|n| l.entry(&n.code).score).sum();
    let counts = [
        LeafStatus::NotStarted,
        LeafStatus::InProgress,
        LeafStatus::NeedsExplanation,
        LeafStatus::Complete,
    ]
    .into_iter()
    .map(|s| {
        (
            s.as_str().to_string(),
            meta.lang.t(&format!("sa-status-{}", s.as_str())),
            counts.get(&s).copied().unwrap_or(0),
        )
    })
    .collect();
    TaskListPage {
        page,
        unit_id: l.cx.unit.id,
        state: l.report.state,
        state_label: meta
            .lang
            .t(&format!("sa-state-{}", l.report.state.as_str())),
        open: l.open,
        illustrative: l.set.illustrative,
        rows,
        counts,
        total_self: meta.lang.decimal(&total_self.to_fixed()),
        scored_self: meta.lang.decimal(&scored_self.to_fixed()),
        complete: l.complete(),
        difficulties: l.report.difficulties.clone(),
        leader_comment: l.report.leader_comment.clone(),
        can_edit: l.may_edit(role).is_ok(),
        return_text: String::new(),
        filters,
        review: offered
            .contains(&Action::Approve.as_str())
            .then(|| leader_review(meta, l)),
        offered,
    }
}

/// What a refused form on the task list had typed, to show it again.
enum Typed {
    Nothing,
    Difficulties(String),
    ReturnComment(String),
}

/// A refused step of the flow, or a refused save of the difficulties, shown on the task list itself:
/// the error in the summary, linked to `field`, and the typed text kept. Refusals the form cannot
/// fix (another unit, no session) go to the error page as before.
async fn on_task_list(
    state: &AppState,
    meta: &Meta,
    user: &User,
    unit_id: UnitId,
    field: &str,
    typed: Typed,
    err: AppError,
) -> AppResult<Response> {
    if !err.belongs_on_the_form() {
        return Err(err);
    }
    let l = Loaded::load(state, unit_id).await?;
    let mut p = task_list(meta, user, &l, Filter::All);
    p.page.error_msg(field, err.say(meta.lang));
    match typed {
        Typed::Nothing => {}
        Typed::Difficulties(t) => p.difficulties = t,
        Typed::ReturnComment(t) => p.return_text = t,
    }
    Ok((err.status(), p).into_response())
}

/// Where a step of the flow lands: the task list saying what was done, or the task list with the
/// refusal on it.
async fn step_outcome(
    state: &AppState,
    meta: &Meta,
    user: &User,
    unit_id: UnitId,
    action: Action,
    comment: &str,
) -> AppResult<Response> {
    let (field, typed) = match action {
        Action::Submit => ("confirm", Typed::Nothing),
        Action::Return => ("return-comment", Typed::ReturnComment(comment.to_string())),
        Action::SendForApproval | Action::Approve => ("report-state", Typed::Nothing),
    };
    match act(state, meta, user, unit_id, action, comment).await {
        Ok(()) => Ok(done(unit_id, action).into_response()),
        Err(e) => on_task_list(state, meta, user, unit_id, field, typed, e).await,
    }
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct TaskQuery {
    pub done: Option<String>,
    /// A filter's name (`unfinished`, `needs-explanation`, `without-evidence`); all when absent.
    pub show: String,
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Query(q): Query<TaskQuery>,
) -> AppResult<TaskListPage> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let mut p = task_list(&meta, &r.user, &l, Filter::parse(&q.show));
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct TextForm {
    pub text: String,
    pub confirm: String,
}

pub async fn save_difficulties(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Form(f): Form<TextForm>,
) -> AppResult<Response> {
    let refused = |e: AppError| {
        let typed = Typed::Difficulties(f.text.clone());
        on_task_list(
            &state,
            &meta,
            &o.user,
            o.unit_id,
            "difficulties-text",
            typed,
            e,
        )
    };
    let l = Loaded::load(&state, o.unit_id).await?;
    if let Err(e) = l.may_edit(o.user.role) {
        return refused(l.refusal(e, state.clock.now())).await;
    }
    let text = text::clean_paragraphs(&f.text);
    if text.chars().count() > 20_000 {
        return refused(AppError::BadRequest("field-too-long")).await;
    }
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    let saved =
        self_assessments::save_difficulties(&state.db, &ctx, l.cx.campaign.id, o.unit_id, &text)
            .await;
    if let Err(e) = saved {
        return refused(stale(e)).await;
    }
    Ok(Redirect::to(&format!(
        "/unit/{}/self-assessment?done=saved#difficulties",
        o.unit_id
    ))
    .into_response())
}

/// Where a step of the flow lands: the task list, saying what was done.
fn done(unit_id: UnitId, action: Action) -> Redirect {
    Redirect::to(&format!(
        "/unit/{unit_id}/self-assessment?done=sa-{}",
        action.as_str()
    ))
}

pub async fn send(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
) -> AppResult<Response> {
    step_outcome(
        &state,
        &meta,
        &o.user,
        o.unit_id,
        Action::SendForApproval,
        "",
    )
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Form(f): Form<TextForm>,
) -> AppResult<Response> {
    if f.confirm != "yes" {
        let e = AppError::BadRequest("sa-confirm-required");
        return on_task_list(
            &state,
            &meta,
            &o.user,
            o.unit_id,
            "confirm",
            Typed::Nothing,
            e,
        )
        .await;
    }
    step_outcome(&state, &meta, &o.user, o.unit_id, Action::Submit, "").await
}

pub async fn approve(
    State(state): State<AppState>,
    meta: Meta,
    l: UnitLeaderOf,
    Form(f): Form<TextForm>,
) -> AppResult<Response> {
    if f.confirm != "yes" {
        let e = AppError::BadRequest("sa-approve-confirm-required");
        let field = "approve-confirm";
        return on_task_list(&state, &meta, &l.user, l.unit_id, field, Typed::Nothing, e).await;
    }
    step_outcome(&state, &meta, &l.user, l.unit_id, Action::Approve, "").await
}

pub async fn send_back(
    State(state): State<AppState>,
    meta: Meta,
    l: UnitLeaderOf,
    Form(f): Form<TextForm>,
) -> AppResult<Response> {
    step_outcome(&state, &meta, &l.user, l.unit_id, Action::Return, &f.text).await
}

/// The state label for other pages (the unit's home).
pub fn state_label(meta: &Meta, s: SaState) -> String {
    meta.lang.t(&format!("sa-state-{}", s.as_str()))
}
