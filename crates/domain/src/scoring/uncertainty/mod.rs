//! How sure a result is: a 95% interval for each unit's survey points, index and place, by a
//! bootstrap over respondents. Each replicate resamples, with replacement, the respondents of every
//! group of every unit (as many as the group has), recomputes each survey leaf's fraction with the
//! campaign's group averaging, and from it the unit's survey points and index; the places follow
//! from every unit's index in the same replicate. The interval is the 2.5th to 97.5th percentile of
//! the replicates.
//!
//! The replicates are estimates, in floating point; the published index itself stays exact (this
//! module never changes it). The same seed (from the result's input hash) gives the same intervals,
//! however many threads share the work. A unit with a group of fewer than
//! [`Settings::min_per_group`] respondents, or with none at all, gets no interval rather than a
//! misleading one.

pub mod assemble;
pub mod collect;

use super::survey_leaf::GroupAveraging;
use crate::rng::Rng;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// One group's respondents: for each, a value (0–1) per survey leaf, or none where all their
/// answers to the leaf's questions were "don't know".
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSample {
    pub group: String,
    leaves: usize,
    /// One row of `2 × leaves` per respondent: the values (0 where there is none), then 1 where
    /// there is a value and 0 where not. One contiguous row adds up in one pass.
    rows: Vec<f64>,
}

impl GroupSample {
    pub fn new(group: impl Into<String>, leaves: usize) -> Self {
        GroupSample {
            group: group.into(),
            leaves,
            rows: Vec::new(),
        }
    }

    /// Adds a respondent's values, one per leaf (a shorter row leaves the rest without a value).
    pub fn push(&mut self, row: &[Option<f64>]) {
        let value = |leaf: usize| row.get(leaf).copied().flatten();
        self.rows
            .extend((0..self.leaves).map(|leaf| value(leaf).unwrap_or(0.0)));
        self.rows
            .extend((0..self.leaves).map(|leaf| if value(leaf).is_some() { 1.0 } else { 0.0 }));
    }

    pub fn respondents(&self) -> usize {
        self.rows.len().checked_div(2 * self.leaves).unwrap_or(0)
    }
}

/// One unit as the bootstrap sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSample {
    pub code: String,
    pub ranked: bool,
    /// The points that do not come from the survey (self-assessment as appraised, figures).
    pub fixed_points: f64,
    /// The unit's maximum points (the index is points ÷ max × 100).
    pub max: f64,
    /// Each survey leaf's maximum points, in the order of the groups' rows.
    pub leaf_max: Vec<f64>,
    pub groups: Vec<GroupSample>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Replicates per run.
    pub resamples: u32,
    /// The fewest respondents a group with any may have for its unit to get an interval.
    pub min_per_group: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            resamples: 2_000,
            min_per_group: 2,
        }
    }
}

/// A 95% interval, to two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounds {
    pub low: Decimal,
    pub high: Decimal,
}

/// The best and worst places within the 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceBounds {
    pub best: u32,
    pub worst: u32,
}

impl PlaceBounds {
    /// Whether two units' place intervals overlap: they are not told apart statistically.
    pub fn overlaps(&self, other: &PlaceBounds) -> bool {
        self.best <= other.worst && other.best <= self.worst
    }
}

/// A unit's intervals; all `None` when it has too few respondents for one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitInterval {
    pub code: String,
    pub survey: Option<Bounds>,
    pub index: Option<Bounds>,
    /// `None` also for units that are not ranked.
    pub place: Option<PlaceBounds>,
}

/// Whether `u` has enough respondents for an interval.
fn eligible(u: &UnitSample, settings: &Settings) -> bool {
    let sizes = || u.groups.iter().map(GroupSample::respondents);
    sizes().any(|n| n > 0) && sizes().all(|n| n == 0 || n >= settings.min_per_group)
}

/// Each group's weight under `averaging`, in the unit's group order (`None`: left out).
fn weights(u: &UnitSample, averaging: &GroupAveraging) -> Vec<Option<f64>> {
    u.groups
        .iter()
        .map(|g| match averaging {
            GroupAveraging::Weighted(w) => w.get(&g.group).and_then(|d| f64::try_from(*d).ok()),
            GroupAveraging::Equal | GroupAveraging::Pooled => Some(1.0),
        })
        .collect()
}

