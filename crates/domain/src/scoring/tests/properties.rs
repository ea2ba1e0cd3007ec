//! The engine's properties, over random units of the ministry set.

use super::*;

const SELF_LEAVES: [(&str, i64); 2] = [("1.1", 200), ("1.2.1", 150)];
const SURVEY_LEAVES: [&str; 2] = ["1.2.2", "2.1"];
const GROUPS: [&str; 3] = ["vu", "so", "hoi"];

/// A unit: self scores in cents (capped at the max), and per survey leaf and group a list of
/// respondent values in hundredths.
type RawUnit = (Vec<u32>, Vec<Vec<Vec<u8>>>, bool, bool);

fn raw_unit() -> impl Strategy<Value = RawUnit> {
    (
        proptest::collection::vec(0u32..=250, 2),
        proptest::collection::vec(
            proptest::collection::vec(proptest::collection::vec(0u8..=100, 0..5), 3),
            2,
        ),
        any::<bool>(),
        proptest::bool::weighted(0.2),
    )
}

fn build(i: usize, raw: &RawUnit) -> UnitInput {
    let (scores, survey, not_ranked, cancelled) = raw;
    let mut u = UnitInput {
        code: format!("U{i:02}"),
        not_ranked: *not_ranked,
        survey_cancelled: *cancelled,
        ..UnitInput::default()
    };
    for ((code, max), cents) in SELF_LEAVES.iter().zip(scores) {
        let c = i64::from(*cents).min(*max);
        u.scores.insert(
            code.to_string(),
            Points::from_decimal(Decimal::new(c, 2)).expect("points"),
        );
    }
    for (leaf, groups) in SURVEY_LEAVES.iter().zip(survey) {
        let mut t = LeafTally::new();
        for (g, values) in GROUPS.iter().zip(groups) {
            for v in values {
                t.entry(g.to_string()).or_default().add(u64::from(*v), 1);
            }
        }
        u.survey.insert(leaf.to_string(), t);
    }
    u
}

fn level(units: &[RawUnit], settings: ScoringSettings) -> LevelInput {
    LevelInput {
        level: Level::Ministry,
        criteria_set: ministry_set(),
        settings,
        units: units.iter().enumerate().map(|(i, r)| build(i, r)).collect(),
    }
}

fn settings_strategy() -> impl Strategy<Value = ScoringSettings> {
    (0usize..3, any::<bool>(), any::<bool>()).prop_map(|(avg, exclude, exact)| ScoringSettings {
        averaging: match avg {
            0 => GroupAveraging::Equal,
            1 => GroupAveraging::Pooled,
            _ => GroupAveraging::Weighted(
                [("vu".to_string(), d("3")), ("so".to_string(), d("1"))].into(),
            ),
        },
        cancelled_survey: if exclude {
            CancelledSurvey::Exclude
        } else {
            CancelledSurvey::Zero
        },
        leaf_rounding: if exact {
            LeafRounding::Exact
        } else {
            LeafRounding::HalfUp
        },
        ..ScoringSettings::default()
    })
}

proptest! {
    #[test]
    fn every_result_lies_within_zero_and_its_maximum(
        units in proptest::collection::vec(raw_unit(), 1..8),
        settings in settings_strategy(),
    ) {
        let r = compute(&level(&units, settings));
        for u in &r.units {
            prop_assert!(u.total >= Decimal::ZERO && u.total <= u.max);
            prop_assert!(u.index >= Decimal::ZERO && u.index <= Decimal::ONE_HUNDRED);
            for n in &u.nodes {
                prop_assert!(n.points >= Decimal::ZERO && n.points <= n.max, "{}: {} of {}", n.code, n.points, n.max);
                prop_assert!(n.index >= Decimal::ZERO && n.index <= Decimal::ONE_HUNDRED);
            }
        }
    }

    #[test]
    fn raising_any_leaf_never_lowers_the_index(
        raw in raw_unit(),
        settings in settings_strategy(),
        which in 0usize..4,
        group in 0usize..3,
        by in 1u32..100,
    ) {
        let before = compute(&level(std::slice::from_ref(&raw), settings.clone()));
        let mut better = raw.clone();
        match which {
            0 | 1 => better.0[which] += by,
            _ => {
                // One respondent of the group answers better, or a new one at 100% joins.
                let values = &mut better.1[which - 2][group];
                match values.first_mut() {
                    Some(v) => *v = (*v).saturating_add(by as u8).min(100),
                    None => values.push(100),
                }
            }
        }
        let after = compute(&level(&[better], settings));
        let (b, a) = (&before.units[0], &after.units[0]);
        // A new respondent at 100% can only lift a leaf; under pooled or weighted means a group
        // that had no one can lower nothing either, since 100% is the top.
        prop_assert!(a.index >= b.index, "{} → {}", b.index, a.index);
        prop_assert!(a.total >= b.total);
    }

    #[test]
    fn the_result_does_not_depend_on_the_order_of_units(
        units in proptest::collection::vec(raw_unit(), 1..10),
        settings in settings_strategy(),
        seed in any::<u64>(),
    ) {
        let input = level(&units, settings);
        let mut shuffled = input.clone();
        shuffled.units.sort_by_key(|u| {
            let n: u64 = u.code[1..].parse().unwrap_or(0);
            n.wrapping_mul(seed | 1) % 1_000_003
        });
        prop_assert_eq!(compute(&input), compute(&shuffled));
        prop_assert_eq!(input.hash(), shuffled.hash());
    }

    #[test]
    fn recomputing_a_stored_snapshot_gives_it_back_exactly(
        units in proptest::collection::vec(raw_unit(), 1..6),
        settings in settings_strategy(),
    ) {
        let input = level(&units, settings);
        let result = compute(&input);
        // What a published snapshot stores: the canonical inputs and the result, as JSON.
        let stored_input = serde_json::to_string(&input.canonical()).expect("json");
        let stored_result = serde_json::to_string(&result).expect("json");
        let input_back: LevelInput = serde_json::from_str(&stored_input).expect("input");
        let result_back: LevelResult = serde_json::from_str(&stored_result).expect("result");
        prop_assert_eq!(&input_back.hash(), &result.input_hash);
        prop_assert_eq!(compute(&input_back), result_back);
    }
}

#[test]
fn different_inputs_have_different_hashes() {
    let a = level(
        &[(vec![100, 100], vec![vec![vec![]; 3]; 2], false, false)],
        ScoringSettings::default(),
    );
    let mut b = a.clone();
    b.units[0].scores.insert("1.1".into(), p("1.01"));
    assert_ne!(a.hash(), b.hash());
    let mut c = a.clone();
    c.settings.cancelled_survey = CancelledSurvey::Exclude;
    assert_ne!(a.hash(), c.hash());
}
