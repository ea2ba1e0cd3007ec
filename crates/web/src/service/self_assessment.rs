//! The self-assessment service: one unit's report loaded once for a page or an API call, a leaf's
//! score saved, and a step of the report's flow taken, each through the domain's rules. The
//! self-assessment pages, the appraisal pages and the API all call these.

use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::unit_context::UnitContext;
use parindex_db::users::User;
use parindex_db::{DbError, criteria_sets, self_assessments};
use parindex_domain::UnitId;
use parindex_domain::criteria::{CriteriaSet, Method, Node};
use parindex_domain::deadline::DeadlineKind;
use parindex_domain::self_assessment::{self as sa, Action, FlowError, LeafEntry, LeafStatus};
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
    #[tracing::instrument(name = "self_assessment::load", skip(state))]
    pub(crate) async fn load(state: &AppState, unit_id: UnitId) -> AppResult<Loaded> {
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
        self_assessments::entry(&self.leaves, &self.evidence, code)
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

/// The leaf `code` of the criteria set, or not found.
pub(crate) fn find_leaf<'a>(set: &'a CriteriaSet, code: &str) -> AppResult<&'a Node> {
    set.leaves()
        .into_iter()
        .find(|n| n.code == code)
        .ok_or(AppError::NotFound)
}

/// A write refused because the report moved on: the user reads "wrong state".
pub(crate) fn stale(e: DbError) -> AppError {
    match e {
        DbError::Stale => AppError::BadRequest("sa-wrong-state"),
        other => other.into(),
    }
}

/// The outcome of a score save: saved, or the input's problems by field (nothing saved).
pub(crate) enum SaveOutcome {
    /// Saved; the leaf as it is now.
    Saved(LeafEntry),
    Invalid(Vec<(&'static str, String)>),
}

/// Checks and saves one leaf's score and explanation, for the page and the API alike: the leaf must be
/// self-assessed, the deadline open, the report a draft, the score within [0, max].
#[tracing::instrument(skip_all, fields(actor = %officer.username, unit_id = %l.cx.unit.id, code = %code))]
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
    Ok(SaveOutcome::Saved(entry))
}

/// The refusal of a flow error as the user reads it; a lock names the deadline.
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

/// Takes one step of the report's flow (send, submit, approve, return) for `user`: the domain's
/// `flow::next` decides, and the write re-checks the state and the deadline in its transaction.
#[tracing::instrument(skip_all, fields(actor = %user.username, unit_id = %unit_id, action = action.as_str()))]
pub(crate) async fn act(
    state: &AppState,
    meta: &Meta,
    user: &User,
    unit_id: UnitId,
    action: Action,
    comment: &str,
) -> AppResult<()> {
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
    Ok(())
}
