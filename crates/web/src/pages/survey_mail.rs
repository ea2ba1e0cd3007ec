//! What the survey e-mails about one unit share: its official name, its answer deadline, the support
//! contact of its level, and the address links point to (the configured public origin, or the address
//! the request came to).

use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use parindex_db::campaigns::Campaign;
use parindex_db::units::Unit;
use parindex_db::{contacts, deadlines};
use parindex_domain::{DeadlineKind, deadline};
use parindex_mail::UnitMail;

pub async fn unit_mail(
    state: &AppState,
    meta: &Meta,
    campaign: &Campaign,
    unit: &Unit,
) -> AppResult<UnitMail> {
    let day = deadlines::effective_day(&state.db, unit.id, DeadlineKind::SurveyAnswers.as_str())
        .await?
        .and_then(|d| deadline::parse_date(&d))
        .map(deadline::display)
        .unwrap_or_default();
    let support = contacts::support_for(&state.db, campaign.id)
        .await?
        .into_iter()
        .find(|c| c.level == unit.level)
        .map(|c| format!("{}, {}, {}", c.name, c.phone, c.email))
        .unwrap_or_default();
    let link_base = state
        .config
        .public_origin
        .clone()
        .unwrap_or_else(|| format!("http://{}", meta.host));
    Ok(UnitMail {
        year: campaign.year,
        unit_name: unit.name.clone(),
        deadline: day,
        support,
        link_base,
    })
}
