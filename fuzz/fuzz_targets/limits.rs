//! Upload bounds for the fuzz targets: smaller than the server's (1 MiB, 2,000 rows), so that each
//! run is quick and the fuzzer spends its time on structure rather than size.

use parindex_import::table::{Limits, MAX_EXPANDED_BYTES};

pub const SMALL: Limits = Limits {
    max_bytes: 1 << 20,
    max_rows: 2_000,
    max_cols: 30,
    max_expanded_bytes: MAX_EXPANDED_BYTES,
};
