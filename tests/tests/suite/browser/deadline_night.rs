//! The deadline-night walk, at desktop width and on a phone: the officer's countdown and what is
//! left, the task list's filters and the "next unfinished item" link, a refused upload that comes
//! back with its input, the leader's summary with the approval that needs its confirmation and the
//! return that needs a comment, a respondent warned on the same page about a skipped question, and
//! a save refused after the deadline that keeps what was typed. Every page is checked with axe and
//! must fit the window.

use super::*;

async fn walk(width: u32, height: u32) {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let qni = app.unit_id("QNI").await;
    let nhnn = app.unit_id("NHNN").await;
    let d = start_driver().await;

    // The officer's start page: the nearest deadline with the time left and what is left to do.
    let officer = browser(&d, width, height).await;
    log_in(&officer, &app, "qni.canbo").await;
    fits(&officer).await;
    let nearest = text_of(&officer, "#nearest").await;
    assert!(
        nearest.contains("Gần hạn nhất") && nearest.contains("còn "),
        "{width}: {nearest}"
    );
    assert!(
        text_of(&officer, "#tasks-left")
            .await
            .contains("mục chưa xong"),
        "{width}"
    );
    // The task list, filtered to the unfinished items; each item links to the next unfinished one.
    click_to_navigate(&officer, By::Id("go-self-assessment")).await;
    click_to_navigate(&officer, By::Css("#sa-filters a[data-filter='unfinished']")).await;
    fits(&officer).await;
    let on = officer
        .find(By::Css("#sa-filters a[aria-current='page']"))
        .await
        .unwrap()
        .attr("data-filter")
        .await
        .unwrap();
    assert_eq!(on.as_deref(), Some("unfinished"), "{width}");
    visit(
        &officer,
        app.url(&format!("/unit/{qni}/self-assessment/leaf/1.1.1")),
    )
    .await;
    let next = text_of(&officer, "#next-unfinished").await;
    assert!(
        next.contains('→') && !next.contains("1.1.1"),
        "{width}: {next}"
    );
    // An upload without a file comes back on the item's page with its page reference kept.
    type_into(&officer, "reference", "trang 9").await;
    click_to_navigate(&officer, By::Css("#evidence form button[type=submit]")).await;
    fits(&officer).await;
    assert!(
        !text_of(&officer, "#error-summary").await.is_empty(),
        "{width}"
    );
    assert_eq!(
        officer
            .find(By::Id("reference"))
            .await
            .unwrap()
            .value()
            .await
            .unwrap()
            .as_deref(),
        Some("trang 9")
    );
    officer.quit().await.unwrap();

    // The leader reads the summary, and approving without the confirmation is refused in place.
    let leader = browser(&d, width, height).await;
    log_in(&leader, &app, "nhnn.lanhdao").await;
    visit(&leader, app.url(&format!("/unit/{nhnn}/self-assessment"))).await;
    fits(&leader).await;
    assert!(
        text_of(&leader, "#leader-review")
            .await
            .contains("Xem xét trước khi phê duyệt"),
        "{width}"
    );
    click_to_navigate(&leader, By::Css("#approve-form button")).await;
    fits(&leader).await;
    assert!(
        text_of(&leader, "#error-summary")
            .await
            .contains("ô xác nhận"),
        "{width}"
    );
    // Returning needs a comment: an empty one is refused on the page, which keeps its summary.
    click_to_navigate(&leader, By::Css("#return-form button")).await;
    fits(&leader).await;
    assert!(
        !text_of(&leader, "#error-summary").await.is_empty(),
        "{width}"
    );
    assert!(
        text_of(&leader, "#leader-review")
            .await
            .contains("Xem xét trước khi phê duyệt"),
        "{width}"
    );
    assert!(
        text_of(&leader, "#sa-state")
            .await
            .contains("Chờ lãnh đạo phê duyệt"),
        "{width}: still awaiting approval"
    );
    leader.quit().await.unwrap();

    // A respondent who moves on without answering is warned on the same page, and may go on.
    let url = parindex_tests::survey::first_link_by_smtp(&app, "walk").await;
    let r = browser(&d, width, height).await;
    visit(&r, &url).await;
    click_to_navigate(&r, By::Id("sv-start")).await;
    fits(&r).await;
    assert!(text_of(&r, "#sv-progress").await.contains("1/"), "{width}");
    click_to_navigate(&r, By::Id("sv-next")).await;
    fits(&r).await;
    assert!(
        text_of(&r, "#sv-unanswered")
            .await
            .contains("Bạn chưa trả lời câu"),
        "{width}"
    );
    assert!(text_of(&r, "#sv-progress").await.contains("1/"), "{width}");
    click_to_navigate(&r, By::Id("sv-go-on")).await;
    assert!(text_of(&r, "#sv-progress").await.contains("2/"), "{width}");
    r.quit().await.unwrap();

    // The deadline passes while an officer is writing: saving is refused on the item's page, and
    // what was typed is still there to copy.
    let late = browser(&d, width, height).await;
    log_in(&late, &app, "qni.canbo").await;
    visit(
        &late,
        app.url(&format!("/unit/{qni}/self-assessment/leaf/1.1.1")),
    )
    .await;
    app.change_campaign(|c| {
        for (kind, day) in &mut c.deadlines {
            if kind == "self_assessment" {
                *day = "2023-12-09".into();
            }
        }
    })
    .await;
    type_into(&late, "explanation", "Giải trình soạn lúc nửa đêm").await;
    click_to_navigate(&late, By::Css("form[data-autosave] button[type=submit]")).await;
    fits(&late).await;
    assert!(
        !text_of(&late, "#error-summary").await.is_empty(),
        "{width}"
    );
    assert!(
        text_of(&late, "main")
            .await
            .contains("Giải trình soạn lúc nửa đêm"),
        "{width}"
    );
    late.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_night_walk_at_desktop_width() {
    walk(1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_night_walk_on_a_phone() {
    walk(390, 844).await;
}
