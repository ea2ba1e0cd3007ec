//! `serve --demo --year 2025`, as the server runs it: the 2023 campaign widened to the 63 provinces
//! and 19 ministries and bodies before the reorganisation and published, rolled over to 2025 in
//! today's structure and published too. The merged Hải Phòng then compares with Hải Phòng and Hải
//! Dương on its public report card, and the figure is worked out here from both years' stored
//! results, apart from the project's comparison code.

use super::*;
use parindex_domain::Level;
use parindex_domain::scoring::CampaignResult;
use rust_decimal::RoundingStrategy;

async fn published(app: &TestApp, year: i64) -> CampaignResult {
    let c = parindex_db::campaigns::by_year(&app.db, year)
        .await
        .unwrap();
    let v = results::latest_published(&app.db, c.id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{year} is published"));
    results::result(&app.db, c.id, v.version)
        .await
        .unwrap()
        .unwrap()
        .1
}

async fn the_2025_demo_compares_through_the_reorganisation(engine: Engine) {
    let app = spawn_app(engine).await;
    let clock = app.clock.clone();
    let set_time = move |ms: i64| clock.set(parindex_domain::clock::from_ms(ms));
    let opts = parindex::simulate::Options {
        per_group: 2,
        ..Default::default()
    };
    let now = parindex_domain::Clock::now_ms(&app.clock);
    let built = parindex::demo::year_2025::run(&app.db, &app.base, now, &opts, &set_time)
        .await
        .unwrap()
        .expect("built");
    assert_eq!(built.after.errors, 0);
    assert!(built.before.is_some_and(|b| b.errors == 0));
    // A second start finds it there and changes nothing.
    assert!(
        parindex::demo::year_2025::run(&app.db, &app.base, now, &opts, &set_time)
            .await
            .unwrap()
            .is_none()
    );

    let c2023 = parindex_db::campaigns::by_year(&app.db, 2023)
        .await
        .unwrap();
    let c2025 = parindex_db::campaigns::by_year(&app.db, 2025)
        .await
        .unwrap();
    assert_eq!(c2025.predecessor_id, Some(c2023.id));
    assert!(c2025.name_vi.contains("minh họa"), "{}", c2025.name_vi);
    assert!(c2025.deadlines_confirmed);
    let count = |units: &[parindex_db::units::Unit], level: Level| {
        units.iter().filter(|u| u.level == level).count()
    };
    let before = parindex_db::units::list(&app.db, c2023.id).await.unwrap();
    let after = parindex_db::units::list(&app.db, c2025.id).await.unwrap();
    assert_eq!(
        (
            count(&before, Level::Province),
            count(&before, Level::Ministry)
        ),
        (63, 19)
    );
    assert_eq!(
        (
            count(&after, Level::Province),
            count(&after, Level::Ministry)
        ),
        (34, 14)
    );
    // A unit that kept its code keeps the demo's mail domain: the file has no such column.
    let hpg = after.iter().find(|u| u.code == "HPG").unwrap();
    assert_eq!(hpg.email_domains, "haiphong.gov.vn");

    // The commune leaders took the district leaders' place, and were asked.
    let groups = parindex_db::respondents::groups(&app.db, c2025.id)
        .await
        .unwrap();
    let codes: Vec<&str> = groups.province.iter().map(|g| g.code.as_str()).collect();
    assert!(codes.contains(&"lanh_dao_xa"), "{codes:?}");
    assert!(!codes.contains(&"lanh_dao_huyen"), "{codes:?}");
    let asked = app
        .db
        .scalar(&format!(
            "SELECT COUNT(*) FROM survey_invitations \
             WHERE campaign_id = {} AND group_code = 'lanh_dao_xa' AND completed_at IS NOT NULL",
            c2025.id
        ))
        .await;
    assert!(asked > 0);

    // The demo's officers sign in to their unit's 2025 copy.
    let officer = app.demo_login("hpg.canbo.2025").await;
    let home = app.page_text(&officer, &format!("/unit/{}", hpg.id)).await;
    assert!(home.contains("Thành phố Hải Phòng"), "{home}");

    // Hải Phòng 2025 against the plain average of Hải Phòng and Hải Dương in 2023.
    let r2023 = published(&app, 2023).await;
    let r2025 = published(&app, 2025).await;
    let index = |r: &CampaignResult, code: &str| {
        r.level(Level::Province)
            .and_then(|l| l.unit(code))
            .unwrap_or_else(|| panic!("{code}"))
            .index
    };
    let then = (index(&r2023, "HPG") + index(&r2023, "HDG")) / Decimal::from(2);
    let change = index(&r2025, "HPG") - then;
    let vi = |d: Decimal| {
        d.abs()
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .to_string()
            .replace('.', ",")
    };
    let html = app.html(&app.client(), "/results/2025/unit/HPG").await;
    let text = visible_text(&html);
    assert!(text.contains("Tỉnh Hải Dương (×1)"), "{text}");
    assert!(text.contains(&vi(then)), "{} in {text}", vi(then));
    assert!(text.contains(&vi(change)), "{} in {text}", vi(change));
    // A province that stayed (its own only predecessor in the file) compares with itself, place and
    // all.
    let card = app.page_text(&app.client(), "/results/2025/unit/QNI").await;
    assert!(!card.contains("đơn vị tiền nhiệm:"), "{card}");
    let ranking = app.page_text(&app.client(), "/results/2025").await;
    let qni = index(&r2025, "QNI") - index(&r2023, "QNI");
    assert!(ranking.contains(&vi(qni)), "{} in {ranking}", vi(qni));
}

on_both_engines!(the_2025_demo_compares_through_the_reorganisation);
