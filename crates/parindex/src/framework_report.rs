//! The text `parindex framework check` prints: a set's counts, or every problem found in it.

use parindex_domain::criteria::file;
use parindex_domain::criteria::summary::summarize;
use parindex_i18n::Lang;
use std::fmt::Write;

/// (report, whether the set is valid). `en` selects English; Vietnamese otherwise.
pub fn report(text: &str, en: bool) -> (String, bool) {
    let lang = Lang::english(en);
    let mut out = String::new();
    match file::parse(text) {
        Ok(set) => {
            let s = summarize(&set);
            let name = lang.pick(&set.name_vi, &set.name_en);
            let level = lang.t(&format!("cli-level-{}", set.level.as_str()));
            let _ = writeln!(out, "{name} [{}], {level}", set.code);
            if set.illustrative {
                let _ = writeln!(out, "{}", lang.t("cli-framework-illustrative"));
            }
            let rows: [(&str, String); 5] = [
                ("cli-framework-fields", s.fields.to_string()),
                ("cli-framework-criteria", s.criteria.to_string()),
                ("cli-framework-sub-criteria", s.sub_criteria.to_string()),
                ("cli-framework-leaves", s.leaves.to_string()),
                ("cli-framework-total", lang.decimal(&s.total.to_fixed())),
            ];
            for (key, v) in rows {
                let _ = writeln!(out, "  {:<22} {v}", lang.t(key));
            }
            for (m, n, p) in &s.by_method {
                let label = lang.t(&format!("cli-framework-method-{}", m.as_str()));
                let unit = lang.t(if *n == 1 {
                    "cli-framework-leaf-one"
                } else {
                    "cli-framework-leaf-many"
                });
                let pts = lang.t("cli-framework-points");
                let points = lang.decimal(&p.to_fixed());
                let _ = writeln!(out, "  {label:<22} {n} {unit}, {points} {pts}");
            }
            (out, true)
        }
        Err(problems) => {
            let _ = writeln!(
                out,
                "{} {}:",
                problems.len(),
                lang.t("cli-framework-problems")
            );
            for p in problems {
                let _ = writeln!(out, "  - {}", lang.say(&p.message()));
            }
            (out, false)
        }
    }
}