/// Reused sums, to keep replicates from allocating.
struct Scratch {
    /// The drawn rows added up: values, then counts.
    acc: Vec<f64>,
    weighted: Vec<f64>,
    weight: Vec<f64>,
}

impl Scratch {
    fn new(leaves: usize) -> Self {
        Scratch {
            acc: vec![0.0; 2 * leaves],
            weighted: vec![0.0; leaves],
            weight: vec![0.0; leaves],
        }
    }
}

/// The unit's survey points from one draw of its respondents (`rng`), or from the respondents as
/// they are (`None`).
fn survey_points(
    u: &UnitSample,
    weights: &[Option<f64>],
    pooled: bool,
    mut rng: Option<&mut Rng>,
    s: &mut Scratch,
) -> f64 {
    let leaves = u.leaf_max.len();
    s.weighted.iter_mut().for_each(|x| *x = 0.0);
    s.weight.iter_mut().for_each(|x| *x = 0.0);
    for (g, w) in u.groups.iter().zip(weights) {
        let n = g.respondents();
        let Some(w) = *w else { continue };
        if n == 0 || g.leaves != leaves {
            continue;
        }
        s.acc.iter_mut().for_each(|x| *x = 0.0);
        let width = 2 * leaves;
        for k in 0..n {
            let i = match rng.as_deref_mut() {
                Some(r) => r.below(n),
                None => k,
            };
            for (a, x) in s.acc.iter_mut().zip(&g.rows[i * width..(i + 1) * width]) {
                *a += x;
            }
        }
        let (sums, counts) = s.acc.split_at(leaves);
        for leaf in 0..leaves {
            if pooled {
                s.weighted[leaf] += sums[leaf];
                s.weight[leaf] += counts[leaf];
            } else if counts[leaf] > 0.0 {
                s.weighted[leaf] += w * sums[leaf] / counts[leaf];
                s.weight[leaf] += w;
            }
        }
    }
    u.leaf_max
        .iter()
        .zip(s.weighted.iter().zip(&s.weight))
        .map(|(max, (t, w))| if *w > 0.0 { max * t / w } else { 0.0 })
        .sum()
}

/// The unit's survey points from its respondents as they are: the estimate the intervals are around.
pub fn point(u: &UnitSample, averaging: &GroupAveraging) -> f64 {
    let w = weights(u, averaging);
    let mut s = Scratch::new(u.leaf_max.len());
    survey_points(
        u,
        &w,
        matches!(averaging, GroupAveraging::Pooled),
        None,
        &mut s,
    )
}

fn index_of(u: &UnitSample, survey: f64) -> f64 {
    if u.max > 0.0 {
        (u.fixed_points + survey) / u.max * 100.0
    } else {
        0.0
    }
}

/// Every unit's survey points in replicates `range`, unit by unit (one unit's respondents stay in
/// the cache for all its replicates). Replicate `r` of unit `u` draws from its own stream.
fn replicates(
    units: &[UnitSample],
    averaging: &GroupAveraging,
    settings: &Settings,
    seed: u64,
    range: std::ops::Range<u32>,
) -> Vec<Vec<f64>> {
    let pooled = matches!(averaging, GroupAveraging::Pooled);
    units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let w = weights(u, averaging);
            let mut s = Scratch::new(u.leaf_max.len());
            if !eligible(u, settings) {
                let point = survey_points(u, &w, pooled, None, &mut s);
                return range.clone().map(|_| point).collect();
            }
            range
                .clone()
                .map(|r| {
                    let stream = ((i as u64) << 32) | u64::from(r);
                    let mut rng = Rng::for_stream(seed, stream);
                    survey_points(u, &w, pooled, Some(&mut rng), &mut s)
                })
                .collect()
        })
        .collect()
}

/// A seed from a result's input hash (hex): its first 16 hex digits, or a fixed seed for anything
/// else.
pub fn seed_of(input_hash: &str) -> u64 {
    input_hash
        .get(..16)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0x5EED_CCC2_0230_0001)
}

