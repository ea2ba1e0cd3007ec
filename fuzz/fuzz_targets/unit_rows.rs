//! Any bytes as an uploaded units file (.xlsx or .csv), and any text as a predecessors cell or a
//! campaign's reminder days: the reader, the row checks and the parsers must never panic, and every
//! unit they accept has a valid code and predecessors of the campaign before, with positive weights;
//! reminder days are 1–60, at most five, largest first.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run unit_rows -- -max_total_time=300

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "limits.rs"]
mod limits;
use parindex_domain::{crosswalk, reminder, unit_code};
use parindex_import::{table, unit_rows};
use std::collections::HashSet;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Ok(links) = crosswalk::parse(&s) {
        for l in &links {
            assert_eq!(unit_code::parse(&l.code).as_deref(), Some(l.code.as_str()));
            assert!(l.weight > rust_decimal::Decimal::ZERO);
        }
    }
    if let Some(days) = reminder::parse_days(&s) {
        assert!(days.len() <= reminder::MAX_DAYS);
        assert!(days.iter().all(|d| (1..=reminder::MAX_AHEAD).contains(d)));
        assert!(days.windows(2).all(|w| w[0] > w[1]));
    }
    let Ok(rows) = table::read(data, limits::SMALL) else {
        return;
    };
    let before: HashSet<String> = ["HPG".to_string(), "HDG".to_string()].into();
    if let Ok(accepted) = unit_rows::validate(&rows, Some(&before)) {
        for u in accepted {
            assert_eq!(unit_code::parse(&u.code).as_deref(), Some(u.code.as_str()));
            assert!(u.predecessors.iter().all(|(c, _)| before.contains(c)));
            assert_eq!(u.links().len(), u.predecessors.len());
        }
    }
});
