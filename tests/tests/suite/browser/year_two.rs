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
    // The year's units as a file: Hải Phòng merged into Quảng Ninh, reviewed, then applied.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("don-vi-2024.xlsx");
    std::fs::write(&file, units_file(&app, new.id).await).unwrap();
    type_into(&b, "units-file", file.to_str().unwrap()).await;
    click_to_navigate(&b, By::Css("#units-file-form button[type=submit]")).await;
    fits(&b).await;
    assert!(
        text_of(&b, "#units-merged")
            .await
            .contains("QNI ← QNI ×1, HPG ×1")
    );
    assert!(text_of(&b, "#units-removed").await.contains("HPG"));
    click_id(&b, "confirm").await;
    click_to_navigate(&b, By::Id("units-file-apply-button")).await;
    fits(&b).await;
    assert!(
        text_of(&b, "main")
            .await
            .contains("Đã áp dụng danh sách đơn vị")
    );
    assert!(
        parindex_db::units::by_code(&app.db, new.id, "HPG")
            .await
            .is_err()
    );
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

/// The campaign's units as an .xlsx file with Hải Phòng merged into Quảng Ninh.
async fn units_file(app: &TestApp, campaign: parindex_domain::CampaignId) -> Vec<u8> {
    use parindex_import::sheet::Cell;
    let rows: Vec<Vec<Cell>> = parindex_db::units::list(&app.db, campaign)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.code != "HPG")
        .map(|u| {
            let preds = if u.code == "QNI" { "QNI; HPG" } else { "" };
            [
                u.code.as_str(),
                &u.name,
                &u.short_name,
                u.level.as_str(),
                preds,
            ]
            .into_iter()
            .map(|c| Cell::Text(c.to_string()))
            .collect()
        })
        .collect();
    let header: Vec<String> = [
        "Mã đơn vị",
        "Tên đầy đủ",
        "Tên ngắn",
        "Cấp",
        "Đơn vị tiền nhiệm",
    ]
    .map(String::from)
    .into();
    parindex_import::sheet::table("Đơn vị", &header, &rows).unwrap()
}
