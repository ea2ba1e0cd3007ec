//! Year two at national size: the demo's 2023 campaign grown to 83 units with about 250 unit accounts
//! and every unit's focal address, then rolled over to a new year through the real router (the
//! one-transaction copy), and that year's accounts issued by e-mail (249 one-time passwords hashed
//! with Argon2id, one e-mail per unit queued). Each run copies to a new year; medians are reported.
//!
//! Run: `cargo bench -p parindex-tests --bench year_two` (add PARINDEX_TEST_PG_URL for PostgreSQL).

#![allow(clippy::unwrap_used)]

use parindex_db::contacts::{self, FocalContacts};
use parindex_db::units::{self, UnitInput};
use parindex_db::users::{self, NewUser};
use parindex_domain::{Level, Role};
use parindex_tests::measure::median;
use parindex_tests::{Engine, TestApp, spawn_app};
use std::time::{Duration, Instant};

const UNITS: usize = 83;
const RUNS: i64 = 5;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// Grows the 2023 campaign to 83 units, each new one with an officer, a leader and a viewer, and gives
/// every unit a focal address. Returns the number of unit accounts.
async fn grow(app: &TestApp) -> usize {
    let cid = app.campaign_id().await;
    let ctx = parindex_db::Ctx::system(1_700_000_000_000);
    let have = units::list(&app.db, cid).await.unwrap().len();
    let hash = users::get(&app.db, parindex_domain::UserId(1))
        .await
        .unwrap()
        .password_hash;
    for i in have..UNITS {
        let level = if i % 4 == 0 {
            Level::Ministry
        } else {
            Level::Province
        };
        let input = UnitInput {
            code: format!("U{i:02}"),
            level,
            name: format!("Đơn vị thử số {i}"),
            short_name: format!("Đơn vị {i}"),
            not_ranked: false,
            email_domains: format!("u{i}.gov.vn"),
        };
        let u = units::create(&app.db, &ctx, cid, &input).await.unwrap();
        let news: Vec<NewUser> = [
            ("canbo", Role::UnitOfficer),
            ("lanhdao", Role::UnitLeader),
            ("xem", Role::UnitViewer),
        ]
        .into_iter()
        .map(|(what, role)| NewUser {
            username: format!("u{i:02}.{what}"),
            full_name: format!("Người thử {what} {i}"),
            email: format!("{what}@u{i}.gov.vn"),
            role,
            unit_id: Some(u.id),
            password_hash: hash.clone(),
            must_change_password: false,
        })
        .collect();
        users::create_many(&app.db, &ctx, &news).await.unwrap();
    }
    for u in units::list(&app.db, cid).await.unwrap() {
        let f = FocalContacts {
            par_unit: format!("Văn phòng {}", u.short_name),
            par_name: "Nguyễn Văn An".into(),
            par_phone: "024 3825 1234".into(),
            par_email: format!("cchc.{}@example.gov.vn", u.code.to_lowercase()),
            it_name: "Trần Thị Bình".into(),
            it_position: "Chuyên viên".into(),
            it_mobile: "0912 345 678".into(),
        };
        contacts::set_focal(&app.db, &ctx, cid, u.id, &f)
            .await
            .unwrap();
    }
    users::list(&app.db, None)
        .await
        .unwrap()
        .iter()
        .filter(|u| u.unit_id.is_some())
        .count()
}

async fn run(engine: Engine) {
    let app = spawn_app(engine).await;
    let accounts = grow(&app).await;
    let cid = app.campaign_id().await;
    let admin = app.demo_login("moha.admin").await;
    let (mut copies, mut issues, mut issued) = (Vec::new(), Vec::new(), 0);
    for year in 2024..2024 + RUNS {
        let t = Instant::now();
        let r = app
            .post(
                &admin,
                &format!("/admin/campaigns/{cid}/copy"),
                &[
                    ("year", &year.to_string()),
                    ("name_vi", &format!("Chỉ số CCHC năm {year}")),
                    ("name_en", &format!("PAR Index {year}")),
                ],
            )
            .await;
        copies.push(t.elapsed());
        assert_eq!(r.status(), 303);
        let new = parindex_db::campaigns::by_year(&app.db, year)
            .await
            .unwrap();
        assert_eq!(units::list(&app.db, new.id).await.unwrap().len(), UNITS);
        let t = Instant::now();
        let r = app
            .post(
                &admin,
                &format!("/admin/campaigns/{}/accounts", new.id),
                &[
                    ("standard", "yes"),
                    ("delivery", "email"),
                    ("confirm", "yes"),
                ],
            )
            .await;
        issues.push(t.elapsed());
        assert_eq!(r.status(), 200);
        issued = app
            .db
            .scalar(&format!(
                "SELECT COUNT(*) FROM users us JOIN units u ON u.id = us.unit_id \
                 WHERE u.campaign_id = {} AND us.password_hash <> ''",
                new.id
            ))
            .await;
    }
    println!(
        "{engine:?}: {UNITS} units, {accounts} unit accounts in 2023; copy median {} (runs {:?}); \
         issuing {issued} accounts by e-mail median {}",
        ms(median(copies.clone())),
        copies.iter().map(|d| ms(*d)).collect::<Vec<_>>(),
        ms(median(issues)),
    );
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("year two, {cores} cores, {RUNS} runs each");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(Engine::Sqlite));
    if std::env::var("PARINDEX_TEST_PG_URL").is_ok() {
        rt.block_on(run(Engine::Postgres));
    }
}
