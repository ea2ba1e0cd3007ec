//! A 10,000-row respondent list imported end to end through the real router (upload, parse,
//! validate, de-duplicate, store in one transaction), as .xlsx and as CSV, on SQLite and (with
//! PARINDEX_TEST_PG_URL) PostgreSQL; and the parse + check alone, to show where the time goes.
//! The files were written by openpyxl (tests/fixtures/respondents/make_fixtures.py).
//!
//! Run: `cargo bench -p parindex-tests --bench respondents_import`

#![allow(clippy::unwrap_used)]

use parindex_domain::respondents::{GroupSet, check};
use parindex_import::{respondent_rows, table};
use parindex_tests::measure::median;
use parindex_tests::{Engine, spawn_app};
use std::time::{Duration, Instant};

const XLSX: &[u8] = include_bytes!("../fixtures/respondents/large.xlsx");
const CSV: &[u8] = include_bytes!("../fixtures/respondents/large.csv");
const RUNS: usize = 7;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn parse_and_check(bytes: &[u8]) -> Duration {
    let t = Instant::now();
    let rows = table::read(bytes, table::Limits::default()).unwrap();
    let raw = respondent_rows::to_raw_rows(&rows).unwrap();
    let c = check(
        &raw,
        &GroupSet::defaults_2023().province,
        &["quangninh.gov.vn".into()],
        &[],
    );
    assert_eq!(c.rows.len(), 10_000);
    t.elapsed()
}

async fn run(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let officer = app.demo_login("qni.canbo").await;
    for (kind, bytes, name) in [("xlsx", XLSX, "large.xlsx"), ("csv", CSV, "large.csv")] {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            app.db.execute_raw("DELETE FROM respondents").await;
            let t = Instant::now();
            let r = officer
                .post(app.url(&format!("/unit/{qni}/respondents/import")))
                .multipart(reqwest::multipart::Form::new().part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name),
                ))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303, "imported without problems");
            times.push(t.elapsed());
        }
        let stored = parindex_db::respondents::people(&app.db, qni)
            .await
            .unwrap()
            .len();
        assert_eq!(stored, 10_000);
        println!(
            "{engine:?}: 10,000-row .{kind} ({} KiB) imported end to end: median {} of {RUNS} (min {}, max {})",
            bytes.len() / 1024,
            ms(median(times.clone())),
            ms(*times.iter().min().unwrap()),
            ms(*times.iter().max().unwrap()),
        );
    }
}

fn main() {
    for (kind, bytes) in [("xlsx", XLSX), ("csv", CSV)] {
        let times: Vec<Duration> = (0..RUNS).map(|_| parse_and_check(bytes)).collect();
        println!(
            "parse + check only, 10,000-row .{kind}: median {} of {RUNS}",
            ms(median(times))
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(Engine::Sqlite));
    if std::env::var("PARINDEX_TEST_PG_URL").is_ok() {
        rt.block_on(run(Engine::Postgres));
    } else {
        println!("PostgreSQL: PARINDEX_TEST_PG_URL is not set, so only SQLite was measured");
    }
    println!(
        "peak resident memory of the whole bench process (server, client and files): {:.0} MiB",
        parindex_tests::measure::peak_mib()
    );
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
}
