//! The unit's self-assessment: the task list of fields → criteria → leaves with a status each, one
//! page per leaf to score and explain it, and the flow officer → leader → MoHA. Survey and imported
//! leaves are shown read-only. Everything locks at the self-assessment deadline, on the server.

use crate::auth::{UnitLeaderOf, UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::pages::layout::{DoneQuery, Page};
use crate::pages::unit_context::UnitContext;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::users::User;
use parindex_db::{DbError, criteria_sets, self_assessments};
use parindex_domain::criteria::{CriteriaSet, Depth, Method, Node};
use parindex_domain::deadline::DeadlineKind;
use parindex_domain::self_assessment::{
    self as sa, Action, FlowError, LeafEntry, LeafStatus, State as SaState,
};
use parindex_domain::{Role, text};
use std::collections::HashMap;

/// Everything the pages need about one unit's report.
pub(crate) struct Loaded {
    pub(crate) cx: UnitContext,
    pub(crate) set: std::sync::Arc<CriteriaSet>,
    pub(crate) report: self_assessments::Report,
    leaves: HashMap<String, self_assessments::Leaf>,
    evidence: HashMap<String, usize>,
    pub(crate) open: bool,
}

impl Loaded {
    pub(crate) async fn load(state: &AppState, unit_id: i64) -> AppResult<Loaded> {
        let cx = UnitContext::load(state, unit_id).await?;
        let pinned = criteria_sets::pinned(&state.db, cx.campaign.id).await?;
        let stored = pinned
            .into_iter()
            .find(|(level, _)| *level == cx.unit.level)
            .map(|(_, s)| s)
            .ok_or(AppError::BadRequest("sa-no-criteria-set"))?;
        let set = state.criteria_tree(stored.id).await?;
        let report = self_assessments::report(&state.db, unit_id).await?;
        let leaves = self_assessments::leaves(&state.db, unit_id).await?;
        let evidence = parindex_db::evidence::counts(&state.db, unit_id).await?;
        let open = cx
            .ensure_open(DeadlineKind::SelfAssessment, state.clock.now())
            .is_ok();
        Ok(Loaded {
            cx,
            set,
            report,
            leaves,
            evidence,
            open,
        })
    }

    pub(crate) fn entry(&self, code: &str) -> LeafEntry {
        let evidence_count = self.evidence.get(code).copied().unwrap_or(0);
        self.leaves
            .get(code)
            .map(|l| LeafEntry {
                score: l.score,
                explanation: l.explanation.clone(),
                evidence_count,
            })
            .unwrap_or(LeafEntry {
                evidence_count,
                ..LeafEntry::default()
            })
    }

    /// What the unit saved for a leaf, if anything.
    pub(crate) fn saved(&self, code: &str) -> Option<self_assessments::Leaf> {
        self.leaves.get(code).cloned()
    }

    pub(crate) fn self_leaves(&self) -> Vec<&Node> {
        self.set
            .leaves()
            .into_iter()
            .filter(|l| l.method == Some(Method::SelfAssessed))
            .collect()
    }

    /// Every self-assessed leaf scored, and explained where it has no evidence.
    pub(crate) fn complete(&self) -> bool {
        self.self_leaves()
            .iter()
            .all(|l| sa::leaf_status(&self.entry(&l.code)) == LeafStatus::Complete)
    }

    /// Whether `role` may change this report now (the domain's rule, with this report's state and
    /// deadline).
    pub(crate) fn may_edit(&self, role: Role) -> Result<(), FlowError> {
        sa::flow::may_edit(self.report.state, role, self.open)
    }

    /// Whether the report is open to its officers' changes (the API's `editable`).
    pub(crate) fn editable(&self) -> bool {
        self.may_edit(Role::UnitOfficer).is_ok()
    }

    /// The refusal of `e` for this report, as the user reads it.
    pub(crate) fn refusal(&self, e: FlowError, now: time::OffsetDateTime) -> AppError {
        flow_error(e, self, now)
    }
}

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
    pub state: String,
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
}

impl TaskListPage {
    /// Whether the page offers `action` (the domain decided; the template only asks).
    pub fn offers(&self, action: &str) -> bool {
        self.offered.contains(&action)
    }
}

