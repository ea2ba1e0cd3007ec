//! The per-response signals. Each is computed for the responses of one unit, some against the whole
//! campaign (speed is measured against the campaign's median time per question).

use super::settings::IntegritySettings;
use super::trace::{NO_ANSWER, ResponseTrace};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Pages answered faster than anyone can read them.
    Speeding,
    /// One browser answered three or more links of the unit.
    SharedDevice,
    /// Several links submitted from one network within a short time.
    SharedNetwork,
    /// Many completions of the unit in a short window.
    Burst,
    /// Near-identical answers to another response of the unit.
    Twins,
    /// Answers that match the unit's most common answers almost throughout (a script).
    CommonPattern,
    /// The same option for every question.
    StraightLining,
    /// Answered in a browser where a unit officer was signed in.
    OfficerSession,
    /// One link answered from many browsers.
    ManyDevices,
    /// The unit sent the invitation to another address before it was answered: whoever chose the
    /// address holds the only working link.
    Readdressed,
    /// The best option on every question, ticked much faster than the unit's other respondents
    /// answer: what "tick the best answer everywhere" looks like, as opposed to officials who
    /// read the questions and happen to be satisfied with everything.
    BestHurried,
    /// The best option on every question, completed within hours of many other such responses of
    /// the unit, far more than their share of the unit's completions in those hours gives (right
    /// after a meeting or an e-mail telling people what to answer).
    BestTogether,
}

/// What each signal weighs in the unit's risk, the fewest responses it must concern to count, and the
/// smallest spread its shares are measured against (so that a signal every honest unit lacks does
/// not make a tiny difference look huge).
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub weight: f64,
    pub min_count: u32,
    pub floor: f64,
}

