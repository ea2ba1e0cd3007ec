//! The text `parindex framework check` prints: a set's counts, or every problem found in it.

use parindex_domain::criteria::summary::summarize;
use parindex_domain::criteria::{Method, file};
use parindex_i18n::Lang;
use std::fmt::Write;

/// (report, whether the set is valid). `en` selects English; Vietnamese otherwise.
pub fn report(text: &str, en: bool) -> (String, bool) {
    let mut out = String::new();
    match file::parse(text) {
        Ok(set) => {
            let s = summarize(&set);
            let name = if en { &set.name_en } else { &set.name_vi };
            let level = match (set.level.as_str(), en) {
                ("ministry", false) => "cấp bộ",
                ("province", false) => "cấp tỉnh",
                (l, _) => l,
            };
            let _ = writeln!(out, "{name} [{}], {level}", set.code);
            if set.illustrative {
                let _ = writeln!(
                    out,
                    "{}",
                    if en {
                        "ILLUSTRATIVE: not the official point table"
                    } else {
                        "MINH HỌA: không phải bảng điểm chính thức"
                    }
                );
            }
            let rows: [(&str, &str, String); 5] = [
                ("lĩnh vực", "fields", s.fields.to_string()),
                ("tiêu chí", "criteria", s.criteria.to_string()),
                (
                    "tiêu chí thành phần",
                    "sub-criteria",
                    s.sub_criteria.to_string(),
                ),
                ("mục chấm điểm", "scored leaves", s.leaves.to_string()),
                ("tổng điểm", "total points", s.total.to_fixed()),
            ];
            for (vi, english, v) in rows {
                let _ = writeln!(out, "  {:<22} {v}", if en { english } else { vi });
            }
            for (m, n, p) in &s.by_method {
                let label = match (m, en) {
                    (Method::SelfAssessed, false) => "tự đánh giá (self)",
                    (Method::Survey, false) => "điều tra XHH (survey)",
                    (Method::Imported, false) => "nhập ngoài (imported)",
                    (Method::SelfAssessed, true) => "self-assessed",
                    (Method::Survey, true) => "survey",
                    (Method::Imported, true) => "imported",
                };
                let unit = match (en, *n) {
                    (false, _) => "mục",
                    (true, 1) => "leaf",
                    (true, _) => "leaves",
                };
                let pts = if en { "points" } else { "điểm" };
                let _ = writeln!(out, "  {label:<22} {n} {unit}, {} {pts}", p.to_fixed());
            }
            (out, true)
        }
        Err(problems) => {
            let _ = writeln!(
                out,
                "{} {}:",
                problems.len(),
                if en { "problem(s) found" } else { "lỗi" }
            );
            for p in problems {
                let _ = writeln!(out, "  - {}", Lang::english(en).say(&p.message()));
            }
            (out, false)
        }
    }
}
