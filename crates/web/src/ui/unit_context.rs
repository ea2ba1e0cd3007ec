//! Everything a unit page shows about its unit: the campaign, the deadlines as they apply to this unit
//! (with any extension), the support contact of its level, and its focal contacts.

use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use parindex_db::campaigns::{self, Campaign};
use parindex_db::contacts::{self, FocalRecord, SupportContact};
use parindex_db::deadlines;
use parindex_db::units::{self, Unit};
use parindex_domain::UnitId;
use parindex_domain::deadline::{self, DeadlineKind};
use serde::Serialize;
use time::{Date, OffsetDateTime};

/// A deadline as it applies to one unit: the campaign's day, or the unit's extension.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitDeadline {
    #[schema(schema_with = crate::api::schema::deadline_kind)]
    pub kind: DeadlineKind,
    /// ISO day that applies to this unit, if any.
    #[schema(format = Date)]
    pub due_date: Option<String>,
    pub extended: bool,
    pub extension_reason: Option<String>,
    pub open: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitContext {
    pub unit: Unit,
    pub campaign: Campaign,
    pub deadlines: Vec<UnitDeadline>,
    pub support: Option<SupportContact>,
    pub focal: Option<FocalRecord>,
}

impl UnitContext {
    pub async fn load(state: &AppState, unit_id: UnitId) -> AppResult<UnitContext> {
        let unit = units::get(&state.db, unit_id).await?;
        let campaign = campaigns::get(&state.db, unit.campaign_id).await?;
        let base = deadlines::for_campaign(&state.db, campaign.id).await?;
        let ext = deadlines::extensions_for_unit(&state.db, unit_id).await?;
        let now = state.clock.now();
        let deadlines = DeadlineKind::ALL
            .into_iter()
            .map(|k| {
                let b = base
                    .iter()
                    .find(|(kind, _)| kind == k.as_str())
                    .and_then(|(_, d)| deadline::parse_date(d));
                let e = ext.iter().find(|x| x.kind == k);
                let day = deadline::effective(b, e.and_then(|x| deadline::parse_date(&x.due_date)));
                UnitDeadline {
                    kind: k,
                    due_date: day.map(deadline::iso),
                    extended: e.is_some(),
                    extension_reason: e.map(|x| x.reason.clone()),
                    open: day.is_none_or(|d| deadline::is_open(d, now)),
                }
            })
            .collect();
        let support = contacts::support_for(&state.db, campaign.id)
            .await?
            .into_iter()
            .find(|c| c.level == unit.level);
        let focal = contacts::focal_for(&state.db, unit_id).await?;
        Ok(UnitContext {
            unit,
            campaign,
            deadlines,
            support,
            focal,
        })
    }

    /// The day the deadline of `kind` falls on for this unit, if it has one.
    pub fn day(&self, kind: DeadlineKind) -> Option<Date> {
        self.deadlines
            .iter()
            .find(|d| d.kind == kind)
            .and_then(|d| d.due_date.as_deref())
            .and_then(deadline::parse_date)
    }

    /// Refuses with the deadline when the action of `kind` is closed for this unit.
    pub fn ensure_open(&self, kind: DeadlineKind, now: OffsetDateTime) -> AppResult<()> {
        match self.day(kind) {
            Some(d) if !deadline::is_open(d, now) => Err(AppError::Locked {
                action_key: kind.action_key(),
                closed_at: deadline::display(d),
            }),
            _ => Ok(()),
        }
    }
}

/// A campaign's name in the reader's language.
pub fn campaign_title(meta: &Meta, c: &Campaign) -> String {
    match meta.lang {
        crate::i18n::Lang::Vi => c.name_vi.clone(),
        crate::i18n::Lang::En => c.name_en.clone(),
    }
}
