//! Survey speed, through the real router, database and a real SMTP server (release build):
//!
//! - completed submissions: 32 and then 64 respondents at once, each sending the final submission of
//!   a fully answered questionnaire (`POST /s/{token}/submit`): submissions per second, p50, p99.
//!   On SQLite each runs first without waiting for the WAL sync (the same-run baseline), then with
//!   the group-commit wait every acknowledged write has, with the count of commits and syncs; and
//!   at 32, durable, once more with the survey's tallies switched off: the cost of tallying each
//!   submission in its own transaction;
//! - a whole respondent: Start, every page saved, the submission (7 to 8 requests), 32 at once:
//!   respondents per second and the per-request p50 and p99;
//! - invitations: opening a unit of 5,000 respondents and draining the outbox into an in-process
//!   SMTP server (mailin-embedded): invitations per second;
//! - the process's peak memory (server, clients and SMTP server in one process).
//!
//! Run: `cargo bench -p parindex-tests --bench survey` (SQLite), with `PARINDEX_TEST_PG_URL` set for
//! PostgreSQL too, and `PARINDEX_BENCH=invitations` (or `submissions`, `whole`) for one part.

#![allow(clippy::unwrap_used)]

use parindex_db::respondents as store;
use parindex_db::survey::{self, Trace};
use parindex_db::units::{self, UnitInput};
use parindex_db::{Ctx, questionnaires};
use parindex_domain::UnitId;
use parindex_domain::respondents::{ListState, Respondent};
use parindex_mail::{Transport, UnitMail};
use parindex_tests::measure::{ms, percentile};
use parindex_tests::smtp::SmtpServer;
use parindex_tests::{Engine, TestApp, spawn_app};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SUBMITS: usize = 4_000;
const WHOLE: usize = 640;
const INVITATIONS: usize = 5_000;

/// A new province with `n` respondents on an accepted list, its survey open; returns the link
/// tokens (caught as the e-mails are composed) and the unit id.
async fn open_unit(app: &TestApp, code: &str, n: usize) -> (UnitId, Vec<String>) {
    let cid = app.campaign_id().await;
    let ctx = Ctx::system(parindex_domain::Clock::now_ms(&app.clock));
    let u = units::create(
        &app.db,
        &ctx,
        cid,
        &UnitInput {
            code: code.into(),
            level: parindex_domain::Level::Province,
            name: format!("Ủy ban nhân dân tỉnh Thử {code}"),
            short_name: format!("Tỉnh Thử {code}"),
            not_ranked: false,
            email_domains: "thu.gov.vn".into(),
        },
    )
    .await
    .unwrap();
    let groups = ["hdnd", "lanh_dao_so", "lanh_dao_phong_so", "lanh_dao_huyen"];
    let people: Vec<Respondent> = (0..n)
        .map(|i| Respondent {
            full_name: format!("Người Thử {i}"),
            position: "Trưởng phòng".into(),
            organisation: format!("Sở số {}", i % 20),
            group: groups[i % groups.len()].into(),
            email: format!("{}.{i}@thu.gov.vn", code.to_lowercase()),
            phone: String::new(),
            stand_in: false,
        })
        .collect();
    store::import(&app.db, &ctx, cid, u.id, &people, "bench")
        .await
        .unwrap();
    store::transition(
        &app.db,
        &ctx,
        cid,
        u.id,
        ListState::Draft,
        ListState::Sent,
        "",
    )
    .await
    .unwrap();
    store::transition(
        &app.db,
        &ctx,
        cid,
        u.id,
        ListState::Sent,
        ListState::Accepted,
        "",
    )
    .await
    .unwrap();
    let mail = UnitMail {
        year: 2023,
        unit_name: u.name.clone(),
        deadline: "10/01/2024".into(),
        support: String::new(),
        link_base: app.base.clone(),
        organiser: "Bộ Nội vụ".into(),
    };
    let tokens = Arc::new(Mutex::new(Vec::new()));
    let t2 = tokens.clone();
    survey::open_unit(&app.db, &ctx, cid, u.id, &move |m| {
        t2.lock().unwrap().push(m.token.to_string());
        mail.compose(m)
    })
    .await
    .unwrap();
    let tokens = tokens.lock().unwrap().clone();
    (u.id, tokens)
}

