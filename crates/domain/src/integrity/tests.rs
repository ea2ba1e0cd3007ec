#![allow(clippy::unwrap_used)]

use super::model::{self, Interference, Rng, Shape, UnitSpec};
use super::signals::{self, Signal, agreement, straight_lined};
use super::*;
use crate::survey::paradata::event;

const MIN: i64 = 60_000;
const DAY: i64 = 24 * 60 * MIN;

/// A plain honest response: 17 questions, 7 s per question, its own browser and network, answers
/// varied by `seed`, completed `at`.
fn honest(id: i64, unit: i64, at: i64, seed: u64) -> ResponseTrace {
    let mut rng = Rng(seed);
    ResponseTrace {
        invitation_id: id,
        unit_id: unit,
        group: "g".into(),
        completed_at: at,
        page_ms: vec![35_000, 35_000, 35_000, 14_000],
        answers: (0..17).map(|_| rng.range(0, 4) as u8).collect(),
        devices: vec![u32::try_from(id).unwrap() + 1_000_000],
        submit_network: u32::try_from(id).unwrap() + 2_000_000,
        officer_session: false,
        readdressed: false,
        at_best: 0,
    }
}

/// Ten honest units of `n` responses each, spread over five days; unit ids 1..=10.
fn honest_campaign(n: i64) -> Vec<ResponseTrace> {
    let mut out = Vec::new();
    let mut rng = Rng(7);
    for u in 1..=10 {
        for k in 0..n {
            let id = u * 1000 + k;
            let at = rng.range(0, 5 * DAY);
            out.push(honest(id, u, at, rng.next_u64()));
        }
    }
    out
}

fn only(d: &Detection, unit: i64) -> &UnitAssessment {
    d.unit(unit).unwrap()
}

fn finding(u: &UnitAssessment, s: Signal) -> Option<&Finding> {
    u.findings.iter().find(|f| f.signal == s)
}

fn flagged_units(d: &Detection) -> Vec<i64> {
    d.flagged().map(|u| u.unit_id).collect()
}

#[test]
fn an_honest_campaign_flags_nobody() {
    let d = detect(&honest_campaign(30), &IntegritySettings::default());
    assert_eq!(d.units.len(), 10);
    assert_eq!(d.responses, 300);
    assert!(flagged_units(&d).is_empty(), "{:#?}", d.units[0]);
}

#[test]
fn speeders_are_measured_against_two_seconds_per_question_and_the_median() {
    let mut ts = honest_campaign(30);
    // Unit 3: half its respondents spend under a second per question.
    for t in ts.iter_mut().filter(|t| t.unit_id == 3).take(15) {
        t.page_ms = vec![4_000, 4_000, 4_000, 1_500];
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 3);
    let f = finding(u, Signal::Speeding).unwrap();
    assert_eq!(f.count, 15);
    assert_eq!(f.share, 0.5);
    assert!(u.flagged && u.risk >= 4.0, "{u:#?}");
    assert_eq!(flagged_units(&d), vec![3]);
    assert_eq!(u.campaign_seconds_per_item, 7.0);
    // One slow page does not hide three fast ones: the page-time index counts pages.
    let mut t = honest(1, 1, 0, 1);
    t.page_ms = vec![3_000, 3_000, 3_000, 200_000];
    assert_eq!(signals::pace(&t, 2_000).map(|p| (p.1, p.2)), Some((4, 3)));
}

#[test]
fn one_browser_on_several_links_is_a_shared_device() {
    let mut ts = honest_campaign(30);
    for t in ts.iter_mut().filter(|t| t.unit_id == 5).take(6) {
        t.devices = vec![42];
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 5);
    let f = finding(u, Signal::SharedDevice).unwrap();
    assert_eq!((f.count, f.largest), (6, 6));
    assert_eq!(f.examples.len(), 5);
    assert!(u.flagged, "{u:#?}");
    // Two colleagues sharing one computer are seen, but do not make a flag alone.
    let mut ts = honest_campaign(30);
    for t in ts.iter_mut().filter(|t| t.unit_id == 5).take(2) {
        t.devices = vec![42];
    }
    let d = detect(&ts, &IntegritySettings::default());
    assert!(finding(only(&d, 5), Signal::SharedDevice).is_none());
    assert!(flagged_units(&d).is_empty());
}

