//! Year two on a phone: MoHA previews next year's campaign, creates it, sees what to confirm, and
//! issues the units' accounts; every page fits the screen and passes axe.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moha_rolls_the_campaign_over_and_issues_accounts_on_a_phone() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let d = start_driver().await;
    let b = browser(&d, 390, 844).await;
    log_in(&b, &app, "moha.admin").await;
    let cid = app.campaign_id().await;
    assert_fits(&b, &app, &format!("/admin/campaigns/{cid}")).await;
    click_to_navigate(&b, By::Id("go-rollover")).await;
    fits(&b).await;
    assert!(
        text_of(&b, "#rollover-preview")
            .await
            .contains("Sẽ tạo kỳ đánh giá năm 2024")
    );
    assert!(
        text_of(&b, "#rollover-deadlines")
            .await
            .contains("15/12/2024")
    );
    // The account list opens in place and still fits.
    b.find(By::Css("#rollover-preview details summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        text_of(&b, "#rollover-account-list")
            .await
            .contains("btp.canbo.2024")
    );
    fits(&b).await;
    click_to_navigate(&b, By::Css("#rollover-form button[type=submit]")).await;
    fits(&b).await;
    assert!(text_of(&b, "main").await.contains("Đã tạo kỳ đánh giá mới"));
    assert!(
        text_of(&b, "#deadlines-unconfirmed")
            .await
            .contains("chưa được xác nhận")
    );
    let new = parindex_db::campaigns::by_year(&app.db, 2024)
        .await
        .unwrap();
    assert_eq!(new.predecessor_id, Some(cid));
    // Issuing the accounts: the confirmation is asked for, then the e-mails go.
    click_to_navigate(&b, By::Id("go-issue")).await;
    fits(&b).await;
    click_to_navigate(&b, By::Css("#issue-form button[type=submit]")).await;
    assert!(text_of(&b, "#error-summary").await.contains("xác nhận"));
    click_id(&b, "confirm").await;
    click_to_navigate(&b, By::Css("#issue-form button[type=submit]")).await;
    fits(&b).await;
    assert!(
        text_of(&b, "#issued")
            .await
            .contains("btp.canbo@moj.gov.vn")
    );
    b.quit().await.unwrap();
}
