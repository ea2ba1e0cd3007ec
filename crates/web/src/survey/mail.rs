//! What the survey e-mails about one unit share: its official name, its answer deadline, the support
//! contact of its level, the campaign's organiser who signs (all from the unit's context, already
//! loaded), and the address links point to:
//! always the configured public origin, never the Host a request names (which anyone can forge).
//! Without one, nothing is sent and the user is told why.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::ui::unit_context::UnitContext;
use parindex_domain::{DeadlineKind, deadline};
use parindex_mail::UnitMail;

/// Where personal links point: the configured public origin.
pub fn link_base(state: &AppState) -> AppResult<String> {
    state
        .config
        .public_origin
        .clone()
        .ok_or(AppError::NotConfigured("sv-no-public-origin"))
}

pub fn unit_mail(state: &AppState, uc: &UnitContext) -> AppResult<UnitMail> {
    let day = uc
        .day(DeadlineKind::SurveyAnswers)
        .map(deadline::display)
        .unwrap_or_default();
    let support = uc
        .support
        .as_ref()
        .map(|c| format!("{}, {}, {}", c.name, c.phone, c.email))
        .unwrap_or_default();
    let link_base = link_base(state)?;
    Ok(UnitMail {
        year: uc.campaign.year,
        unit_name: uc.unit.name.clone(),
        deadline: day,
        support,
        link_base,
        organiser: uc.campaign.organiser.clone(),
    })
}
