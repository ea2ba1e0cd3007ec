//! The bootstrap behind the results' 95% intervals at national size (release build): 20 ministries
//! and 63 provinces, 60,000 respondents in 4 groups per unit, 17 survey sub-criteria each, the
//! default 2,000 resamples with equal group averaging.
//!
//! Reported, as medians of 5: the run on every core (the product path), and a baseline in the same
//! run: the same work on one thread. Both give the same intervals.
//!
//! Run: `cargo bench -p parindex-tests --bench uncertainty`.

#![allow(clippy::unwrap_used)]

use parindex_domain::rng::Rng;
use parindex_domain::scoring::GroupAveraging;
use parindex_domain::scoring::uncertainty::{GroupSample, Settings, UnitSample, intervals_with};
use parindex_tests::measure::{median, ms};
use std::time::Instant;

const UNITS: usize = 83;
const RESPONDENTS: usize = 60_000;
const GROUPS: usize = 4;
const LEAVES: usize = 17;
const SCALE: [f64; 5] = [1.0, 0.6, 0.2, 0.0, f64::NAN];

fn campaign() -> Vec<UnitSample> {
    let mut r = Rng(2023);
    let per_unit = RESPONDENTS / UNITS;
    (0..UNITS)
        .map(|u| UnitSample {
            code: format!("U{u:02}"),
            ranked: true,
            fixed_points: 60.0 + (u % 20) as f64,
            max: 100.0,
            leaf_max: vec![1.0; LEAVES],
            groups: (0..GROUPS)
                .map(|g| {
                    let mut s = GroupSample::new(format!("g{g}"), LEAVES);
                    for _ in 0..per_unit / GROUPS {
                        let row: Vec<Option<f64>> = (0..LEAVES)
                            .map(|_| {
                                let v = SCALE[r.below(SCALE.len())];
                                (!v.is_nan()).then_some(v)
                            })
                            .collect();
                        s.push(&row);
                    }
                    s
                })
                .collect(),
        })
        .collect()
}

fn main() {
    let units = campaign();
    let settings = Settings::default();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut all = Vec::new();
    let mut one = Vec::new();
    let mut same = true;
    for round in 0..5 {
        let t = Instant::now();
        let a = intervals_with(&units, &GroupAveraging::Equal, &settings, round, cores);
        all.push(t.elapsed());
        let t = Instant::now();
        let b = intervals_with(&units, &GroupAveraging::Equal, &settings, round, 1);
        one.push(t.elapsed());
        same &= a == b;
    }
    println!(
        "bootstrap intervals: {UNITS} units, {RESPONDENTS} respondents, {LEAVES} survey leaves, {} resamples",
        settings.resamples
    );
    println!("  on {cores} cores (median of 5):  {}", ms(median(all)));
    println!("  baseline, 1 thread (median of 5): {}", ms(median(one)));
    println!("  same intervals either way: {same}");
    assert!(same);
}
