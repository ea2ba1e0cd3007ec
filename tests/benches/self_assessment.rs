//! Self-assessment speed, measured through the real router and database (release build):
//!
//! - the task list of the 97-item ministry set: latency of one page view, sequentially;
//! - saving one score with 32 officers of 32 units saving at once: p50, p99 and saves per second;
//! - the .xlsx report: its size and how long it takes to produce.
//!
//! Run: `cargo bench -p parindex-tests --bench self_assessment` (SQLite), and with
//! `PARINDEX_TEST_PG_URL` set (scripts/test.sh shows how to start a throwaway server) for PostgreSQL too.

#![allow(clippy::unwrap_used)]

use parindex_db::units::{self, UnitInput};
use parindex_db::users::{self, NewUser};
use parindex_db::{Ctx, criteria_sets};
use parindex_tests::measure::{ms, percentile};
use parindex_tests::{Engine, spawn_app};
use std::time::Instant;

const OFFICERS: usize = 32;
const SAVES_EACH: usize = 40;
const PAGE_VIEWS: usize = 200;

async fn run(engine: Engine) {
    let app = spawn_app(engine).await;
    let cid = app.campaign_id().await;
    let btp = app.unit_id("BTP").await;

    // 1. The task list.
    let officer = app.demo_login("btp.canbo").await;
    let path = format!("/unit/{btp}/self-assessment");
    let mut views = Vec::with_capacity(PAGE_VIEWS);
    for _ in 0..PAGE_VIEWS {
        let t = Instant::now();
        let r = app.get(&officer, &path).await;
        assert_eq!(r.status(), 200);
        let _ = r.bytes().await.unwrap();
        views.push(t.elapsed());
    }
    views.sort();
    println!(
        "{engine:?}: task list (97 items), {PAGE_VIEWS} sequential views: p50 {}, p99 {}",
        ms(percentile(&views, 0.5)),
        ms(percentile(&views, 0.99))
    );

    // 2. 32 officers of 32 units save scores at once.
    let ctx = Ctx::system(0);
    let hash = parindex_web::auth::password::hash_blocking("bench-password-1").unwrap();
    let set_id = criteria_sets::pinned(&app.db, cid)
        .await
        .unwrap()
        .into_iter()
        .find(|(l, _)| *l == parindex_domain::Level::Ministry)
        .unwrap()
        .1
        .id;
    let set = criteria_sets::tree(&app.db, set_id).await.unwrap();
    let leaves: Vec<(String, String)> = set
        .leaves()
        .into_iter()
        .filter(|l| l.method == Some(parindex_domain::criteria::Method::SelfAssessed))
        .map(|l| (l.code.clone(), l.max.to_fixed()))
        .collect();
    let mut clients = Vec::new();
    for i in 0..OFFICERS {
        let u = units::create(
            &app.db,
            &ctx,
            cid,
            &UnitInput {
                code: format!("B{i:02}"),
                level: parindex_domain::Level::Ministry,
                name: format!("Bộ thử nghiệm {i}"),
                short_name: format!("Bộ thử {i}"),
                not_ranked: false,
                email_domains: String::new(),
            },
        )
        .await
        .unwrap();
        let name = format!("bench.officer{i}");
        users::create(
            &app.db,
            &ctx,
            &NewUser {
                username: name.clone(),
                full_name: format!("Cán bộ {i}"),
                email: format!("{name}@example.gov.vn"),
                role: parindex_domain::Role::UnitOfficer,
                unit_id: Some(u.id),
                password_hash: hash.clone(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
        clients.push((u.id, app.login(&name, "bench-password-1").await));
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (n, (unit_id, client)) in clients.into_iter().enumerate() {
        let base = app.base.clone();
        let leaves = leaves.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(SAVES_EACH);
            for k in 0..SAVES_EACH {
                let (code, max) = &leaves[(n + k) % leaves.len()];
                let t = Instant::now();
                let r = client
                    .post(format!("{base}/unit/{unit_id}/self-assessment/leaf/{code}"))
                    .form(&[
                        ("score", max.as_str()),
                        ("explanation", "Đã thực hiện đầy đủ"),
                    ])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 303, "save {code}");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let wall = start.elapsed();
    all.sort();
    println!(
        "{engine:?}: save one score, {OFFICERS} officers at once, {} saves: p50 {}, p99 {}, {:.0} saves/s",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        all.len() as f64 / wall.as_secs_f64()
    );

    // 3. The .xlsx report of a fully scored unit.
    let t = Instant::now();
    let r = app
        .get(
            &officer,
            &format!("/unit/{btp}/self-assessment/report.xlsx"),
        )
        .await;
    let bytes = r.bytes().await.unwrap();
    println!(
        "{engine:?}: .xlsx report of 97 items: {} bytes in {}",
        bytes.len(),
        ms(t.elapsed())
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "machine: {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    rt.block_on(run(Engine::Sqlite));
    if std::env::var("PARINDEX_TEST_PG_URL").is_ok() {
        rt.block_on(run(Engine::Postgres));
    } else {
        println!("PostgreSQL: PARINDEX_TEST_PG_URL is not set, so only SQLite was measured");
    }
}
