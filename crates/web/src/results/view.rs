//! What the results pages share: one stored version of a campaign's results with the units' names and
//! the criteria trees it was computed on, the ranking of a level as rows and a server-rendered bar
//! chart with the tier bands, and numbers the way each language writes them.

use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use parindex_db::campaigns::{self, Campaign};
use parindex_db::results::{self, VersionInfo};
use parindex_db::{criteria_sets, units};
use parindex_domain::Level;
use parindex_domain::criteria::CriteriaSet;
use parindex_domain::scoring::uncertainty::UnitInterval;
use parindex_domain::scoring::{CampaignResult, LevelResult, Tier, TierBands, UnitResult};
use parindex_domain::{CampaignId, UnitId};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;

/// A unit as the results pages name it.
#[derive(Debug, Clone)]
pub struct UnitName {
    pub id: UnitId,
    pub name: String,
    pub short_name: String,
}

/// One stored version of a campaign's results, ready to show.
pub struct Shown {
    pub campaign: Campaign,
    pub info: VersionInfo,
    pub result: CampaignResult,
    pub names: HashMap<String, UnitName>,
    pub sets: HashMap<Level, Arc<CriteriaSet>>,
    pub tiers: TierBands,
    /// The version's 95% intervals by unit code (units without respondents enough have none).
    pub intervals: HashMap<String, UnitInterval>,
    /// What the units compare with: last year's published result, through the crosswalk.
    pub baseline: Option<crate::results::previous::Baseline>,
}

impl Shown {
    /// How a unit compares with last year, as the pages say it.
    pub fn previous(
        &self,
        level: Level,
        u: &UnitResult,
        lang: Lang,
    ) -> Option<crate::results::previous::Previous> {
        self.baseline
            .as_ref()
            .and_then(|b| b.compare(level, u, lang))
    }

    /// The unit's intervals, when it has them.
    pub fn interval(&self, code: &str) -> Option<&UnitInterval> {
        self.intervals.get(code)
    }

    pub fn name(&self, code: &str) -> String {
        self.names
            .get(code)
            .map(|n| n.short_name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    pub fn is_draft(&self) -> bool {
        self.info.version == 0
    }

    pub fn version_label(&self, lang: Lang) -> String {
        version_label(&self.info, lang)
    }
}

/// "Bản nháp, tính lúc …" or "Phiên bản 2, công bố 17/04/2024 09:00".
pub fn version_label(info: &VersionInfo, lang: Lang) -> String {
    let at =
        |ms: i64| parindex_domain::deadline::display_instant(parindex_domain::clock::from_ms(ms));
    match info.published_at {
        Some(p) if info.version > 0 => lang.t_args(
            "res-version-published",
            &[("version", info.version.to_string()), ("at", at(p))],
        ),
        _ => lang.t_args("res-version-draft", &[("at", at(info.computed_at))]),
    }
}

/// Loads version `version` (0 = the draft) of the campaign's results, or `None` if there is none.
pub async fn load(
    state: &AppState,
    campaign_id: CampaignId,
    version: i64,
) -> AppResult<Option<Shown>> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let Some((info, result)) = results::result(&state.db, campaign_id, version).await? else {
        return Ok(None);
    };
    let names = units::list(&state.db, campaign_id)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.code.clone(),
                UnitName {
                    id: u.id,
                    name: u.name,
                    short_name: u.short_name,
                },
            )
        })
        .collect();
    let mut sets = HashMap::new();
    for level in &result.levels {
        if let Some(stored) = criteria_sets::by_code(&state.db, &level.criteria_set).await? {
            sets.insert(level.level, state.criteria_tree(stored.id).await?);
        }
    }
    let tiers = results::settings(&state.db, campaign_id).await?.0.tiers;
    let intervals = results::intervals(&state.db, campaign_id, version)
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    let baseline = crate::results::previous::baseline(state, &campaign).await;
    Ok(Some(Shown {
        baseline,
        campaign,
        info,
        result,
        names,
        sets,
        tiers,
        intervals,
    }))
}

/// The newest published version of the campaign of `year`, or the one asked for if it is published.
pub async fn load_published(state: &AppState, year: i64, version: Option<i64>) -> AppResult<Shown> {
    let campaign = campaigns::by_year(&state.db, year).await?;
    let latest = results::latest_published(&state.db, campaign.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let v = match version {
        Some(v) if v >= 1 && v <= latest.version => v,
        Some(_) => return Err(AppError::NotFound),
        None => latest.version,
    };
    load(state, campaign.id, v).await?.ok_or(AppError::NotFound)
}

/// 92.18 → "92,18" (Vietnamese) or "92.18".
pub fn num(lang: Lang, d: Decimal) -> String {
    lang.decimal(&format!("{:.2}", d))
}

pub fn tier_letter(t: Tier) -> &'static str {
    match t {
        Tier::A => "A",
        Tier::B => "B",
        Tier::C => "C",
        Tier::D => "D",
    }
}

#[derive(Debug, Clone)]
pub struct RankRow {
    pub place: String,
    pub code: String,
    pub unit_id: UnitId,
    pub name: String,
    pub index: String,
    pub total: String,
    pub max: String,
    pub tier: &'static str,
    pub cancelled: bool,
    pub missing: u32,
    /// The index's 95% interval, "82,35 – 85,60"; empty without one.
    pub interval: String,
    /// The place's 95% interval, "9 – 15"; empty without one.
    pub places: String,
    /// The change since last year, "+1,37" (against the predecessors' weighted index for a merged
    /// unit, named in `change_from`); empty without a comparison.
    pub change: String,
    pub change_from: String,
}

