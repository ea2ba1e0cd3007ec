//! Long lists a page at a time (100 rows), with the search and filters kept in the page links: a
//! unit's respondent list and MoHA's accounts.

use super::*;
use parindex_db::Ctx;
use parindex_domain::respondents::Respondent;

/// The page links in `html`, with escaped `&` read back.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|s| {
            s.split('"')
                .next()
                .unwrap()
                .replace("&#38;", "&")
                .replace("&amp;", "&")
        })
        .filter(|h| h.contains("p="))
        .collect()
}

async fn a_long_respondent_list_shows_a_page_at_a_time_and_keeps_its_search(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let campaign = app.campaign_id().await;
    let group = parindex_db::respondents::groups(&app.db, campaign)
        .await
        .unwrap()
        .for_level("province")[0]
        .code
        .clone();
    let before = parindex_db::respondents::people(&app.db, qni)
        .await
        .unwrap()
        .len();
    let rows: Vec<Respondent> = (0..230)
        .map(|i| Respondent {
            full_name: format!("Phạm Thị Thử {i:03}"),
            position: "Chuyên viên".into(),
            organisation: "Sở Nội vụ".into(),
            group: group.clone(),
            email: format!("thu{i:03}@quangninh.gov.vn"),
            phone: String::new(),
            stand_in: false,
        })
        .collect();
    parindex_db::respondents::import(
        &app.db,
        &Ctx::system(parindex_domain::Clock::now_ms(&app.clock)),
        campaign,
        qni,
        &rows,
        "test",
    )
    .await
    .unwrap();
    let officer = app.demo_login("qni.canbo").await;
    let count = |html: &str| html.matches("<tr id=\"person-").count();
    let list = format!("/unit/{qni}/respondents");

    let first = app.page_text(&officer, &list).await;
    let html = app.html(&officer, &list).await;
    assert_eq!(count(&html), 100);
    let total = before + 230;
    assert!(
        first.contains(&format!(
            "Trang 1/{} · dòng 1–100 trong {total}",
            total.div_ceil(100)
        )),
        "{first}"
    );

    // Searching without tones: 230 match, three pages; the links keep the search.
    let searched = format!("{list}?q=pham+thi+thu");
    let html = app.html(&officer, &searched).await;
    assert_eq!(count(&html), 100);
    let next = links(&html);
    assert!(
        next.iter()
            .any(|h| h == &format!("{list}?q=pham%20thi%20thu&group=&org=&p=2#people")),
        "{next:?}"
    );
    let html = app.html(&officer, &format!("{searched}&p=3")).await;
    assert_eq!(count(&html), 30);
    let text = visible_text(&html);
    assert!(
        text.contains("Trang 3/3 · dòng 201–230 trong 230"),
        "{text}"
    );
    // The names run in Vietnamese order across the pages: the last page ends with the last name.
    assert!(html.contains("Phạm Thị Thử 229") && !html.contains("Phạm Thị Thử 199"));
    // A page past the end shows the last; anything else shows the first.
    let html = app.html(&officer, &format!("{searched}&p=99")).await;
    assert_eq!(count(&html), 30);
    let html = app.html(&officer, &format!("{searched}&p=abc")).await;
    assert!(html.contains("Phạm Thị Thử 000") && count(&html) == 100);
    // A short list has no page links.
    let html = app.html(&officer, &format!("{list}?q=thu007")).await;
    assert_eq!(count(&html), 1);
    assert!(!html.contains("class=\"pager\""));
}

async fn moha_searches_the_accounts_a_page_at_a_time(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let ctx = Ctx::system(0);
    for i in 0..130 {
        users::create(
            &app.db,
            &ctx,
            &users::NewUser {
                username: format!("qni.xem{i:03}"),
                full_name: format!("Đỗ Văn Xem {i:03}"),
                email: format!("xem{i:03}@quangninh.gov.vn"),
                role: parindex_domain::Role::UnitViewer,
                unit_id: Some(qni),
                password_hash: "x".into(),
                must_change_password: true,
            },
        )
        .await
        .unwrap();
    }
    let all = users::list(&app.db, None).await.unwrap().len();
    let admin = app.demo_login("moha.admin").await;
    let count = |html: &str| html.matches("<tr id=\"account-").count();
    let html = app.html(&admin, "/admin/accounts").await;
    assert_eq!(count(&html), 100);
    let text = visible_text(&html);
    assert!(text.contains(&format!("{all}/{all} tài khoản")), "{text}");
    assert!(
        text.contains(&format!("Trang 1/{}", all.div_ceil(100))),
        "{text}"
    );
    // By name without tones, or by username.
    let html = app.html(&admin, "/admin/accounts?q=do+van+xem&p=2").await;
    assert_eq!(count(&html), 30);
    let text = visible_text(&html);
    assert!(text.contains(&format!("130/{all} tài khoản")), "{text}");
    assert!(
        text.contains("Trang 2/2 · dòng 101–130 trong 130"),
        "{text}"
    );
    assert!(
        links(&html)
            .iter()
            .any(|h| h == "/admin/accounts?q=do%20van%20xem&p=1#accounts")
    );
    let html = app.html(&admin, "/admin/accounts?q=qni.xem042").await;
    assert_eq!(count(&html), 1);
    assert!(html.contains("Đỗ Văn Xem 042"));
}

on_both_engines!(
    a_long_respondent_list_shows_a_page_at_a_time_and_keeps_its_search,
    moha_searches_the_accounts_a_page_at_a_time
);