async fn answer_all(app: &TestApp, tokens: &[String]) {
    let cid = app.campaign_id().await;
    let set = questionnaires::get(&app.db, cid, "province")
        .await
        .unwrap()
        .unwrap();
    let writes = parindex_db::write_queue::WriteQueue::new(app.db.clone());
    for t in tokens {
        let v = survey::by_token(&app.db, t).await.unwrap().unwrap();
        let answers: Vec<(String, String)> = set
            .for_group(&v.group_code)
            .unwrap()
            .questions
            .iter()
            .map(|q| (q.code.clone(), "B".to_string()))
            .collect();
        survey::save_answers(&writes, v.invitation_id, 1, &answers, &Trace::default(), 0)
            .await
            .unwrap();
    }
}

async fn submissions(app: &TestApp, engine: Engine, tokens: Vec<String>, concurrency: usize) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let queue = Arc::new(Mutex::new(tokens));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, queue, base) = (client.clone(), queue.clone(), app.base.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let Some(t) = queue.lock().unwrap().pop() else {
                    break;
                };
                let s = Instant::now();
                let r = client
                    .post(format!("{base}/s/{t}/submit"))
                    .header("origin", &base)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 303, "submitted");
                let _ = r.bytes().await.unwrap();
                lat.push(s.elapsed());
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
        "{engine:?}: completed submissions, {concurrency} respondents at once, {}: {:.0}/s, p50 {}, p99 {}",
        all.len(),
        all.len() as f64 / wall.as_secs_f64(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99))
    );
}

async fn whole_respondents(app: &TestApp, engine: Engine, tokens: Vec<String>, concurrency: usize) {
    let cid = app.campaign_id().await;
    let set = Arc::new(
        questionnaires::get(&app.db, cid, "province")
            .await
            .unwrap()
            .unwrap(),
    );
    let mut groups = std::collections::HashMap::new();
    for t in &tokens {
        groups.insert(
            t.clone(),
            survey::by_token(&app.db, t)
                .await
                .unwrap()
                .unwrap()
                .group_code,
        );
    }
    let groups = Arc::new(groups);
    let queue = Arc::new(Mutex::new(tokens));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (queue, base, set, groups) =
            (queue.clone(), app.base.clone(), set.clone(), groups.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let Some(t) = queue.lock().unwrap().pop() else {
                    break;
                };
                let client = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .cookie_store(true)
                    .build()
                    .unwrap();
                let link = format!("{base}/s/{t}");
                let post = |url: String, form: Vec<(String, String)>| {
                    let c = client.clone();
                    let origin = base.clone();
                    async move {
                        let s = Instant::now();
                        let r = c
                            .post(url)
                            .header("origin", origin)
                            .form(&form)
                            .send()
                            .await
                            .unwrap();
                        let status = r.status().as_u16();
                        let _ = r.bytes().await.unwrap();
                        (status, s.elapsed())
                    }
                };
                let (st, d) = post(format!("{link}/start"), vec![]).await;
                assert_eq!(st, 303);
                lat.push(d);
                let qs = &set.for_group(&groups[&t]).unwrap().questions;
                let pages = qs.len().div_ceil(5);
                for p in 1..=pages {
                    let form: Vec<(String, String)> = qs
                        .iter()
                        .skip((p - 1) * 5)
                        .take(5)
                        .map(|q| (format!("q_{}", q.code), "A".to_string()))
                        .chain(std::iter::once(("go".to_string(), "next".to_string())))
                        .collect();
                    let (st, d) = post(format!("{link}/page/{p}"), form).await;
                    assert_eq!(st, 303);
                    lat.push(d);
                }
                let (st, d) = post(format!("{link}/submit"), vec![]).await;
                assert_eq!(st, 303, "submitted, and sent on to the thank-you page");
                lat.push(d);
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
    let n = groups.len();
    println!(
        "{engine:?}: whole respondents (start, every page, submit), {concurrency} at once, {n} respondents / {} requests: {:.0} respondents/s, {:.0} requests/s, per request p50 {}, p99 {}",
        all.len(),
        n as f64 / wall.as_secs_f64(),
        all.len() as f64 / wall.as_secs_f64(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99))
    );
}

