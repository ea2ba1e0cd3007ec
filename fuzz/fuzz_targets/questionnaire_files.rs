//! Any text as an uploaded questionnaire file, checked against the illustrative 2023 criteria sets
//! and the 2023 groups as the upload does: never a panic, whatever the file holds.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run questionnaire_files -- -max_total_time=300

#![no_main]

use libfuzzer_sys::fuzz_target;
use parindex_domain::criteria::file;
use parindex_domain::respondents::GroupSet;
use parindex_domain::survey::{answering, check, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(set) = parse(text) else {
        return;
    };
    let groups = GroupSet::defaults_2023();
    for (criteria, level) in [
        (include_str!("../../frameworks/2023/province.toml"), "province"),
        (include_str!("../../frameworks/2023/ministry.toml"), "ministry"),
    ] {
        let Ok(c) = file::parse(criteria) else {
            return;
        };
        let _ = check(&set, &c, groups.for_level(level));
    }
    for q in &set.questionnaires {
        let pages = answering::page_count(q);
        for p in 0..=pages + 1 {
            let _ = answering::page(q, p);
        }
    }
});
