//! Answering a questionnaire: its questions shown a few to a page, the answers a page's form may
//! carry, and what is still missing before the final submission.

use super::questionnaire::{Question, Questionnaire, QuestionnaireSet};
use std::collections::HashMap;

/// Questions on one page of the respondent's form.
pub const PER_PAGE: usize = 5;

/// How many pages the questionnaire takes (at least one).
pub fn page_count(qn: &Questionnaire) -> usize {
    qn.questions.len().div_ceil(PER_PAGE).max(1)
}

/// The positions of page `n`'s questions (1-based) among `questions`; empty outside the range.
pub fn page_range(questions: usize, n: usize) -> std::ops::Range<usize> {
    let start = n.saturating_sub(1).saturating_mul(PER_PAGE);
    if n == 0 || start >= questions {
        return 0..0;
    }
    start..(start + PER_PAGE).min(questions)
}

/// The questions of page `n` (1-based); empty outside the range.
pub fn page(qn: &Questionnaire, n: usize) -> &[Question] {
    &qn.questions[page_range(qn.questions.len(), n)]
}

/// The page (1-based) a question is on.
pub fn page_of(qn: &Questionnaire, code: &str) -> Option<usize> {
    qn.questions
        .iter()
        .position(|q| q.code == code)
        .map(|i| i / PER_PAGE + 1)
}

/// The answers a page's form carries: for each question of the page, the chosen option's key, if the
/// respondent chose one. A key that is not one of the question's options is refused with the
/// question's code.
pub fn read_page(
    set: &QuestionnaireSet,
    questions: &[Question],
    form: &HashMap<String, String>,
) -> Result<Vec<(String, String)>, Vec<String>> {
    let mut answers = Vec::new();
    let mut bad = Vec::new();
    for q in questions {
        let Some(key) = form.get(&field_name(&q.code)).map(|k| k.trim()) else {
            continue;
        };
        if key.is_empty() {
            continue;
        }
        if set.options(q).iter().any(|o| o.key == key) {
            answers.push((q.code.clone(), key.to_string()));
        } else {
            bad.push(q.code.clone());
        }
    }
    if bad.is_empty() {
        Ok(answers)
    } else {
        Err(bad)
    }
}

/// The form field that carries a question's answer.
pub fn field_name(code: &str) -> String {
    format!("q_{code}")
}

/// Questions not answered yet, in questionnaire order.
pub fn missing<'a>(qn: &'a Questionnaire, answers: &HashMap<String, String>) -> Vec<&'a Question> {
    qn.questions
        .iter()
        .filter(|q| !answers.contains_key(&q.code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::questionnaire::parse;

    fn sample(n: usize) -> QuestionnaireSet {
        let mut s = String::from(
            "[set]\nlevel = \"province\"\ncriteria_set = \"x\"\n\
             [[scale]]\nkey = \"A\"\nlabel_vi = \"Tốt\"\nfraction = \"1\"\n\
             [[scale]]\nkey = \"E\"\nlabel_vi = \"Không biết\"\ndont_know = true\n\
             [[questionnaire]]\ngroup = \"g\"\ntitle_vi = \"Phiếu\"\n",
        );
        for i in 1..=n {
            s.push_str(&format!(
                "[[questionnaire.question]]\ncode = \"Q{i}\"\nleaf = \"1.{i}\"\ntext_vi = \"Câu {i}\"\n"
            ));
        }
        parse(&s).expect("sample parses")
    }

    #[test]
    fn questions_are_split_into_pages_of_five() {
        let set = sample(12);
        let qn = &set.questionnaires[0];
        assert_eq!(page_count(qn), 3);
        assert_eq!(page(qn, 1).len(), 5);
        assert_eq!(page(qn, 3).len(), 2);
        assert_eq!(page(qn, 3)[0].code, "Q11");
        assert!(page(qn, 0).is_empty());
        assert!(page(qn, 4).is_empty());
        assert_eq!(page_of(qn, "Q6"), Some(2));
        assert_eq!(page_of(qn, "Q99"), None);
        assert_eq!(page_count(&sample(0).questionnaires[0]), 1);
    }

    #[test]
    fn a_page_keeps_valid_answers_skips_blanks_and_refuses_unknown_options() {
        let set = sample(3);
        let qn = &set.questionnaires[0];
        let mut form = HashMap::new();
        form.insert("q_Q1".to_string(), "A".to_string());
        form.insert("q_Q2".to_string(), String::new());
        form.insert("q_Q9".to_string(), "A".to_string());
        assert_eq!(
            read_page(&set, page(qn, 1), &form),
            Ok(vec![("Q1".to_string(), "A".to_string())])
        );
        form.insert("q_Q3".to_string(), "Z".to_string());
        assert_eq!(
            read_page(&set, page(qn, 1), &form),
            Err(vec!["Q3".to_string()])
        );
        let answered: HashMap<String, String> = [("Q1".to_string(), "E".to_string())].into();
        let m: Vec<&str> = missing(qn, &answered)
            .iter()
            .map(|q| q.code.as_str())
            .collect();
        assert_eq!(m, vec!["Q2", "Q3"]);
    }
}
