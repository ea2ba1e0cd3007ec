//! The thresholds of the interference checks. MoHA may change them per campaign; the defaults follow
//! the survey-quality literature where it gives a figure (2 s per item for page speeding) and are
//! otherwise set so that honest units of the simulated campaigns are rarely flagged.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntegritySettings {
    /// Units with fewer submitted responses are listed but get no risk score.
    pub min_responses: u32,
    /// A unit whose risk reaches this is flagged for review.
    pub flag_risk: f64,
    /// A page answered faster than this many milliseconds per question is a speeding page.
    pub speed_ms_per_item: u32,
    /// A response faster than this share of the campaign's median time per question is speeding.
    pub speed_share_of_median: f64,
    /// The window, in minutes, in which completions of one unit count as a burst.
    pub burst_minutes: u32,
    /// The fewest completions in that window for a burst.
    pub burst_min: u32,
    /// The window, in minutes, in which submissions from one network count together.
    pub network_minutes: u32,
    /// The fewest submissions of one unit from one network within that window.
    pub network_min: u32,
    /// Two responses agreeing on at least this share of the questions both answered are twins.
    pub twin_agreement: f64,
    /// A link answered from at least this many browsers.
    pub many_devices: u32,
    /// How often detection runs while a survey is open, in minutes.
    pub interval_minutes: u32,
}

impl Default for IntegritySettings {
    fn default() -> Self {
        IntegritySettings {
            min_responses: 5,
            flag_risk: 4.0,
            speed_ms_per_item: 2_000,
            speed_share_of_median: 0.3,
            burst_minutes: 30,
            burst_min: 5,
            network_minutes: 60,
            network_min: 4,
            twin_agreement: 0.9,
            many_devices: 3,
            interval_minutes: 15,
        }
    }
}

/// Why settings were refused: the field and the allowed range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub range: &'static str,
}

impl IntegritySettings {
    /// Checks every threshold lies in a range that makes sense.
    pub fn check(&self) -> Result<(), Invalid> {
        let bad = |field, range| Err(Invalid { field, range });
        if !(1..=1000).contains(&self.min_responses) {
            return bad("min_responses", "1–1000");
        }
        if !(self.flag_risk.is_finite() && (0.5..=100.0).contains(&self.flag_risk)) {
            return bad("flag_risk", "0.5–100");
        }
        if !(100..=60_000).contains(&self.speed_ms_per_item) {
            return bad("speed_ms_per_item", "100–60000");
        }
        if !(self.speed_share_of_median.is_finite()
            && (0.01..=1.0).contains(&self.speed_share_of_median))
        {
            return bad("speed_share_of_median", "0.01–1");
        }
        if !(1..=1440).contains(&self.burst_minutes) || !(1..=1440).contains(&self.network_minutes)
        {
            return bad("burst_minutes", "1–1440");
        }
        if !(2..=1000).contains(&self.burst_min) || !(2..=1000).contains(&self.network_min) {
            return bad("burst_min", "2–1000");
        }
        if !(self.twin_agreement.is_finite() && (0.5..=1.0).contains(&self.twin_agreement)) {
            return bad("twin_agreement", "0.5–1");
        }
        if !(2..=100).contains(&self.many_devices) {
            return bad("many_devices", "2–100");
        }
        if !(1..=1440).contains(&self.interval_minutes) {
            return bad("interval_minutes", "1–1440");
        }
        Ok(())
    }
}
