//! Any bytes as an uploaded file of imported figures (SIPAS): never a panic, and every figure it
//! accepts is for a known unit and item, within 0–100.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run figure_rows -- -max_total_time=300

#![no_main]

use libfuzzer_sys::fuzz_target;
use parindex_import::figures;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

fuzz_target!(|data: &[u8]| {
    let items: HashMap<String, HashSet<String>> = [
        ("QNI".to_string(), ["8.1.1".to_string()].into()),
        ("BTP".to_string(), ["7.1.1".to_string()].into()),
    ]
    .into();
    if let Ok(all) = figures::parse(data, &items) {
        for f in all {
            assert!(items.get(&f.unit_code).is_some_and(|i| i.contains(&f.leaf_code)));
            assert!(f.value >= Decimal::ZERO && f.value <= Decimal::from(100), "{}", f.value);
        }
    }
});
