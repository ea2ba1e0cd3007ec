//! From submitted responses to the bootstrap's samples: each response, read with the level's answer
//! key (the same rule as the tallies), becomes one respondent's row of values per survey leaf, in
//! its unit's group. Responses must come in a fixed order (by invitation) for the intervals to be
//! reproducible: the draws pick respondents by position.

use super::GroupSample;
use crate::scoring::answer_key::AnswerKey;
use std::collections::BTreeMap;

pub struct Collector<'k> {
    key: &'k AnswerKey,
    /// Unit → group → its respondents.
    by_unit: BTreeMap<i64, BTreeMap<String, GroupSample>>,
}

impl<'k> Collector<'k> {
    pub fn new(key: &'k AnswerKey) -> Self {
        Collector {
            key,
            by_unit: BTreeMap::new(),
        }
    }

    /// Adds one submitted response of `group` in `unit`: its (question, option) answers.
    pub fn add_response<'a>(
        &mut self,
        unit: i64,
        group: &str,
        answers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        let leaves = self.key.leaves();
        let r = self.key.response(group, answers);
        let mut row: Vec<Option<f64>> = vec![None; leaves.len()];
        for (leaf, cents, n) in r.leaves {
            if let Some(i) = leaves.iter().position(|l| l == leaf) {
                row[i] = Some(cents as f64 / (100.0 * f64::from(n)));
            }
        }
        self.by_unit
            .entry(unit)
            .or_default()
            .entry(group.to_string())
            .or_insert_with(|| GroupSample::new(group, leaves.len()))
            .push(&row);
    }

    /// The survey leaves of each row, in order.
    pub fn leaves(&self) -> &[String] {
        self.key.leaves()
    }

    /// Each unit's groups, in code order.
    pub fn into_groups(self) -> BTreeMap<i64, Vec<GroupSample>> {
        self.by_unit
            .into_iter()
            .map(|(u, g)| (u, g.into_values().collect()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Settings, UnitSample, intervals};
    use super::*;
    use crate::scoring::answer_key::Tallies;
    use crate::scoring::{GroupAveraging, fraction};
    use rust_decimal::Decimal;
    use rust_decimal::prelude::FromPrimitive;

    /// The illustrative province questionnaires, answered by hand-picked respondents: the samples'
    /// point estimate of each leaf equals the engine's exact fraction from the tallies.
    #[test]
    fn the_samples_agree_with_the_engines_tallies() {
        let set = crate::survey::questionnaire::parse(include_str!(
            "../../../../../frameworks/2023/questionnaires/province.toml"
        ))
        .unwrap_or_else(|p| panic!("{p:?}"));
        let key = AnswerKey::new(&set);
        let mut samples = Collector::new(&key);
        let mut tallies = Tallies::default();
        let options = ["A", "B", "C", "D", "E"];
        for (i, qn) in set.questionnaires.iter().enumerate() {
            for r in 0..(3 + i) {
                let answers: Vec<(&str, &str)> = qn
                    .questions
                    .iter()
                    .enumerate()
                    .map(|(k, q)| (q.code.as_str(), options[(r * 7 + k * 3 + i) % 5]))
                    .collect();
                samples.add_response(1, &qn.group, answers.iter().copied());
                tallies.add_response(&key, 1, &qn.group, answers.iter().copied());
            }
        }
        let leaves = samples.leaves().to_vec();
        let groups = samples.into_groups().remove(&1).unwrap_or_default();
        for (i, leaf) in leaves.iter().enumerate() {
            let mut only = vec![0.0; leaves.len()];
            only[i] = 1.0;
            let u = UnitSample {
                code: "U".into(),
                ranked: true,
                fixed_points: 0.0,
                max: 1.0,
                leaf_max: only,
                groups: groups.clone(),
            };
            // The rows' estimate of this leaf alone, against the engine's exact fraction.
            let exact = fraction(&tallies.by_unit[&1][leaf], &GroupAveraging::Equal)
                .map(|e| crate::scoring::half_up(&e))
                .unwrap_or_default();
            let point = super::super::point(&u, &GroupAveraging::Equal);
            assert_eq!(
                Decimal::from_f64(point)
                    .unwrap_or_default()
                    .round_dp_with_strategy(
                        2,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero
                    ),
                exact,
                "leaf {leaf}"
            );
        }
        // And the bootstrap runs on them.
        let u = UnitSample {
            code: "U".into(),
            ranked: true,
            fixed_points: 0.0,
            max: 1.0,
            leaf_max: vec![1.0; leaves.len()],
            groups,
        };
        assert!(
            intervals(&[u], &GroupAveraging::Equal, &Settings::default(), 1)[0]
                .survey
                .is_some()
        );
    }
}
