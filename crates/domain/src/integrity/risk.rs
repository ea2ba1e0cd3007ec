//! From signals to a risk score per unit. For each signal, a unit's share of flagged responses is
//! compared with the other units' by a robust z-score (median and median absolute deviation), so a
//! pattern that is common everywhere (officials of one office share a network, short questionnaires
//! give similar answers) weighs little, and a unit that stands out weighs much. The risk adds the
//! weighted scores of the signals that concern enough responses; a unit at or above the threshold is
//! flagged. Every flag keeps its explanation: which signals, how strong, how many responses, examples.

use super::settings::IntegritySettings;
use super::signals::{self, Flags, Signal};
use super::trace::ResponseTrace;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Examples kept per signal.
pub const EXAMPLES: usize = 5;
/// No signal adds more than this many robust standard deviations.
const Z_CAP: f64 = 8.0;

/// One signal in one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub signal: Signal,
    /// Responses showing it.
    pub count: u32,
    /// Their share of the unit's responses.
    pub share: f64,
    /// Responses that would show it by chance given the unit's own answer mix (twins only).
    pub expected: f64,
    /// The median share over all scored units (of responses above chance).
    pub typical: f64,
    /// How many robust standard deviations above typical.
    pub z: f64,
    /// What it adds to the risk (0 when it concerns too few responses or is not above typical).
    pub contribution: f64,
    /// The largest group sharing it (one browser, one network window, one burst, one set of twins).
    pub largest: u32,
    /// Invitation ids of some responses showing it.
    pub examples: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitAssessment {
    pub unit_id: i64,
    pub responses: u32,
    /// Enough responses to be compared.
    pub scored: bool,
    pub risk: f64,
    pub flagged: bool,
    /// The unit's median seconds per question, and the campaign's.
    pub seconds_per_item: f64,
    pub campaign_seconds_per_item: f64,
    /// Every signal seen at least once, strongest contribution first.
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    pub responses: u64,
    /// Units with at least one response, highest risk first.
    pub units: Vec<UnitAssessment>,
}

impl Detection {
    pub fn flagged(&self) -> impl Iterator<Item = &UnitAssessment> {
        self.units.iter().filter(|u| u.flagged)
    }

    pub fn unit(&self, unit_id: i64) -> Option<&UnitAssessment> {
        self.units.iter().find(|u| u.unit_id == unit_id)
    }
}

struct UnitCounts {
    unit_id: i64,
    responses: usize,
    counts: BTreeMap<Signal, (u32, Vec<i64>)>,
    largest: HashMap<Signal, u32>,
    expected: HashMap<Signal, f64>,
    seconds_per_item: f64,
}

/// Runs every check over the campaign's submitted responses.
pub fn detect(traces: &[ResponseTrace], s: &IntegritySettings) -> Detection {
    let stats = signals::campaign_stats(traces, s);
    let mut by_unit: BTreeMap<i64, Vec<&ResponseTrace>> = BTreeMap::new();
    for t in traces {
        by_unit.entry(t.unit_id).or_default().push(t);
    }
    let units: Vec<UnitCounts> = by_unit
        .into_iter()
        .map(|(unit_id, mut rs)| {
            rs.sort_by_key(|t| t.invitation_id);
            let found = signals::unit_flags(&rs, &stats, s);
            UnitCounts {
                unit_id,
                responses: rs.len(),
                counts: count(&rs, &found.flags),
                largest: found.largest,
                expected: found.expected,
                seconds_per_item: found.median_ms_per_item / 1000.0,
            }
        })
        .collect();
    let scored: Vec<&UnitCounts> = units
        .iter()
        .filter(|u| u.responses >= s.min_responses as usize)
        .collect();
    let mut spread = BTreeMap::new();
    for sig in Signal::ALL {
        let mut shares: Vec<f64> = scored.iter().map(|u| share(u, sig)).collect();
        let med = signals::median(&mut shares);
        let mut dev: Vec<f64> = shares.iter().map(|x| (x - med).abs()).collect();
        let mad = signals::median(&mut dev);
        spread.insert(sig, (med, (1.4826 * mad).max(sig.rule().floor)));
    }
    let campaign_seconds = round2(stats.overall_ms_per_item / 1000.0);
    let mut out: Vec<UnitAssessment> = units
        .into_iter()
        .map(|u| assess(u, &spread, s, campaign_seconds))
        .collect();
    out.sort_by(|a, b| b.risk.total_cmp(&a.risk).then(a.unit_id.cmp(&b.unit_id)));
    Detection {
        responses: traces.len() as u64,
        units: out,
    }
}

fn count(rs: &[&ResponseTrace], flags: &[Flags]) -> BTreeMap<Signal, (u32, Vec<i64>)> {
    let mut counts: BTreeMap<Signal, (u32, Vec<i64>)> = BTreeMap::new();
    for (t, f) in rs.iter().zip(flags) {
        for sig in Signal::ALL {
            if f.has(sig) {
                let e = counts.entry(sig).or_default();
                e.0 += 1;
                if e.1.len() < EXAMPLES {
                    e.1.push(t.invitation_id);
                }
            }
        }
    }
    counts
}

/// The unit's share of responses showing the signal beyond what chance gives.
fn share(u: &UnitCounts, sig: Signal) -> f64 {
    let c = u.counts.get(&sig).map(|c| c.0).unwrap_or(0);
    let chance = u.expected.get(&sig).copied().unwrap_or(0.0);
    (f64::from(c) - chance).max(0.0) / u.responses.max(1) as f64
}

fn assess(
    u: UnitCounts,
    spread: &BTreeMap<Signal, (f64, f64)>,
    s: &IntegritySettings,
    campaign_seconds: f64,
) -> UnitAssessment {
    let scored = u.responses >= s.min_responses as usize;
    let mut findings = Vec::new();
    for (sig, (c, examples)) in &u.counts {
        let (typical, scale) = spread.get(sig).copied().unwrap_or((0.0, 1.0));
        // A small unit's share is uncertain: never measure it against less than the binomial
        // spread of the typical share for its size.
        let p0 = typical.max(sig.rule().floor);
        let scale = scale.max((p0 * (1.0 - p0) / u.responses.max(1) as f64).sqrt());
        let sh = share(&u, *sig);
        let z = ((sh - typical) / scale).min(Z_CAP);
        let rule = sig.rule();
        // Only what stands more than one robust deviation out adds up, so that small chance
        // differences on many signals do not make a flag together.
        let contribution = if scored && *c >= rule.min_count && z > 1.0 {
            rule.weight * (z - 1.0)
        } else {
            0.0
        };
        findings.push(Finding {
            signal: *sig,
            count: *c,
            share: round2(f64::from(*c) / u.responses.max(1) as f64),
            expected: round2(u.expected.get(sig).copied().unwrap_or(0.0)),
            typical: round2(typical),
            z: round2(z),
            contribution: round2(contribution),
            largest: u.largest.get(sig).copied().unwrap_or(*c),
            examples: examples.clone(),
        });
    }
    findings.sort_by(|a, b| {
        b.contribution
            .total_cmp(&a.contribution)
            .then(b.count.cmp(&a.count))
    });
    let risk = round2(findings.iter().map(|f| f.contribution).sum());
    UnitAssessment {
        unit_id: u.unit_id,
        responses: u32::try_from(u.responses).unwrap_or(u32::MAX),
        scored,
        risk,
        flagged: scored && risk >= s.flag_risk,
        seconds_per_item: round2(u.seconds_per_item),
        campaign_seconds_per_item: campaign_seconds,
        findings,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
