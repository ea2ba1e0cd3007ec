//! Any bytes as an uploaded account list (.xlsx or .csv): the bounded reader and the row checks must
//! never panic, and every account they accept has a valid username and a unit that exists.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run account_rows -- -max_total_time=300

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "limits.rs"]
mod limits;
use parindex_import::{accounts, table};
use std::collections::{HashMap, HashSet};

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = table::read(data, limits::SMALL) else {
        return;
    };
    let units: HashMap<String, i64> = [("BTP".to_string(), 1), ("QNI".to_string(), 2)].into();
    let taken: HashSet<String> = ["moha.admin".to_string()].into();
    if let Ok(accepted) = accounts::validate(&rows, &units, &taken) {
        for a in accepted {
            assert!(accounts::valid_username(&a.username), "{}", a.username);
            assert!(!taken.contains(&a.username));
        }
    }
});
