//! A unit's change since last year: its index against the newest published result of the campaign
//! this one was rolled over from (or, for a campaign created by hand, of the year before). A unit that
//! kept its code compares with itself; a unit with predecessors in the crosswalk (a merger, a split)
//! compares with their weighted index, and names them. Loaded once per page, for every unit shown.

use crate::i18n::Lang;
use crate::results::view::num;
use crate::state::AppState;
use parindex_db::campaigns::{self, Campaign};
use parindex_db::{results, unit_import};
use parindex_domain::Level;
use parindex_domain::crosswalk;
use parindex_domain::scoring::{CampaignResult, UnitResult};
use rust_decimal::Decimal;
use std::collections::HashMap;
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

/// What a campaign's units compare with: the campaign before's newest published result, and the
/// crosswalk of this campaign's units (code → (predecessor code, short name, weight)).
#[derive(Debug, Clone)]
pub struct Baseline {
    year: i64,
    result: CampaignResult,
    links: HashMap<String, Vec<(String, String, String)>>,
}

/// The baseline of `campaign`, if the campaign before has a published result.
pub async fn baseline(state: &AppState, campaign: &Campaign) -> Option<Baseline> {
    let before = match campaign.predecessor_id {
        Some(p) => campaigns::get(&state.db, p).await.ok()?,
        None => campaigns::by_year(&state.db, campaign.year - 1)
            .await
            .ok()?,
    };
    let latest = results::latest_published(&state.db, before.id)
        .await
        .ok()??;
    let (_, result) = results::result(&state.db, before.id, latest.version)
        .await
        .ok()??;
    let mut links: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
    for (unit, code, name, weight) in unit_import::crosswalk(&state.db, campaign.id).await.ok()? {
        links.entry(unit).or_default().push((code, name, weight));
    }
    Some(Baseline {
        year: before.year,
        result,
        links,
    })
}

/// What one unit compares with.
#[derive(Debug, Clone)]
pub struct Before {
    pub index: Decimal,
    /// Its place last year, for a unit compared with itself.
    pub place: Option<u32>,
    /// For a unit with predecessors: (code, short name, weight) of each.
    pub predecessors: Vec<(String, String, String)>,
}

impl Before {
    /// The change from this to `now`, as exports write it: "1.37", "-0.51".
    pub fn change(&self, now: Decimal) -> Decimal {
        now - self.index
    }
}

impl Baseline {
    /// What `u` (of `level`) compares with, if anything: its predecessors' weighted index (none
    /// unless every one has an index), or its own last result (also when the crosswalk names it as
    /// its only predecessor).
    pub fn before(&self, level: Level, u: &UnitResult) -> Option<Before> {
        let itself =
            |links: &&Vec<(String, String, String)>| links.len() == 1 && links[0].0 == u.code;
        match self.links.get(&u.code).filter(|l| !itself(l)) {
            Some(links) => {
                let mut parts = Vec::with_capacity(links.len());
                for (code, _, weight) in links {
                    let index = self
                        .result
                        .levels
                        .iter()
                        .find_map(|l| l.unit(code))
                        .map(|r| r.index)?;
                    parts.push((index, Decimal::from_str(weight).ok()?));
                }
                Some(Before {
                    index: crosswalk::weighted(&parts)?,
                    place: None,
                    predecessors: links.clone(),
                })
            }
            None => {
                let b = self.result.level(level)?.unit(&u.code)?;
                Some(Before {
                    index: b.index,
                    place: b.place,
                    predecessors: Vec::new(),
                })
            }
        }
    }

    /// How `u` compares, as the pages say it.
    pub fn compare(&self, level: Level, u: &UnitResult, lang: Lang) -> Option<Previous> {
        let before = self.before(level, u)?;
        let delta = before.change(u.index);
        let sign = if delta.is_sign_negative() && !delta.is_zero() {
            "−"
        } else {
            "+"
        };
        let place = match (&before.predecessors.is_empty(), before.place) {
            (false, _) => String::new(),
            (true, Some(p)) => p.to_string(),
            (true, None) => lang.t("res-not-ranked"),
        };
        let from = before
            .predecessors
            .iter()
            .map(|(_, name, w)| format!("{name} (×{})", lang.decimal(w)))
            .collect::<Vec<_>>()
            .join(", ");
        Some(Previous {
            year: self.year,
            index: num(lang, before.index),
            place,
            delta: format!("{sign}{}", num(lang, delta.abs())),
            up: !delta.is_sign_negative() || delta.is_zero(),
            from,
        })
    }

    pub fn year(&self) -> i64 {
        self.year
    }
}