#[test]
fn a_meeting_room_is_one_network_and_a_burst() {
    let mut ts = honest_campaign(30);
    let at = 2 * DAY;
    for (k, t) in ts
        .iter_mut()
        .filter(|t| t.unit_id == 7)
        .take(12)
        .enumerate()
    {
        t.submit_network = 77;
        t.completed_at = at + k as i64 * 2 * MIN;
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 7);
    let net = finding(u, Signal::SharedNetwork).unwrap();
    let burst = finding(u, Signal::Burst).unwrap();
    assert_eq!(net.count, 12);
    assert!(burst.count >= 12 && burst.largest >= 8, "{burst:?}");
    assert!(u.flagged, "{u:#?}");
    assert_eq!(flagged_units(&d), vec![7]);
}

#[test]
fn one_office_network_over_days_is_not_a_shared_network() {
    let mut ts = honest_campaign(30);
    for t in ts.iter_mut().filter(|t| t.unit_id == 7) {
        t.submit_network = 77;
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 7);
    assert!(
        finding(u, Signal::SharedNetwork).is_none_or(|f| f.count < 10),
        "{u:#?}"
    );
    assert!(!u.flagged);
}

#[test]
fn dictated_answers_are_twins_compared_with_other_units() {
    let mut ts = honest_campaign(30);
    let dictated: Vec<u8> = vec![0; 16].into_iter().chain([1]).collect();
    for (k, t) in ts
        .iter_mut()
        .filter(|t| t.unit_id == 2)
        .take(18)
        .enumerate()
    {
        t.answers = dictated.clone();
        if k % 3 == 0 {
            t.answers[k % 17] = 3;
        }
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 2);
    let f = finding(u, Signal::Twins).unwrap();
    assert_eq!(f.count, 18);
    assert_eq!(f.largest, 18);
    assert!(f.typical < 0.1, "{f:?}");
    assert!(u.flagged);
    assert_eq!(flagged_units(&d), vec![2]);
    assert_eq!(agreement(&[1; 10], &[1; 10]), Some(1.0));
    assert_eq!(agreement(&[1; 5], &[1; 5]), None, "too few to compare");
    let mut a = vec![2u8; 10];
    a[0] = NO_ANSWER;
    assert_eq!(agreement(&a, &[2; 10]), Some(1.0));
}

#[test]
fn a_homogeneous_campaign_raises_the_bar_for_twins() {
    // Every unit answers nearly alike: twins everywhere are the norm, not a flag.
    let mut ts = honest_campaign(20);
    for t in &mut ts {
        t.answers = vec![0; 17];
        t.answers[1] = 1;
        t.answers[0] = u8::from(t.invitation_id % 2 == 0);
    }
    let d = detect(&ts, &IntegritySettings::default());
    let f = finding(only(&d, 1), Signal::Twins).unwrap();
    // Chance, from the unit's own answer mix, explains them.
    assert!(f.count > 15 && f.expected > 15.0, "{f:?}");
    assert_eq!(f.contribution, 0.0);
    assert!(flagged_units(&d).is_empty());
}

#[test]
fn straight_lining_needs_eight_answers_all_the_same() {
    assert!(straight_lined(&[2; 8]));
    assert!(!straight_lined(&[2; 7]));
    let mut a = vec![2u8; 10];
    a[3] = NO_ANSWER;
    assert!(straight_lined(&a));
    a[4] = 1;
    assert!(!straight_lined(&a));
    let mut ts = honest_campaign(30);
    for t in ts.iter_mut().filter(|t| t.unit_id == 9).take(20) {
        t.answers = vec![0; 17];
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 9);
    assert_eq!(finding(u, Signal::StraightLining).unwrap().count, 20);
    assert!(u.flagged, "{u:#?}");
}

#[test]
fn answering_from_an_officers_session_weighs_heavily() {
    let mut ts = honest_campaign(30);
    for t in ts.iter_mut().filter(|t| t.unit_id == 4).take(3) {
        t.officer_session = true;
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 4);
    assert_eq!(u.findings[0].signal, Signal::OfficerSession);
    assert!(u.flagged, "{u:#?}");
    // A single officer answering their own link is shown, not flagged.
    let mut ts = honest_campaign(30);
    ts.iter_mut()
        .find(|t| t.unit_id == 4)
        .unwrap()
        .officer_session = true;
    let d = detect(&ts, &IntegritySettings::default());
    assert!(finding(only(&d, 4), Signal::OfficerSession).is_some());
    assert!(flagged_units(&d).is_empty());
}

