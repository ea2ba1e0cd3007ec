use super::*;
use crate::criteria::{CriteriaSet, Node};
use crate::scoring::input::LevelInput;
use crate::scoring::{ScoringSettings, SurveyAnswer, compute, tally};
use crate::{Level, Points};
use std::collections::BTreeMap;

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

fn leaf(code: &str, max: &str, method: Method) -> Node {
    Node {
        code: code.into(),
        name_vi: format!("Tiêu chí {code}"),
        name_en: format!("Criterion {code}"),
        max: Points::parse(max).unwrap_or_else(|e| panic!("{e:?}")),
        method: Some(method),
        guidance_vi: String::new(),
        guidance_en: String::new(),
        children: Vec::new(),
    }
}

/// 10.00 points: 1.1 self 2.00, 1.2 self 1.50, 1.3 survey 2.50, 2.1 survey 4.00.
fn set() -> CriteriaSet {
    let field = |code: &str, max: &str, children: Vec<Node>| Node {
        method: None,
        children,
        ..leaf(code, max, Method::SelfAssessed)
    };
    CriteriaSet {
        code: "what-if".into(),
        level: Level::Ministry,
        name_vi: "Bộ thử".into(),
        name_en: "Test set".into(),
        legal_basis: String::new(),
        illustrative: true,
        total: Points::parse("10.00").unwrap_or_else(|e| panic!("{e:?}")),
        fields: vec![
            field(
                "1",
                "6.00",
                vec![
                    leaf("1.1", "2.00", Method::SelfAssessed),
                    leaf("1.2", "1.50", Method::SelfAssessed),
                    leaf("1.3", "2.50", Method::Survey),
                ],
            ),
            field("2", "4.00", vec![leaf("2.1", "4.00", Method::Survey)]),
        ],
    }
}

/// A unit with self scores for 1.1 and 1.2, and per survey leaf the value of each of group g1's and
/// g2's five respondents.
fn unit(code: &str, s11: &str, s12: &str, s13: (&str, &str), s21: (&str, &str)) -> UnitInput {
    let survey = |(g1, g2): (&str, &str)| {
        tally((0..10).map(|r| SurveyAnswer {
            group: if r < 5 { "g1" } else { "g2" },
            respondent: r,
            fraction: Some(d(if r < 5 { g1 } else { g2 })),
        }))
    };
    UnitInput {
        code: code.into(),
        not_ranked: false,
        survey_cancelled: false,
        scores: [("1.1", s11), ("1.2", s12)]
            .into_iter()
            .map(|(l, s)| {
                (
                    l.to_string(),
                    Points::parse(s).unwrap_or_else(|e| panic!("{e:?}")),
                )
            })
            .collect(),
        survey: [
            ("1.3".to_string(), survey(s13)),
            ("2.1".to_string(), survey(s21)),
        ]
        .into(),
        imported: BTreeMap::new(),
    }
}

/// A: 2 + 1.5 + 2.5 + 4 = 10 → 100.00. B: 2 + 1.5 + 1.25 + 4 = 8.75 → 87.50.
/// C: 1 + 1.5 + (1.00 and 0.00 → 0.50 × 2.50 = 1.25) + 4 = 7.75 → 77.50, third.
fn level() -> (LevelResult, Vec<UnitInput>) {
    let units = vec![
        unit("A", "2.00", "1.50", ("1.00", "1.00"), ("1.00", "1.00")),
        unit("B", "2.00", "1.50", ("0.60", "0.40"), ("1.00", "1.00")),
        unit("C", "1.00", "1.50", ("1.00", "0.00"), ("1.00", "1.00")),
    ];
    let input = LevelInput {
        level: Level::Ministry,
        criteria_set: set(),
        settings: ScoringSettings::default(),
        units: units.clone(),
    };
    (compute(&input), units)
}

#[test]
fn the_biggest_losses_come_first_with_their_index_and_place_by_hand() {
    let (level, inputs) = level();
    let c = level.unit("C").map(|u| (u.index, u.place));
    assert_eq!(c, Some((d("77.50"), Some(3))));
    let plan = plan(
        &level,
        inputs.iter().find(|u| u.code == "C"),
        "C",
        5,
        DEFAULT_MIN_GROUP_SIZE,
    );
    // 1.3 lost 1.25 → 9.00 of 10 → 90.00, second behind A; 1.1 lost 1.00 → 8.75 → 87.50, tied
    // with B for second (ties share a place).
    assert_eq!(
        plan,
        vec![
            Gain {
                code: "1.3".into(),
                method: Method::Survey,
                lost: d("1.25"),
                index: d("90.00"),
                place: Some(2),
                lowest_group: Some(("g2".into(), d("0.00"))),
            },
            Gain {
                code: "1.1".into(),
                method: Method::SelfAssessed,
                lost: d("1.00"),
                index: d("87.50"),
                place: Some(2),
                lowest_group: None,
            },
        ]
    );
}

#[test]
fn nothing_lost_nothing_to_plan_and_the_list_is_cut_to_its_length() {
    let (level, inputs) = level();
    assert!(plan(&level, inputs.first(), "A", 5, DEFAULT_MIN_GROUP_SIZE).is_empty());
    assert_eq!(plan(&level, None, "C", 1, DEFAULT_MIN_GROUP_SIZE).len(), 1);
    assert!(plan(&level, None, "ZZZ", 5, DEFAULT_MIN_GROUP_SIZE).is_empty());
    // Without the inputs, a survey leaf still shows its loss, without a group.
    assert_eq!(
        plan(&level, None, "C", 1, DEFAULT_MIN_GROUP_SIZE)[0].lowest_group,
        None
    );
}

