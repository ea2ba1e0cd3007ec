//! A survey sub-criterion's fraction of its points. Each answer is worth its option's fraction;
//! "don't know" counts for nothing and is left out. A respondent's value for the leaf is the mean over
//! the leaf's questions they answered; the leaf's fraction is the mean over respondents within each
//! group, then over groups: equally (the default), with weights, or pooled over all respondents.

use super::exact::{Exact, add_raw, div_raw, from_decimal, from_int, mul_raw};
use super::tally::{LeafTally, respondent_cents};
use num_traits::Zero;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One answer to one question feeding the leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurveyAnswer<'a> {
    pub group: &'a str,
    pub respondent: i64,
    /// The option's fraction; `None` for "don't know".
    pub fraction: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupAveraging {
    /// The mean of the groups' means.
    #[default]
    Equal,
    /// A weighted mean of the groups' means; groups without a weight, or without answers, are left
    /// out and the other weights rescaled.
    Weighted(BTreeMap<String, Decimal>),
    /// The mean over all respondents, whatever their group.
    Pooled,
}

/// The leaf's fraction (0–1) from its groups' tallies, exactly, or `None` when no group has a
/// respondent.
pub fn fraction(tally: &LeafTally, averaging: &GroupAveraging) -> Option<Exact> {
    let counted = || tally.iter().filter(|(_, t)| t.respondents > 0);
    match averaging {
        GroupAveraging::Pooled => {
            let (sum, n) = counted().fold((Exact::zero(), 0i64), |(s, n), (_, t)| {
                (add_raw(&s, &t.sum()), n + i64::from(t.respondents))
            });
            (n > 0).then(|| div_raw(&sum, &from_int(n)))
        }
        GroupAveraging::Equal => {
            let (sum, n) = counted()
                .filter_map(|(_, t)| t.mean())
                .fold((Exact::zero(), 0i64), |(s, n), m| (add_raw(&s, &m), n + 1));
            (n > 0).then(|| div_raw(&sum, &from_int(n)))
        }
        GroupAveraging::Weighted(weights) => {
            let mut total = Exact::zero();
            let mut weight = Exact::zero();
            for (group, t) in counted() {
                if let (Some(w), Some(m)) = (weights.get(group), t.mean()) {
                    let w = from_decimal(*w);
                    total = add_raw(&total, &mul_raw(&w, &m));
                    weight = add_raw(&weight, &w);
                }
            }
            (weight > Exact::zero()).then(|| div_raw(&total, &weight))
        }
    }
}

/// The groups' tallies of one leaf from its answers.
pub fn tally<'a>(answers: impl IntoIterator<Item = SurveyAnswer<'a>>) -> LeafTally {
    // respondent → (group, fractions); a BTreeMap keeps the sums independent of the answers' order.
    let mut by_respondent: BTreeMap<i64, (&str, Vec<Option<Decimal>>)> = BTreeMap::new();
    for a in answers {
        by_respondent
            .entry(a.respondent)
            .or_insert_with(|| (a.group, Vec::new()))
            .1
            .push(a.fraction);
    }
    let mut out = LeafTally::new();
    for (group, fractions) in by_respondent.into_values() {
        if let Some((c, n)) = respondent_cents(fractions) {
            out.entry(group.to_string()).or_default().add(c, n);
        }
    }
    out
}

