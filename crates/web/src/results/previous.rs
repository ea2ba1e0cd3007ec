//! A unit's change since last year: its index against the newest published result of the campaign
//! this one was rolled over from (or, for a campaign created by hand, of the year before). A unit that
//! kept its code compares with itself; a unit with predecessors in the crosswalk (a merger, a split)
//! compares with their weighted index, and names them.

use crate::i18n::Lang;
use crate::results::view::{Shown, num};
use crate::state::AppState;
use parindex_db::{campaigns, results, unit_import, units};
use parindex_domain::crosswalk;
use parindex_domain::scoring::{CampaignResult, UnitResult};
use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(Debug, Clone)]
pub struct Previous {
    pub year: i64,
    pub index: String,
    /// The place last year, or "not ranked"; empty when compared with several predecessors.
    pub place: String,
    /// "+2,19" or "−0,51".
    pub delta: String,
    pub up: bool,
    /// For a unit with predecessors: "TP Hải Phòng (×2), Tỉnh Hải Dương (×1)"; empty otherwise.
    pub from: String,
}

/// What the unit compares with: an index, a place, and whom it stands for.
struct Before {
    index: Decimal,
    place: String,
    from: String,
}

pub async fn previous(
    state: &AppState,
    shown: &Shown,
    level: parindex_domain::Level,
    u: &UnitResult,
    lang: Lang,
) -> Option<Previous> {
    let campaign = match shown.campaign.predecessor_id {
        Some(p) => campaigns::get(&state.db, p).await.ok()?,
        None => campaigns::by_year(&state.db, shown.campaign.year - 1)
            .await
            .ok()?,
    };
    let latest = results::latest_published(&state.db, campaign.id)
        .await
        .ok()??;
    let (_, result) = results::result(&state.db, campaign.id, latest.version)
        .await
        .ok()??;
    let unit = units::by_code(&state.db, shown.campaign.id, &u.code)
        .await
        .ok()?;
    let links = unit_import::predecessors(&state.db, unit.id).await.ok()?;
    let before = if links.is_empty() {
        let b = result.level(level)?.unit(&u.code)?;
        Before {
            index: b.index,
            place: b
                .place
                .map(|p| p.to_string())
                .unwrap_or_else(|| lang.t("res-not-ranked")),
            from: String::new(),
        }
    } else {
        weighted(&result, &links, lang)?
    };
    let delta = u.index - before.index;
    let sign = if delta.is_sign_negative() && !delta.is_zero() {
        "−"
    } else {
        "+"
    };
    Some(Previous {
        year: campaign.year,
        index: num(lang, before.index),
        place: before.place,
        delta: format!("{sign}{}", num(lang, delta.abs())),
        up: !delta.is_sign_negative() || delta.is_zero(),
        from: before.from,
    })
}

/// The predecessors' weighted index; none unless every predecessor has a published index.
fn weighted(
    result: &CampaignResult,
    links: &[(String, String, String)],
    lang: Lang,
) -> Option<Before> {
    let mut parts = Vec::with_capacity(links.len());
    for (code, _, weight) in links {
        let index = result
            .levels
            .iter()
            .find_map(|l| l.unit(code))
            .map(|r| r.index)?;
        parts.push((index, Decimal::from_str(weight).ok()?));
    }
    let from = links
        .iter()
        .map(|(_, name, w)| format!("{name} (×{})", lang.decimal(w)))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Before {
        index: crosswalk::weighted(&parts)?,
        place: String::new(),
        from,
    })
}
