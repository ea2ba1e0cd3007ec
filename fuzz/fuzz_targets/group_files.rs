//! Any text as an uploaded respondent-groups file: never a panic; a file it accepts names each
//! group code once per level.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run group_files -- -max_total_time=300

#![no_main]

use libfuzzer_sys::fuzz_target;
use parindex_domain::respondents::groups;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(set) = groups::parse(text) {
        for level in [&set.ministry, &set.province] {
            let mut codes: Vec<&str> = level.iter().map(|g| g.code.as_str()).collect();
            let n = codes.len();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), n, "a group code twice");
        }
    }
});