/// The leaf's fraction (0–1) straight from its answers, or `None` when nobody gave an answer that
/// counts.
pub fn leaf_fraction<'a>(
    answers: impl IntoIterator<Item = SurveyAnswer<'a>>,
    averaging: &GroupAveraging,
) -> Option<Exact> {
    fraction(&tally(answers), averaging)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::leaf_points;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    fn a<'a>(group: &'a str, respondent: i64, fraction: Option<&str>) -> SurveyAnswer<'a> {
        SurveyAnswer {
            group,
            respondent,
            fraction: fraction.map(d),
        }
    }

    /// A worked example, by hand. Leaf max 1.50 points; two questions feed it.
    /// Group "hdnd": respondent 1 answers A (1.00) and B (0.60) → 0.80;
    ///               respondent 2 answers C (0.20) and "don't know" → 0.20 (don't know left out).
    ///               Group mean: (0.80 + 0.20) / 2 = 0.50.
    /// Group "so":   respondent 3 answers A and A → 1.00; respondent 4 only "don't know" twice → no
    ///               value, left out. Group mean: 1.00.
    /// Equal groups: (0.50 + 1.00) / 2 = 0.75 → 0.75 × 1.50 = 1.125 → 1.13 points (half-up).
    /// Pooled:       (0.80 + 0.20 + 1.00) / 3 = 0.6666… → × 1.50 = 1.00 points.
    /// Weighted hdnd 3, so 1: (3 × 0.50 + 1 × 1.00) / 4 = 0.625 → 0.9375 → 0.94 points.
    #[test]
    fn a_worked_example_by_every_method() {
        let answers = vec![
            a("hdnd", 1, Some("1.00")),
            a("hdnd", 1, Some("0.60")),
            a("hdnd", 2, Some("0.20")),
            a("hdnd", 2, None),
            a("so", 3, Some("1.00")),
            a("so", 3, Some("1.00")),
            a("so", 4, None),
            a("so", 4, None),
        ];
        let max = d("1.50");
        let equal = leaf_fraction(answers.clone(), &GroupAveraging::Equal).expect("answers");
        assert_eq!(equal, from_decimal(d("0.75")));
        assert_eq!(leaf_points(&equal, max), d("1.13"));
        let pooled = leaf_fraction(answers.clone(), &GroupAveraging::Pooled).expect("answers");
        assert_eq!(leaf_points(&pooled, max), d("1.00"));
        let weights: BTreeMap<String, Decimal> =
            [("hdnd".to_string(), d("3")), ("so".to_string(), d("1"))].into();
        let weighted = leaf_fraction(answers, &GroupAveraging::Weighted(weights)).expect("answers");
        assert_eq!(weighted, from_decimal(d("0.625")));
        assert_eq!(leaf_points(&weighted, max), d("0.94"));
    }

    #[test]
    fn only_dont_know_or_no_answers_give_no_fraction() {
        assert_eq!(
            leaf_fraction(vec![a("g", 1, None)], &GroupAveraging::Equal),
            None
        );
        assert_eq!(leaf_fraction(Vec::new(), &GroupAveraging::Pooled), None);
    }

    const STEPS: [&str; 4] = ["0", "0.20", "0.60", "1.00"];

    fn answers_strategy() -> impl Strategy<Value = Vec<(i64, Option<usize>)>> {
        proptest::collection::vec((0i64..12, proptest::option::of(0usize..4)), 1..60)
    }

    fn to_answers(raw: &[(i64, Option<usize>)]) -> Vec<SurveyAnswer<'static>> {
        const GROUPS: [&str; 3] = ["g0", "g1", "g2"];
        raw.iter()
            .map(|&(r, f)| SurveyAnswer {
                // A respondent belongs to one group.
                group: GROUPS[r as usize % 3],
                respondent: r,
                fraction: f.map(|i| d(STEPS[i])),
            })
            .collect()
    }

    proptest! {
        #[test]
        fn the_fraction_is_within_0_and_1_and_independent_of_order(raw in answers_strategy()) {
            let answers = to_answers(&raw);
            let mut reversed = answers.clone();
            reversed.reverse();
            for how in [GroupAveraging::Equal, GroupAveraging::Pooled] {
                let f = leaf_fraction(answers.clone(), &how);
                prop_assert_eq!(&f, &leaf_fraction(reversed.clone(), &how));
                if let Some(f) = f {
                    prop_assert!(f >= from_int(0) && f <= from_int(1));
                }
            }
        }

        #[test]
        fn a_better_answer_never_lowers_the_fraction(raw in answers_strategy(), pick in any::<usize>()) {
            let answers = to_answers(&raw);
            let i = pick % answers.len();
            let Some(f) = answers[i].fraction else { return Ok(()); };
            let mut better = answers.clone();
            better[i].fraction = Some(Decimal::ONE.max(f));
            for how in [GroupAveraging::Equal, GroupAveraging::Pooled] {
                let before = leaf_fraction(answers.clone(), &how);
                let after = leaf_fraction(better.clone(), &how);
                prop_assert!(after >= before, "{:?} → {:?}", before, after);
            }
        }
    }
}
