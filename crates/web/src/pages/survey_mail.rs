//! What the survey e-mails about one unit share: its official name, its answer deadline, the support
//! contact of its level (all from the unit's context, already loaded), and the address links point to
//! (the configured public origin, or the address the request came to).

use crate::meta::Meta;
use crate::pages::unit_context::UnitContext;
use crate::state::AppState;
use parindex_domain::{DeadlineKind, deadline};
use parindex_mail::UnitMail;

pub fn unit_mail(state: &AppState, meta: &Meta, uc: &UnitContext) -> UnitMail {
    let day = uc
        .day(DeadlineKind::SurveyAnswers)
        .map(deadline::display)
        .unwrap_or_default();
    let support = uc
        .support
        .as_ref()
        .map(|c| format!("{}, {}, {}", c.name, c.phone, c.email))
        .unwrap_or_default();
    let link_base = state
        .config
        .public_origin
        .clone()
        .unwrap_or_else(|| format!("http://{}", meta.host));
    UnitMail {
        year: uc.campaign.year,
        unit_name: uc.unit.name.clone(),
        deadline: day,
        support,
        link_base,
    }
}
