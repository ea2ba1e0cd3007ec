//! How well the flags find the interfering units of a simulated campaign.

use super::model::{self, CampaignPlan, Interference, Rng, Shape, UnitSpec};
use super::risk::Detection;
use super::settings::IntegritySettings;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Units with at least one response.
    pub units: usize,
    pub interfering: usize,
    pub flagged: usize,
    /// Interfering units flagged.
    pub caught: usize,
    /// Honest units flagged.
    pub false_flags: usize,
    /// Honest units whose officials are satisfied with everything, and how many were flagged.
    pub satisfied: usize,
    pub satisfied_flags: usize,
}

impl Score {
    pub fn of(truth: &BTreeSet<i64>, d: &Detection) -> Score {
        let mut s = Score {
            units: d.units.len(),
            ..Score::default()
        };
        for u in &d.units {
            let bad = truth.contains(&u.unit_id);
            s.interfering += usize::from(bad);
            if u.flagged {
                s.flagged += 1;
                if bad {
                    s.caught += 1;
                } else {
                    s.false_flags += 1;
                }
            }
        }
        s
    }

    /// Counts the flags among `satisfied` (honest units satisfied with everything) too.
    pub fn with_satisfied(mut self, satisfied: &BTreeSet<i64>, d: &Detection) -> Score {
        for u in d.units.iter().filter(|u| satisfied.contains(&u.unit_id)) {
            self.satisfied += 1;
            self.satisfied_flags += usize::from(u.flagged);
        }
        self
    }

    /// Caught over flagged (1 when nothing is flagged).
    pub fn precision(&self) -> f64 {
        ratio(self.caught, self.flagged, 1.0)
    }

    /// Caught over interfering (1 when none interferes).
    pub fn recall(&self) -> f64 {
        ratio(self.caught, self.interfering, 1.0)
    }

    /// Honest units flagged over honest units.
    pub fn false_flag_rate(&self) -> f64 {
        ratio(self.false_flags, self.units - self.interfering, 0.0)
    }

    pub fn add(&mut self, o: Score) {
        self.units += o.units;
        self.interfering += o.interfering;
        self.flagged += o.flagged;
        self.caught += o.caught;
        self.false_flags += o.false_flags;
        self.satisfied += o.satisfied;
        self.satisfied_flags += o.satisfied_flags;
    }
}

fn ratio(a: usize, b: usize, empty: f64) -> f64 {
    if b == 0 { empty } else { a as f64 / b as f64 }
}

/// A simulated national campaign: `ministries` + `provinces` units of `size` links each (spread over
/// each level's respondent groups), of which `interfering` units, cycling through the ways,
/// interfere on `share` of their links, and `satisfied` honest units' officials are satisfied with
/// everything (the confounder of top-of-scale dictation).
#[derive(Debug, Clone)]
pub struct Scenario {
    pub seed: u64,
    pub ministries: usize,
    pub provinces: usize,
    pub size: usize,
    pub interfering: usize,
    pub share: f64,
    pub satisfied: usize,
    /// Only this way of interfering, or all of them in turn.
    pub only: Option<Interference>,
    pub days: u32,
}

impl Scenario {
    /// 20 ministries and 63 provinces of 720 links: about 60,000 responses, 10 units interfering on
    /// a quarter of their links (two per way), 8 honest units satisfied with everything.
    pub fn national(seed: u64) -> Scenario {
        Scenario {
            seed,
            ministries: 20,
            provinces: 63,
            size: 720,
            interfering: 10,
            share: 0.25,
            satisfied: 8,
            only: None,
            days: 10,
        }
    }

    pub fn specs(&self, shapes: &BTreeMap<String, Shape>) -> Vec<UnitSpec> {
        let mut rng = Rng(self.seed ^ 0xC0FFEE);
        let levels = std::iter::repeat_n("ministry", self.ministries)
            .chain(std::iter::repeat_n("province", self.provinces));
        let total = self.ministries + self.provinces;
        // Interfering units spread evenly over the list.
        let every = (total / self.interfering.max(1)).max(1);
        levels
            .enumerate()
            .map(|(i, level)| {
                let groups: Vec<String> = shapes
                    .get(level)
                    .map(|s| s.0.keys().cloned().collect())
                    .unwrap_or_default();
                let unit_id = i as i64 + 1;
                let links = (0..self.size)
                    .map(|k| {
                        let g = groups.get(k % groups.len().max(1)).cloned();
                        (unit_id * 100_000 + k as i64, g.unwrap_or_default())
                    })
                    .collect();
                let k = i / every;
                let bent = i % every == every / 2 && k < self.interfering;
                let kind = self
                    .only
                    .unwrap_or(Interference::ALL[k % Interference::ALL.len()]);
                let quality = 0.6 + rng.unit() * 0.34;
                UnitSpec {
                    unit_id,
                    level: level.to_string(),
                    links,
                    quality: if self.is_satisfied(i) && !bent {
                        1.0
                    } else {
                        quality
                    },
                    interference: bent.then_some((kind, self.share)),
                }
            })
            .collect()
    }

    /// Whether the unit at `i` (in list order) is one of the satisfied honest units, spread evenly
    /// over the list.
    fn is_satisfied(&self, i: usize) -> bool {
        let total = self.ministries + self.provinces;
        let every = (total / self.satisfied.max(1)).max(1);
        self.satisfied > 0 && i % every == every - 1 && i / every < self.satisfied
    }

    /// The satisfied honest units' ids.
    pub fn satisfied_units(&self, specs: &[UnitSpec]) -> BTreeSet<i64> {
        specs
            .iter()
            .enumerate()
            .filter(|(i, u)| self.is_satisfied(*i) && u.interference.is_none())
            .map(|(_, u)| u.unit_id)
            .collect()
    }

    /// Plans the campaign, builds its traces, detects, and scores the flags.
    pub fn run(
        &self,
        shapes: &BTreeMap<String, Shape>,
        settings: &IntegritySettings,
    ) -> (CampaignPlan, Detection, Score) {
        let specs = self.specs(shapes);
        let plan = model::plan(&specs, shapes, 0, self.days, self.seed);
        let traces = model::traces(&plan);
        let d = super::detect(&traces, settings);
        let score =
            Score::of(&plan.interfering, &d).with_satisfied(&self.satisfied_units(&specs), &d);
        (plan, d, score)
    }
}