#[test]
fn recovering_every_lost_point_gives_the_maximum_index() {
    let (level, inputs) = level();
    for u in &level.units {
        let lost: Decimal = plan(&level, None, &u.code, usize::MAX, DEFAULT_MIN_GROUP_SIZE)
            .iter()
            .map(|g| g.lost)
            .sum();
        assert_eq!(index(u.total + lost, u.max), d("100.00"), "{}", u.code);
    }
    assert!(inputs.len() == 3);
}

#[test]
fn a_small_group_is_never_shown_alone() {
    let (level, mut inputs) = level();
    // C's 1.3: g1 five respondents at 1.00; g2 now three at 0.00 and a new g3 two at 0.20.
    let c = inputs
        .iter_mut()
        .find(|u| u.code == "C")
        .unwrap_or_else(|| panic!("C"));
    let answers = |g3: bool| {
        let mut rows: Vec<SurveyAnswer<'static>> = (0..5)
            .map(|r| SurveyAnswer {
                group: "g1",
                respondent: r,
                fraction: Some(d("1.00")),
            })
            .collect();
        rows.extend((5..8).map(|r| SurveyAnswer {
            group: "g2",
            respondent: r,
            fraction: Some(d("0.00")),
        }));
        if g3 {
            rows.extend((8..10).map(|r| SurveyAnswer {
                group: "g3",
                respondent: r,
                fraction: Some(d("0.20")),
            }));
        }
        tally(rows)
    };
    c.survey.insert("1.3".into(), answers(true));
    let shown = |inputs: &[UnitInput]| {
        plan(
            &level,
            inputs.iter().find(|u| u.code == "C"),
            "C",
            5,
            DEFAULT_MIN_GROUP_SIZE,
        )
        .into_iter()
        .find(|g| g.code == "1.3")
        .and_then(|g| g.lowest_group)
    };
    // Together the small groups are five: shown as the other groups, (0 × 3 + 0.20 × 2) / 5 = 8%.
    assert_eq!(shown(&inputs), Some((OTHER_GROUPS.to_string(), d("8.00"))));
    // Three alone are too few to show, even together: the lowest shown is g1's.
    let c = inputs
        .iter_mut()
        .find(|u| u.code == "C")
        .unwrap_or_else(|| panic!("C"));
    c.survey.insert("1.3".into(), answers(false));
    assert_eq!(shown(&inputs), Some(("g1".to_string(), d("100.00"))));
    // A campaign that asks for 6: g1's five are too few alone, and all eight count together,
    // (1 × 5 + 0 × 3) / 8 = 62.5%; one that asks for 9 names no group at all.
    let with = |min: u32| {
        plan(&level, inputs.iter().find(|u| u.code == "C"), "C", 5, min)
            .into_iter()
            .find(|g| g.code == "1.3")
            .and_then(|g| g.lowest_group)
    };
    assert_eq!(with(6), Some((OTHER_GROUPS.to_string(), d("62.50"))));
    assert_eq!(with(9), None);
}

#[test]
fn the_minimum_group_size_is_blank_or_a_whole_number_from_3_to_100() {
    assert_eq!(parse_min_group_size(""), Some(DEFAULT_MIN_GROUP_SIZE));
    assert_eq!(parse_min_group_size(" 7 "), Some(7));
    assert_eq!(parse_min_group_size("100"), Some(100));
    for bad in ["2", "101", "-5", "5,5", "năm"] {
        assert_eq!(parse_min_group_size(bad), None, "{bad}");
    }
}

#[test]
fn picked_items_add_up_exactly_and_unknown_picks_are_left_out() {
    let (level, _) = level();
    let picks = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    // C: 1.3 (1.25) and 1.1 (1.00) together → 10.00 of 10 → 100.00, first with A (ties share).
    assert_eq!(
        combined(&level, "C", &picks(&["1.3", "1.1", "2.1", "9.9"])),
        Some(Combined {
            items: 2,
            lost: d("2.25"),
            index: d("100.00"),
            place: Some(1),
        })
    );
    assert_eq!(
        combined(&level, "C", &picks(&["2.1"])),
        None,
        "nothing lost there"
    );
    assert_eq!(combined(&level, "ZZZ", &picks(&["1.1"])), None);
}

#[test]
fn a_cancelled_survey_names_no_group() {
    let (_, mut inputs) = level();
    if let Some(c) = inputs.iter_mut().find(|u| u.code == "C") {
        c.survey_cancelled = true;
    }
    let input = LevelInput {
        level: Level::Ministry,
        criteria_set: set(),
        settings: ScoringSettings::default(),
        units: inputs.clone(),
    };
    let level = compute(&input);
    let plan = plan(
        &level,
        inputs.iter().find(|u| u.code == "C"),
        "C",
        5,
        DEFAULT_MIN_GROUP_SIZE,
    );
    let survey: Vec<&Gain> = plan.iter().filter(|g| g.method == Method::Survey).collect();
    assert!(
        !survey.is_empty(),
        "the cancelled survey's points are lost: {plan:?}"
    );
    assert!(survey.iter().all(|g| g.lowest_group.is_none()));
}
