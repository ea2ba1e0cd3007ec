//! From stored answers to the engine's tallies. The answer key says, for each group's question, the
//! leaf it feeds and what each option is worth; [`Tallies`] takes one submitted response at a time
//! and adds the respondent's value for each leaf to their group's tally.

use super::tally::{LeafTally, cents};
use crate::survey::QuestionnaireSet;
use std::collections::{BTreeMap, HashMap};

struct KeyedQuestion {
    leaf: usize,
    /// option key → its worth in hundredths (`None`: "don't know").
    options: HashMap<String, Option<u64>>,
}

/// One level's answer key, built from its questionnaires.
pub struct AnswerKey {
    leaves: Vec<String>,
    questions: HashMap<(String, String), KeyedQuestion>,
}

impl AnswerKey {
    pub fn new(set: &QuestionnaireSet) -> AnswerKey {
        let mut leaves: Vec<String> = Vec::new();
        let mut questions = HashMap::new();
        for qn in &set.questionnaires {
            for q in &qn.questions {
                let leaf = match leaves.iter().position(|l| *l == q.leaf) {
                    Some(i) => i,
                    None => {
                        leaves.push(q.leaf.clone());
                        leaves.len() - 1
                    }
                };
                let options = set
                    .options(q)
                    .iter()
                    .map(|o| {
                        let worth = if o.dont_know {
                            None
                        } else {
                            o.fraction.map(cents)
                        };
                        (o.key.clone(), worth)
                    })
                    .collect();
                questions.insert(
                    (qn.group.clone(), q.code.clone()),
                    KeyedQuestion { leaf, options },
                );
            }
        }
        AnswerKey { leaves, questions }
    }

    /// The survey leaves the key's questions feed, in the order first met.
    pub fn leaves(&self) -> &[String] {
        &self.leaves
    }
}

/// What one response adds to its group's tallies.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response<'k> {
    /// Per leaf it answered with at least one answer that counts: (leaf, hundredths, answers).
    pub leaves: Vec<(&'k str, u64, u32)>,
    /// Answers that matched no question or option of the key.
    pub unmatched: u64,
}

impl AnswerKey {
    /// One response of `group`, from its (question, option) answers: the respondent's hundredths
    /// and counted answers per leaf ("don't know" left out). The one rule both the tallies kept at
    /// submission and a recount from the raw answers use.
    pub fn response<'a>(
        &self,
        group: &str,
        answers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Response<'_> {
        let mut per_leaf: Vec<(u64, u32)> = vec![(0, 0); self.leaves.len()];
        let mut unmatched = 0;
        let mut lookup = (String::with_capacity(8), String::with_capacity(16));
        lookup.0.push_str(group);
        for (question, option) in answers {
            lookup.1.clear();
            lookup.1.push_str(question);
            match self
                .questions
                .get(&lookup)
                .and_then(|q| q.options.get(option).map(|f| (q.leaf, *f)))
            {
                Some((leaf, Some(c))) => {
                    per_leaf[leaf].0 += c;
                    per_leaf[leaf].1 += 1;
                }
                Some((_, None)) => {}
                None => unmatched += 1,
            }
        }
        Response {
            leaves: per_leaf
                .into_iter()
                .enumerate()
                .filter(|(_, (_, n))| *n > 0)
                .map(|(i, (c, n))| (self.leaves[i].as_str(), c, n))
                .collect(),
            unmatched,
        }
    }
}

/// Survey tallies by unit, then leaf, then group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    pub by_unit: BTreeMap<i64, BTreeMap<String, LeafTally>>,
    /// Answers that matched no question or option of the key (left out, and counted here).
    pub unmatched: u64,
    pub responses: u64,
}

