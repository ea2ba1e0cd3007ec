//! Campaign set-up through the forms: deadlines and extensions, support contacts, campaigns and
//! units.

use super::*;
use parindex_domain::CampaignId;

async fn the_focal_registration_deadline_is_enforced_and_extendable(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let officer = app.demo_login("qni.canbo").await;
    let form = |mobile: &'static str| {
        vec![
            ("par_unit", "Sở Nội vụ tỉnh Quảng Ninh"),
            ("par_name", "Hoàng Thị Lan"),
            ("par_phone", "0203 3835 678"),
            ("par_email", "lan@quangninh.gov.vn"),
            ("it_name", "Phạm Quốc Việt"),
            ("it_position", "Phó Giám đốc Trung tâm CNTT"),
            ("it_mobile", mobile),
        ]
    };
    let r = app
        .post(&officer, &format!("/unit/{qni}/focal"), &form("12345"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Số di động không hợp lệ"));
    assert!(
        html.contains("value=\"Phạm Quốc Việt\""),
        "what was typed is kept"
    );
    assert!(
        parindex_db::contacts::focal_for(&app.db, qni)
            .await
            .unwrap()
            .is_none()
    );

    let r = app
        .post(
            &officer,
            &format!("/unit/{qni}/focal"),
            &form("+84 912 345 678"),
        )
        .await;
    assert_eq!(location(&r), format!("/unit/{qni}?done=saved"));
    let saved = parindex_db::contacts::focal_for(&app.db, qni)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.contacts.it_mobile, "0912345678");
    assert_eq!(saved.contacts.par_phone, "02033835678");

    // 15/12/2023 23:59:59 in Hanoi is still open; one second later it is locked.
    app.clock
        .set(time::macros::datetime!(2023-12-15 23:59:59 +7));
    let officer = app.demo_login("qni.canbo").await;
    let r = app
        .post(&officer, &format!("/unit/{qni}/focal"), &form("0912345679"))
        .await;
    assert_eq!(location(&r), format!("/unit/{qni}?done=saved"));
    app.clock
        .set(time::macros::datetime!(2023-12-16 00:00:00 +7));
    let r = app
        .post(&officer, &format!("/unit/{qni}/focal"), &form("0912345670"))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let text = visible_text(&r.text().await.unwrap());
    assert!(
        text.contains("Đã hết hạn đăng ký đầu mối: hạn chót là 23:59 ngày 15/12/2023"),
        "{text}"
    );
    assert_eq!(
        parindex_db::contacts::focal_for(&app.db, qni)
            .await
            .unwrap()
            .unwrap()
            .contacts
            .it_mobile,
        "0912345679"
    );
    let page = visible_text(
        &app.get(&officer, &format!("/unit/{qni}/focal"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains("Đã hết hạn đăng ký đầu mối"), "{page}");

    let admin = app.demo_login("moha.admin").await;
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{qni}/extensions"),
            &[
                ("kind", "focal_registration"),
                ("due_date", "20/12/2023"),
                ("reason", "Công văn số 99/UBND xin gia hạn"),
            ],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/admin/units/{qni}/edit?done=extended")
    );
    let r = app
        .post(&officer, &format!("/unit/{qni}/focal"), &form("0912345670"))
        .await;
    assert_eq!(
        location(&r),
        format!("/unit/{qni}?done=saved"),
        "the extension reopens it for this unit"
    );
    // Another unit is still locked.
    let hni = app.unit_id("HNI").await;
    let other = app.demo_login("hni.canbo").await;
    let r = app
        .post(&other, &format!("/unit/{hni}/focal"), &form("0912345670"))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let ext = audit::list(
        &app.db,
        &audit::Filter {
            action_prefix: Some("deadline.extend".into()),
            unit_id: Some(qni),
            ..Default::default()
        },
        5,
    )
    .await
    .unwrap();
    assert_eq!(ext.len(), 1);
    assert!(
        ext[0]
            .after
            .as_deref()
            .unwrap()
            .contains("Công văn số 99/UBND")
    );
}

async fn an_extension_needs_a_reason_and_a_later_day(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let admin = app.demo_login("moha.admin").await;
    for (day, reason, want) in [
        ("20/12/2023", "", "Nhập lý do gia hạn"),
        ("10/12/2023", "Công văn 12", "phải sau thời hạn chung"),
        ("32/12/2023", "Công văn 12", "Ngày không hợp lệ"),
    ] {
        let r = app
            .post(
                &admin,
                &format!("/admin/units/{qni}/extensions"),
                &[
                    ("kind", "respondent_list"),
                    ("due_date", day),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(visible_text(&html).contains(want), "{day} {reason}");
        assert!(
            html.contains(&format!("value=\"{day}\"")),
            "the typed day is kept"
        );
        assert!(html.contains("id=\"error-summary\""));
    }
    assert!(
        parindex_db::deadlines::extensions_for_unit(&app.db, qni)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_bad_support_contact_is_shown_again_with_its_errors(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await;
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{cid}/support"),
            &[
                ("level", "province"),
                ("name", "Bà Lê Thị Hoa"),
                ("phone", "12"),
                ("email", "hoa@"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let text = visible_text(&html);
    assert!(
        text.contains("Số điện thoại không hợp lệ") && text.contains("Địa chỉ email không hợp lệ"),
        "{text}"
    );
    assert!(
        html.contains("href=\"#support-phone-province\"")
            && html.contains("value=\"Bà Lê Thị Hoa\"")
    );
    let saved = parindex_db::contacts::support_for(&app.db, cid)
        .await
        .unwrap();
    assert!(
        saved.iter().all(|c| c.name != "Bà Lê Thị Hoa"),
        "nothing saved"
    );
}

async fn campaigns_and_units_are_managed_through_forms(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let r = app
        .post(
            &admin,
            "/admin/campaigns",
            &[
                ("year", "2023"),
                ("name_vi", ""),
                ("name_en", "PAR 2024"),
                ("dl_respondent_list", "31/11/2024"),
                ("min_group_size", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let text = visible_text(&html);
    assert!(
        text.contains("Trường này là bắt buộc")
            && text.contains("Ngày không hợp lệ")
            && text.contains("Nhập một số nguyên từ 3 đến 100"),
        "{text}"
    );
    assert!(
        html.contains("href=\"#name_vi\"") && html.contains("aria-invalid=\"true\""),
        "the summary links to the fields"
    );
    assert!(html.contains("value=\"PAR 2024\""));
    let r = app
        .post(
            &admin,
            "/admin/campaigns",
            &[
                ("year", "2024"),
                ("name_vi", "Chỉ số CCHC năm 2024"),
                ("name_en", "PAR Index 2024"),
                (
                    "legal_basis",
                    "Quyết định 1150/QĐ-BNV\r\n\r\n  Công văn 7156/BNV-CCHC  ",
                ),
                ("dl_respondent_list", "15/12/2024"),
                ("min_group_size", "8"),
            ],
        )
        .await;
    let loc = location(&r);
    assert!(
        loc.starts_with("/admin/campaigns/") && loc.ends_with("?done=saved"),
        "{loc}"
    );
    let id: CampaignId = loc
        .trim_start_matches("/admin/campaigns/")
        .trim_end_matches("?done=saved")
        .parse()
        .unwrap();
    // Left empty, the organiser who signs the survey e-mails is the Ministry of Home Affairs; the
    // minimum group size is the one typed, and shown on the campaign's page.
    let stored = parindex_db::campaigns::get(&app.db, id).await.unwrap();
    assert_eq!(
        (stored.organiser.as_str(), stored.min_group_size),
        ("Bộ Nội vụ", 8)
    );
    let shown = app.html(&admin, &format!("/admin/campaigns/{id}")).await;
    assert!(
        shown.contains("<dd id=\"campaign-min-group\">8</dd>"),
        "{shown}"
    );
    // The legal basis is a list, one document per line, blank lines dropped.
    assert_eq!(
        stored.legal_basis,
        "Quyết định 1150/QĐ-BNV\nCông văn 7156/BNV-CCHC"
    );
    assert!(
        shown.contains(
            "<ul id=\"campaign-legal-basis\"><li>Quyết định 1150/QĐ-BNV</li><li>Công văn 7156/BNV-CCHC</li></ul>"
        ),
        "{shown}"
    );
    // More than 20 documents: refused on the field, with the input kept.
    let many: Vec<String> = (1..=21).map(|i| format!("Công văn {i}/BNV")).collect();
    let many = many.join("\n");
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{id}"),
            &[
                ("year", "2024"),
                ("name_vi", "Chỉ số CCHC năm 2024"),
                ("name_en", "PAR Index 2024"),
                ("legal_basis", many.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        visible_text(&html).contains("Căn cứ pháp lý có tối đa 20 văn bản"),
        "{html}"
    );
    assert!(html.contains("Công văn 21/BNV</textarea>"), "{html}");
    assert_eq!(
        parindex_db::campaigns::get(&app.db, id)
            .await
            .unwrap()
            .legal_basis,
        stored.legal_basis,
        "nothing saved"
    );
    let dup = app
        .post(
            &admin,
            "/admin/campaigns",
            &[("year", "2024"), ("name_vi", "x"), ("name_en", "y")],
        )
        .await;
    assert!(visible_text(&dup.text().await.unwrap()).contains("Đã có kỳ đánh giá cho năm này"));

    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{id}/units"),
            &[
                ("code", "dlk"),
                ("level", "province"),
                ("name", "Ủy ban nhân dân tỉnh Đắk Lắk"),
                ("short_name", "Tỉnh Đắk Lắk"),
                ("email_domains", "daklak.gov.vn"),
                ("not_ranked", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let u = parindex_db::units::by_code(&app.db, id, "DLK")
        .await
        .unwrap();
    assert!(u.not_ranked);
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{}", u.id),
            &[
                ("code", "DLK"),
                ("level", "province"),
                ("name", "Ủy ban nhân dân tỉnh Đắk Lắk"),
                ("short_name", "Tỉnh Đắk Lắk"),
                ("email_domains", "daklak.gov.vn, bad domain!"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A unit that has not started may move to the other level; one that has scored may not, and
    // the form says why with what was typed kept.
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{}", u.id),
            &[
                ("code", "DLK"),
                ("level", "ministry"),
                ("name", "Ủy ban nhân dân tỉnh Đắk Lắk"),
                ("short_name", "Tỉnh Đắk Lắk"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let bct = app.unit_id("BCT").await;
    let before = parindex_db::units::get(&app.db, bct).await.unwrap();
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{bct}"),
            &[
                ("code", "BCT"),
                ("level", "province"),
                ("name", "Bộ Công Thương (đổi tên thử)"),
                ("short_name", "Bộ Công Thương"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("id=\"level-error\""), "{body}");
    assert!(body.contains("Không thể đổi cấp của đơn vị"), "{body}");
    assert!(
        body.contains("Bộ Công Thương (đổi tên thử)"),
        "the input is kept"
    );
    assert_eq!(parindex_db::units::get(&app.db, bct).await.unwrap(), before);
    let show = visible_text(
        &app.get(&admin, &format!("/admin/campaigns/{id}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        show.contains("Tỉnh Đắk Lắk") && show.contains("15/12/2024 23:59"),
        "{show}"
    );
}

async fn support_contacts_show_on_unit_pages_of_their_level(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await;
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{cid}/support"),
            &[
                ("level", "province"),
                ("name", "Bà Phạm Thu Hằng"),
                ("phone", "0982 627 000"),
                ("email", "hang@moha.example"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let qni = app.unit_id("QNI").await;
    let btp = app.unit_id("BTP").await;
    let p = visible_text(
        &app.get(&app.demo_login("qni.xem").await, &format!("/unit/{qni}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        p.contains("Bà Phạm Thu Hằng") && p.contains("0982627000"),
        "{p}"
    );
    let m = visible_text(
        &app.get(&app.demo_login("btp.xem").await, &format!("/unit/{btp}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        !m.contains("Phạm Thu Hằng") && m.contains("Nguyễn Văn Minh"),
        "{m}"
    );
}

on_both_engines!(
    the_focal_registration_deadline_is_enforced_and_extendable,
    an_extension_needs_a_reason_and_a_later_day,
    a_bad_support_contact_is_shown_again_with_its_errors,
    campaigns_and_units_are_managed_through_forms,
    support_contacts_show_on_unit_pages_of_their_level,
);