#[test]
fn links_the_unit_re_addressed_before_they_were_answered_are_a_signal() {
    let mut ts = honest_campaign(30);
    for t in ts.iter_mut().filter(|t| t.unit_id == 5).take(8) {
        t.readdressed = true;
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 5);
    assert_eq!(finding(u, Signal::Readdressed).unwrap().count, 8);
    assert!(u.flagged, "{u:#?}");
    // One corrected bounce is shown, not flagged.
    let mut ts = honest_campaign(30);
    ts.iter_mut().find(|t| t.unit_id == 5).unwrap().readdressed = true;
    let d = detect(&ts, &IntegritySettings::default());
    assert!(flagged_units(&d).is_empty());
}

#[test]
fn a_re_address_event_marks_the_trace() {
    let events = [
        Event {
            at: 1,
            kind: event::READDRESSED,
            page: 0,
            session: "",
            network: "",
            signed_in: false,
        },
        Event {
            at: 2,
            kind: event::SUBMITTED,
            page: 0,
            session: "s",
            network: "n",
            signed_in: false,
        },
    ];
    let t = ResponseTrace::build(1, 1, "g", 3, vec![0; 5], &events, &mut Interner::default());
    assert!(t.readdressed && !t.officer_session);
}

#[test]
fn a_link_answered_from_many_browsers() {
    let mut ts = honest_campaign(30);
    for (k, t) in ts.iter_mut().filter(|t| t.unit_id == 6).take(8).enumerate() {
        let k = u32::try_from(k).unwrap();
        t.devices = vec![500 + 3 * k, 501 + 3 * k, 502 + 3 * k];
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 6);
    let f = finding(u, Signal::ManyDevices).unwrap();
    assert_eq!((f.count, f.largest), (8, 3));
    assert!(u.flagged, "{u:#?}");
}

#[test]
fn small_units_are_listed_but_not_scored() {
    let mut ts = honest_campaign(30);
    for k in 0..3 {
        let mut t = honest(99_000 + k, 99, k * MIN, k as u64);
        t.devices = vec![1];
        t.officer_session = true;
        ts.push(t);
    }
    let d = detect(&ts, &IntegritySettings::default());
    let u = only(&d, 99);
    assert!(!u.scored && !u.flagged && u.risk == 0.0);
    assert_eq!(u.responses, 3);
}

#[test]
fn thresholds_are_configurable_and_checked() {
    let mut ts = honest_campaign(30);
    for t in ts.iter_mut().filter(|t| t.unit_id == 5).take(3) {
        t.devices = vec![42];
    }
    let d = detect(&ts, &IntegritySettings::default());
    assert!(flagged_units(&d).is_empty(), "{:?}", only(&d, 5));
    let strict = IntegritySettings {
        flag_risk: 1.0,
        ..IntegritySettings::default()
    };
    assert_eq!(flagged_units(&detect(&ts, &strict)), vec![5]);
    assert!(IntegritySettings::default().check().is_ok());
    let bad = IntegritySettings {
        twin_agreement: 0.2,
        ..IntegritySettings::default()
    };
    assert_eq!(bad.check().unwrap_err().field, "twin_agreement");
    let bad = IntegritySettings {
        flag_risk: f64::NAN,
        ..IntegritySettings::default()
    };
    assert!(bad.check().is_err());
}

#[test]
fn traces_are_built_from_paradata_events() {
    let ev = |at, kind, page, session, network, signed_in| Event {
        at,
        kind,
        page,
        session,
        network,
        signed_in,
    };
    let events = [
        ev(0, event::OPENED, 0, "", "scanner", false),
        ev(10, event::STARTED, 0, "s1", "home", false),
        ev(20, event::PAGE_SHOWN, 1, "s1", "home", false),
        ev(5_020, event::PAGE_SAVED, 1, "s1", "home", false),
        ev(6_000, event::PAGE_SHOWN, 2, "s2", "office", true),
        ev(8_000, event::PAGE_SAVED, 2, "s2", "office", true),
        ev(9_000, event::SUBMITTED, 0, "s2", "office", true),
    ];
    let mut names = Interner::default();
    let t = ResponseTrace::build(1, 2, "g", 9_000, vec![0; 7], &events, &mut names);
    assert_eq!(t.page_ms, vec![5_000, 2_000]);
    assert_eq!(t.items_on(0), 5);
    assert_eq!(t.items_on(1), 2);
    assert_eq!(t.devices.len(), 2);
    assert_eq!(t.submit_network, names.id("office"));
    assert!(t.officer_session);
    assert_eq!(names.id(""), 0);
}

fn shape() -> std::collections::BTreeMap<String, Shape> {
    let q: Vec<Option<f64>> = vec![Some(1.0), Some(0.67), Some(0.33), Some(0.0), None];
    let s = Shape([("g".to_string(), vec![q; 17])].into_iter().collect());
    [
        ("ministry".to_string(), s.clone()),
        ("province".to_string(), s),
    ]
    .into_iter()
    .collect()
}