impl Signal {
    pub const ALL: [Signal; 12] = [
        Signal::Speeding,
        Signal::SharedDevice,
        Signal::SharedNetwork,
        Signal::Burst,
        Signal::Twins,
        Signal::CommonPattern,
        Signal::StraightLining,
        Signal::OfficerSession,
        Signal::ManyDevices,
        Signal::Readdressed,
        Signal::BestHurried,
        Signal::BestTogether,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Signal::Speeding => "speeding",
            Signal::SharedDevice => "shared_device",
            Signal::SharedNetwork => "shared_network",
            Signal::Burst => "burst",
            Signal::Twins => "twins",
            Signal::CommonPattern => "common_pattern",
            Signal::StraightLining => "straight_lining",
            Signal::OfficerSession => "officer_session",
            Signal::ManyDevices => "many_devices",
            Signal::Readdressed => "readdressed",
            Signal::BestHurried => "best_hurried",
            Signal::BestTogether => "best_together",
        }
    }

    pub fn rule(self) -> Rule {
        let r = |weight, min_count, floor| Rule {
            weight,
            min_count,
            floor,
        };
        match self {
            Signal::Speeding => r(1.0, 3, 0.05),
            Signal::SharedDevice => r(1.5, 2, 0.05),
            Signal::SharedNetwork => r(0.75, 4, 0.03),
            Signal::Burst => r(0.75, 5, 0.03),
            Signal::Twins => r(1.25, 3, 0.05),
            Signal::CommonPattern => r(1.25, 3, 0.05),
            Signal::StraightLining => r(0.75, 3, 0.05),
            Signal::OfficerSession => r(2.0, 1, 0.02),
            Signal::ManyDevices => r(1.0, 2, 0.05),
            Signal::Readdressed => r(1.0, 2, 0.02),
            Signal::BestHurried => r(1.5, 3, 0.03),
            Signal::BestTogether => r(1.25, 4, 0.03),
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The signals one response shows, as a set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags(u16);

impl Flags {
    pub fn has(self, s: Signal) -> bool {
        self.0 & s.bit() != 0
    }

    pub fn set(&mut self, s: Signal) {
        self.0 |= s.bit();
    }
}

/// The campaign-wide figures the unit checks compare with.
#[derive(Debug, Clone, Default)]
pub struct CampaignStats {
    /// The median milliseconds per question, by respondent group.
    pub median_ms_per_item: HashMap<String, f64>,
    /// ... and over every response.
    pub overall_ms_per_item: f64,
}

/// Milliseconds per question over the pages whose time is known, and the count of pages answered
/// faster than `floor_ms` per question.
pub fn pace(t: &ResponseTrace, floor_ms: u32) -> Option<(f64, usize, usize)> {
    let mut ms = 0u64;
    let mut items = 0usize;
    let mut known = 0usize;
    let mut fast = 0usize;
    for (p, &m) in t.page_ms.iter().enumerate() {
        let n = t.items_on(p);
        if m == 0 || n == 0 {
            continue;
        }
        known += 1;
        ms += u64::from(m);
        items += n;
        if u64::from(m) < u64::from(floor_ms) * n as u64 {
            fast += 1;
        }
    }
    (items > 0).then(|| (ms as f64 / items as f64, known, fast))
}

pub fn campaign_stats(traces: &[ResponseTrace], s: &IntegritySettings) -> CampaignStats {
    let mut by_group: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut all = Vec::with_capacity(traces.len());
    for t in traces {
        if let Some((rate, _, _)) = pace(t, s.speed_ms_per_item) {
            by_group.entry(t.group.as_str()).or_default().push(rate);
            all.push(rate);
        }
    }
    CampaignStats {
        overall_ms_per_item: median(&mut all),
        median_ms_per_item: by_group
            .into_iter()
            .map(|(g, mut v)| (g.to_string(), median(&mut v)))
            .collect(),
    }
}

pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// What the checks found in one unit.
#[derive(Debug, Clone, Default)]
pub struct UnitSignals {
    /// The signals of each response, in the order given.
    pub flags: Vec<Flags>,
    /// Per signal, the size of the largest group of responses sharing it (one browser, one network
    /// window, one burst, one set of twins).
    pub largest: HashMap<Signal, u32>,
    /// Per signal, how many responses would show it by chance given the unit's own answer mix
    /// (for twins: the same answers shuffled between respondents, question by question).
    pub expected: HashMap<Signal, f64>,
    /// The unit's median milliseconds per question.
    pub median_ms_per_item: f64,
}

pub fn unit_flags(
    unit: &[&ResponseTrace],
    stats: &CampaignStats,
    s: &IntegritySettings,
) -> UnitSignals {
    let n = unit.len();
    let mut flags = vec![Flags::default(); n];
    let mut largest: HashMap<Signal, u32> = HashMap::new();
    let mut grow = |sig: Signal, size: usize| {
        let e = largest.entry(sig).or_insert(0);
        *e = (*e).max(u32::try_from(size).unwrap_or(u32::MAX));
    };
    // Speeding, straight-lining, officer sessions, many devices: one response at a time.
    let mut rates = Vec::with_capacity(n);
    for (i, t) in unit.iter().enumerate() {
        if let Some((rate, known, fast)) = pace(t, s.speed_ms_per_item) {
            rates.push(rate);
            let median = stats
                .median_ms_per_item
                .get(&t.group)
                .copied()
                .unwrap_or(0.0);
            if fast * 2 >= known.max(1) || rate < s.speed_share_of_median * median {
                flags[i].set(Signal::Speeding);
            }
        }
        // A line on the best option is how a satisfied official answers; whether it was
        // dictated is judged by its pace (below), not by its shape.
        if straight_lined(&t.answers) && !all_best(t) {
            flags[i].set(Signal::StraightLining);
        }
        if t.officer_session {
            flags[i].set(Signal::OfficerSession);
        }
        if t.readdressed {
            flags[i].set(Signal::Readdressed);
        }
        if t.devices.len() >= s.many_devices as usize {
            flags[i].set(Signal::ManyDevices);
            grow(Signal::ManyDevices, t.devices.len());
        }
    }
    // The best option everywhere, much faster than the unit's other respondents.
    let is_best: Vec<bool> = unit.iter().map(|t| all_best(t)).collect();
    let others: Vec<f64> = unit
        .iter()
        .zip(&is_best)
        .filter(|(_, b)| !**b)
        .map(|(t, _)| t)
        .filter_map(|t| pace(t, s.speed_ms_per_item).map(|p| p.0))
        .collect();
    let own_median = (others.len() >= OWN_PACE_MIN).then(|| median(&mut others.clone()));
    // What chance gives: the unit's other responses that are as fast, as a share, times the
    // responses on the best option everywhere.
    let as_fast = own_median
        .map(|m| others.iter().filter(|&&r| r < HURRIED * m).count() as f64 / others.len() as f64)
        .unwrap_or(0.0);
    let best_count = is_best.iter().filter(|&&b| b).count();
    for (i, t) in unit.iter().enumerate() {
        if !is_best[i] {
            continue;
        }
        let baseline = own_median.unwrap_or_else(|| {
            stats
                .median_ms_per_item
                .get(&t.group)
                .copied()
                .unwrap_or(stats.overall_ms_per_item)
        });
        if let Some((rate, _, _)) = pace(t, s.speed_ms_per_item)
            && rate < HURRIED * baseline
        {
            flags[i].set(Signal::BestHurried);
        }
    }
    // One browser on several links.
    let mut by_device: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, t) in unit.iter().enumerate() {
        for &d in &t.devices {
            by_device.entry(d).or_default().push(i);
        }
    }
    // Two colleagues sharing one office computer are common; three or more links on one browser
    // are not.
    for members in by_device.values().filter(|m| m.len() >= 3) {
        grow(Signal::SharedDevice, members.len());
        for &i in members {
            flags[i].set(Signal::SharedDevice);
        }
    }
    // Time order, for bursts and networks.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| unit[i].completed_at);
    let times: Vec<i64> = order.iter().map(|&i| unit[i].completed_at).collect();
    let burst_ms = i64::from(s.burst_minutes) * 60_000;
    let span = times
        .last()
        .zip(times.first())
        .map(|(l, f)| l - f)
        .unwrap_or(0)
        .max(24 * 3_600_000);
    let expected = (n.saturating_sub(1)) as f64 * burst_ms as f64 / span as f64;
    let need = (s.burst_min as usize).max((4.0 * expected).ceil() as usize);
    for (k, size) in window_counts(&times, burst_ms / 2).into_iter().enumerate() {
        if size >= need {
            flags[order[k]].set(Signal::Burst);
            grow(Signal::Burst, size);
        }
    }
    // Responses on the best option everywhere, clustered in time beyond their share.
    let best: Vec<bool> = order.iter().map(|&i| is_best[i]).collect();
    let best_times: Vec<i64> = (0..n).filter(|&k| best[k]).map(|k| times[k]).collect();
    let best_near = window_counts(&best_times, TOGETHER_MS / 2);
    let mut bk = 0;
    for (k, all_near) in window_counts(&times, TOGETHER_MS / 2)
        .into_iter()
        .enumerate()
    {
        if !best[k] {
            continue;
        }
        let near = best_near[bk];
        bk += 1;
        // Their share among the unit's responses outside the window (one of each added, so that
        // a unit with none outside is not certain to have none): what the window would hold if
        // nothing had brought them together.
        let outside = (best_count - near + 1) as f64 / (n.saturating_sub(all_near) + 2) as f64;
        if near >= TOGETHER_MIN && binomial_tail(all_near, near, outside) < TOGETHER_P {
            flags[order[k]].set(Signal::BestTogether);
            grow(Signal::BestTogether, near);
        }
    }
    let mut by_network: HashMap<u32, Vec<usize>> = HashMap::new();
    for &i in &order {
        if unit[i].submit_network != 0 {
            by_network
                .entry(unit[i].submit_network)
                .or_default()
                .push(i);
        }
    }
    let net_ms = i64::from(s.network_minutes) * 60_000;
    for members in by_network.values() {
        let times: Vec<i64> = members.iter().map(|&i| unit[i].completed_at).collect();
        for (k, size) in window_counts(&times, net_ms / 2).into_iter().enumerate() {
            if size >= s.network_min as usize {
                flags[members[k]].set(Signal::SharedNetwork);
                grow(Signal::SharedNetwork, size);
            }
        }
    }
    // Twins, within each respondent group (each has its own questionnaire), against the twins the
    // same answers would give if each question's answers were dealt out at random.
    let mut by_group: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, t) in unit.iter().enumerate() {
        by_group.entry(t.group.as_str()).or_default().push(i);
    }
    let mut chance = 0.0;
    for members in by_group.values() {
        let answers: Vec<&[u8]> = members
            .iter()
            .map(|&i| unit[i].answers.as_slice())
            .collect();
        let ceiling: Vec<bool> = members.iter().map(|&i| near_best(unit[i])).collect();
        let twins = twin_counts(&answers, &ceiling, s.twin_agreement);
        for (k, &c) in twins.iter().enumerate() {
            if c > 0 {
                flags[members[k]].set(Signal::Twins);
                grow(Signal::Twins, c + 1);
            }
        }
        let modal = modal_answers(&answers);
        if !straight_lined(&modal) {
            for (k, a) in answers.iter().enumerate() {
                if !straight_lined(a)
                    && !ceiling[k]
                    && agreement(a, &modal).is_some_and(|g| g >= s.twin_agreement)
                {
                    flags[members[k]].set(Signal::CommonPattern);
                }
            }
        }
        let seed = unit.first().map(|t| t.unit_id as u64).unwrap_or(0);
        let shuffled = shuffle_columns(&answers, seed);
        let dealt: Vec<&[u8]> = shuffled.iter().map(Vec::as_slice).collect();
        chance += twin_counts(&dealt, &ceiling, s.twin_agreement)
            .iter()
            .filter(|&&c| c > 0)
            .count() as f64;
    }
    let mut expected = HashMap::new();
    expected.insert(Signal::Twins, chance);
    expected.insert(Signal::BestHurried, as_fast * best_count as f64);
    UnitSignals {
        flags,
        largest,
        expected,
        median_ms_per_item: median(&mut rates),
    }
}

