//! Any bytes as an uploaded criteria set: a spreadsheet (one row per item) or a TOML file. Parsing
//! must never panic, and a set it accepts passes every structural check and can be summarised.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run criteria_files -- -max_total_time=300

#![no_main]

use libfuzzer_sys::fuzz_target;
use parindex_domain::criteria::{file, summary, validate};
use parindex_import::{criteria_rows, table};

fuzz_target!(|data: &[u8]| {
    let parsed = if data.starts_with(b"PK\x03\x04") {
        let limits = table::Limits {
            max_bytes: 2 * 1024 * 1024,
            max_rows: 2_000,
            max_cols: 20,
            max_expanded_bytes: table::MAX_EXPANDED_BYTES,
        };
        let Ok(rows) = table::read(data, limits) else {
            return;
        };
        let header = criteria_rows::Header {
            code: "fuzz".into(),
            level: "province".into(),
            name_vi: "Bộ tiêu chí".into(),
            name_en: String::new(),
            legal_basis: String::new(),
            total: "100".into(),
            illustrative: true,
        };
        criteria_rows::from_rows(&header, &rows).ok()
    } else {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        file::parse(text).ok()
    };
    if let Some(set) = parsed {
        assert!(validate::check(&set).is_empty(), "an accepted set has problems");
        let _ = summary::summarize(&set);
    }
});
