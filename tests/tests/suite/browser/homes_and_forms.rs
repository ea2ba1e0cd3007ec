//! Each role's home in both languages, a form error fixed in place, and pages on a phone screen.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_sees_its_home_in_vietnamese_and_in_english() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let d = start_driver().await;
    // (username, Vietnamese h1, English h1, Vietnamese role label, English role label, may manage accounts)
    let cases = [
        (
            "moha.admin",
            "Kỳ đánh giá",
            "Campaigns",
            "Quản trị Bộ Nội vụ",
            "MoHA administrator",
            true,
        ),
        (
            "moha.thamdinh",
            "Kỳ đánh giá",
            "Campaigns",
            "Thẩm định viên Bộ Nội vụ",
            "MoHA appraiser",
            false,
        ),
        (
            "btp.canbo",
            "Bộ Tư pháp",
            "Bộ Tư pháp",
            "Cán bộ đầu mối",
            "Unit officer",
            false,
        ),
        (
            "btp.lanhdao",
            "Bộ Tư pháp",
            "Bộ Tư pháp",
            "Lãnh đạo đơn vị",
            "Unit leader",
            false,
        ),
        (
            "btp.xem",
            "Bộ Tư pháp",
            "Bộ Tư pháp",
            "Người xem",
            "Unit viewer",
            false,
        ),
    ];
    for (user, h1_vi, h1_en, role_vi, role_en, admin) in cases {
        let b = browser(&d, 1280, 900).await;
        log_in(&b, &app, user).await;
        assert_eq!(text_of(&b, "main h1").await, h1_vi, "{user}");
        assert!(text_of(&b, ".who").await.contains(role_vi), "{user}");
        assert_eq!(
            b.find(By::Css("html"))
                .await
                .unwrap()
                .attr("lang")
                .await
                .unwrap()
                .as_deref(),
            Some("vi")
        );
        assert_eq!(
            has_link(&b, "/admin/accounts").await,
            admin,
            "{user}: accounts menu"
        );
        if user.starts_with("btp.") {
            let body = text_of(&b, "main").await;
            assert!(
                body.contains("Gửi danh sách đối tượng khảo sát")
                    && body.contains("15/12/2023 23:59"),
                "{user}: {body}"
            );
            let focal = text_of(&b, "#focal a.button").await;
            let want = if user == "btp.canbo" {
                "Đăng ký, cập nhật đầu mối"
            } else {
                "Xem"
            };
            assert_eq!(focal, want, "{user}");
        }
        click_to_navigate(&b, By::Css("button[name=lang]")).await;
        assert_eq!(text_of(&b, "main h1").await, h1_en, "{user}");
        assert!(text_of(&b, ".who").await.contains(role_en), "{user}");
        assert_eq!(
            b.find(By::Css("html"))
                .await
                .unwrap()
                .attr("lang")
                .await
                .unwrap()
                .as_deref(),
            Some("en")
        );
        if user.starts_with("btp.") {
            assert!(
                text_of(&b, "main")
                    .await
                    .contains("Send the respondent list"),
                "{user}"
            );
        }
        click_to_navigate(&b, By::Css("form[action='/logout'] button")).await;
        assert!(
            text_of(&b, "main").await.contains("You have logged out."),
            "{user}"
        );
        b.quit().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_fixes_a_form_error_and_registers_the_focal_contacts() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let qni = app.unit_id("QNI").await;
    let d = start_driver().await;
    let b = browser(&d, 1280, 900).await;
    log_in(&b, &app, "qni.canbo").await;
    click_to_navigate(&b, By::Css("#focal a.button")).await;
    for (id, v) in [
        ("par_unit", "Sở Nội vụ tỉnh Quảng Ninh"),
        ("par_name", "Hoàng Thị Lan"),
        ("par_phone", "0203 3835 678"),
        ("par_email", "lan@quangninh.gov.vn"),
        ("it_name", "Phạm Quốc Việt"),
        ("it_position", "Phó Giám đốc Trung tâm CNTT"),
        ("it_mobile", "0912"),
    ] {
        type_into(&b, id, v).await;
    }
    click_to_navigate(&b, By::Css("form.card button[type=submit]")).await;
    let summary = text_of(&b, "#error-summary").await;
    assert!(
        summary.contains("Vui lòng sửa các lỗi sau") && summary.contains("Số di động không hợp lệ"),
        "{summary}"
    );
    let focused = b.active_element().await.unwrap().id().await.unwrap();
    assert_eq!(
        focused.as_deref(),
        Some("error-summary"),
        "the error summary takes the focus"
    );
    assert_eq!(
        b.find(By::Id("it_name"))
            .await
            .unwrap()
            .value()
            .await
            .unwrap()
            .as_deref(),
        Some("Phạm Quốc Việt")
    );
    b.find(By::Css("#error-summary a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        b.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("#it_mobile")
    );
    let mobile = b.find(By::Id("it_mobile")).await.unwrap();
    mobile.clear().await.unwrap();
    mobile.send_keys("+84 912 345 678").await.unwrap();
    click_to_navigate(&b, By::Css("form.card button[type=submit]")).await;
    assert_eq!(text_of(&b, ".notice").await, "Đã lưu.");
    assert!(
        b.current_url()
            .await
            .unwrap()
            .path()
            .ends_with(&format!("/unit/{qni}"))
    );
    let focal = text_of(&b, "#focal").await;
    assert!(
        focal.contains("Phạm Quốc Việt") && focal.contains("0912345678"),
        "{focal}"
    );
    b.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone_screen() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let btp = app.unit_id("BTP").await;
    let cid = app.campaign_id().await;
    let d = start_driver().await;
    let b = browser(&d, 390, 844).await;
    log_in(&b, &app, "moha.admin").await;
    let set = parindex_db::criteria_sets::list(&app.db).await.unwrap()[0].id;
    let hpg = app.unit_id("HPG").await;
    for path in [
        "/admin/campaigns".to_string(),
        format!("/admin/campaigns/{cid}"),
        format!("/unit/{btp}"),
        "/admin/accounts".to_string(),
        "/admin/criteria-sets".to_string(),
        format!("/admin/criteria-sets/{set}"),
        format!("/admin/campaigns/{cid}/self-assessments"),
        format!("/unit/{hpg}/self-assessment"),
        format!("/unit/{hpg}/self-assessment/leaf/1.1.1"),
        format!("/unit/{hpg}/self-assessment/print"),
        format!("/unit/{}/respondents", app.unit_id("BCT").await),
        format!("/admin/campaigns/{cid}/respondents"),
        format!("/admin/campaigns/{cid}/questionnaires"),
        format!("/admin/campaigns/{cid}/questionnaires/province/hdnd"),
        format!("/admin/campaigns/{cid}/groups"),
        format!("/admin/campaigns/{cid}/survey"),
        format!("/unit/{}/survey", app.unit_id("AGG").await),
        format!("/admin/units/{hpg}/appraisal"),
        format!("/admin/units/{hpg}/appraisal/leaf/1.1.1"),
        format!("/unit/{}/appraisal", app.unit_id("UBDT").await),
        "/admin/audit".to_string(),
        "/login".to_string(),
    ] {
        assert_fits(&b, &app, &path).await;
    }
    b.quit().await.unwrap();
}
