//! The questionnaire file: a level's questionnaires, one per respondent group, checked against the
//! criteria set they feed and the campaign's groups.
//!
//! ```toml
//! [set]
//! level = "province"
//! criteria_set = "876-2023-province-illustrative"
//! illustrative = true
//!
//! [[scale]]                       # the default answer options
//! key = "A"
//! label_vi = "Rất tốt"
//! fraction = "1.00"
//! [[scale]]
//! key = "E"
//! label_vi = "Không biết"
//! dont_know = true                # left out of the average
//!
//! [[questionnaire]]
//! group = "hdnd"
//! title_vi = "Phiếu khảo sát dành cho đại biểu HĐND tỉnh"
//!
//!   [[questionnaire.question]]
//!   code = "H1"
//!   leaf = "1.6.1"
//!   text_vi = "…"
//! ```

use crate::criteria::{CriteriaSet, Method};
use crate::message::Message;
use crate::respondents::Group;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    pub key: String,
    pub label_vi: String,
    #[serde(default)]
    pub label_en: String,
    /// The share of the leaf's points this answer is worth, 0–1 with at most 2 decimals.
    #[serde(default)]
    pub fraction: Option<Decimal>,
    /// "Don't know": counts for nothing and is left out of the average.
    #[serde(default)]
    pub dont_know: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub code: String,
    /// The survey sub-criterion this question feeds.
    pub leaf: String,
    pub text_vi: String,
    #[serde(default)]
    pub text_en: String,
    /// The question's own options; the set's scale when empty.
    #[serde(default)]
    pub options: Vec<AnswerOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub group: String,
    pub title_vi: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub intro_vi: String,
    #[serde(default)]
    pub intro_en: String,
    #[serde(default, rename = "question")]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetHeader {
    pub level: String,
    /// The code of the criteria set the questions feed.
    pub criteria_set: String,
    #[serde(default)]
    pub illustrative: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireSet {
    pub set: SetHeader,
    #[serde(default)]
    pub scale: Vec<AnswerOption>,
    #[serde(default, rename = "questionnaire")]
    pub questionnaires: Vec<Questionnaire>,
}

impl QuestionnaireSet {
    /// A question's options: its own, or the set's scale.
    pub fn options<'a>(&'a self, q: &'a Question) -> &'a [AnswerOption] {
        if q.options.is_empty() {
            &self.scale
        } else {
            &q.options
        }
    }

    pub fn for_group(&self, group: &str) -> Option<&Questionnaire> {
        self.questionnaires.iter().find(|q| q.group == group)
    }
}

/// What can be wrong with a questionnaire file, with where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionnaireProblem {
    Syntax {
        message: String,
    },
    WrongLevel {
        found: String,
        expected: String,
    },
    WrongCriteriaSet {
        found: String,
        expected: String,
    },
    UnknownGroup {
        group: String,
    },
    RepeatedGroup {
        group: String,
    },
    MissingGroup {
        group: String,
    },
    EmptyText {
        at: String,
    },
    RepeatedQuestion {
        group: String,
        code: String,
    },
    UnknownLeaf {
        group: String,
        code: String,
        leaf: String,
    },
    NotSurveyLeaf {
        group: String,
        code: String,
        leaf: String,
    },
    BadOptions {
        at: String,
        reason: String,
    },
    UncoveredLeaf {
        leaf: String,
    },
}

impl QuestionnaireProblem {
    /// What is wrong, for the user.
    pub fn message(&self) -> Message {
        use QuestionnaireProblem::*;
        match self {
            Syntax { message } => Message::new("qp-syntax").with("error", message),
            WrongLevel { found, expected } => Message::new("qp-wrong-level")
                .with("found", found)
                .with("expected", expected),
            WrongCriteriaSet { found, expected } => Message::new("qp-wrong-criteria-set")
                .with("found", found)
                .with("expected", expected),
            UnknownGroup { group } => Message::new("qp-unknown-group").with("group", group),
            RepeatedGroup { group } => Message::new("qp-repeated-group").with("group", group),
            MissingGroup { group } => Message::new("qp-missing-group").with("group", group),
            EmptyText { at } => Message::new("qp-empty-text").with("at", at),
            RepeatedQuestion { group, code } => Message::new("qp-repeated-question")
                .with("group", group)
                .with("code", code),
            UnknownLeaf { group, code, leaf } => Message::new("qp-unknown-leaf")
                .with("group", group)
                .with("code", code)
                .with("leaf", leaf),
            NotSurveyLeaf { group, code, leaf } => Message::new("qp-not-survey-leaf")
                .with("group", group)
                .with("code", code)
                .with("leaf", leaf),
            BadOptions { at, reason } => Message::new("qp-bad-options")
                .with("at", at)
                .with("reason", reason),
            UncoveredLeaf { leaf } => Message::new("qp-uncovered-leaf").with("leaf", leaf),
        }
    }
}