/// The value at percentile `p` (0–1) of sorted `xs`, by nearest rank.
fn percentile(xs: &[f64], p: f64) -> f64 {
    let n = xs.len();
    let rank = ((p * n as f64).ceil() as usize).clamp(1, n.max(1));
    xs.get(rank - 1).copied().unwrap_or(0.0)
}

fn two_decimals(x: f64) -> Decimal {
    Decimal::from_f64(x)
        .unwrap_or_default()
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn bounds(mut xs: Vec<f64>) -> Bounds {
    xs.sort_by(f64::total_cmp);
    Bounds {
        low: two_decimals(percentile(&xs, 0.025)),
        high: two_decimals(percentile(&xs, 0.975)),
    }
}

/// The 95% intervals of every unit, from `settings.resamples` replicates seeded `seed`, the work
/// shared between `threads` threads (the result does not depend on how many).
pub fn intervals_with(
    units: &[UnitSample],
    averaging: &GroupAveraging,
    settings: &Settings,
    seed: u64,
    threads: usize,
) -> Vec<UnitInterval> {
    let b = settings.resamples.max(1);
    let threads = u32::try_from(threads.max(1)).unwrap_or(1).min(b);
    let per = b.div_ceil(threads);
    let parts: Vec<Vec<Vec<f64>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let range = (t * per).min(b)..((t + 1) * per).min(b);
                scope.spawn(move || replicates(units, averaging, settings, seed, range))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    // Each unit's draws, in replicate order: the parts hold consecutive ranges.
    let survey: Vec<Vec<f64>> = (0..units.len())
        .map(|i| parts.iter().flat_map(|p| p[i].iter().copied()).collect())
        .collect();
    let index: Vec<Vec<f64>> = units
        .iter()
        .zip(&survey)
        .map(|(u, s)| s.iter().map(|x| index_of(u, *x)).collect())
        .collect();
    // Places in each replicate: 1 + the ranked units with a higher index.
    let mut place: Vec<Vec<f64>> = vec![Vec::with_capacity(b as usize); units.len()];
    let ranked: Vec<usize> = (0..units.len()).filter(|&i| units[i].ranked).collect();
    let mut row = vec![0.0; units.len()];
    for r in 0..b as usize {
        for (x, idx) in row.iter_mut().zip(&index) {
            *x = idx[r];
        }
        for &i in &ranked {
            let above = ranked.iter().filter(|&&o| row[o] > row[i]).count();
            place[i].push((above + 1) as f64);
        }
    }
    units
        .iter()
        .zip(survey.into_iter().zip(index).zip(place))
        .map(|(u, ((s, x), p))| {
            if !eligible(u, settings) {
                return UnitInterval {
                    code: u.code.clone(),
                    survey: None,
                    index: None,
                    place: None,
                };
            }
            let place = u.ranked.then(|| {
                let mut p = p;
                p.sort_by(f64::total_cmp);
                PlaceBounds {
                    best: percentile(&p, 0.025) as u32,
                    worst: percentile(&p, 0.975) as u32,
                }
            });
            UnitInterval {
                code: u.code.clone(),
                survey: Some(bounds(s)),
                index: Some(bounds(x)),
                place,
            }
        })
        .collect()
}

/// [`intervals_with`] on every core.
pub fn intervals(
    units: &[UnitSample],
    averaging: &GroupAveraging,
    settings: &Settings,
    seed: u64,
) -> Vec<UnitInterval> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    intervals_with(units, averaging, settings, seed, cores)
}

/// For each unit, the other ranked units it is not told apart from: their place intervals overlap.
pub fn ties(intervals: &[UnitInterval]) -> Vec<(String, Vec<String>)> {
    intervals
        .iter()
        .filter_map(|u| {
            let p = u.place?;
            let with: Vec<String> = intervals
                .iter()
                .filter(|o| o.code != u.code && o.place.is_some_and(|q| q.overlaps(&p)))
                .map(|o| o.code.clone())
                .collect();
            Some((u.code.clone(), with))
        })
        .collect()
}

#[cfg(test)]
mod tests;
