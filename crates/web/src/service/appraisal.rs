//! One unit's appraisal as the pages and the API need it: the submitted report with its leaves, the
//! appraisal's stage and decisions, and each leaf's history (self → round 1 → explanation → round 2 →
//! final). What the unit may see is decided here, once: round 1 after it was sent, round 2 when final.

use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::self_assessment::Loaded;
use crate::state::AppState;
use parindex_db::appraisals::{self, Appraisal, AppraisedLeaf, Decided};
use parindex_db::users::User;
use parindex_domain::Points;
use parindex_domain::UnitId;
use parindex_domain::appraisal::{ExplainRefusal, Stage, StepInput, Verdict, final_score};
use parindex_domain::criteria::Node;
use parindex_domain::deadline;
use parindex_domain::self_assessment::State as SaState;
use std::collections::HashMap;
use time::OffsetDateTime;

pub(crate) struct Appraised {
    pub(crate) sa: Loaded,
    pub(crate) ap: Appraisal,
    leaves: HashMap<String, AppraisedLeaf>,
}

/// Who is looking: MoHA sees everything as it stands; the unit sees what was sent to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Viewer {
    Moha,
    Unit,
}

impl Appraised {
    #[tracing::instrument(name = "appraisal::load", skip(state))]
    pub(crate) async fn load(state: &AppState, unit_id: UnitId) -> AppResult<Appraised> {
        let sa = Loaded::load(state, unit_id).await?;
        let ap = appraisals::get(&state.db, unit_id).await?;
        let leaves = appraisals::leaves(&state.db, unit_id).await?;
        Ok(Appraised { sa, ap, leaves })
    }

    /// The appraisal exists only for a submitted report.
    pub(crate) fn submitted(&self) -> bool {
        self.sa.report.state == SaState::Submitted
    }

    /// The appraisal's stage, once the report has reached MoHA.
    pub(crate) fn standing(&self) -> Option<Stage> {
        self.submitted().then_some(self.ap.stage)
    }