/// Two questions of one questionnaire that read the same, in Vietnamese or in English: a respondent
/// cannot tell them apart. A warning, not a problem: the file still loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SameText {
    pub group: String,
    /// The earlier question with this text.
    pub first: String,
    pub second: String,
}

impl SameText {
    pub fn message(&self) -> Message {
        Message::new("qw-same-text")
            .with("group", &self.group)
            .with("first", &self.first)
            .with("second", &self.second)
    }
}

/// The text as a reader compares it: case and spacing aside (tones count: "bàn" is not "bán").
fn as_read(text: &str) -> String {
    crate::text::clean(text).to_lowercase()
}

/// Every question that reads the same as an earlier one of its questionnaire.
pub fn same_texts(q: &QuestionnaireSet) -> Vec<SameText> {
    let mut out = Vec::new();
    for qn in &q.questionnaires {
        for (i, later) in qn.questions.iter().enumerate() {
            let earlier = qn.questions[..i].iter().find(|e| {
                as_read(&e.text_vi) == as_read(&later.text_vi)
                    || (!later.text_en.trim().is_empty()
                        && as_read(&e.text_en) == as_read(&later.text_en))
            });
            if let Some(e) = earlier {
                out.push(SameText {
                    group: qn.group.clone(),
                    first: e.code.clone(),
                    second: later.code.clone(),
                });
            }
        }
    }
    out
}

pub fn parse(input: &str) -> Result<QuestionnaireSet, QuestionnaireProblem> {
    toml::from_str(input).map_err(|e| QuestionnaireProblem::Syntax {
        message: e.message().to_string(),
    })
}

fn check_options(at: &str, options: &[AnswerOption], problems: &mut Vec<QuestionnaireProblem>) {
    let mut bad = |reason: &str| {
        problems.push(QuestionnaireProblem::BadOptions {
            at: at.to_string(),
            reason: reason.to_string(),
        })
    };
    if options.len() < 2 {
        bad("fewer than 2 options");
        return;
    }
    let mut keys = HashSet::new();
    for o in options {
        if o.key.trim().is_empty() || !keys.insert(o.key.as_str()) {
            bad(&format!("key \"{}\" empty or repeated", o.key));
        }
        if o.label_vi.trim().is_empty() {
            bad(&format!("option {} has no label", o.key));
        }
        match (o.dont_know, o.fraction) {
            (true, Some(_)) => bad(&format!(
                "option {} is \"don't know\" and has a fraction",
                o.key
            )),
            (false, None) => bad(&format!("option {} has no fraction", o.key)),
            (false, Some(f))
                if f < Decimal::ZERO || f > Decimal::ONE || f.normalize().scale() > 2 =>
            {
                bad(&format!(
                    "option {}: fraction {f} is not within 0–1 with 2 decimals",
                    o.key
                ))
            }
            _ => {}
        }
    }
    if options.iter().filter(|o| o.dont_know).count() > 1 {
        bad("more than one \"don't know\"");
    }
    if !options.iter().any(|o| !o.dont_know) {
        bad("no scored option");
    }
}

