//! Publishing and reading the index, and cancelling a flagged unit's survey, on a phone.

use super::*;

/// MoHA computes the draft and publishes it from the results page, on a phone; the public reads the
/// ranking and a report card without logging in, and every results page fits the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moha_publishes_the_index_and_the_public_reads_it_on_a_phone() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let cid = app.campaign_id().await;
    let d = start_driver().await;
    let b = browser(&d, 390, 844).await;
    log_in(&b, &app, "moha.admin").await;
    visit(&b, app.url(&format!("/admin/campaigns/{cid}"))).await;
    click_to_navigate(&b, By::Id("go-results")).await;
    click_to_navigate(&b, By::Css("#res-compute button")).await;
    assert!(text_of(&b, "#res-shown").await.contains("Bản nháp"));
    // Without the confirmation nothing is published and the error summary says why.
    click_to_navigate(&b, By::Css("#res-publish button")).await;
    assert!(text_of(&b, "#error-summary").await.contains("xác nhận"));
    assert!(
        parindex_db::results::latest_published(&app.db, cid)
            .await
            .unwrap()
            .is_none()
    );
    click_id(&b, "confirm").await;
    type_into(&b, "password", parindex::demo::DEMO_PASSWORD).await;
    click_to_navigate(&b, By::Css("#res-publish button")).await;
    assert!(text_of(&b, "#res-shown").await.contains("Phiên bản 1"));
    let hpg = app.unit_id("HPG").await;
    let public = browser(&d, 390, 844).await;
    for (who, path) in [
        (&b, format!("/admin/campaigns/{cid}/results")),
        (&b, format!("/unit/{hpg}/results")),
        (&public, "/results".to_string()),
        (&public, "/results/2023".to_string()),
        (&public, "/results/2023/unit/HPG".to_string()),
    ] {
        assert_fits(who, &app, &path).await;
    }
    assert!(text_of(&public, "#card-index").await.contains(','));
    assert!(text_of(&public, "h1").await.contains("Thành phố Hải Phòng"));
    b.quit().await.unwrap();
    public.quit().await.unwrap();
}

/// After a simulated campaign with interfering units, MoHA is warned of the undecided flags when
/// about to publish (on a phone and at desktop width), then opens the review queue on a phone, reads
/// a flagged unit's evidence, is stopped by the missing confirmation, and cancels the unit's survey
/// results; the unit's officer sees the decision and its reason on the survey page. Every page fits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moha_reviews_a_flagged_unit_and_cancels_its_survey_on_a_phone() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let cid = app.campaign_id().await;
    let s = parindex_tests::survey::simulate_demo(&app).await;
    assert!(s.flagged.contains(&"HPG".to_string()), "{:?}", s.flagged);
    let hpg = app.unit_id("HPG").await;
    let d = start_driver().await;
    let b = browser(&d, 390, 844).await;
    log_in(&b, &app, "moha.admin").await;
    // Publishing first lists the flagged units without a decision above the button, and refuses
    // without the acknowledgement, on the page itself; the same list shows at desktop width.
    visit(&b, app.url(&format!("/admin/campaigns/{cid}/results"))).await;
    click_to_navigate(&b, By::Css("#res-compute button")).await;
    assert!(
        text_of(&b, "#res-undecided")
            .await
            .contains("Thành phố Hải Phòng")
    );
    let published = || async {
        parindex_db::results::latest_published(&app.db, cid)
            .await
            .unwrap()
            .map(|v| v.version)
    };
    let before = published().await;
    click_id(&b, "confirm").await;
    type_into(&b, "password", parindex::demo::DEMO_PASSWORD).await;
    click_to_navigate(&b, By::Css("#res-publish button")).await;
    assert!(
        text_of(&b, "#error-summary")
            .await
            .contains("chưa có quyết định xử lý")
    );
    assert_eq!(published().await, before, "nothing more is published");
    let desk = browser(&d, 1280, 900).await;
    log_in(&desk, &app, "moha.admin").await;
    assert_fits(&desk, &app, &format!("/admin/campaigns/{cid}/results")).await;
    assert!(
        text_of(&desk, "#res-integrity")
            .await
            .contains("Thành phố Hải Phòng")
    );
    desk.quit().await.unwrap();
    // The unit's results on the phone: the index with its interval, what it means, and where the
    // unit gains the most.
    assert_fits(&b, &app, &format!("/unit/{hpg}/results")).await;
    assert!(text_of(&b, "#card-index-interval").await.contains('–'));
    assert!(
        text_of(&b, "#card-sureness")
            .await
            .contains("Độ tin cậy của kết quả")
    );
    assert!(text_of(&b, "#card-plan").await.contains("→ chỉ số"));
    // Ticking two items of the plan and asking adds them up, on the phone too.
    let picks = b
        .find_all(By::Css("#card-plan input[name='pick']"))
        .await
        .unwrap();
    assert!(picks.len() >= 2, "the plan lists its items");
    for p in &picks[..2] {
        p.click().await.unwrap();
    }
    click_to_navigate(&b, By::Css("#card-plan-form button[type=submit]")).await;
    assert!(
        text_of(&b, "#card-plan-combined")
            .await
            .contains("Cả 2 mục đã chọn: +")
    );
    fits(&b).await;
    visit(&b, app.url(&format!("/admin/campaigns/{cid}"))).await;
    click_to_navigate(&b, By::Id("go-integrity")).await;
    assert!(text_of(&b, "#ig-queue").await.contains("Cần xem xét"));
    click_to_navigate(&b, By::Css(format!("tr[data-unit='{hpg}'] a"))).await;
    assert!(text_of(&b, "main").await.contains("Bằng chứng"));
    click_id(&b, "outcome-cancel").await;
    type_into(&b, "reason", "Một người trả lời hộ nhiều phiếu").await;
    type_into(&b, "responsible", "Ông Trần Văn B").await;
    click_to_navigate(&b, By::Css("#ig-decide button")).await;
    assert!(text_of(&b, "#error-summary").await.contains("xác nhận"));
    assert!(
        parindex_db::integrity::in_force(&app.db, cid, hpg)
            .await
            .unwrap()
            .is_none()
    );
    click_id(&b, "confirm").await;
    type_into(&b, "password", parindex::demo::DEMO_PASSWORD).await;
    click_to_navigate(&b, By::Css("#ig-decide button")).await;
    assert!(text_of(&b, "#ig-history").await.contains("Hủy toàn bộ"));
    for path in [
        format!("/admin/campaigns/{cid}/integrity"),
        format!("/admin/campaigns/{cid}/integrity/unit/{hpg}"),
    ] {
        assert_fits(&b, &app, &path).await;
    }
    let officer = browser(&d, 390, 844).await;
    log_in(&officer, &app, "hpg.canbo").await;
    assert_fits(&officer, &app, &format!("/unit/{hpg}/survey")).await;
    assert!(
        text_of(&officer, "#ig-decision")
            .await
            .contains("Một người trả lời hộ nhiều phiếu")
    );
    b.quit().await.unwrap();
    officer.quit().await.unwrap();
}