/// The most common answer to each question (ties to the lower position).
fn modal_answers(answers: &[&[u8]]) -> Vec<u8> {
    let width = answers.iter().map(|a| a.len()).max().unwrap_or(0);
    (0..width)
        .map(|q| {
            let mut counts: HashMap<u8, usize> = HashMap::new();
            for a in answers {
                if let Some(&x) = a.get(q).filter(|&&x| x != NO_ANSWER) {
                    *counts.entry(x).or_default() += 1;
                }
            }
            counts
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|x| x.0)
                .unwrap_or(NO_ANSWER)
        })
        .collect()
}

/// For each response, how many others agree with it on at least `threshold` of the questions.
/// Straight-lined responses and those at the `ceiling` (the best option on nearly every question)
/// are left out: two officials who both tick "very satisfied" throughout are alike by the ceiling
/// of the scale, and straight-lining and hurried best answers are signals of their own.
fn twin_counts(answers: &[&[u8]], ceiling: &[bool], threshold: f64) -> Vec<usize> {
    let mut twins = vec![0usize; answers.len()];
    let line: Vec<bool> = answers
        .iter()
        .zip(ceiling)
        .map(|(a, c)| *c || straight_lined(a))
        .collect();
    for a in 0..answers.len() {
        if line[a] {
            continue;
        }
        for b in a + 1..answers.len() {
            if line[b] {
                continue;
            }
            if agreement(answers[a], answers[b]).is_some_and(|g| g >= threshold) {
                twins[a] += 1;
                twins[b] += 1;
            }
        }
    }
    twins
}

