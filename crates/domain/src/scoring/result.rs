//! What the engine gives back per unit: points and a component index for every node of the criteria
//! tree, the totals by assessment method, the index, the tier and the place within the level.

use super::Tier;
use crate::Level;
use crate::criteria::{Depth, Method};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Where a leaf's points came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeafStatus {
    Scored,
    /// No score, no counted answer or no figure: 0 points.
    Missing,
    /// A survey leaf of a unit whose survey MoHA cancelled: 0 points.
    Cancelled,
    /// A survey leaf of a cancelled survey, left out of the maximum (setting).
    Excluded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeResult {
    pub code: String,
    pub depth: Depth,
    /// The maximum counted for this unit (less any excluded leaves).
    pub max: Decimal,
    pub points: Decimal,
    /// points ÷ max × 100, two decimals.
    pub index: Decimal,
    /// Leaves only.
    pub method: Option<Method>,
    pub status: Option<LeafStatus>,
    /// Survey and imported leaves: the fraction of the maximum before rounding.
    pub fraction: Option<Decimal>,
}

impl NodeResult {
    pub fn is_leaf(&self) -> bool {
        self.method.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodTotal {
    pub method: Method,
    pub points: Decimal,
    pub max: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitResult {
    pub code: String,
    pub not_ranked: bool,
    pub survey_cancelled: bool,
    pub total: Decimal,
    pub max: Decimal,
    pub index: Decimal,
    pub tier: Tier,
    /// `None` for units that are not ranked.
    pub place: Option<u32>,
    /// Every field, criterion and sub-criterion, in tree order.
    pub nodes: Vec<NodeResult>,
    pub methods: Vec<MethodTotal>,
    /// Leaves with no score, answer or figure.
    pub missing: u32,
}

impl UnitResult {
    pub fn node(&self, code: &str) -> Option<&NodeResult> {
        self.nodes.iter().find(|n| n.code == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelResult {
    pub level: Level,
    pub criteria_set: String,
    pub input_hash: String,
    /// Ranked units by place, then the units that are not ranked; ties by code.
    pub units: Vec<UnitResult>,
}

impl LevelResult {
    pub fn unit(&self, code: &str) -> Option<&UnitResult> {
        self.units.iter().find(|u| u.code == code)
    }
}
