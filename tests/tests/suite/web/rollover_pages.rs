//! Rolling the demo's 2023 campaign over to 2024 through the pages: the preview, the refusals kept on
//! the form, the copy, what the new campaign asks to confirm, and the copied accounts locked until a
//! password is issued.

use super::*;

async fn the_campaign_rolls_over_from_its_preview(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await;
    let show = app.html(&admin, &format!("/admin/campaigns/{cid}")).await;
    assert!(show.contains(&format!("href=\"/admin/campaigns/{cid}/copy\"")));

    // The preview proposes next year, its names, the deadlines a year on and every account.
    let html = app
        .html(&admin, &format!("/admin/campaigns/{cid}/copy"))
        .await;
    let text = visible_text(&html);
    assert!(html.contains("name=\"year\" value=\"2024\""), "{text}");
    let old = parindex_db::campaigns::get(&app.db, cid).await.unwrap();
    let proposed = old.name_vi.replace("2023", "2024");
    assert!(html.contains(&format!("value=\"{proposed}\"")), "{html}");
    assert!(
        text.contains("15/12/2023") && text.contains("15/12/2024"),
        "{text}"
    );
    assert!(
        text.contains("btp.canbo.2024") && text.contains("Sẽ tạo kỳ đánh giá năm 2024"),
        "{text}"
    );
    assert!(text.contains("Không sao chép: điểm tự đánh giá"), "{text}");

    // A year that is not later is refused on the preview, with nothing to create.
    let text = app
        .page_text(&admin, &format!("/admin/campaigns/{cid}/copy?year=2022"))
        .await;
    assert!(text.contains("phải sau năm của kỳ được sao chép"), "{text}");
    assert!(!text.contains("Sẽ tạo kỳ đánh giá"), "{text}");

    // A blank name comes back on the form with the other input kept, and nothing is created.
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{cid}/copy"),
            &[
                ("year", "2024"),
                ("name_vi", "  "),
                ("name_en", "PAR Index 2024 (copy)"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(visible_text(&html).contains("Trường này là bắt buộc"));
    assert!(html.contains("value=\"PAR Index 2024 (copy)\""));
    assert!(
        parindex_db::campaigns::by_year(&app.db, 2024)
            .await
            .is_err()
    );

    // The copy.
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{cid}/copy"),
            &[
                ("year", "2024"),
                ("name_vi", "Chỉ số CCHC năm 2024"),
                ("name_en", "PAR Index 2024"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let new = parindex_db::campaigns::by_year(&app.db, 2024)
        .await
        .unwrap();
    assert_eq!(
        location(&r),
        format!("/admin/campaigns/{}?done=copied", new.id)
    );
    assert_eq!(new.predecessor_id, Some(cid));
    let text = app.page_text(&admin, &location(&r)).await;
    assert!(text.contains("Đã tạo kỳ đánh giá mới"), "{text}");
    assert!(text.contains("chưa được xác nhận"), "{text}");
    assert!(
        text.contains("Sao chép từ năm trước, cần xác nhận"),
        "{text}"
    );
    assert_eq!(
        parindex_db::units::list(&app.db, new.id)
            .await
            .unwrap()
            .len(),
        parindex_db::units::list(&app.db, cid).await.unwrap().len()
    );

    // The same year again: refused on the form.
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{cid}/copy"),
            &[
                ("year", "2024"),
                ("name_vi", "Lần hai"),
                ("name_en", "Twice"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.unwrap()).contains("Đã có kỳ đánh giá cho năm này"));

    // Saving the campaign's form confirms the proposed deadlines.
    let edit = app
        .html(&admin, &format!("/admin/campaigns/{}/edit", new.id))
        .await;
    assert!(
        edit.contains("15/12/2024"),
        "the form holds the proposed day"
    );
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{}", new.id),
            &[
                ("year", "2024"),
                ("name_vi", "Chỉ số CCHC năm 2024"),
                ("name_en", "PAR Index 2024"),
                ("dl_respondent_list", "16/12/2024"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let text = app
        .page_text(&admin, &format!("/admin/campaigns/{}", new.id))
        .await;
    assert!(!text.contains("chưa được xác nhận"), "{text}");

    // The copied unit's focal contacts ask to be confirmed.
    let btp = parindex_db::units::by_code(&app.db, new.id, "BTP")
        .await
        .unwrap();
    let text = app
        .page_text(&admin, &format!("/unit/{}/focal", btp.id))
        .await;
    assert!(text.contains("được sao chép từ năm trước"), "{text}");
}

async fn a_copied_account_cannot_sign_in_before_a_password_is_issued(engine: Engine) {
    let app = spawn_app(engine).await;
    app.roll_over(2024).await;
    assert!(
        users::by_username(&app.db, "btp.canbo.2024")
            .await
            .unwrap()
            .is_some()
    );
    for password in ["", "parindex-dummy-password", parindex::demo::DEMO_PASSWORD] {
        let c = app.bare_client();
        let r = app
            .post(
                &c,
                "/login",
                &[("username", "btp.canbo.2024"), ("password", password)],
            )
            .await;
        assert_ne!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{password:?} must not sign in"
        );
    }
}

on_both_engines!(
    the_campaign_rolls_over_from_its_preview,
    a_copied_account_cannot_sign_in_before_a_password_is_issued,
);
