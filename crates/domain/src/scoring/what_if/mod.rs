//! Where a unit gains the most next time: its sub-criteria ranked by the points it lost, each with
//! what recovering it alone would make of the unit's index and place, against the other units' result
//! as it stands. For a survey sub-criterion, the group that rated it lowest. Exact, like the result:
//! the index is recomputed with the one rounding rule, the place with the ranking's own rule.

use super::input::UnitInput;
use super::result::LevelResult;
use super::rounding::index;
use crate::criteria::Method;
use rust_decimal::Decimal;

/// One sub-criterion worth working on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gain {
    pub code: String,
    pub method: Method,
    /// The points lost: the maximum less the points earned.
    pub lost: Decimal,
    /// The unit's index with this sub-criterion at its maximum.
    pub index: Decimal,
    /// The place that index would take among the other ranked units (ties share a place); `None`
    /// for a unit that is not ranked.
    pub place: Option<u32>,
    /// Survey sub-criteria: the group with the lowest mean ([`OTHER_GROUPS`] for the small groups
    /// together), and that mean as a percentage (0–100).
    pub lowest_group: Option<(String, Decimal)>,
}

/// The `top` sub-criteria where unit `code` lost the most points, most first (ties by code); empty if
/// the unit is not in the level.
pub fn plan(
    level: &LevelResult,
    input: Option<&UnitInput>,
    code: &str,
    top: usize,
    min_group: u32,
) -> Vec<Gain> {
    let Some(unit) = level.unit(code) else {
        return Vec::new();
    };
    let ranked = unit.place.is_some();
    let mut gains: Vec<Gain> = unit
        .nodes
        .iter()
        .filter_map(|n| {
            let method = n.method?;
            let lost = n.max - n.points;
            (lost > Decimal::ZERO).then(|| {
                let new_index = index(unit.total + lost, unit.max);
                Gain {
                    code: n.code.clone(),
                    method,
                    lost,
                    index: new_index,
                    place: ranked.then(|| place_among(level, &unit.code, new_index)),
                    // A cancelled survey's answers do not count, so no group is named from them.
                    lowest_group: (method == Method::Survey && !unit.survey_cancelled)
                        .then(|| lowest_group(input?, &n.code, min_group))
                        .flatten(),
                }
            })
        })
        .collect();
    gains.sort_by(|a, b| b.lost.cmp(&a.lost).then_with(|| a.code.cmp(&b.code)));
    gains.truncate(top);
    gains
}

/// Several sub-criteria recovered at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Combined {
    /// How many of the picked codes are sub-criteria the unit lost points on.
    pub items: usize,
    pub lost: Decimal,
    pub index: Decimal,
    pub place: Option<u32>,
}

/// The unit's index and place with every picked sub-criterion at its maximum (codes it lost nothing
/// on, or that are not its sub-criteria, are left out); `None` when none counts.
pub fn combined(level: &LevelResult, code: &str, picks: &[String]) -> Option<Combined> {
    let unit = level.unit(code)?;
    let lost: Vec<Decimal> = unit
        .nodes
        .iter()
        .filter(|n| n.is_leaf() && picks.contains(&n.code))
        .map(|n| n.max - n.points)
        .filter(|l| *l > Decimal::ZERO)
        .collect();
    if lost.is_empty() {
        return None;
    }
    let total: Decimal = lost.iter().sum();
    let new_index = index(unit.total + total, unit.max);
    Some(Combined {
        items: lost.len(),
        lost: total,
        index: new_index,
        place: unit.place.map(|_| place_among(level, code, new_index)),
    })
}

/// The place `index` takes among the level's other ranked units: ties share a place.
fn place_among(level: &LevelResult, code: &str, index: Decimal) -> u32 {
    1 + level
        .units
        .iter()
        .filter(|o| o.code != code && o.place.is_some() && o.index > index)
        .count() as u32
}

/// The fewest respondents a group may have for its own mean to be shown to the unit, unless the
/// campaign sets another; smaller groups are shown only together, as [`OTHER_GROUPS`], so that no
/// small group's answers can be inferred.
pub const DEFAULT_MIN_GROUP_SIZE: u32 = 5;

/// The campaign's minimum group size may be set from 3 (with fewer, one respondent could infer
/// another's answers) to 100.
pub const MIN_GROUP_SIZE_RANGE: std::ops::RangeInclusive<u32> = 3..=100;

/// The minimum group size typed on the campaign form: blank is the default, anything else a whole
/// number in [`MIN_GROUP_SIZE_RANGE`]; `None` when it is not.
pub fn parse_min_group_size(raw: &str) -> Option<u32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(DEFAULT_MIN_GROUP_SIZE);
    }
    raw.parse::<u32>()
        .ok()
        .filter(|n| MIN_GROUP_SIZE_RANGE.contains(n))
}

/// The code under which groups below the minimum size are shown together.
pub const OTHER_GROUPS: &str = "";

/// The group whose respondents rated the leaf lowest: (group code, mean as a percentage, two
/// decimals, half up). Groups of fewer than `min_group` respondents count only together, as
/// [`OTHER_GROUPS`], and not at all if they are still too few together.
fn lowest_group(input: &UnitInput, leaf: &str, min_group: u32) -> Option<(String, Decimal)> {
    let tallies = input.survey.get(leaf)?;
    let mut other = super::tally::GroupTally::default();
    let mut shown: Vec<(String, super::exact::Exact)> = Vec::new();
    for (g, t) in tallies {
        if t.respondents >= min_group {
            shown.extend(t.mean().map(|m| (g.clone(), m)));
        } else {
            other.merge(t);
        }
    }
    if other.respondents >= min_group {
        shown.extend(other.mean().map(|m| (OTHER_GROUPS.to_string(), m)));
    }
    shown
        .into_iter()
        .map(|(g, m)| (g, super::half_up(&(m * super::exact::from_int(100)))))
        .min_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)))
}

#[cfg(test)]
mod tests;
