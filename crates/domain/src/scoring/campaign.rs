//! A whole campaign's computation: both levels at once, hashed together. This is what a draft or a
//! published version stores, and what "what changed" compares.

use super::input::LevelInput;
use super::result::LevelResult;
use super::{Tier, compute};
use crate::Level;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignInput {
    pub year: i64,
    pub levels: Vec<LevelInput>,
}

impl CampaignInput {
    /// Levels in their fixed order (ministries, provinces), each with its units in code order.
    pub fn canonical(&self) -> CampaignInput {
        let mut levels: Vec<LevelInput> = self.levels.iter().map(LevelInput::canonical).collect();
        levels.sort_by_key(|l| Level::ALL.iter().position(|x| *x == l.level));
        CampaignInput {
            year: self.year,
            levels,
        }
    }

    pub fn hash(&self) -> String {
        let bytes = serde_json::to_vec(&self.canonical()).unwrap_or_default();
        hex::encode(Sha256::digest(bytes))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignResult {
    pub year: i64,
    pub input_hash: String,
    pub levels: Vec<LevelResult>,
}

impl CampaignResult {
    pub fn level(&self, level: Level) -> Option<&LevelResult> {
        self.levels.iter().find(|l| l.level == level)
    }
}

pub fn compute_campaign(input: &CampaignInput) -> CampaignResult {
    let canonical = input.canonical();
    CampaignResult {
        year: input.year,
        input_hash: canonical.hash(),
        levels: canonical.levels.iter().map(compute).collect(),
    }
}

/// One unit whose result differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChange {
    pub level: Level,
    pub code: String,
    /// Index, tier and place in the older version; `None` when the unit was not in it.
    pub before: Option<(Decimal, Tier, Option<u32>)>,
    pub after: Option<(Decimal, Tier, Option<u32>)>,
}

/// The units whose index, tier or place differs from `older` to `newer`, in the newer order.
pub fn changes(older: &CampaignResult, newer: &CampaignResult) -> Vec<UnitChange> {
    let mut out = Vec::new();
    for level in Level::ALL {
        let old = older.level(level);
        let new = newer.level(level);
        let of = |r: Option<&LevelResult>, code: &str| {
            r.and_then(|l| l.unit(code))
                .map(|u| (u.index, u.tier, u.place))
        };
        let mut codes: Vec<&str> = new
            .map(|l| l.units.iter().map(|u| u.code.as_str()).collect())
            .unwrap_or_default();
        for u in old.map(|l| l.units.as_slice()).unwrap_or_default() {
            if !codes.contains(&u.code.as_str()) {
                codes.push(&u.code);
            }
        }
        for code in codes {
            let (before, after) = (of(old, code), of(new, code));
            if before != after {
                out.push(UnitChange {
                    level,
                    code: code.to_string(),
                    before,
                    after,
                });
            }
        }
    }
    out
}
