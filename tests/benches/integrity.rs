//! One full interference-detection pass over a simulated national campaign (release build): 20
//! ministries and 63 provinces of 820 links, about 60,000 submitted responses with their paradata
//! built from the behaviour model with the shipped questionnaires, 12 units interfering.
//!
//! Reported, as medians of 5:
//! - the detection pass (`integrity::detect`: every signal, robust statistics, explanations);
//! - a baseline in the same run: building the traces from the paradata events, which the database
//!   path does for every response before detecting;
//! - the pass with twins off (agreement 1.0 makes the pairwise comparison the only remaining cost
//!   that differs), to show what the pairwise answer comparison costs;
//! - recall and false flags of that campaign.
//!
//! Run: `cargo bench -p parindex-tests --bench integrity`.

#![allow(clippy::unwrap_used)]

use parindex_domain::integrity::evaluate::{Scenario, Score};
use parindex_domain::integrity::{IntegritySettings, detect, model};
use parindex_tests::measure::ms;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let shapes = parindex::integrity_report::shipped_shapes().unwrap();
    // 820 links per unit: with one in eight honest respondents never answering, ~60,000 responses.
    let sc = Scenario {
        size: 820,
        ..Scenario::national(1)
    };
    let plan = model::plan(&sc.specs(&shapes), &shapes, 0, sc.days, 1);
    let settings = IntegritySettings::default();
    let mut build = Vec::new();
    let mut pass = Vec::new();
    let mut strict = Vec::new();
    let mut traces = Vec::new();
    let mut score = Score::default();
    for _ in 0..5 {
        let t = Instant::now();
        traces = model::traces(&plan);
        build.push(t.elapsed());
        let t = Instant::now();
        let d = detect(&traces, &settings);
        pass.push(t.elapsed());
        score = Score::of(&plan.interfering, &d);
        let exact = IntegritySettings {
            twin_agreement: 1.0,
            ..settings.clone()
        };
        let t = Instant::now();
        detect(&traces, &exact);
        strict.push(t.elapsed());
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "integrity bench: {} responses in {} units, {cores} cores",
        traces.len(),
        score.units
    );
    println!(
        "  detection pass (median of 5):           {} ",
        ms(median(pass))
    );
    println!(
        "  baseline, traces from events:           {} ",
        ms(median(build))
    );
    println!(
        "  detection, twins only when identical:   {} ",
        ms(median(strict))
    );
    println!(
        "  recall {:.0}%, precision {:.0}%, honest units flagged {} of {}",
        score.recall() * 100.0,
        score.precision() * 100.0,
        score.false_flags,
        score.units - score.interfering
    );
}
