//! Any bytes as an uploaded respondent list: the bounded reader, the header mapping and the row checks
//! must never panic, and every non-empty row must end up kept, merged, or named by a problem.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run respondent_rows -- -max_total_time=300

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "limits.rs"]
mod limits;
use parindex_domain::respondents::{GroupSet, check};
use parindex_import::{respondent_rows, table};

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = table::read(data, limits::SMALL) else {
        return;
    };
    let Ok(raw) = respondent_rows::to_raw_rows(&rows) else {
        return;
    };
    let groups = GroupSet::defaults_2023();
    for level in [&groups.ministry, &groups.province] {
        let c = check(&raw, level, &["quangninh.gov.vn".into()], &[]);
        for r in raw.iter().filter(|r| !r.is_empty()) {
            let kept = c.rows.iter().any(|(l, _)| *l == r.line);
            let merged = c.merges.iter().any(|m| m.dropped_line == r.line);
            let named = c.problems.iter().any(|p| p.line == r.line && !p.warning());
            assert!(kept || merged || named, "row {} vanished", r.line);
        }
        let _ = respondent_rows::with_errors(&rows, &c);
    }
});