/// Checks a questionnaire set against the criteria set it feeds and the level's groups: every group
/// has exactly one questionnaire, every question feeds a survey leaf of that set, options are valid,
/// and every survey leaf is fed by at least one question. Every problem is reported.
pub fn check(
    q: &QuestionnaireSet,
    criteria: &CriteriaSet,
    groups: &[Group],
) -> Vec<QuestionnaireProblem> {
    use QuestionnaireProblem::*;
    let mut problems = Vec::new();
    if q.set.level != criteria.level.as_str() {
        problems.push(WrongLevel {
            found: q.set.level.clone(),
            expected: criteria.level.as_str().to_string(),
        });
    }
    if q.set.criteria_set != criteria.code {
        problems.push(WrongCriteriaSet {
            found: q.set.criteria_set.clone(),
            expected: criteria.code.clone(),
        });
    }
    if !q.scale.is_empty() {
        check_options("scale", &q.scale, &mut problems);
    }
    let leaves = criteria.leaves();
    let mut fed: BTreeSet<String> = BTreeSet::new();
    let mut seen_groups = HashSet::new();
    for qn in &q.questionnaires {
        if !groups.iter().any(|g| g.code == qn.group) {
            problems.push(UnknownGroup {
                group: qn.group.clone(),
            });
        }
        if !seen_groups.insert(qn.group.as_str()) {
            problems.push(RepeatedGroup {
                group: qn.group.clone(),
            });
        }
        if qn.title_vi.trim().is_empty() {
            problems.push(EmptyText {
                at: format!("questionnaire {}", qn.group),
            });
        }
        let mut codes = HashSet::new();
        for question in &qn.questions {
            let at = format!("{}/{}", qn.group, question.code);
            if question.code.trim().is_empty() || !codes.insert(question.code.as_str()) {
                problems.push(RepeatedQuestion {
                    group: qn.group.clone(),
                    code: question.code.clone(),
                });
            }
            if question.text_vi.trim().is_empty() {
                problems.push(EmptyText { at: at.clone() });
            }
            match leaves.iter().find(|l| l.code == question.leaf) {
                None => problems.push(UnknownLeaf {
                    group: qn.group.clone(),
                    code: question.code.clone(),
                    leaf: question.leaf.clone(),
                }),
                Some(l) if l.method != Some(Method::Survey) => problems.push(NotSurveyLeaf {
                    group: qn.group.clone(),
                    code: question.code.clone(),
                    leaf: question.leaf.clone(),
                }),
                Some(_) => {
                    fed.insert(question.leaf.clone());
                }
            }
            if question.options.is_empty() {
                if q.scale.is_empty() {
                    problems.push(BadOptions {
                        at,
                        reason: "no options and no scale".into(),
                    });
                }
            } else {
                check_options(&at, &question.options, &mut problems);
            }
        }
    }
    for g in groups {
        if !seen_groups.contains(g.code.as_str()) {
            problems.push(MissingGroup {
                group: g.code.clone(),
            });
        }
    }
    for l in leaves.iter().filter(|l| l.method == Some(Method::Survey)) {
        if !fed.contains(&l.code) {
            problems.push(UncoveredLeaf {
                leaf: l.code.clone(),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::file as criteria_file;
    use crate::respondents::GroupSet;

    fn province() -> CriteriaSet {
        criteria_file::parse(include_str!("../../../../frameworks/2023/province.toml"))
            .unwrap_or_else(|p| panic!("{p:?}"))
    }

    fn ministry() -> CriteriaSet {
        criteria_file::parse(include_str!("../../../../frameworks/2023/ministry.toml"))
            .unwrap_or_else(|p| panic!("{p:?}"))
    }

    #[test]
    fn the_illustrative_questionnaires_cover_every_survey_leaf() {
        let groups = GroupSet::defaults_2023();
        for (text, set, level) in [
            (
                include_str!("../../../../frameworks/2023/questionnaires/province.toml"),
                province(),
                &groups.province,
            ),
            (
                include_str!("../../../../frameworks/2023/questionnaires/ministry.toml"),
                ministry(),
                &groups.ministry,
            ),
        ] {
            let q = parse(text).unwrap_or_else(|p| panic!("{p:?}"));
            assert!(q.set.illustrative);
            let problems = check(&q, &set, level);
            assert!(problems.is_empty(), "{:?}", problems);
            assert_eq!(q.questionnaires.len(), level.len());
            let e = q.scale.iter().find(|o| o.dont_know).map(|o| o.key.as_str());
            assert_eq!(e, Some("E"));
        }
    }

    #[test]
    fn questions_that_read_the_same_are_found_and_the_shipped_ones_have_none() {
        for text in [
            include_str!("../../../../frameworks/2023/questionnaires/province.toml"),
            include_str!("../../../../frameworks/2023/questionnaires/ministry.toml"),
        ] {
            let q = parse(text).unwrap_or_else(|p| panic!("{p:?}"));
            assert_eq!(same_texts(&q), vec![]);
        }
        let text = r#"
[set]
level = "province"
criteria_set = "x"

[[questionnaire]]
group = "hdnd"
title_vi = "Phiếu"
  [[questionnaire.question]]
  code = "A1"
  leaf = "1.6.1"
  text_vi = "Ông/Bà đánh giá thế nào về tính kịp thời?"
  [[questionnaire.question]]
  code = "A2"
  leaf = "1.6.2"
  text_vi = "ông/bà đánh giá thế nào về  tính kịp thời? "
  [[questionnaire.question]]
  code = "A3"
  leaf = "2.4.1"
  text_vi = "Ông/Bà đánh giá thế nào về tính kịp thơi?"
  text_en = "Timeliness?"
  [[questionnaire.question]]
  code = "A4"
  leaf = "2.4.2"
  text_vi = "Một câu khác hẳn"
  text_en = "timeliness?"

[[questionnaire]]
group = "so"
title_vi = "Phiếu khác"
  [[questionnaire.question]]
  code = "B1"
  leaf = "1.6.1"
  text_vi = "Ông/Bà đánh giá thế nào về tính kịp thời?"
"#;
        let q = parse(text).unwrap_or_else(|p| panic!("{p:?}"));
        let found = same_texts(&q);
        // Case and spacing aside; a different tone is a different word; English counts too; another
        // group's questionnaire may repeat a question.
        let pairs: Vec<(&str, &str)> = found
            .iter()
            .map(|s| (s.first.as_str(), s.second.as_str()))
            .collect();
        assert_eq!(pairs, vec![("A1", "A2"), ("A3", "A4")]);
        assert_eq!(found[0].message().key, "qw-same-text");
    }

    #[test]
    fn every_problem_is_reported_with_where() {
        let groups = GroupSet::defaults_2023();
        let text = r#"
[set]
level = "province"
criteria_set = "another-set"

[[scale]]
key = "A"
label_vi = "Tốt"
fraction = "1.5"
[[scale]]
key = "A"
label_vi = "Không biết"
dont_know = true

[[questionnaire]]
group = "hdnd"
title_vi = ""
  [[questionnaire.question]]
  code = "Q1"
  leaf = "1.1.1"
  text_vi = "Câu hỏi"
  [[questionnaire.question]]
  code = "Q1"
  leaf = "9.9.9"
  text_vi = ""

[[questionnaire]]
group = "nhom_la"
title_vi = "Phiếu"
"#;
        let q = parse(text).expect("syntax is fine");
        let problems = check(&q, &province(), &groups.province);
        let has = |f: &dyn Fn(&QuestionnaireProblem) -> bool| problems.iter().any(f);
        use QuestionnaireProblem::*;
        assert!(has(&|p| matches!(p, WrongCriteriaSet { .. })));
        assert!(has(
            &|p| matches!(p, BadOptions { at, .. } if at == "scale")
        ));
        assert!(has(&|p| matches!(p, EmptyText { .. })));
        assert!(has(
            &|p| matches!(p, NotSurveyLeaf { leaf, .. } if leaf == "1.1.1")
        ));
        assert!(has(
            &|p| matches!(p, UnknownLeaf { leaf, .. } if leaf == "9.9.9")
        ));
        assert!(has(
            &|p| matches!(p, RepeatedQuestion { code, .. } if code == "Q1")
        ));
        assert!(has(
            &|p| matches!(p, UnknownGroup { group } if group == "nhom_la")
        ));
        assert!(has(
            &|p| matches!(p, MissingGroup { group } if group == "lanh_dao_so")
        ));
        assert!(has(
            &|p| matches!(p, UncoveredLeaf { leaf } if leaf == "1.6.1")
        ));
        assert!(
            problems
                .iter()
                .all(|p| crate::message::tests::worded_in_both_languages(p.message().key))
        );
        assert!(matches!(parse("[set]\nlevel = 1"), Err(Syntax { .. })));
    }
}
