//! The text `parindex questionnaire check` prints: a questionnaire file's counts against the criteria
//! set it feeds and the respondent groups, or every problem found.

use parindex_domain::criteria::{Method, file as criteria_file};
use parindex_domain::respondents::{GroupSet, groups};
use parindex_domain::survey::{check, parse, same_texts};
use parindex_i18n::Lang;
use std::fmt::Write;

/// (report, whether the file is valid). `groups_text` is a groups file, or None for the 2023 defaults.
pub fn report(
    text: &str,
    criteria_text: &str,
    groups_text: Option<&str>,
    en: bool,
) -> (String, bool) {
    let lang = Lang::english(en);
    let mut out = String::new();
    let criteria = match criteria_file::parse(criteria_text) {
        Ok(c) => c,
        Err(_) => {
            let _ = writeln!(out, "{}", lang.t("cli-questionnaire-bad-criteria"));
            return (out, false);
        }
    };
    let set = match groups_text.map(groups::parse) {
        None => GroupSet::defaults_2023(),
        Some(Ok(s)) => s,
        Some(Err(problems)) => {
            for p in problems {
                let _ = writeln!(out, "groups: {p}");
            }
            return (out, false);
        }
    };
    let level = set.for_level(criteria.level.as_str());
    let q = match parse(text) {
        Ok(q) => q,
        Err(p) => {
            let _ = writeln!(out, "{}", lang.say(&p.message()));
            return (out, false);
        }
    };
    let problems = check(&q, &criteria, level);
    if !problems.is_empty() {
        let _ = writeln!(
            out,
            "{} {}:",
            problems.len(),
            lang.t("cli-questionnaire-problems")
        );
        for p in &problems {
            let _ = writeln!(out, "- {}", lang.say(&p.message()));
        }
        return (out, false);
    }
    if q.set.illustrative {
        let _ = writeln!(out, "{}", lang.t("cli-questionnaire-illustrative"));
    }
    let survey = criteria
        .leaves()
        .iter()
        .filter(|l| l.method == Some(Method::Survey))
        .count();
    let _ = writeln!(
        out,
        "{} [{}]: {} {}, {} {}",
        criteria.code,
        criteria.level.as_str(),
        q.questionnaires.len(),
        lang.t("cli-questionnaire-count"),
        survey,
        lang.t("cli-questionnaire-covered")
    );
    for qn in &q.questionnaires {
        let name = level
            .iter()
            .find(|g| g.code == qn.group)
            .map_or(qn.group.clone(), |g| lang.pick(&g.name_vi, &g.name_en));
        let _ = writeln!(
            out,
            "  {name}: {} {}",
            qn.questions.len(),
            lang.t("cli-questionnaire-questions")
        );
    }
    // Warnings do not make the file invalid: it loads, but a person would notice.
    for w in same_texts(&q) {
        let _ = writeln!(
            out,
            "{}: {}",
            lang.t("cli-questionnaire-warning"),
            lang.say(&w.message())
        );
    }
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_questionnaires_check_against_their_sets() {
        let (r, ok) = report(
            include_str!("../../../frameworks/2023/questionnaires/province.toml"),
            include_str!("../../../frameworks/2023/province.toml"),
            None,
            false,
        );
        assert!(ok, "{r}");
        assert!(r.contains("4 phiếu, 17 tiêu chí thành phần"), "{r}");
        // Against the other level's set, it fails and says why.
        let (r, ok) = report(
            include_str!("../../../frameworks/2023/questionnaires/province.toml"),
            include_str!("../../../frameworks/2023/ministry.toml"),
            None,
            true,
        );
        assert!(!ok);
        assert!(r.contains("the criteria set for \"ministry\""), "{r}");
        // The shipped questions are told apart; a copy of one is a warning, and the file still checks.
        assert!(!r.contains("Warning") && !r.contains("Cảnh báo"));
        let shipped = include_str!("../../../frameworks/2023/questionnaires/province.toml");
        let second = shipped.split("code = \"A2\"").nth(1).unwrap_or_default();
        let text_a2 = second
            .lines()
            .find(|l| l.contains("text_vi"))
            .unwrap_or_default();
        let first = shipped.split("code = \"A1\"").nth(1).unwrap_or_default();
        let text_a1 = first
            .lines()
            .find(|l| l.contains("text_vi"))
            .unwrap_or_default();
        let copied = shipped.replacen(text_a2, text_a1, 1);
        let (r, ok) = report(
            &copied,
            include_str!("../../../frameworks/2023/province.toml"),
            None,
            false,
        );
        assert!(ok, "{r}");
        assert!(
            r.contains("Cảnh báo: Phiếu \"hdnd\": câu A2 có cùng nội dung với câu A1"),
            "{r}"
        );
    }
}