/// The answers with each question's column shuffled between respondents (deterministically).
fn shuffle_columns(answers: &[&[u8]], seed: u64) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = answers.iter().map(|a| a.to_vec()).collect();
    let width = answers.iter().map(|a| a.len()).max().unwrap_or(0);
    let mut rng = super::model::Rng(seed ^ 0x5EED);
    for q in 0..width {
        for i in (1..out.len()).rev() {
            let j = usize::try_from(rng.range(0, i as i64 + 1)).unwrap_or(0);
            let (x, y) = (out[i].get(q).copied(), out[j].get(q).copied());
            if let (Some(x), Some(y)) = (x, y) {
                out[i][q] = y;
                out[j][q] = x;
            }
        }
    }
    out
}

/// For each of the sorted `times`, how many lie within `half` of it (itself included).
fn window_counts(times: &[i64], half: i64) -> Vec<usize> {
    let mut out = Vec::with_capacity(times.len());
    let (mut lo, mut hi) = (0, 0);
    for &t in times {
        while times[lo] < t - half {
            lo += 1;
        }
        while hi < times.len() && times[hi] <= t + half {
            hi += 1;
        }
        out.push(hi - lo);
    }
    out
}

/// The fewest questions both must have answered for answers to be compared or called a line.
const MIN_COMPARED: usize = 8;