fn specs(units: i64, size: i64, bent: &[(i64, Interference, f64)]) -> Vec<UnitSpec> {
    (1..=units)
        .map(|u| UnitSpec {
            unit_id: u,
            level: "province".into(),
            links: (0..size)
                .map(|k| (u * 10_000 + k, "g".to_string()))
                .collect(),
            quality: 0.6 + (u % 7) as f64 * 0.05,
            interference: bent.iter().find(|b| b.0 == u).map(|b| (b.1, b.2)),
        })
        .collect()
}

#[test]
fn the_model_catches_each_way_of_interfering_and_spares_honest_units() {
    let bent = [
        (3, Interference::OnePerson, 0.4),
        (6, Interference::Dictated, 0.5),
        (9, Interference::MeetingRoom, 0.4),
        (12, Interference::OfficerSession, 0.3),
    ];
    let plan = model::plan(&specs(30, 60, &bent), &shape(), 0, 10, 11);
    assert_eq!(plan.interfering.len(), 4);
    let ts = model::traces(&plan);
    // About one in eight honest respondents never answers.
    let share = ts.len() as f64 / (30.0 * 60.0);
    assert!((0.85..0.93).contains(&share), "{share}");
    let d = detect(&ts, &IntegritySettings::default());
    let score = evaluate::Score::of(&plan.interfering, &d);
    assert_eq!(
        score.recall(),
        1.0,
        "{score:?} {:#?}",
        d.units[..6].to_vec()
    );
    let honest_flags: Vec<_> = d
        .flagged()
        .filter(|u| !plan.interfering.contains(&u.unit_id))
        .collect();
    assert_eq!(score.false_flags, 0, "{score:?} {honest_flags:#?}");
    let why = |u: i64| only(&d, u).findings[0].signal;
    assert!(matches!(why(3), Signal::SharedDevice | Signal::Burst));
    assert!(matches!(why(6), Signal::Twins | Signal::CommonPattern));
    assert!(matches!(why(9), Signal::SharedNetwork | Signal::Burst));
    assert_eq!(why(12), Signal::OfficerSession);
}

#[test]
fn the_same_seed_plans_the_same_campaign() {
    let a = model::plan(&specs(4, 10, &[]), &shape(), 0, 5, 3);
    let b = model::plan(&specs(4, 10, &[]), &shape(), 0, 5, 3);
    assert_eq!(a.steps, b.steps);
    assert_eq!(
        Interference::parse("meeting-room"),
        Some(Interference::MeetingRoom)
    );
    assert_eq!(Interference::parse("x"), None);
}

#[test]
fn a_small_national_scenario_spreads_its_interfering_units() {
    let sc = evaluate::Scenario {
        size: 40,
        ..evaluate::Scenario::national(1)
    };
    let specs = sc.specs(&shape());
    assert_eq!(specs.len(), 83);
    let bent: Vec<_> = specs.iter().filter_map(|u| u.interference).collect();
    assert_eq!(bent.len(), 10);
    for k in Interference::ALL {
        assert_eq!(bent.iter().filter(|b| b.0 == k).count(), 2);
    }
    let satisfied = sc.satisfied_units(&specs);
    assert_eq!(satisfied.len(), 8);
    assert!(
        satisfied
            .iter()
            .all(|id| specs[*id as usize - 1].quality == 1.0)
    );
    let (_, d, score) = sc.run(&shape(), &IntegritySettings::default());
    assert!(d.responses > 83 * 30, "{}", d.responses);
    assert!(score.recall() >= 0.8, "{score:?}");
}

/// Unit 4 told a quarter of its 120 links to tick the best answer everywhere; units 7 and 8 are
/// honest and satisfied with everything (as many responses on the best option everywhere).
fn dictated_best_campaign(seed: u64) -> (model::CampaignPlan, Vec<ResponseTrace>) {
    let mut units = specs(24, 120, &[(4, Interference::DictatedBest, 0.25)]);
    units[6].quality = 1.0;
    units[7].quality = 1.0;
    let plan = model::plan(&units, &shape(), 0, 10, seed);
    let ts = model::traces(&plan);
    (plan, ts)
}

fn best_share(ts: &[ResponseTrace], unit: i64) -> f64 {
    let mine: Vec<_> = ts.iter().filter(|t| t.unit_id == unit).collect();
    mine.iter().filter(|t| signals::all_best(t)).count() as f64 / mine.len() as f64
}

