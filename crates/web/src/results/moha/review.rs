//! Everything MoHA's results page shows, loaded in one call: the campaign and its scoring settings,
//! every stored version, the one shown with the newest published version before it (for "what
//! changed"), what stands in the way of publishing, and the imported figures. The campaign's units
//! are read once.

use super::imported_figures::items_by_unit;
use crate::error::{AppError, AppResult};
use crate::results::view::{self, Shown};
use crate::state::AppState;
use parindex_db::results::{ImportedFigure, VersionInfo};
use parindex_db::{campaigns, publication, results, units};
use parindex_domain::CampaignId;
use parindex_domain::scoring::publish::Facts;
use parindex_domain::scoring::{CampaignResult, ScoringSettings};
use std::collections::HashSet;

pub(super) struct Review {
    pub(super) campaign: campaigns::Campaign,
    pub(super) settings: ScoringSettings,
    pub(super) units_see_draft: bool,
    /// The draft (version 0) first, then published versions, newest first.
    pub(super) versions: Vec<VersionInfo>,
    /// The version asked for, or the newest stored one.
    pub(super) shown: Option<Shown>,
    /// The newest published version older than the one shown.
    pub(super) previous: Option<(VersionInfo, CampaignResult)>,
    pub(super) units: Vec<units::Unit>,
    pub(super) facts: Facts,
    /// How many imported-figure leaves the campaign's criteria sets have, over all units.
    pub(super) figure_items: usize,
    pub(super) figures: Vec<ImportedFigure>,
    /// The campaign's respondent groups, for the weights form.
    pub(super) groups: parindex_domain::respondents::GroupSet,
}

impl Review {
    /// `version`: the one asked for (not found if it does not exist); `None` shows the newest.
    pub(super) async fn load(
        state: &AppState,
        campaign_id: CampaignId,
        version: Option<i64>,
    ) -> AppResult<Review> {
        let campaign = campaigns::get(&state.db, campaign_id).await?;
        let (settings, units_see_draft) = results::settings(&state.db, campaign_id).await?;
        let versions = results::versions(&state.db, campaign_id).await?;
        let shown = match version.or_else(|| versions.first().map(|v| v.version)) {
            Some(v) => view::load(state, campaign_id, v).await?,
            None => None,
        };
        if version.is_some() && shown.is_none() {
            return Err(AppError::NotFound);
        }
        let older = shown.as_ref().and_then(|s| {
            versions
                .iter()
                .filter(|v| v.version > 0 && (s.is_draft() || v.version < s.info.version))
                .map(|v| v.version)
                .max()
        });
        let previous = match older {
            Some(o) => results::result(&state.db, campaign_id, o).await?,
            None => None,
        };
        let units = units::list(&state.db, campaign_id).await?;
        let figure_items = items_by_unit(state, campaign_id, &units)
            .await?
            .values()
            .map(HashSet::len)
            .sum();
        Ok(Review {
            groups: parindex_db::respondents::groups(&state.db, campaign_id).await?,
            settings,
            units_see_draft,
            shown,
            previous,
            facts: publication::facts(&state.db, campaign_id).await?,
            figures: results::imported_figures(&state.db, campaign_id).await?,
            figure_items,
            units,
            versions,
            campaign,
        })
    }

    /// The draft's input hash, if there is a draft.
    pub(super) fn draft_hash(&self) -> Option<String> {
        self.versions
            .iter()
            .find(|v| v.version == 0)
            .map(|v| v.input_sha256.clone())
    }

    /// "Short name (code)" for each code, or the code alone if no unit has it.
    pub(super) fn named(&self, codes: &[String]) -> Vec<String> {
        codes
            .iter()
            .map(|c| match self.units.iter().find(|u| &u.code == c) {
                Some(u) => format!("{} ({c})", u.short_name),
                None => c.clone(),
            })
            .collect()
    }
}