#[derive(Debug, Clone)]
pub struct Bar {
    pub y: i64,
    pub width: i64,
    pub label: String,
    pub value: String,
    pub tier: &'static str,
    /// The 95% interval drawn across the bar's end: (from x, to x) in the chart's units.
    pub whisker: Option<(i64, i64)>,
    /// Where the value is written: after the bar, or after the interval when it reaches further.
    pub value_x: i64,
}

#[derive(Debug, Clone)]
pub struct Band {
    pub x: i64,
    pub label: String,
}

pub const CHART_LABEL: i64 = 170;
pub const CHART_SCALE: i64 = 3;
const ROW: i64 = 20;

#[derive(Debug, Clone)]
pub struct LevelView {
    pub level: &'static str,
    pub criteria_set: String,
    pub ranked: Vec<RankRow>,
    pub apart: Vec<RankRow>,
    pub bars: Vec<Bar>,
    pub bands: Vec<Band>,
    pub chart_width: i64,
    pub chart_height: i64,
    pub average: String,
    /// Whether some unit has a 95% interval (the chart's explanation shows only then).
    pub has_intervals: bool,
    /// Whether some unit compares with last year (the change column shows only then).
    pub has_change: bool,
}

fn row(shown: &Shown, lang: Lang, level: Level, u: &UnitResult) -> RankRow {
    let previous = shown.previous(level, u, lang);
    RankRow {
        change: previous
            .as_ref()
            .map(|p| p.delta.clone())
            .unwrap_or_default(),
        change_from: previous.map(|p| p.from).unwrap_or_default(),
        place: u
            .place
            .map(|p| p.to_string())
            .unwrap_or_else(|| lang.t("res-not-ranked-short")),
        code: u.code.clone(),
        unit_id: shown.names.get(&u.code).map(|n| n.id).unwrap_or(UnitId(0)),
        name: shown.name(&u.code),
        index: num(lang, u.index),
        total: num(lang, u.total),
        max: num(lang, u.max),
        tier: tier_letter(u.tier),
        cancelled: u.survey_cancelled,
        missing: u.missing,
        interval: shown
            .interval(&u.code)
            .and_then(|i| i.index)
            .map(|b| format!("{} – {}", num(lang, b.low), num(lang, b.high)))
            .unwrap_or_default(),
        places: shown
            .interval(&u.code)
            .and_then(|i| i.place)
            .map(|p| {
                if p.best == p.worst {
                    p.best.to_string()
                } else {
                    format!("{} – {}", p.best, p.worst)
                }
            })
            .unwrap_or_default(),
    }
}

/// A decimal rounded to a whole number, for drawing.
pub fn whole(d: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    d.round().to_i64().unwrap_or(0)
}

/// Bar width in the chart's units for an index of 0–100.
fn width(index: Decimal) -> i64 {
    whole(index * Decimal::from(CHART_SCALE))
}

pub fn level_view(shown: &Shown, lang: Lang, level: &LevelResult) -> LevelView {
    let ranked: Vec<&UnitResult> = level.units.iter().filter(|u| u.place.is_some()).collect();
    let bars = level
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let whisker = shown
                .interval(&u.code)
                .and_then(|i| i.index)
                .map(|b| (CHART_LABEL + width(b.low), CHART_LABEL + width(b.high)));
            let end = CHART_LABEL + width(u.index);
            Bar {
                y: 8 + i as i64 * ROW,
                width: width(u.index),
                label: format!(
                    "{}{}",
                    shown.name(&u.code),
                    if u.place.is_none() { " *" } else { "" }
                ),
                value: num(lang, u.index),
                tier: tier_letter(u.tier),
                value_x: whisker.map_or(end, |(_, x2)| x2.max(end)) + 4,
                whisker,
            }
        })
        .collect::<Vec<_>>();
    let t = &shown.tiers;
    let bands = [(t.c(), "C"), (t.b(), "B"), (t.a(), "A")]
        .into_iter()
        .map(|(v, l)| Band {
            x: CHART_LABEL + width(v),
            label: format!("{l} {}", lang.decimal(&v.normalize().to_string())),
        })
        .collect();
    let average = if ranked.is_empty() {
        "—".to_string()
    } else {
        use parindex_domain::scoring::exact::{from_decimal, from_int};
        let sum = ranked
            .iter()
            .fold(from_int(0), |s, u| s + from_decimal(u.index));
        num(
            lang,
            parindex_domain::scoring::half_up(&(sum / from_int(ranked.len() as i64))),
        )
    };
    let ranked_rows: Vec<RankRow> = ranked
        .iter()
        .map(|u| row(shown, lang, level.level, u))
        .collect();
    LevelView {
        has_change: ranked_rows.iter().any(|r| !r.change.is_empty()),
        level: level.level.as_str(),
        criteria_set: level.criteria_set.clone(),
        ranked: ranked_rows,
        apart: level
            .units
            .iter()
            .filter(|u| u.place.is_none())
            .map(|u| row(shown, lang, level.level, u))
            .collect(),
        chart_height: 8 + bars.len() as i64 * ROW + 24,
        chart_width: CHART_LABEL + 100 * CHART_SCALE + 60,
        has_intervals: bars.iter().any(|b| b.whisker.is_some()),
        bars,
        bands,
        average,
    }
}

pub fn levels(shown: &Shown, lang: Lang) -> Vec<LevelView> {
    shown
        .result
        .levels
        .iter()
        .map(|l| level_view(shown, lang, l))
        .collect()
}
