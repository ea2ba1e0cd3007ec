use super::*;

async fn a_list_is_imported_checked_fixed_sent_and_reviewed(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let officer = app.demo_login("qni.canbo").await;
    let list = format!("/unit/{qni}/respondents");

    // The template is a real spreadsheet with the Vietnamese headers and the level's groups.
    let r = app.get(&officer, &format!("{list}/template.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let template = sheet(&r.bytes().await.unwrap());
    assert_eq!(template[0][..3], ["STT", "Họ và tên", "Chức vụ"]);

    // A file with problems: nothing is stored, every problem is on screen by row and column.
    let bad = xlsx(&[
        [
            "Nguyễn Văn An",
            "Giám đốc",
            "Sở Nội vụ",
            "Lãnh đạo sở, ban, ngành cấp tỉnh",
            "an@quangninh.gov.vn",
            "912345678",
        ],
        [
            "",
            "Phó Giám đốc",
            "Sở Y tế",
            "Lãnh đạo sở, ban, ngành cấp tỉnh",
            "khong-phai-email",
            "",
        ],
        [
            "Trần Thị Bình",
            "Trưởng phòng",
            "Sở Tài chính",
            "Nhóm không có",
            "binh@quangninh.gov.vn",
            "",
        ],
    ]);
    let r = upload(&app, &officer, qni, bad, "danh-sach.xlsx").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let text = visible_text(&html);
    assert!(
        text.contains("Họ và tên")
            && text.contains("Ô bắt buộc còn trống")
            && text.contains("Email không hợp lệ")
            && text.contains("Nhóm đối tượng không có trong danh mục"),
        "{text}"
    );
    assert!(
        parindex_db::respondents::people(&app.db, qni)
            .await
            .unwrap()
            .is_empty()
    );
    // The unit's own file comes back with an "Errors" column.
    let link = html
        .split("id=\"errors-file\"")
        .next()
        .unwrap()
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = app.get(&officer, &link).await;
    assert_eq!(r.status(), StatusCode::OK);
    let back = sheet(&r.bytes().await.unwrap());
    assert_eq!(back[0].last().unwrap(), "Lỗi");
    assert!(
        back[2].last().unwrap().contains("Email không hợp lệ"),
        "{back:?}"
    );
    // Another unit cannot fetch it.
    let other = app.demo_login("btp.canbo").await;
    assert_eq!(app.get(&other, &link).await.status(), StatusCode::FORBIDDEN);

    // The fixed file: the People's Council row wins over the same person's other row.
    let good = xlsx(&[
        [
            "Nguyễn Văn An",
            "Giám đốc",
            "Sở Nội vụ",
            "Lãnh đạo sở, ban, ngành cấp tỉnh",
            "an@quangninh.gov.vn",
            "912345678",
        ],
        [
            "Lê Thị Cúc",
            "Phó Giám đốc",
            "Sở Y tế",
            "Lãnh đạo sở, ban, ngành cấp tỉnh",
            "cuc@quangninh.gov.vn",
            "",
        ],
        [
            "Trần Thị Bình",
            "Trưởng phòng",
            "Sở Tài chính",
            "Lãnh đạo phòng chuyên môn thuộc sở",
            "binh@quangninh.gov.vn",
            "",
        ],
        [
            "Nguyễn Văn An",
            "Đại biểu",
            "HĐND tỉnh",
            "Đại biểu Hội đồng nhân dân tỉnh",
            "an@quangninh.gov.vn",
            "",
        ],
    ]);
    let r = upload(&app, &officer, qni, good, "danh-sach.xlsx").await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "imported, with the merge to read"
    );
    let text = visible_text(&r.text().await.unwrap());
    assert!(
        text.contains("Đã nhập 3 người") && text.contains("Dòng 2 gộp vào dòng 5"),
        "{text}"
    );
    let people = parindex_db::respondents::people(&app.db, qni)
        .await
        .unwrap();
    assert_eq!(people.len(), 3);
    let an = people
        .iter()
        .find(|p| p.person.email == "an@quangninh.gov.vn")
        .unwrap();
    assert_eq!(an.person.group, "hdnd");

    // Search ignores tones; the groups show against their rules.
    let page = app
        .get(&officer, &format!("{list}?q=nguyen+van+an"))
        .await
        .text()
        .await
        .unwrap();
    let text = visible_text(&page);
    assert!(
        text.contains("Nguyễn Văn An") && !text.contains("Lê Thị Cúc"),
        "{text}"
    );
    assert!(page.contains("Đang hiển thị 1/3 người"));
    assert!(
        page.contains("rl-status-empty"),
        "district leaders: nobody yet"
    );

    // Sending needs every group met, or an exception for it.
    let r = app
        .post(&officer, &format!("{list}/send"), &[("confirm", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // A reason too short comes back in its open form, as typed, with the error beside it.
    let r = app
        .post(
            &officer,
            &format!("{list}/exceptions"),
            &[("group", "lanh_dao_huyen"), ("reason", "Không có")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(">Không có</textarea>")
            && html.contains("id=\"reason-lanh_dao_huyen-error\"")
            && html.contains("href=\"#reason-lanh_dao_huyen\"")
            && html.contains("<details open>"),
        "{html}"
    );
    let r = app
        .post(
            &officer,
            &format!("{list}/exceptions"),
            &[
                ("group", "lanh_dao_huyen"),
                ("reason", "Tỉnh thí điểm không tổ chức cấp huyện"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Without the confirmation, the list comes back with the error at the box.
    let r = app.post(&officer, &format!("{list}/send"), &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a confirmation is required"
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"confirm-error\"") && html.contains("href=\"#confirm\""),
        "{html}"
    );
    let r = app
        .post(&officer, &format!("{list}/send"), &[("confirm", "yes")])
        .await;
    assert_eq!(location(&r), format!("{list}?done=rl-sent"));
    // Sent: locked.
    let r = app
        .post(
            &officer,
            &format!("{list}/add"),
            &[
                ("full_name", "Phạm Văn Dũng"),
                ("position", "Chủ tịch"),
                ("organisation", "UBND huyện Vân Đồn"),
                ("group", "lanh_dao_huyen"),
                ("email", "dung@quangninh.gov.vn"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // MoHA returns it with a comment (unlocking it), the unit adds a person, sends, MoHA accepts.
    let moha = app.demo_login("moha.thamdinh").await;
    let review = format!("/admin/units/{qni}/respondents/review");
    let r = app
        .post(&moha, &review, &[("decision", "return"), ("comment", "  ")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a return needs a comment"
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"review-comment-error\"") && html.contains("href=\"#review-comment\""),
        "the list comes back with the error at the comment"
    );
    let r = app
        .post(
            &moha,
            &review,
            &[
                ("decision", "return"),
                ("comment", "Bổ sung lãnh đạo UBND huyện"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A group has one exception request: the route refuses a second one, as the page offers none,
    // and MoHA decides a request once.
    let asked = || {
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'respondents.exception'")
    };
    let before = asked().await;
    let r = app
        .post(
            &officer,
            &format!("{list}/exceptions"),
            &[
                ("group", "lanh_dao_huyen"),
                ("reason", "Một lý do khác, đủ dài"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(asked().await, before);
    let decide = format!("/admin/units/{qni}/respondents/exceptions");
    // Rejecting needs a reason: a short one comes back as typed, beside its field.
    let r = app
        .post(
            &moha,
            &decide,
            &[
                ("group", "lanh_dao_huyen"),
                ("decision", "reject"),
                ("comment", "Sai"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"decide-comment-lanh_dao_huyen-error\"")
            && html.contains("value=\"Sai\""),
        "{html}"
    );
    let form = [("group", "lanh_dao_huyen"), ("decision", "accept")];
    let r = app.post(&moha, &decide, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.post(&moha, &decide, &form).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "decided already");
    let r = app
        .post(
            &officer,
            &format!("{list}/add"),
            &[
                ("full_name", "Phạm Văn Dũng"),
                ("position", "Chủ tịch"),
                ("organisation", "UBND huyện Vân Đồn"),
                ("group", "lanh_dao_huyen"),
                ("email", "dung@quangninh.gov.vn"),
                ("phone", "+84 203 3874 123"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Editing opens with the person's details, and saves through the same checks.
    let dung = parindex_db::respondents::people(&app.db, qni)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.person.email == "dung@quangninh.gov.vn")
        .unwrap();
    assert_eq!(dung.person.phone, "02033874123");
    let form = app
        .get(&officer, &format!("{list}?edit={}", dung.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("value=\"UBND huyện Vân Đồn\""), "prefilled");
    let r = app
        .post(
            &officer,
            &format!("{list}/{}", dung.id),
            &[
                ("full_name", "Phạm Văn Dũng"),
                ("position", "Phó Chủ tịch"),
                ("organisation", "UBND huyện Vân Đồn"),
                ("group", "lanh_dao_huyen"),
                ("email", "dung@quangninh.gov.vn"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A second person with the same e-mail is refused, with the reason at the field.
    let r = app
        .post(
            &officer,
            &format!("{list}/add"),
            &[
                ("full_name", "Phạm Văn Dũng"),
                ("position", "Chủ tịch"),
                ("organisation", "UBND huyện Vân Đồn"),
                ("group", "lanh_dao_huyen"),
                ("email", "DUNG@quangninh.gov.vn"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.unwrap()).contains("đã có trong danh sách"));
    app.post(&officer, &format!("{list}/send"), &[("confirm", "yes")])
        .await;
    let r = app.post(&moha, &review, &[("decision", "accept")]).await;
    assert_eq!(location(&r), format!("{list}?done=rl-accepted"));
    assert_eq!(
        parindex_db::respondents::list(&app.db, qni)
            .await
            .unwrap()
            .state
            .as_str(),
        "accepted"
    );
    // Every step is audited.
    let log = parindex_db::audit::list(&app.db, &parindex_db::audit::Filter::default(), 500)
        .await
        .unwrap();
    for action in [
        "respondents.import",
        "respondents.state",
        "respondents.save",
        "respondents.exception",
    ] {
        assert!(
            log.iter()
                .any(|e| e.action == action && e.unit_id == Some(qni.get())),
            "{action}"
        );
    }
}

on_both_engines!(a_list_is_imported_checked_fixed_sent_and_reviewed);
