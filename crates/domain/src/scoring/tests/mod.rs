//! Worked examples computed by hand, one per level, and the engine's properties.

use super::*;
use crate::criteria::{CriteriaSet, Method, Node};
use crate::{Level, Points};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn p(s: &str) -> Points {
    Points::parse(s).expect("points")
}

fn leaf(code: &str, max: &str, method: Method) -> Node {
    Node {
        code: code.into(),
        name_vi: format!("Tiêu chí {code}"),
        name_en: format!("Criterion {code}"),
        max: p(max),
        method: Some(method),
        guidance_vi: String::new(),
        guidance_en: String::new(),
        children: Vec::new(),
    }
}

fn parent(code: &str, max: &str, children: Vec<Node>) -> Node {
    Node {
        method: None,
        children,
        ..leaf(code, max, Method::SelfAssessed)
    }
}

fn set(code: &str, level: Level, total: &str, fields: Vec<Node>) -> CriteriaSet {
    CriteriaSet {
        code: code.into(),
        level,
        name_vi: "Bộ tiêu chí thử".into(),
        name_en: "Test set".into(),
        legal_basis: String::new(),
        illustrative: true,
        total: p(total),
        fields,
    }
}

/// Ministry test set, 10.00 points:
/// field 1 (6.00) = 1.1 self 2.00 + criterion 1.2 (4.00) = 1.2.1 self 1.50 + 1.2.2 survey 2.50;
/// field 2 (4.00) = 2.1 survey 4.00.
fn ministry_set() -> CriteriaSet {
    set(
        "test-ministry",
        Level::Ministry,
        "10.00",
        vec![
            parent(
                "1",
                "6.00",
                vec![
                    leaf("1.1", "2.00", Method::SelfAssessed),
                    parent(
                        "1.2",
                        "4.00",
                        vec![
                            leaf("1.2.1", "1.50", Method::SelfAssessed),
                            leaf("1.2.2", "2.50", Method::Survey),
                        ],
                    ),
                ],
            ),
            parent("2", "4.00", vec![leaf("2.1", "4.00", Method::Survey)]),
        ],
    )
}

/// Province test set, 20.00 points:
/// field 1 (8.00) = 1.1 self 3.00 + criterion 1.2 (5.00) = 1.2.1 self 2.00 + 1.2.2 survey 3.00;
/// field 2 (12.00) = 2.1 survey 4.00 + 2.2 imported (SIPAS) 8.00.
fn province_set() -> CriteriaSet {
    set(
        "test-province",
        Level::Province,
        "20.00",
        vec![
            parent(
                "1",
                "8.00",
                vec![
                    leaf("1.1", "3.00", Method::SelfAssessed),
                    parent(
                        "1.2",
                        "5.00",
                        vec![
                            leaf("1.2.1", "2.00", Method::SelfAssessed),
                            leaf("1.2.2", "3.00", Method::Survey),
                        ],
                    ),
                ],
            ),
            parent(
                "2",
                "12.00",
                vec![
                    leaf("2.1", "4.00", Method::Survey),
                    leaf("2.2", "8.00", Method::Imported),
                ],
            ),
        ],
    )
}

