use super::*;
use crate::rng::Rng;
use std::collections::BTreeMap;

/// The answer scale's values and a population's chances of each (A, B, C, D).
const SCALE: [f64; 4] = [1.0, 0.6, 0.2, 0.0];

fn draw(r: &mut Rng, chances: [f64; 4]) -> f64 {
    let u = r.unit();
    let mut acc = 0.0;
    for (v, p) in SCALE.iter().zip(chances) {
        acc += p;
        if u < acc {
            return *v;
        }
    }
    0.0
}

fn expectation(chances: [f64; 4]) -> f64 {
    SCALE.iter().zip(chances).map(|(v, p)| v * p).sum()
}

/// A unit with `groups` groups of `n` respondents each answering `leaves` leaves (1 point each) from
/// the population `chances`, and 50 fixed points of 100.
fn unit(
    code: &str,
    groups: usize,
    n: usize,
    leaves: usize,
    chances: [f64; 4],
    r: &mut Rng,
) -> UnitSample {
    UnitSample {
        code: code.into(),
        ranked: true,
        fixed_points: 50.0,
        max: 100.0,
        leaf_max: vec![1.0; leaves],
        groups: (0..groups)
            .map(|g| {
                let mut s = GroupSample::new(format!("g{g}"), leaves);
                for _ in 0..n {
                    let row: Vec<Option<f64>> =
                        (0..leaves).map(|_| Some(draw(r, chances))).collect();
                    s.push(&row);
                }
                s
            })
            .collect(),
    }
}

fn width(b: Option<Bounds>) -> Decimal {
    let b = b.expect("an interval");
    b.high - b.low
}

const FAIR: [f64; 4] = [0.3, 0.4, 0.2, 0.1];

#[test]
fn identical_answers_everywhere_give_a_zero_width_survey_interval() {
    let mut r = Rng(1);
    let u = unit("A", 3, 20, 4, [0.0, 1.0, 0.0, 0.0], &mut r);
    let out = intervals(&[u], &GroupAveraging::Equal, &Settings::default(), 9);
    let s = out[0].survey.expect("an interval");
    assert_eq!(
        (s.low, s.high),
        (Decimal::new(240, 2), Decimal::new(240, 2))
    );
    let x = out[0].index.expect("an interval");
    assert_eq!(x.low, x.high);
    assert_eq!(x.low, Decimal::new(5240, 2));
}

#[test]
fn the_interval_narrows_as_respondents_grow() {
    let mut r = Rng(2);
    let settings = Settings {
        resamples: 500,
        ..Settings::default()
    };
    let mut last = Decimal::MAX;
    for n in [5, 20, 80, 320] {
        let u = unit("A", 3, n, 3, FAIR, &mut r);
        let w = width(intervals(&[u], &GroupAveraging::Equal, &settings, 3)[0].survey);
        assert!(
            w < last,
            "{n} respondents a group: width {w}, before {last}"
        );
        last = w;
    }
}

#[test]
fn the_same_inputs_and_seed_give_the_same_intervals_on_any_number_of_threads() {
    let mut r = Rng(3);
    let units: Vec<UnitSample> = (0..6)
        .map(|i| unit(&format!("U{i}"), 2, 15, 3, FAIR, &mut r))
        .collect();
    let s = Settings {
        resamples: 300,
        ..Settings::default()
    };
    let one = intervals_with(&units, &GroupAveraging::Equal, &s, 77, 1);
    assert_eq!(
        one,
        intervals_with(&units, &GroupAveraging::Equal, &s, 77, 2)
    );
    assert_eq!(
        one,
        intervals_with(&units, &GroupAveraging::Equal, &s, 77, 5)
    );
    assert_ne!(
        one,
        intervals_with(&units, &GroupAveraging::Equal, &s, 78, 2)
    );
}

/// On simulated campaigns whose true mean is known, about 95% of the survey intervals contain it.
#[test]
fn about_95_percent_of_intervals_contain_the_true_value() {
    let settings = Settings {
        resamples: 400,
        ..Settings::default()
    };
    let runs = 400;
    let truth = 2.0 * expectation(FAIR);
    let mut covered = 0;
    for seed in 0..runs {
        let mut r = Rng(1_000 + seed);
        let u = unit("A", 3, 40, 2, FAIR, &mut r);
        let s = intervals_with(&[u], &GroupAveraging::Equal, &settings, seed, 1)[0]
            .survey
            .expect("an interval");
        let t = Decimal::from_f64(truth).unwrap_or_default();
        if s.low <= t && t <= s.high {
            covered += 1;
        }
    }
    let share = f64::from(covered) / runs as f64;
    println!("coverage: {covered} of {runs} intervals contain the true value");
    assert!((0.92..=0.98).contains(&share), "coverage {share}");
}

