//! Opening a unit's survey while keeping each invitation's link. A link exists only at the moment
//! its e-mail is composed (the database keeps only its hash), so whatever answers through links
//! (the demo's simulation, the load test, the test suites) opens the survey this way.

use parindex_db::campaigns::Campaign;
use parindex_db::units::Unit;
use parindex_db::{Ctx, Db, survey};
use std::sync::Mutex;

/// Opens `unit`'s survey, composing each e-mail as the server does (answers due `deadline`, as
/// dd/mm/yyyy; links under `link_base`), and returns the tokens the e-mails carry.
pub async fn open_keeping_links(
    db: &Db,
    ctx: &Ctx,
    campaign: &Campaign,
    unit: &Unit,
    deadline: &str,
    link_base: &str,
) -> anyhow::Result<Vec<String>> {
    let mail = parindex_mail::UnitMail {
        year: campaign.year,
        unit_name: unit.name.clone(),
        deadline: deadline.into(),
        support: String::new(),
        link_base: link_base.into(),
        organiser: campaign.organiser.clone(),
    };
    let kept = Mutex::new(Vec::new());
    let compose = |m: &survey::MailFor<'_>| {
        if let Ok(mut k) = kept.lock() {
            k.push(m.token.to_string());
        }
        mail.compose(m)
    };
    survey::open_unit(db, ctx, campaign.id, unit.id, &compose).await?;
    Ok(kept.into_inner().unwrap_or_else(|e| e.into_inner()))
}