    /// The stage's name for message keys and style classes: "not_submitted" before the report
    /// reaches MoHA.
    pub(crate) fn standing_key(&self) -> &'static str {
        self.standing().map_or("not_submitted", Stage::as_str)
    }

    /// The leaf's appraisal so far (nothing decided when it has none).
    pub(crate) fn leaf(&self, code: &str) -> &AppraisedLeaf {
        static UNDECIDED: AppraisedLeaf = AppraisedLeaf {
            round1: None,
            explanation: String::new(),
            explained_at: None,
            round2: None,
        };
        self.leaves.get(code).unwrap_or(&UNDECIDED)
    }

    pub(crate) fn self_score(&self, code: &str) -> Option<Points> {
        self.sa.saved(code).and_then(|l| l.score)
    }

    /// Whether `user` may explain now (the domain's `appraisal::may_explain` with this unit's report,
    /// stage and window).
    pub(crate) fn may_explain(
        &self,
        user: &parindex_db::users::User,
        now: OffsetDateTime,
    ) -> Result<(), parindex_domain::appraisal::ExplainRefusal> {
        parindex_domain::appraisal::may_explain(
            user.role,
            self.submitted(),
            self.ap.stage,
            self.window_open(now),
        )
    }

    /// Is the unit's explanation window open at `now`? (Only meaningful while explaining.)
    pub(crate) fn window_open(&self, now: OffsetDateTime) -> bool {
        self.ap
            .explain_due
            .as_deref()
            .and_then(deadline::parse_date)
            .is_none_or(|d| deadline::is_open(d, now))
    }

    pub(crate) fn adjusted(&self) -> Vec<&Node> {
        self.sa
            .self_leaves()
            .into_iter()
            .filter(|n| self.leaf(&n.code).adjusted())
            .collect()
    }

    pub(crate) fn input(&self, now: OffsetDateTime) -> StepInput {
        let selfs = self.sa.self_leaves();
        let adjusted = self.adjusted();
        StepInput {
            round1_complete: selfs.iter().all(|n| self.leaf(&n.code).round1.is_some()),
            adjusted: adjusted.len(),
            window_open: self.window_open(now),
            round2_complete: adjusted.iter().all(|n| self.leaf(&n.code).round2.is_some()),
        }
    }

    /// The next leaf after `code`, going round to the start, that still needs a decision in the
    /// current round, so that a round is worked through in one go.
    pub(crate) fn next_pending(&self, code: &str) -> Option<String> {
        let codes: Vec<&str> = self
            .sa
            .self_leaves()
            .iter()
            .map(|n| n.code.as_str())
            .collect();
        let at = codes.iter().position(|c| *c == code).unwrap_or(0);
        codes[at + 1..]
            .iter()
            .chain(codes[..at].iter())
            .find(|c| self.pending(c))
            .map(|c| c.to_string())
    }

    /// Does this leaf still need a decision in the current round?
    pub(crate) fn pending(&self, code: &str) -> bool {
        let l = self.leaf(code);
        match self.ap.stage {
            Stage::Round1 => l.round1.is_none(),
            Stage::Round2 => l.adjusted() && l.round2.is_none(),
            _ => false,
        }
    }

    /// The leaf's score as it stands for `viewer`: final for MoHA, and for the unit what it was told.
    pub(crate) fn current(&self, code: &str, viewer: Viewer) -> Option<Points> {
        let l = self.leaf(code);
        let (r1, r2) = self.visible(l, viewer);
        final_score(
            self.self_score(code),
            r1.map(|d| d.score),
            r2.map(|d| d.score),
        )
    }

    /// The decisions of a leaf's two rounds that `viewer` may see now.
    pub(crate) fn visible<'a>(
        &self,
        l: &'a AppraisedLeaf,
        viewer: Viewer,
    ) -> (Option<&'a Decided>, Option<&'a Decided>) {
        match viewer {
            Viewer::Moha => (l.round1.as_ref(), l.round2.as_ref()),
            Viewer::Unit => (
                l.round1
                    .as_ref()
                    .filter(|_| self.ap.stage.round1_visible_to_unit()),
                l.round2
                    .as_ref()
                    .filter(|_| self.ap.stage.round2_visible_to_unit()),
            ),
        }
    }

    /// MoHA sees an explanation once the unit sent it (round 2 on); the unit always sees its own.
    pub(crate) fn explanation_visible(&self, viewer: Viewer) -> bool {
        viewer == Viewer::Unit || matches!(self.ap.stage, Stage::Round2 | Stage::Final)
    }

    /// The history of every self-assessed leaf (or only the adjusted ones), as `viewer` may see it.
    pub(crate) fn history(
        &self,
        meta: &Meta,
        viewer: Viewer,
        only_adjusted: bool,
    ) -> Vec<HistoryRow> {
        self.sa
            .self_leaves()
            .into_iter()
            .filter(|n| !only_adjusted || self.adjusted_for(&n.code, viewer))
            .map(|n| self.row(meta, n, viewer))
            .collect()
    }

    /// One self-assessed leaf's history, as `viewer` may see it; None for any other code.
    pub(crate) fn history_row(
        &self,
        meta: &Meta,
        code: &str,
        viewer: Viewer,
    ) -> Option<HistoryRow> {
        self.sa
            .self_leaves()
            .into_iter()
            .find(|n| n.code == code)
            .map(|n| self.row(meta, n, viewer))
    }

    /// Did round 1 adjust this leaf, as far as `viewer` may know?
    pub(crate) fn adjusted_for(&self, code: &str, viewer: Viewer) -> bool {
        let (r1, _) = self.visible(self.leaf(code), viewer);
        r1.is_some_and(|d| d.verdict == Verdict::Adjust)
    }

    fn row(&self, meta: &Meta, n: &Node, viewer: Viewer) -> HistoryRow {
        let num = |p: Option<Points>| {
            p.map(|p| meta.lang.decimal(&p.to_fixed()))
                .unwrap_or_default()
        };
        let l = self.leaf(&n.code);
        let (r1, r2) = self.visible(l, viewer);
        let own = self.self_score(&n.code);
        let now = self.current(&n.code, viewer);
        let verdict = |d: Option<&Decided>| DecisionCell {
            verdict: d
                .map(|d| d.verdict.as_str().to_string())
                .unwrap_or_default(),
            label: d
                .map(|d| meta.lang.t(&format!("ap-verdict-{}", d.verdict.as_str())))
                .unwrap_or_default(),
            score: num(d.map(|d| d.score)),
            comment: d.map(|d| d.comment.clone()).unwrap_or_default(),
        };
        HistoryRow {
            code: n.code.clone(),
            name: meta.lang.pick(&n.name_vi, &n.name_en),
            max: meta.lang.decimal(&n.max.to_fixed()),
            self_score: num(own),
            self_explanation: self
                .sa
                .saved(&n.code)
                .map(|s| s.explanation)
                .unwrap_or_default(),
            evidence: self.sa.entry(&n.code).evidence_count,
            round1: verdict(r1),
            adjusted: l.adjusted() && r1.is_some(),
            explanation: if self.explanation_visible(viewer) {
                l.explanation.clone()
            } else {
                String::new()
            },
            round2: verdict(r2),
            current: num(now),
            changed: now != own,
            pending: viewer == Viewer::Moha && self.pending(&n.code),
        }
    }

    /// Self-assessed points: the unit's own, and as they stand for `viewer`.
    pub(crate) fn totals(&self, viewer: Viewer) -> (Points, Points) {
        let selfs = self.sa.self_leaves();
        let own = selfs.iter().filter_map(|n| self.self_score(&n.code)).sum();
        let now = selfs
            .iter()
            .filter_map(|n| self.current(&n.code, viewer))
            .sum();
        (own, now)
    }
}

pub struct DecisionCell {
    pub verdict: String,
    pub label: String,
    pub score: String,
    pub comment: String,
}

pub struct HistoryRow {
    pub code: String,
    pub name: String,
    pub max: String,
    pub self_score: String,
    pub self_explanation: String,
    pub evidence: usize,
    pub round1: DecisionCell,
    pub adjusted: bool,
    pub explanation: String,
    pub round2: DecisionCell,
    /// The score as it stands now (final once the appraisal is final).
    pub current: String,
    pub changed: bool,
    /// Waiting for a decision in the current round (MoHA's view).
    pub pending: bool,
}

/// Refuses unless `user` may explain the appraiser's verdicts now (the unit's officer, in an open
/// round).
pub(crate) fn ensure_explaining(state: &AppState, user: &User, a: &Appraised) -> AppResult<()> {
    a.may_explain(user, state.clock.now()).map_err(|e| match e {
        ExplainRefusal::WrongRole => AppError::Forbidden,
        other => AppError::BadRequest(other.message_key()),
    })
}