fn task_list(meta: &Meta, user: &User, l: &Loaded) -> TaskListPage {
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
            TaskRow {
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
            }
        })
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
        state: l.report.state.as_str().to_string(),
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
        offered: sa::flow::offered(l.report.state, role, l.open)
            .into_iter()
            .map(Action::as_str)
            .collect(),
        can_edit: l.may_edit(role).is_ok(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Query(q): Query<DoneQuery>,
) -> AppResult<TaskListPage> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let mut p = task_list(&meta, &r.user, &l);
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
    LeafPage {
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
        name,
        page,
    }
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

pub(crate) fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!(
            "{}.{} MB",
            bytes / (1024 * 1024),
            (bytes % (1024 * 1024)) * 10 / (1024 * 1024)
        )
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

pub(crate) fn find_leaf<'a>(set: &'a CriteriaSet, code: &str) -> AppResult<&'a Node> {
    set.leaves()
        .into_iter()
        .find(|n| n.code == code)
        .ok_or(AppError::NotFound)
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

pub(crate) fn stale(e: DbError) -> AppError {
    match e {
        DbError::Stale => AppError::BadRequest("sa-wrong-state"),
        other => other.into(),
    }
}

/// The outcome of a score save: saved, or the input's problems by field (nothing saved).
pub(crate) enum SaveOutcome {
    /// Saved; the leaf as it is now, in the API's JSON form.
    Saved(serde_json::Value),
    Invalid(Vec<(&'static str, String)>),
}

/// Checks and saves one leaf's score and explanation, for the page and the API alike: the leaf must be
/// self-assessed, the deadline open, the report a draft, the score within [0, max].
pub(crate) async fn save_score(
    state: &AppState,
    meta: &Meta,
    officer: &User,
    l: &Loaded,
    code: &str,
    raw_score: &str,
    raw_explanation: &str,
) -> AppResult<SaveOutcome> {
    let node = find_leaf(&l.set, code)?;
    if node.method != Some(Method::SelfAssessed) {
        return Err(AppError::BadRequest("sa-not-self"));
    }
    l.may_edit(officer.role)
        .map_err(|e| l.refusal(e, state.clock.now()))?;
    let mut problems = Vec::new();
    let explanation = text::clean(raw_explanation);
    let max = meta.lang.decimal(&node.max.to_fixed());
    let score = sa::check_score(raw_score, node.max).unwrap_or_else(|e| {
        problems.push((
            "score",
            meta.lang.t_args(e.message_key(), &[("max", max.clone())]),
        ));
        None
    });
    if explanation.chars().count() > 5000 {
        problems.push(("explanation", meta.lang.t("field-too-long")));
    }
    if !problems.is_empty() {
        return Ok(SaveOutcome::Invalid(problems));
    }
    let ctx = meta.ctx(Some(officer.id), &officer.username, state.clock.now_ms());
    self_assessments::save_leaf(
        &state.db,
        &ctx,
        l.cx.campaign.id,
        l.cx.unit.id,
        code,
        score,
        &explanation,
    )
    .await
    .map_err(stale)?;
    let entry = LeafEntry {
        score,
        explanation,
        evidence_count: l.entry(code).evidence_count,
    };
    Ok(SaveOutcome::Saved(leaf_json(node, &entry)))
}

pub async fn save_leaf(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, code)): Path<(i64, String)>,
    Form(f): Form<LeafForm>,
) -> AppResult<Response> {
    let l = Loaded::load(&state, o.unit_id).await?;
    match save_score(&state, &meta, &o.user, &l, &code, &f.score, &f.explanation).await? {
        SaveOutcome::Saved(_) => Ok(Redirect::to(&format!(
            "/unit/{}/self-assessment?done=saved#leaf-{}",
            o.unit_id, code
        ))
        .into_response()),
        SaveOutcome::Invalid(problems) => {
            let node = find_leaf(&l.set, &code)?;
            let mut body = leaf_page(&meta, &o.user, &l, node, Some((&f.score, &f.explanation)));
            for (field, message) in problems {
                body.page.error_msg(field, message);
            }
            let body = with_evidence(&state, o.unit_id, body).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
    }
}

/// The report as JSON for `/api/v1`: its state, whether it is open, and every leaf.
/// One leaf as `/api/v1` shows it.
pub(crate) fn leaf_json(n: &Node, e: &LeafEntry) -> serde_json::Value {
    let is_self = n.method == Some(Method::SelfAssessed);
    serde_json::json!({
        "code": n.code, "name_vi": n.name_vi, "name_en": n.name_en, "max": n.max,
        "method": n.method.map(|m| m.as_str()),
        "score": e.score, "explanation": e.explanation, "evidence_count": e.evidence_count,
        "status": is_self.then(|| sa::leaf_status(e).as_str()),
    })
}

/// The report as JSON for `/api/v1`: its state, whether it is open, and every leaf.
pub(crate) async fn report_json(state: &AppState, unit_id: i64) -> AppResult<serde_json::Value> {
    let l = Loaded::load(state, unit_id).await?;
    let leaves: Vec<serde_json::Value> = l
        .set
        .leaves()
        .into_iter()
        .map(|n| leaf_json(n, &l.entry(&n.code)))
        .collect();
    Ok(serde_json::json!({
        "unit_id": unit_id,
        "state": l.report.state.as_str(),
        "open": l.open,
        "editable": l.editable(),
        "complete": l.complete(),
        "leader_comment": l.report.leader_comment,
        "difficulties": l.report.difficulties,
        "leaves": leaves,
    }))
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
) -> AppResult<Redirect> {
    let l = Loaded::load(&state, o.unit_id).await?;
    l.may_edit(o.user.role)
        .map_err(|e| l.refusal(e, state.clock.now()))?;
    let text = text::clean_paragraphs(&f.text);
    if text.chars().count() > 20_000 {
        return Err(AppError::BadRequest("field-too-long"));
    }
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    self_assessments::save_difficulties(&state.db, &ctx, l.cx.campaign.id, o.unit_id, &text)
        .await
        .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "/unit/{}/self-assessment?done=saved#difficulties",
        o.unit_id
    )))
}

