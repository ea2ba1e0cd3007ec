//! The unit's start page says what is left: each task with where it stands, the time left before its
//! deadline in Vietnam time, and the nearest unfinished one first.

use super::*;

async fn the_start_page_counts_down_to_what_is_left(engine: Engine) {
    let app = spawn_app(engine).await;
    let btp = app.unit_id("BTP").await;
    let officer = app.demo_login("btp.canbo").await;
    let home = async |client: &reqwest::Client| {
        let html = app
            .get(client, &format!("/unit/{btp}"))
            .await
            .text()
            .await
            .unwrap();
        let tasks = html.split("id=\"tasks-left\"").nth(1).unwrap().to_string();
        visible_text(tasks.split("</section>").next().unwrap())
    };

    // 10/12/2023 09:00 in Hanoi: the list is due on the 15th, 5 days and 15 hours away.
    let now = home(&officer).await;
    assert!(now.contains("Danh sách chưa gửi Bộ Nội vụ"), "{now}");
    assert!(now.contains("còn 5 ngày 15 giờ"), "{now}");
    assert!(now.contains("Đang soạn · 82/82 mục chưa xong"), "{now}");
    assert!(now.contains("Gần hạn nhất"), "{now}");

    // Two minutes before the self-assessment closes: it is the nearest, the rest have closed.
    app.clock
        .set(time::macros::datetime!(2024-01-25 23:58:00 +7));
    let officer = app.demo_login("btp.canbo").await;
    let late = home(&officer).await;
    let nearest = late.split("Gần hạn nhất").nth(1).unwrap();
    assert!(
        nearest.contains("Tự đánh giá, chấm điểm") && nearest.contains("còn 0 giờ 2 phút"),
        "{late}"
    );
    assert!(late.contains("đã hết hạn"), "{late}");

    // In English too.
    let en = app.demo_login("btp.canbo").await;
    app.post(&en, "/lang", &[("lang", "en"), ("next", "/home")])
        .await;
    let english = home(&en).await;
    assert!(
        english.contains("0 h 2 min left") && english.contains("82 of 82 items unfinished"),
        "{english}"
    );
}

on_both_engines!(the_start_page_counts_down_to_what_is_left);
