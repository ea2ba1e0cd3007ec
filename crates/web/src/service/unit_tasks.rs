//! What a unit has left to do, loaded in one call for its start page: its self-assessment, its
//! respondent list, its focal contacts and its survey's answers so far.

use crate::error::AppResult;
use crate::service::self_assessment::Loaded;
use crate::state::AppState;
use parindex_db::respondents::{self, List};
use parindex_db::survey_progress;
use parindex_domain::UnitId;
use parindex_domain::self_assessment::{Filter, LeafEntry};

pub(crate) struct UnitTasks {
    /// The report, with the unit's context (campaign, deadlines, contacts).
    pub(crate) sa: Loaded,
    pub(crate) list: List,
    /// People on the list, and how many have answered.
    pub(crate) listed: i64,
    pub(crate) answered: i64,
}

impl UnitTasks {
    #[tracing::instrument(name = "unit_tasks::load", skip(state))]
    pub(crate) async fn load(state: &AppState, unit_id: UnitId) -> AppResult<UnitTasks> {
        let sa = Loaded::load(state, unit_id).await?;
        let list = respondents::list(&state.db, unit_id).await?;
        let (mut listed, mut answered) = (0, 0);
        for r in survey_progress::by_group(&state.db, unit_id).await? {
            listed += r.counts.listed;
            answered += r.counts.completed;
        }
        Ok(UnitTasks {
            sa,
            list,
            listed,
            answered,
        })
    }

    /// Self-assessed items not finished yet, of all of them.
    pub(crate) fn unfinished(&self) -> (usize, usize) {
        let entries: Vec<LeafEntry> = self
            .sa
            .self_leaves()
            .iter()
            .map(|n| self.sa.entry(&n.code))
            .collect();
        let left = entries
            .iter()
            .filter(|e| Filter::Unfinished.keeps(e))
            .count();
        (left, entries.len())
    }
}