#[test]
fn too_few_respondents_give_no_interval_rather_than_a_false_one() {
    let mut r = Rng(4);
    let mut thin = unit("THIN", 2, 10, 2, FAIR, &mut r);
    thin.groups.push({
        let mut g = GroupSample::new("lone", 2);
        g.push(&[Some(1.0), Some(0.6)]);
        g
    });
    let empty = UnitSample {
        groups: Vec::new(),
        ..unit("EMPTY", 0, 0, 2, FAIR, &mut r)
    };
    let fine = unit("FINE", 2, 10, 2, FAIR, &mut r);
    let out = intervals(
        &[thin, empty, fine],
        &GroupAveraging::Equal,
        &Settings::default(),
        5,
    );
    for u in &out[..2] {
        assert_eq!(
            (u.survey, u.index, u.place),
            (None, None, None),
            "{}",
            u.code
        );
    }
    assert!(out[2].survey.is_some() && out[2].place.is_some());
}

#[test]
fn clearly_apart_units_hold_their_places_and_alike_ones_tie() {
    let mut r = Rng(5);
    let high = unit("HIGH", 3, 60, 5, [0.9, 0.1, 0.0, 0.0], &mut r);
    let low = unit("LOW", 3, 60, 5, [0.0, 0.1, 0.2, 0.7], &mut r);
    let a = unit("A", 3, 8, 5, FAIR, &mut r);
    let b = unit("B", 3, 8, 5, FAIR, &mut r);
    let mut not_ranked = unit("NR", 3, 8, 5, FAIR, &mut r);
    not_ranked.ranked = false;
    let out = intervals(
        &[high, low, a, b, not_ranked],
        &GroupAveraging::Equal,
        &Settings::default(),
        11,
    );
    assert_eq!(out[0].place, Some(PlaceBounds { best: 1, worst: 1 }));
    assert_eq!(out[1].place, Some(PlaceBounds { best: 4, worst: 4 }));
    assert_eq!(out[4].place, None, "not ranked");
    let ties: BTreeMap<String, Vec<String>> = ties(&out).into_iter().collect();
    assert_eq!(ties["A"], vec!["B".to_string()]);
    assert!(ties["HIGH"].is_empty() && ties["LOW"].is_empty());
}

#[test]
fn group_averaging_follows_the_campaign() {
    // Group g0 all A (1.0), group g1 all D (0.0), g1 three times as large: every replicate is the
    // same, so each averaging gives a point.
    let mut g0 = GroupSample::new("g0", 1);
    g0.push(&[Some(1.0)]);
    g0.push(&[Some(1.0)]);
    let mut g1 = GroupSample::new("g1", 1);
    for _ in 0..6 {
        g1.push(&[Some(0.0)]);
    }
    let u = UnitSample {
        code: "U".into(),
        ranked: true,
        fixed_points: 0.0,
        max: 10.0,
        leaf_max: vec![10.0],
        groups: vec![g0, g1],
    };
    let at = |a: &GroupAveraging| {
        intervals(std::slice::from_ref(&u), a, &Settings::default(), 1)[0].survey
    };
    let point = |x: &str| {
        let d: Decimal = x.parse().unwrap_or_default();
        Some(Bounds { low: d, high: d })
    };
    assert_eq!(at(&GroupAveraging::Equal), point("5.00"));
    assert_eq!(at(&GroupAveraging::Pooled), point("2.50"));
    let w: BTreeMap<String, Decimal> = [
        ("g0".to_string(), Decimal::ONE),
        ("g1".to_string(), Decimal::new(3, 0)),
    ]
    .into();
    assert_eq!(at(&GroupAveraging::Weighted(w)), point("2.50"));
}

#[test]
fn a_leaf_without_a_value_is_left_out_of_that_leaf_only() {
    // The first respondent answered "don't know" to everything about leaf 2: leaf 2's mean is the
    // second respondent's 0, whatever the draw; leaf 1's is always 1.
    let mut g = GroupSample::new("g", 2);
    g.push(&[Some(1.0), None]);
    g.push(&[Some(1.0), Some(0.0)]);
    let u = UnitSample {
        code: "U".into(),
        ranked: true,
        fixed_points: 0.0,
        max: 4.0,
        leaf_max: vec![2.0, 2.0],
        groups: vec![g],
    };
    let out = intervals(&[u], &GroupAveraging::Equal, &Settings::default(), 3);
    let s = out[0].survey.expect("an interval");
    // A draw of the first respondent twice leaves leaf 2 without a value (0 points): 2.00 either way.
    assert_eq!(
        (s.low, s.high),
        (Decimal::new(200, 2), Decimal::new(200, 2))
    );
}

#[test]
fn the_seed_comes_from_the_hash() {
    assert_eq!(seed_of("00000000000000ff9999"), 255);
    assert_eq!(seed_of("xyz"), seed_of(""));
}