#[test]
fn telling_staff_to_tick_the_best_answer_is_caught_and_satisfied_units_are_spared() {
    for seed in [1, 2, 3] {
        let (plan, ts) = dictated_best_campaign(seed);
        // The shape of the answers alone cannot tell them apart.
        for u in [4, 7, 8] {
            assert!(best_share(&ts, u) > 0.1, "unit {u}: {}", best_share(&ts, u));
        }
        let d = detect(&ts, &IntegritySettings::default());
        assert!(only(&d, 4).flagged, "seed {seed}: {:#?}", only(&d, 4));
        let why: Vec<Signal> = only(&d, 4)
            .findings
            .iter()
            .filter(|f| f.contribution > 0.0)
            .map(|f| f.signal)
            .collect();
        assert!(
            why.contains(&Signal::BestHurried) || why.contains(&Signal::BestTogether),
            "{why:?}"
        );
        for u in [7, 8] {
            let a = only(&d, u);
            assert!(!a.flagged, "seed {seed}: {a:#?}");
            // Their lines on the best option are not straight-lining, nor twins.
            for s in [Signal::StraightLining, Signal::Twins] {
                assert!(
                    finding(a, s).is_none_or(|f| f.contribution == 0.0),
                    "{a:#?}"
                );
            }
        }
        assert_eq!(evaluate::Score::of(&plan.interfering, &d).false_flags, 0);
    }
}

#[test]
fn hurried_best_answers_are_measured_against_the_units_own_pace() {
    // Twenty responses at 7 s per question and eight on the best option everywhere: four at 2 s,
    // four at 7 s. Chance (the unit's other responses as fast) gives none.
    let mut ts: Vec<ResponseTrace> = (0..20)
        .map(|k| honest(k, 1, k * 3 * MIN, k as u64))
        .collect();
    for k in 0..8 {
        let mut t = honest(100 + k, 1, k * DAY, 50 + k as u64);
        t.answers = vec![0; 17];
        if k < 4 {
            t.page_ms = vec![10_000, 10_000, 10_000, 4_000];
        }
        ts.push(t.with_best(&[0; 17]));
    }
    let found = signals::unit_flags(
        &ts.iter().collect::<Vec<_>>(),
        &signals::campaign_stats(&ts, &IntegritySettings::default()),
        &IntegritySettings::default(),
    );
    let hurried: Vec<usize> = (0..ts.len())
        .filter(|&i| found.flags[i].has(Signal::BestHurried))
        .collect();
    assert_eq!(hurried, vec![20, 21, 22, 23]);
    assert_eq!(found.expected[&Signal::BestHurried], 0.0);
    // Lines on the best option are not straight-lining.
    assert!(!(0..ts.len()).any(|i| found.flags[i].has(Signal::StraightLining)));
    // A day apart, they are not together.
    assert!(!(0..ts.len()).any(|i| found.flags[i].has(Signal::BestTogether)));
}

#[test]
fn best_answers_completed_together_beyond_their_share_are_a_signal() {
    // 40 responses over five days, none on the best option everywhere but six within an hour.
    let mut ts: Vec<ResponseTrace> = (0..40)
        .map(|k| honest(k, 1, k * 3 * 60 * MIN, k as u64))
        .collect();
    for k in 0..6 {
        let mut t = honest(100 + k, 1, 2 * DAY + k * 10 * MIN, 70 + k as u64);
        t.answers = vec![0; 17];
        ts.push(t.with_best(&[0; 17]));
    }
    let s = IntegritySettings::default();
    let found = signals::unit_flags(
        &ts.iter().collect::<Vec<_>>(),
        &signals::campaign_stats(&ts, &s),
        &s,
    );
    let together = (0..ts.len())
        .filter(|&i| found.flags[i].has(Signal::BestTogether))
        .count();
    assert_eq!(together, 6);
    assert_eq!(found.largest[&Signal::BestTogether], 6);
}

#[test]
fn the_binomial_tail_is_exact_on_small_cases() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(signals::binomial_tail(4, 0, 0.3), 1.0));
    assert!(close(signals::binomial_tail(4, 4, 0.5), 1.0 / 16.0));
    assert!(close(signals::binomial_tail(3, 2, 0.5), 0.5));
    assert!(close(
        signals::binomial_tail(10, 1, 0.1),
        1.0 - 0.9f64.powi(10)
    ));
    assert!(close(signals::binomial_tail(5, 6, 0.5), 0.0));
    assert!(signals::binomial_tail(2_000, 1_900, 0.5) < 1e-100);
}
