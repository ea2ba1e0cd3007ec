//! The unit's self-assessment: the task list of fields → criteria → leaves with a status each, one
//! page per leaf to score and explain it, and the flow officer → leader → MoHA. Survey and imported
//! leaves are shown read-only. Everything locks at the self-assessment deadline, on the server.

use crate::auth::{UnitLeaderOf, UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::self_assessment::{Loaded, SaveOutcome, act, find_leaf, save_score, stale};
use crate::state::AppState;
use crate::ui::layout::Page;
use crate::ui::upload::size_text;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::self_assessments;
use parindex_db::users::User;
use parindex_domain::criteria::{Depth, Method, Node};
use parindex_domain::self_assessment::{
    self as sa, Action, Filter, LeafEntry, LeafStatus, State as SaState, next_unfinished,
};
use parindex_domain::text;
use parindex_domain::{CampaignId, UnitId};
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
    pub unit_id: i64,
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
    unit_id: i64,
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
    unit_id: i64,
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

#[derive(Template, WebTemplate)]
#[template(path = "self_assessment_leaf.html")]
pub struct LeafPage {
    pub page: Page,
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    pub guidance: String,
    pub max: String,
    pub method: String,
    pub is_self: bool,
    pub editable: bool,
    pub score: String,
    pub explanation: String,
    pub status_label: String,
    /// Files backing this leaf: (id, name, reference, size text).
    pub files: Vec<(i64, String, String, String)>,
    /// The unit's other library files that could back it too: (id, name).
    pub library: Vec<(i64, String)>,
    /// The evidence form's page or section reference, kept when an upload was refused.
    pub reference: String,
    /// The next self-assessed item not finished yet, after this one (going round).
    pub next_unfinished: Option<String>,
}

fn leaf_page(
    meta: &Meta,
    user: &User,
    l: &Loaded,
    node: &Node,
    typed: Option<(&str, &str)>,
) -> LeafPage {
    let entry = l.entry(&node.code);
    let name = meta.lang.pick(&node.name_vi, &node.name_en);
    let mut page = Page::new(meta, user, "sa-title");
    page.title = format!("{} {}", node.code, name);
    let is_self = node.method == Some(Method::SelfAssessed);
    let items: Vec<(String, LeafEntry)> = l
        .self_leaves()
        .iter()
        .map(|n| (n.code.clone(), l.entry(&n.code)))
        .collect();
    let next_unfinished = next_unfinished(&items, &node.code).map(str::to_string);
    LeafPage {
        next_unfinished,
        unit_id: l.cx.unit.id,
        code: node.code.clone(),
        guidance: meta.lang.pick(&node.guidance_vi, &node.guidance_en),
        max: meta.lang.decimal(&node.max.to_fixed()),
        method: node
            .method
            .map(|m| meta.lang.t(&format!("method-{}", m.as_str())))
            .unwrap_or_default(),
        is_self,
        editable: is_self && l.may_edit(user.role).is_ok(),
        score: typed.map(|(s, _)| s.to_string()).unwrap_or_else(|| {
            entry
                .score
                .map(|p| meta.lang.decimal(&p.to_fixed()))
                .unwrap_or_default()
        }),
        explanation: typed
            .map(|(_, e)| e.to_string())
            .unwrap_or(entry.explanation.clone()),
        status_label: meta
            .lang
            .t(&format!("sa-status-{}", sa::leaf_status(&entry).as_str())),
        files: Vec::new(),
        library: Vec::new(),
        reference: String::new(),
        name,
        page,
    }
}

/// A refused change of a leaf's evidence shown on the leaf's page: the error in the summary,
/// linked to the file field, and the typed reference kept.
pub(super) async fn evidence_refused(
    state: &AppState,
    meta: &Meta,
    user: &User,
    unit_id: i64,
    code: &str,
    reference: String,
    err: AppError,
) -> AppResult<Response> {
    if !err.belongs_on_the_form() {
        return Err(err);
    }
    let l = Loaded::load(state, unit_id).await?;
    let node = find_leaf(&l.set, code)?;
    let mut p = leaf_page(meta, user, &l, node, None);
    p.page.error_msg("evidence-file", err.say(meta.lang));
    p.reference = reference;
    let p = with_evidence(state, unit_id, p).await?;
    Ok((err.status(), p).into_response())
}

/// Fills in the leaf's evidence and the library to choose from.
async fn with_evidence(state: &AppState, unit_id: i64, mut p: LeafPage) -> AppResult<LeafPage> {
    let linked = parindex_db::evidence::for_leaf(&state.db, unit_id, &p.code).await?;
    let linked_ids: Vec<i64> = linked.iter().map(|l| l.file.id).collect();
    p.files = linked
        .into_iter()
        .map(|l| {
            (
                l.file.id,
                l.file.filename,
                l.reference,
                size_text(l.file.size_bytes),
            )
        })
        .collect();
    p.library = parindex_db::evidence::library(&state.db, unit_id)
        .await?
        .into_iter()
        .filter(|f| !linked_ids.contains(&f.id))
        .map(|f| (f.id, f.filename))
        .collect();
    Ok(p)
}

pub async fn leaf(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Path((_unit, code)): Path<(i64, String)>,
) -> AppResult<LeafPage> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let node = find_leaf(&l.set, &code)?;
    with_evidence(&state, r.unit_id, leaf_page(&meta, &r.user, &l, node, None)).await
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct LeafForm {
    pub score: String,
    pub explanation: String,
}

pub async fn save_leaf(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, code)): Path<(i64, String)>,
    Form(f): Form<LeafForm>,
) -> AppResult<Response> {
    let l = Loaded::load(&state, o.unit_id).await?;
    let (status, problems) =
        match save_score(&state, &meta, &o.user, &l, &code, &f.score, &f.explanation).await {
            Ok(SaveOutcome::Saved(entry)) => {
                // The notice says where the item stands now, and why, not only "saved".
                let status = sa::leaf_status(&entry).as_str().replace('_', "-");
                return Ok(Redirect::to(&format!(
                    "/unit/{}/self-assessment?done=saved-{status}#leaf-{}",
                    o.unit_id, code
                ))
                .into_response());
            }
            Ok(SaveOutcome::Invalid(problems)) => (StatusCode::UNPROCESSABLE_ENTITY, problems),
            // Too late, or the report moved on: the typed text stays on the page to copy.
            Err(e) if e.belongs_on_the_form() => {
                (e.status(), vec![("leaf-score", e.say(meta.lang))])
            }
            Err(e) => return Err(e),
        };
    let node = find_leaf(&l.set, &code)?;
    let mut body = leaf_page(&meta, &o.user, &l, node, Some((&f.score, &f.explanation)));
    for (field, message) in problems {
        body.page.error_msg(field, message);
    }
    let body = with_evidence(&state, o.unit_id, body).await?;
    Ok((status, body).into_response())
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
    let saved = self_assessments::save_difficulties(
        &state.db,
        &ctx,
        CampaignId(l.cx.campaign.id),
        UnitId(o.unit_id),
        &text,
    )
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
fn done(unit_id: i64, action: Action) -> Redirect {
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