/// Answers to one leaf: (group, respondent, fraction or None for "don't know").
fn answers(rows: &[(&'static str, i64, Option<&str>)]) -> LeafTally {
    tally(rows.iter().map(|&(group, respondent, f)| SurveyAnswer {
        group,
        respondent,
        fraction: f.map(d),
    }))
}

/// One group, one respondent per value.
fn one_group(group: &'static str, values: &[&str]) -> LeafTally {
    let rows: Vec<(&'static str, i64, Option<&str>)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (group, i as i64, Some(*v)))
        .collect();
    answers(&rows)
}

fn unit(code: &str, scores: &[(&str, &str)]) -> UnitInput {
    UnitInput {
        code: code.into(),
        scores: scores.iter().map(|(c, s)| (c.to_string(), p(s))).collect(),
        ..UnitInput::default()
    }
}

fn with_survey(mut u: UnitInput, leaf: &str, t: LeafTally) -> UnitInput {
    u.survey.insert(leaf.into(), t);
    u
}

fn node<'a>(u: &'a UnitResult, code: &str) -> &'a NodeResult {
    u.node(code).expect("node")
}

/// The ministry level, equal group means, half-up at the leaf, a cancelled survey scoring 0.
///
/// BTP (Bộ Tư pháp):
///   1.1 self 1.75; 1.2.1 self 1.20.
///   1.2.2 survey, max 2.50. Group "vu": respondent 1 answers A (1.00) and B (0.60) → 0.80;
///     respondent 2 answers C (0.20) and "don't know" → 0.20; group mean (0.80 + 0.20) / 2 = 0.50.
///     Group "so": respondent 3 answers A, A → 1.00; respondent 4 only "don't know" → left out;
///     group mean 1.00. Equal groups: (0.50 + 1.00) / 2 = 0.75 → 0.75 × 2.50 = 1.875 → 1.88.
///   2.1 survey, max 4.00. "vu": 0.60 and 0.60 → 0.60; "so": 0.20 → 0.20; (0.60 + 0.20) / 2 = 0.40
///     → 1.60.
///   Criterion 1.2 = 1.20 + 1.88 = 3.08 of 4.00 → 77.00. Field 1 = 1.75 + 3.08 = 4.83 of 6.00 →
///   80.50. Field 2 = 1.60 of 4.00 → 40.00. Total 6.43 of 10.00 → index 64.30, tier D.
/// BCT: 2.00 + 1.50 + (1.2.2: "vu" 0.80, 0.80 → 0.80 × 2.50 = 2.00) + (2.1: 0.60 × 4.00 = 2.40)
///   = 7.90 → 79.00, tier C.
/// BYT: 1.85 + 1.00 + (1.2.2: 0.90 × 2.50 = 2.25) + (2.1: 0.70 × 4.00 = 2.80) = 7.90 → 79.00: a tie
///   with BCT, so both are 1st and the next place is 3rd.
/// BKH: 2.00 + 1.50, its survey cancelled → 1.2.2 and 2.1 score 0 → 3.50 → 35.00, 4th.
/// TTCP, not ranked: 2.00 + 1.50 + 2.50 + 4.00 = 10.00 → 100.00, tier A, no place.
#[test]
fn ministry_worked_example() {
    let set = ministry_set();
    let btp = with_survey(
        with_survey(
            unit("BTP", &[("1.1", "1.75"), ("1.2.1", "1.20")]),
            "1.2.2",
            answers(&[
                ("vu", 1, Some("1.00")),
                ("vu", 1, Some("0.60")),
                ("vu", 2, Some("0.20")),
                ("vu", 2, None),
                ("so", 3, Some("1.00")),
                ("so", 3, Some("1.00")),
                ("so", 4, None),
                ("so", 4, None),
            ]),
        ),
        "2.1",
        answers(&[
            ("vu", 1, Some("0.60")),
            ("vu", 2, Some("0.60")),
            ("so", 3, Some("0.20")),
        ]),
    );
    let bct = with_survey(
        with_survey(
            unit("BCT", &[("1.1", "2.00"), ("1.2.1", "1.50")]),
            "1.2.2",
            one_group("vu", &["0.80", "0.80"]),
        ),
        "2.1",
        one_group("vu", &["0.60"]),
    );
    let byt = with_survey(
        with_survey(
            unit("BYT", &[("1.1", "1.85"), ("1.2.1", "1.00")]),
            "1.2.2",
            one_group("vu", &["0.90"]),
        ),
        "2.1",
        one_group("vu", &["0.70"]),
    );
    let mut bkh = with_survey(
        unit("BKH", &[("1.1", "2.00"), ("1.2.1", "1.50")]),
        "1.2.2",
        one_group("vu", &["1.00"]),
    );
    bkh.survey_cancelled = true;
    let mut ttcp = with_survey(
        with_survey(
            unit("TTCP", &[("1.1", "2.00"), ("1.2.1", "1.50")]),
            "1.2.2",
            one_group("vu", &["1.00"]),
        ),
        "2.1",
        one_group("so", &["1.00"]),
    );
    ttcp.not_ranked = true;
    let input = LevelInput {
        level: Level::Ministry,
        criteria_set: set,
        settings: ScoringSettings::default(),
        units: vec![btp, bct, byt, bkh, ttcp],
    };
    let r = compute(&input);

    let btp = r.unit("BTP").expect("BTP");
    assert_eq!(node(btp, "1.2.2").fraction, Some(d("0.75")));
    assert_eq!(node(btp, "1.2.2").points, d("1.88"));
    assert_eq!(node(btp, "2.1").points, d("1.60"));
    assert_eq!(
        (node(btp, "1.2").points, node(btp, "1.2").index),
        (d("3.08"), d("77.00"))
    );
    assert_eq!(
        (node(btp, "1").points, node(btp, "1").index),
        (d("4.83"), d("80.50"))
    );
    assert_eq!(node(btp, "2").index, d("40.00"));
    assert_eq!(
        (btp.total, btp.max, btp.index, btp.tier),
        (d("6.43"), d("10.00"), d("64.30"), Tier::D)
    );

    let places: Vec<(&str, Option<u32>, Decimal)> = r
        .units
        .iter()
        .map(|u| (u.code.as_str(), u.place, u.index))
        .collect();
    assert_eq!(
        places,
        vec![
            ("BCT", Some(1), d("79.00")),
            ("BYT", Some(1), d("79.00")),
            ("BTP", Some(3), d("64.30")),
            ("BKH", Some(4), d("35.00")),
            ("TTCP", None, d("100.00")),
        ]
    );
    let bkh = r.unit("BKH").expect("BKH");
    assert!(bkh.survey_cancelled);
    assert_eq!(node(bkh, "1.2.2").status, Some(LeafStatus::Cancelled));
    assert_eq!(
        (node(bkh, "2.1").points, node(bkh, "2.1").max),
        (d("0"), d("4.00"))
    );
    let ttcp = r.unit("TTCP").expect("TTCP");
    assert_eq!(ttcp.tier, Tier::A);
    // By method: BTP has 2.95 of 3.50 self-assessed points and 3.48 of 6.50 survey points.
    let by_method: Vec<(Method, Decimal, Decimal)> = btp
        .methods
        .iter()
        .map(|m| (m.method, m.points, m.max))
        .collect();
    assert_eq!(
        by_method,
        vec![
            (Method::SelfAssessed, d("2.95"), d("3.50")),
            (Method::Survey, d("3.48"), d("6.50")),
        ]
    );
}

/// The province level, weighted group means (People's Council "hdnd" 2, departments "so" 1), half-up
/// at the leaf, a cancelled survey left out of the maximum.
///
/// QNI (Quảng Ninh):
///   1.1 self 2.75; 1.2.1 self 2.00.
///   1.2.2 survey, max 3.00. "hdnd": respondent 1 answers A and B → 0.80, respondent 2 answers A →
///     1.00; group mean 0.90. "so": respondent 3 answers C → 0.20. Weighted: (2 × 0.90 + 1 × 0.20) / 3
///     = 2.00 / 3 = 0.666… → × 3.00 = 2.00.
///   2.1 survey, max 4.00. "hdnd": 0.60, 0.60 → 0.60; "so": respondent 3 answers only "don't know",
///     so the group has no value and its weight drops out: 0.60 × 4.00 = 2.40.
///   2.2 imported SIPAS 90.61% of 8.00 = 7.2488 → 7.25.
///   Criterion 1.2 = 2.00 + 2.00 = 4.00 of 5.00 → 80.00. Field 1 = 2.75 + 4.00 = 6.75 of 8.00 →
///   84.375 → 84.38. Field 2 = 2.40 + 7.25 = 9.65 of 12.00 → 80.4166… → 80.42.
///   Total 16.40 of 20.00 → 82.00, tier B.
/// HPG (Hải Phòng), survey cancelled with "exclude": 1.1 3.00 + 1.2.1 2.00 + 2.2 SIPAS 95.00% of 8.00
///   = 7.60; the survey leaves (3.00 + 4.00) leave the maximum: 12.60 of 13.00 → 96.923… → 96.92, A.
/// HNI (Hà Nội), no SIPAS figure yet: 3.00 + 2.00 + 3.00 + 4.00 + 0 (missing) = 12.00 → 60.00, D.
#[test]
fn province_worked_example() {
    let mut qni = with_survey(
        with_survey(
            unit("QNI", &[("1.1", "2.75"), ("1.2.1", "2.00")]),
            "1.2.2",
            answers(&[
                ("hdnd", 1, Some("1.00")),
                ("hdnd", 1, Some("0.60")),
                ("hdnd", 2, Some("1.00")),
                ("so", 3, Some("0.20")),
            ]),
        ),
        "2.1",
        answers(&[
            ("hdnd", 1, Some("0.60")),
            ("hdnd", 2, Some("0.60")),
            ("so", 3, None),
        ]),
    );
    qni.imported.insert("2.2".into(), d("90.61"));
    let mut hpg = with_survey(
        unit("HPG", &[("1.1", "3.00"), ("1.2.1", "2.00")]),
        "2.1",
        one_group("hdnd", &["1.00"]),
    );
    hpg.survey_cancelled = true;
    hpg.imported.insert("2.2".into(), d("95.00"));
    let hni = with_survey(
        with_survey(
            unit("HNI", &[("1.1", "3.00"), ("1.2.1", "2.00")]),
            "1.2.2",
            answers(&[("hdnd", 1, Some("1.00")), ("so", 2, Some("1.00"))]),
        ),
        "2.1",
        one_group("hdnd", &["1.00"]),
    );
    let weights: BTreeMap<String, Decimal> =
        [("hdnd".to_string(), d("2")), ("so".to_string(), d("1"))].into();
    let input = LevelInput {
        level: Level::Province,
        criteria_set: province_set(),
        settings: ScoringSettings {
            averaging: GroupAveraging::Weighted(weights),
            cancelled_survey: CancelledSurvey::Exclude,
            ..ScoringSettings::default()
        },
        units: vec![qni, hpg, hni],
    };
    let r = compute(&input);
    let qni = r.unit("QNI").expect("QNI");
    assert_eq!(node(qni, "1.2.2").points, d("2.00"));
    assert_eq!(node(qni, "2.1").points, d("2.40"));
    assert_eq!(node(qni, "2.2").points, d("7.25"));
    assert_eq!(node(qni, "2.2").method, Some(Method::Imported));
    assert_eq!(node(qni, "1.2").index, d("80.00"));
    assert_eq!(node(qni, "1").index, d("84.38"));
    assert_eq!(
        (node(qni, "2").points, node(qni, "2").index),
        (d("9.65"), d("80.42"))
    );
    assert_eq!(
        (qni.total, qni.index, qni.tier, qni.place),
        (d("16.40"), d("82.00"), Tier::B, Some(2))
    );
    let hpg = r.unit("HPG").expect("HPG");
    assert_eq!(node(hpg, "2.1").status, Some(LeafStatus::Excluded));
    assert_eq!(
        (hpg.total, hpg.max, hpg.index, hpg.tier, hpg.place),
        (d("12.60"), d("13.00"), d("96.92"), Tier::A, Some(1))
    );
    assert_eq!(node(hpg, "1.2").index, d("100.00"));
    let hni = r.unit("HNI").expect("HNI");
    assert_eq!(node(hni, "2.2").status, Some(LeafStatus::Missing));
    assert_eq!(hni.missing, 1);
    assert_eq!(
        (hni.total, hni.index, hni.tier, hni.place),
        (d("12.00"), d("60.00"), Tier::D, Some(3))
    );
}

/// The pooled mean and exact leaves: 1.2.2 of the ministry set with "vu" 0.80, 0.20 and "so" 1.00
/// pools to 2.00 / 3 = 0.666…; × 2.50 = 1.666… kept exact, so the total 1.666… + 1.00 (1.1) of 10.00
/// gives 26.666… → 26.67, where half-up leaves would give 1.67 + 1.00 → 26.70.
#[test]
fn pooled_means_and_exact_leaves() {
    let u = with_survey(
        unit("BTP", &[("1.1", "1.00")]),
        "1.2.2",
        answers(&[
            ("vu", 1, Some("0.80")),
            ("vu", 2, Some("0.20")),
            ("so", 3, Some("1.00")),
        ]),
    );
    let mut input = LevelInput {
        level: Level::Ministry,
        criteria_set: ministry_set(),
        settings: ScoringSettings {
            averaging: GroupAveraging::Pooled,
            leaf_rounding: LeafRounding::Exact,
            ..ScoringSettings::default()
        },
        units: vec![u],
    };
    assert_eq!(compute(&input).units[0].index, d("26.67"));
    input.settings.leaf_rounding = LeafRounding::HalfUp;
    let r = compute(&input);
    assert_eq!(node(&r.units[0], "1.2.2").points, d("1.67"));
    assert_eq!(r.units[0].index, d("26.70"));
    assert_eq!(r.units[0].missing, 2, "1.2.1 and 2.1 have nothing");
}

/// Two versions of a campaign: only BTP's score moved, so only BTP is listed as changed.
#[test]
fn changes_list_only_the_units_that_moved() {
    let u = |code: &str, s: &str| unit(code, &[("1.1", s)]);
    let level_input = |units| LevelInput {
        level: Level::Ministry,
        criteria_set: ministry_set(),
        settings: ScoringSettings::default(),
        units,
    };
    let v1 = compute_campaign(&CampaignInput {
        year: 2023,
        levels: vec![level_input(vec![u("BTP", "1.00"), u("BCT", "2.00")])],
    });
    let v2 = compute_campaign(&CampaignInput {
        year: 2023,
        levels: vec![level_input(vec![u("BCT", "2.00"), u("BTP", "1.50")])],
    });
    assert_ne!(v1.input_hash, v2.input_hash);
    let c = changes(&v1, &v2);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].code, "BTP");
    assert_eq!(c[0].before, Some((d("10.00"), Tier::D, Some(2))));
    assert_eq!(c[0].after, Some((d("15.00"), Tier::D, Some(2))));
    assert!(changes(&v2, &v2).is_empty());
}

mod properties;