impl Tallies {
    /// Adds one submitted response of `group` in `unit`: its (question, option) answers.
    pub fn add_response<'a>(
        &mut self,
        key: &AnswerKey,
        unit: i64,
        group: &str,
        answers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) {
        let r = key.response(group, answers);
        self.unmatched += r.unmatched;
        self.responses += 1;
        let leaves = self.by_unit.entry(unit).or_default();
        for (leaf, c, n) in r.leaves {
            leaves
                .entry(leaf.to_string())
                .or_default()
                .entry(group.to_string())
                .or_default()
                .add(c, n);
        }
    }

    /// Adds the tallies of another part of the same responses (the parts may come in any order).
    pub fn merge(&mut self, other: Tallies) {
        self.unmatched += other.unmatched;
        self.responses += other.responses;
        for (unit, leaves) in other.by_unit {
            let mine = self.by_unit.entry(unit).or_default();
            for (leaf, groups) in leaves {
                let l = mine.entry(leaf).or_default();
                for (g, t) in groups {
                    l.entry(g).or_default().merge(&t);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::{GroupAveraging, fraction};

    const SET: &str = r#"
[set]
level = "province"
criteria_set = "x"

[[scale]]
key = "A"
label_vi = "Rất tốt"
fraction = "1.00"
[[scale]]
key = "B"
label_vi = "Tốt"
fraction = "0.60"
[[scale]]
key = "E"
label_vi = "Không biết"
dont_know = true

[[questionnaire]]
group = "hdnd"
title_vi = "Phiếu HĐND"
  [[questionnaire.question]]
  code = "Q1"
  leaf = "1.1"
  text_vi = "Câu 1"
  [[questionnaire.question]]
  code = "Q2"
  leaf = "1.1"
  text_vi = "Câu 2"

[[questionnaire]]
group = "so"
title_vi = "Phiếu sở"
  [[questionnaire.question]]
  code = "Q1"
  leaf = "2.1"
  text_vi = "Câu 1, another leaf in this group"
"#;

    /// hdnd respondent: Q1 A (1.00), Q2 B (0.60) → 1.1 = 0.80. Another: Q1 E, Q2 E → no value.
    /// so respondent: Q1 B → 2.1 = 0.60 (the same code Q1 feeds another leaf in another group).
    #[test]
    fn responses_become_tallies_per_leaf_and_group() {
        let set = crate::survey::questionnaire::parse(SET).expect("set");
        let key = AnswerKey::new(&set);
        let mut t = Tallies::default();
        t.add_response(&key, 7, "hdnd", [("Q1", "A"), ("Q2", "B")]);
        t.add_response(&key, 7, "hdnd", [("Q1", "E"), ("Q2", "E")]);
        t.add_response(&key, 7, "so", [("Q1", "B"), ("Q9", "A"), ("Q1", "Z")]);
        let unit = &t.by_unit[&7];
        assert_eq!(
            fraction(&unit["1.1"], &GroupAveraging::Equal),
            Some(crate::scoring::exact::ratio(4, 5))
        );
        assert_eq!(unit["1.1"]["hdnd"].respondents, 1);
        assert_eq!(
            fraction(&unit["2.1"], &GroupAveraging::Equal),
            Some(crate::scoring::exact::ratio(3, 5))
        );
        assert_eq!((t.responses, t.unmatched), (3, 2));
    }

    proptest::proptest! {
        /// Responses tallied in two parts and merged, in either order, give the tallies of one pass.
        #[test]
        fn parts_merge_to_the_whole(
            responses in proptest::collection::vec((0i64..4, 0usize..2, 0usize..3, 0usize..3), 0..60),
            cut in 0usize..60,
        ) {
            let set = crate::survey::questionnaire::parse(SET).expect("set");
            let key = AnswerKey::new(&set);
            const OPTS: [&str; 3] = ["A", "B", "E"];
            let add = |t: &mut Tallies, r: &(i64, usize, usize, usize)| {
                let group = ["hdnd", "so"][r.1];
                t.add_response(&key, r.0, group, [("Q1", OPTS[r.2]), ("Q2", OPTS[r.3])]);
            };
            let mut whole = Tallies::default();
            responses.iter().for_each(|r| add(&mut whole, r));
            let cut = cut.min(responses.len());
            let (mut first, mut second) = (Tallies::default(), Tallies::default());
            responses[..cut].iter().for_each(|r| add(&mut first, r));
            responses[cut..].iter().for_each(|r| add(&mut second, r));
            let mut backwards = second.clone();
            backwards.merge(first.clone());
            first.merge(second);
            proptest::prop_assert_eq!(&first, &whole);
            proptest::prop_assert_eq!(&backwards, &whole);
        }
    }
}
