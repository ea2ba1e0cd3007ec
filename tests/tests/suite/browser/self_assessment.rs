//! The self-assessment from autosaved scores and evidence to MoHA, in the browser.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_self_assessment_goes_from_autosaved_scores_and_evidence_to_moha() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let qni = app.unit_id("QNI").await;
    let cid = app.campaign_id().await;
    let d = start_driver().await;

    // The officer scores a leaf: typing is enough, the form saves itself.
    let officer = browser(&d, 1280, 900).await;
    log_in(&officer, &app, "qni.canbo").await;
    click_to_navigate(&officer, By::Id("go-self-assessment")).await;
    assert!(text_of(&officer, "#sa-state").await.contains("Đang soạn"));
    visit(
        &officer,
        app.url(&format!("/unit/{qni}/self-assessment/leaf/1.1.1")),
    )
    .await;
    type_into(&officer, "score", "1").await;
    officer
        .query(By::XPath(
            "//p[@id='autosave-status' and contains(., 'Đã lưu tự động')]",
        ))
        .first()
        .await
        .expect("the autosave status appears");
    let saved = parindex_db::self_assessments::leaves(&app.db, qni)
        .await
        .unwrap();
    assert_eq!(
        saved["1.1.1"].score.map(|p| p.to_fixed()),
        Some("1.00".into())
    );

    // Evidence through the real file input.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("Kế hoạch CCHC.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
    type_into(&officer, "evidence-file", pdf.to_str().unwrap()).await;
    type_into(&officer, "reference", "trang 1").await;
    click_to_navigate(&officer, By::Css("#evidence form button[type=submit]")).await;
    let evidence = text_of(&officer, "#evidence").await;
    assert!(
        evidence.contains("Kế hoạch CCHC.pdf") && evidence.contains("trang 1"),
        "{evidence}"
    );
    assert_eq!(text_of(&officer, "#leaf-status").await, "Hoàn thành");

    // The rest is filled in directly, then the officer sends it to the leader.
    let set_id = parindex_db::criteria_sets::pinned(&app.db, cid)
        .await
        .unwrap()
        .into_iter()
        .find(|(l, _)| *l == parindex_domain::Level::Province)
        .unwrap()
        .1
        .id;
    let set = parindex_db::criteria_sets::tree(&app.db, set_id)
        .await
        .unwrap();
    let ctx = parindex_db::Ctx::system(0);
    for leaf in set.leaves().into_iter().filter(|l| {
        l.method == Some(parindex_domain::criteria::Method::SelfAssessed) && l.code != "1.1.1"
    }) {
        parindex_db::self_assessments::save_leaf(
            &app.db,
            &ctx,
            cid,
            qni,
            &leaf.code,
            Some(leaf.max),
            "Đã thực hiện",
        )
        .await
        .unwrap();
    }
    visit(&officer, app.url(&format!("/unit/{qni}/self-assessment"))).await;
    click_to_navigate(
        &officer,
        By::Css("form[action$='/self-assessment/send'] button"),
    )
    .await;
    assert!(
        text_of(&officer, "#sa-state")
            .await
            .contains("Chờ lãnh đạo phê duyệt")
    );

    // The leader approves in another browser.
    let leader = browser(&d, 1280, 900).await;
    log_in(&leader, &app, "qni.lanhdao").await;
    visit(&leader, app.url(&format!("/unit/{qni}/self-assessment"))).await;
    assert!(
        text_of(&leader, "#leader-review")
            .await
            .contains("Xem xét trước khi phê duyệt")
    );
    click_id(&leader, "approve-confirm").await;
    click_to_navigate(
        &leader,
        By::Css("form[action$='/self-assessment/approve'] button"),
    )
    .await;
    assert!(
        text_of(&leader, "#sa-state")
            .await
            .contains("Lãnh đạo đã phê duyệt")
    );
    leader.quit().await.unwrap();

    // The officer confirms and submits; the leaf is read-only afterwards.
    visit(&officer, app.url(&format!("/unit/{qni}/self-assessment"))).await;
    click_id(&officer, "confirm").await;
    click_to_navigate(
        &officer,
        By::Css("form[action$='/self-assessment/submit'] button"),
    )
    .await;
    assert!(
        text_of(&officer, "#sa-state")
            .await
            .contains("Đã gửi Bộ Nội vụ")
    );
    visit(
        &officer,
        app.url(&format!("/unit/{qni}/self-assessment/leaf/1.1.1")),
    )
    .await;
    assert!(
        officer.find_all(By::Id("score")).await.unwrap().is_empty(),
        "no score input after submission"
    );
    officer.quit().await.unwrap();

    // MoHA sees it submitted.
    let moha = browser(&d, 1280, 900).await;
    log_in(&moha, &app, "moha.thamdinh").await;
    visit(
        &moha,
        app.url(&format!("/admin/campaigns/{cid}/self-assessments")),
    )
    .await;
    let row = text_of(&moha, &format!("tr[data-unit='{qni}']")).await;
    assert!(row.contains("Đã gửi Bộ Nội vụ"), "{row}");
    moha.quit().await.unwrap();

    // The self-assessment deadline passes (25/01/2024): everything locks. Sessions from before have
    // expired, so everyone signs in again.
    app.clock.advance(time::Duration::days(47));

    // MoHA adjusts 1.1.1 with a reason and accepts the rest.
    let moha = browser(&d, 1280, 900).await;
    log_in(&moha, &app, "moha.thamdinh").await;
    visit(
        &moha,
        app.url(&format!("/admin/campaigns/{cid}/self-assessments")),
    )
    .await;
    click_to_navigate(
        &moha,
        By::Css(format!("tr[data-unit='{qni}'] a[href$='/appraisal']")),
    )
    .await;
    assert!(text_of(&moha, "#ap-stage").await.contains("vòng 1"));
    click_to_navigate(&moha, By::Css("#appraisal-state a.button")).await;
    // Each verdict's radio button sits on its label's line, not apart from it.
    let apart: f64 = moha
        .execute(
            "const r = document.getElementById('verdict-adjust').getBoundingClientRect(); \
             const l = document.querySelector(\"label[for='verdict-adjust']\").getBoundingClientRect(); \
             return Math.abs((r.top + r.bottom) / 2 - (l.top + l.bottom) / 2);",
            vec![],
        )
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(apart < 12.0, "the radio is {apart}px off its label's line");
    click_id(&moha, "verdict-adjust").await;
    type_into(&moha, "score", "0,5").await;
    type_into(&moha, "comment", "Tài liệu kiểm chứng chưa có chữ ký").await;
    click_to_navigate(&moha, By::Css("#decision button[type=submit]")).await;
    assert_eq!(text_of(&moha, ".notice").await, "Đã lưu kết quả thẩm định.");
    for leaf in set.leaves().into_iter().filter(|l| {
        l.method == Some(parindex_domain::criteria::Method::SelfAssessed) && l.code != "1.1.1"
    }) {
        let d = parindex_domain::appraisal::decide(
            parindex_domain::appraisal::Round::First,
            leaf.max,
            Some(leaf.max),
            None,
            "accept",
            "",
            "",
        )
        .unwrap();
        parindex_db::appraisals::decide(
            &app.db,
            &ctx,
            cid,
            qni,
            &leaf.code,
            parindex_domain::appraisal::Round::First,
            &d,
        )
        .await
        .unwrap();
    }
    visit(&moha, app.url(&format!("/admin/units/{qni}/appraisal"))).await;
    click_id(&moha, "confirm").await;
    click_to_navigate(&moha, By::Css("form[action$='/appraisal/send'] button")).await;
    assert!(
        text_of(&moha, "#ap-stage")
            .await
            .contains("Chờ đơn vị giải trình")
    );

    // The unit sees the adjustment and its reason, explains, and sends the explanation.
    let officer = browser(&d, 1280, 900).await;
    log_in(&officer, &app, "qni.canbo").await;
    click_to_navigate(&officer, By::Id("go-appraisal")).await;
    let table = text_of(&officer, "#appraisal").await;
    assert!(
        table.contains("Tài liệu kiểm chứng chưa có chữ ký") && table.contains("Chưa giải trình"),
        "{table}"
    );
    click_to_navigate(&officer, By::Css("#leaf-1\\.1\\.1 a")).await;
    type_into(
        &officer,
        "explanation",
        "Bản có chữ ký đã bổ sung (Quyết định 12/QĐ-UBND)",
    )
    .await;
    click_to_navigate(&officer, By::Css("form[data-autosave] button[type=submit]")).await;
    assert_eq!(text_of(&officer, "#ap-explained").await, "1 / 1");
    click_id(&officer, "confirm").await;
    click_to_navigate(&officer, By::Css("form[action$='/appraisal/send'] button")).await;
    assert!(
        text_of(&officer, "#ap-stage")
            .await
            .contains("đang xem xét giải trình")
    );

    // Round 2: MoHA accepts the explanation and makes the scores final.
    visit(
        &moha,
        app.url(&format!("/admin/units/{qni}/appraisal/leaf/1.1.1")),
    )
    .await;
    assert!(
        text_of(&moha, "#history-explanation")
            .await
            .contains("Quyết định 12/QĐ-UBND")
    );
    click_id(&moha, "verdict-accept").await;
    click_to_navigate(&moha, By::Css("#decision button[type=submit]")).await;
    click_id(&moha, "confirm").await;
    click_to_navigate(&moha, By::Css("form[action$='/appraisal/finalize'] button")).await;
    assert!(
        text_of(&moha, "#ap-stage")
            .await
            .contains("Đã có điểm chính thức")
    );
    moha.quit().await.unwrap();

    // The unit sees the final scores with the leaf's whole history.
    visit(&officer, app.url(&format!("/unit/{qni}/appraisal"))).await;
    assert_eq!(
        text_of(&officer, "#ap-points").await,
        text_of(&officer, "#ap-self-points").await,
        "the explanation restored the only cut"
    );
    let row = text_of(&officer, "#leaf-1\\.1\\.1").await;
    assert!(
        row.contains("Tài liệu kiểm chứng chưa có chữ ký") && row.contains("Quyết định 12/QĐ-UBND"),
        "{row}"
    );
    officer.quit().await.unwrap();
}
