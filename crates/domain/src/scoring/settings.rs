//! A campaign's scoring settings: how survey groups are averaged, what a cancelled survey scores, how
//! leaves are rounded and where the tier bands lie. The defaults are the 2023 rules.

use super::{GroupAveraging, TierBands};
use crate::Points;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A percentage as people type it: "90,61", "90.61" or "100", within [0, 100], at most two decimals.
/// Imported figures and tier thresholds are read this way.
pub fn parse_percentage(s: &str) -> Option<Decimal> {
    Points::parse(s)
        .ok()
        .map(Points::decimal)
        .filter(|d| *d <= Decimal::ONE_HUNDRED)
}

/// What a unit whose survey results MoHA cancelled gets on its survey leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelledSurvey {
    /// 0 points, with the leaves' maximum still counted (the 2023 rule).
    #[default]
    Zero,
    /// The survey leaves are left out: the unit's index is taken over the other points.
    Exclude,
}

/// How a leaf's points are rounded before they are summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeafRounding {
    /// Half-up to two decimals (0.125 → 0.13).
    #[default]
    HalfUp,
    /// Kept exact; only the indices are rounded.
    Exact,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoringSettings {
    pub averaging: GroupAveraging,
    pub cancelled_survey: CancelledSurvey,
    pub leaf_rounding: LeafRounding,
    pub tiers: TierBands,
}