fn flow_error(e: FlowError, l: &Loaded, now: time::OffsetDateTime) -> AppError {
    match e {
        // The lock's own error names the deadline.
        FlowError::Locked => {
            l.cx.ensure_open(DeadlineKind::SelfAssessment, now)
                .err()
                .unwrap_or(AppError::BadRequest("sa-locked"))
        }
        FlowError::WrongRole => AppError::Forbidden,
        other => AppError::BadRequest(other.message_key()),
    }
}

async fn act(
    state: &AppState,
    meta: &Meta,
    user: &User,
    unit_id: i64,
    action: Action,
    comment: &str,
) -> AppResult<Redirect> {
    let l = Loaded::load(state, unit_id).await?;
    let role = user.role;
    let from = l.report.state;
    let to = sa::flow::next(from, action, role, l.open, l.complete(), comment)
        .map_err(|e| flow_error(e, &l, state.clock.now()))?;
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    let comment = if action == Action::Return {
        text::clean(comment)
    } else {
        String::new()
    };
    self_assessments::transition(
        &state.db,
        &ctx,
        l.cx.campaign.id,
        unit_id,
        from,
        to,
        &comment,
    )
    .await
    .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "/unit/{unit_id}/self-assessment?done=sa-{}",
        action.as_str()
    )))
}

pub async fn send(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
) -> AppResult<Redirect> {
    act(
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
) -> AppResult<Redirect> {
    if f.confirm != "yes" {
        return Err(AppError::BadRequest("sa-confirm-required"));
    }
    act(&state, &meta, &o.user, o.unit_id, Action::Submit, "").await
}

pub async fn approve(
    State(state): State<AppState>,
    meta: Meta,
    l: UnitLeaderOf,
) -> AppResult<Redirect> {
    act(&state, &meta, &l.user, l.unit_id, Action::Approve, "").await
}

pub async fn send_back(
    State(state): State<AppState>,
    meta: Meta,
    l: UnitLeaderOf,
    Form(f): Form<TextForm>,
) -> AppResult<Redirect> {
    act(&state, &meta, &l.user, l.unit_id, Action::Return, &f.text).await
}

/// The state label for other pages (the unit's home).
pub fn state_label(meta: &Meta, s: SaState) -> String {
    meta.lang.t(&format!("sa-state-{}", s.as_str()))
}