async fn invitations(app: &TestApp, engine: Engine) {
    let server = SmtpServer::start().await;
    for (code, connections) in [("INV16", 16), ("INV64", 64)] {
        let t = Instant::now();
        let (_, tokens) = open_unit(app, code, INVITATIONS).await;
        let opened = t.elapsed();
        let before = server.received().len();
        let transport = Transport::smtp(
            &server.direct_url(),
            connections as u32,
            Duration::from_secs(30),
        )
        .unwrap();
        let w = parindex_tests::survey::worker(app, transport, "bench", 500)
            .with_concurrency(connections);
        let t = Instant::now();
        let r = w.drain().await.unwrap();
        let wall = t.elapsed();
        assert_eq!(r.sent, tokens.len());
        assert_eq!(server.received().len() - before, tokens.len());
        println!(
            "{engine:?}: opening a unit of {INVITATIONS} respondents (invitations, links, outbox) took {}; \
             sending them into a local SMTP server over {connections} connections: {:.0} invitations/s ({} in {})",
            ms(opened),
            r.sent as f64 / wall.as_secs_f64(),
            r.sent,
            ms(wall)
        );
    }
}

/// `PARINDEX_BENCH=invitations,submissions,whole` picks parts (all by default).
fn part(name: &str) -> bool {
    std::env::var("PARINDEX_BENCH").map_or(true, |v| v.split(',').any(|p| p.trim() == name))
}

async fn run(engine: Engine) {
    let app = spawn_app(engine).await;
    if part("invitations") {
        invitations(&app, engine).await;
    }
    if part("submissions") {
        // On SQLite each size runs twice in the same process: first with commits acknowledged from
        // the OS cache (the old behaviour, the baseline), then waiting for the group-commit sync.
        let fence = match &*app.db {
            parindex_db::Db::Sqlite(_, gate) => Some(gate.fence.clone()),
            parindex_db::Db::Postgres(..) => None,
        };
        // And at 32, durable, once with the survey's tallies switched off (the level's tally key
        // removed, so a submission leaves itself to be folded in later): the cost tallying adds.
        let cid = app.campaign_id().await;
        for (code, concurrency, durable, tallied) in [
            ("B32", 32, false, true),
            ("U32", 32, true, false),
            ("S32", 32, true, true),
            ("B64", 64, false, true),
            ("S64", 64, true, true),
        ] {
            if !durable && fence.is_none() {
                continue;
            }
            let (_, tokens) = open_unit(&app, code, SUBMITS).await;
            answer_all(&app, &tokens).await;
            if !tallied {
                parindex_tests::measure::exec_sql(
                    &app.db,
                    format!("DELETE FROM survey_tally_keys WHERE campaign_id = {cid}"),
                )
                .await;
            } else {
                parindex_db::survey_tallies::fold_in(&app.db, cid)
                    .await
                    .unwrap();
            }
            println!("{engine:?}: each submission adds itself to the survey's tallies: {tallied}");
            if let Some(f) = &fence {
                f.set_on(durable);
                println!("{engine:?}: the WAL is synced before acknowledging: {durable}");
            }
            let before = fence.as_ref().map(|f| f.counts());
            submissions(&app, engine, tokens, concurrency).await;
            if let (Some(f), Some((c0, s0, _))) = (&fence, before) {
                let (c1, s1, _) = f.counts();
                println!(
                    "{engine:?}: {} commits, {} syncs of the WAL",
                    c1 - c0,
                    s1 - s0
                );
            }
        }
        if let Some(f) = &fence {
            f.set_on(true);
        }
    }
    if part("whole") {
        let (_, tokens) = open_unit(&app, "W32", WHOLE).await;
        whole_respondents(&app, engine, tokens, 32).await;
    }
    println!(
        "{engine:?}: peak memory of the whole bench process so far: {:.0} MiB",
        parindex_tests::measure::peak_mib()
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
