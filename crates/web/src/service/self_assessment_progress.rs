//! Every unit's self-assessment in a campaign, as MoHA's dashboard shows it: where each report
//! stands ([`Progress`]), how many of its self-assessed leaves are complete, and the points the
//! unit gave itself.

use crate::error::AppResult;
use crate::state::AppState;
use parindex_db::{appraisals, campaigns, criteria_sets, evidence, self_assessments, units};
use parindex_domain::UnitId;
use parindex_domain::criteria::Method;
use parindex_domain::self_assessment::{LeafEntry, LeafStatus, Progress, leaf_status};
use parindex_domain::{CampaignId, Level, Points, text};
use std::collections::HashMap;

/// One unit's line.
pub(crate) struct UnitProgress {
    pub(crate) unit_id: UnitId,
    pub(crate) short_name: String,
    pub(crate) level: Level,
    pub(crate) progress: Progress,
    /// Self-assessed leaves complete, of `total`.
    pub(crate) complete: usize,
    pub(crate) total: usize,
    /// The unit's own points over its self-assessed leaves.
    pub(crate) points: Points,
}

pub(crate) struct CampaignProgress {
    pub(crate) year: i64,
    /// By level, then by name the Vietnamese way.
    pub(crate) units: Vec<UnitProgress>,
}

impl CampaignProgress {
    /// How many units stand at each step, in the order a report moves through them.
    pub(crate) fn totals(&self) -> Vec<(Progress, usize)> {
        Progress::ALL
            .into_iter()
            .map(|p| (p, self.units.iter().filter(|u| u.progress == p).count()))
            .collect()
    }
}

#[tracing::instrument(name = "self_assessment_progress::load", skip(state))]
pub(crate) async fn load(state: &AppState, campaign_id: CampaignId) -> AppResult<CampaignProgress> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let mut self_leaves: HashMap<Level, Vec<String>> = HashMap::new();
    for (level, stored) in criteria_sets::pinned(&state.db, campaign_id).await? {
        let set = state.criteria_tree(stored.id).await?;
        let leaves = set
            .leaves()
            .into_iter()
            .filter(|l| l.method == Some(Method::SelfAssessed))
            .map(|l| l.code.clone())
            .collect();
        self_leaves.insert(level, leaves);
    }
    let appraised = appraisals::stages(&state.db, campaign_id).await?;
    // Three queries for the whole campaign, not three per unit.
    let id = campaign_id;
    let mut reports = self_assessments::reports_in(&state.db, id).await?;
    let mut saved_by_unit = self_assessments::leaves_in(&state.db, id).await?;
    let mut evidence_by_unit = evidence::counts_in(&state.db, id).await?;
    let mut out = Vec::new();
    for u in units::list(&state.db, campaign_id).await? {
        let report = reports
            .remove(&u.id)
            .unwrap_or_else(self_assessments::not_started);
        let saved = saved_by_unit.remove(&u.id).unwrap_or_default();
        let ev = evidence_by_unit.remove(&u.id).unwrap_or_default();
        let entries: Vec<LeafEntry> = self_leaves
            .get(&u.level)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|code| self_assessments::entry(&saved, &ev, code))
            .collect();
        let started = !saved.is_empty() || !ev.is_empty();
        out.push(UnitProgress {
            unit_id: u.id,
            short_name: u.short_name,
            level: u.level,
            progress: Progress::of(report.state, started, appraised.get(&u.id).copied()),
            complete: entries
                .iter()
                .filter(|e| leaf_status(e) == LeafStatus::Complete)
                .count(),
            total: entries.len(),
            points: entries.iter().filter_map(|e| e.score).sum(),
        });
    }
    out.sort_by(|a, b| {
        a.level
            .as_str()
            .cmp(b.level.as_str())
            .then_with(|| text::compare_titles(&a.short_name, &b.short_name))
    });
    Ok(CampaignProgress {
        year: campaign.year,
        units: out,
    })
}