/// A response on the best option everywhere is hurried below this share of its unit's other
/// respondents' median time per question.
const HURRIED: f64 = 0.7;

/// The fewest other responses a unit needs for its own median pace; below, the campaign's.
const OWN_PACE_MIN: usize = 5;

/// The window in which responses on the best option everywhere are counted together.
const TOGETHER_MS: i64 = 3 * 3_600_000;

/// The fewest such responses in one window to count.
const TOGETHER_MIN: usize = 4;

/// How unlikely their number in the window must be, given their share outside it.
const TOGETHER_P: f64 = 0.001;

/// P(X ≥ k) for X ~ Binomial(n, p).
pub fn binomial_tail(n: usize, k: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    // P(X = i) by the recurrence from P(X = 0), in logs to stay finite for large n.
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let mut log_pmf = n as f64 * lq;
    let mut tail = 0.0;
    for i in 0..=n {
        if i >= k {
            tail += log_pmf.exp();
        }
        if i < n {
            log_pmf += ((n - i) as f64).ln() - ((i + 1) as f64).ln() + lp - lq;
        }
    }
    tail.min(1.0)
}

/// The best option on every answered question (8 or more) but at most one.
fn near_best(t: &ResponseTrace) -> bool {
    let n = t.answered();
    n >= MIN_COMPARED && t.at_best as usize + 1 >= n
}

/// Every answered question (8 or more) on its best option.
pub fn all_best(t: &ResponseTrace) -> bool {
    let n = t.answered();
    n >= MIN_COMPARED && t.at_best as usize == n
}

/// The share of the questions both answered on which two responses chose the same option.
pub fn agreement(a: &[u8], b: &[u8]) -> Option<f64> {
    let mut both = 0usize;
    let mut same = 0usize;
    for (x, y) in a.iter().zip(b) {
        if *x == NO_ANSWER || *y == NO_ANSWER {
            continue;
        }
        both += 1;
        same += usize::from(x == y);
    }
    (both >= MIN_COMPARED).then(|| same as f64 / both as f64)
}

/// Every answered question has the same option position.
pub fn straight_lined(answers: &[u8]) -> bool {
    let mut it = answers.iter().filter(|&&a| a != NO_ANSWER);
    let Some(first) = it.next() else {
        return false;
    };
    let mut n = 1;
    for a in it {
        if a != first {
            return false;
        }
        n += 1;
    }
    n >= MIN_COMPARED
}
