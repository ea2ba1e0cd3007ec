//! What the benches report: percentiles and medians of latencies, milliseconds, and the process's peak
//! memory; and the one-statement SQL runner the benches seed with.

use std::time::Duration;

/// The `p` percentile (0–1) of latencies sorted ascending.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The median of some timings.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs one SQL statement a bench builds (bulk seeding), on either engine; panics with the statement's
/// start if the database refuses it.
pub async fn exec_sql(db: &parindex_db::Db, sql: String) {
    use parindex_db::Db;
    let r = match db {
        Db::Sqlite(p, _) => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(p)
            .await
            .map(|_| ()),
        Db::Postgres(p, _) => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(p)
            .await
            .map(|_| ()),
    };
    if let Err(e) = r {
        panic!("{e}\nin: {}", sql.chars().take(400).collect::<String>());
    }
}

/// "12.34 ms".
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Peak resident memory of this process so far (VmHWM), in MiB.
pub fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
