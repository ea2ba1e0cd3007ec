//! What the engine computes from, for one level of one campaign: the criteria set, the campaign's
//! scoring settings and, per unit, the final self/appraised scores, the survey tallies, the imported
//! figures and whether MoHA cancelled the unit's survey. A result keeps these inputs and their hash,
//! so anyone can recompute it and get it back exactly.

use super::settings::ScoringSettings;
use super::tally::LeafTally;
use crate::criteria::CriteriaSet;
use crate::{Level, Points};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitInput {
    /// The unit's code, e.g. "BTP" or "QNI".
    pub code: String,
    /// Scored but listed apart from the ranking.
    pub not_ranked: bool,
    /// MoHA cancelled the unit's survey results by a recorded decision.
    pub survey_cancelled: bool,
    /// Self-assessed leaves: the last appraised score, else the unit's own.
    pub scores: BTreeMap<String, Points>,
    /// Survey leaves: the groups' tallies.
    pub survey: BTreeMap<String, LeafTally>,
    /// Imported leaves: the figure as a percentage (0–100) of the leaf's maximum, e.g. SIPAS 90.61.
    pub imported: BTreeMap<String, Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelInput {
    pub level: Level,
    pub criteria_set: CriteriaSet,
    pub settings: ScoringSettings,
    pub units: Vec<UnitInput>,
}

impl LevelInput {
    /// The inputs with the units in code order: the order they are hashed and stored in.
    pub fn canonical(&self) -> LevelInput {
        let mut c = self.clone();
        c.units.sort_by(|a, b| a.code.cmp(&b.code));
        c
    }

    /// SHA-256 (hex) of the canonical inputs' JSON: the same inputs always give the same hash,
    /// whatever order the units came in.
    pub fn hash(&self) -> String {
        let bytes = serde_json::to_vec(&self.canonical()).unwrap_or_default();
        hex::encode(Sha256::digest(bytes))
    }
}
