//! Accounts imported from .csv and .xlsx, and the account template.

use super::*;

async fn accounts_import_from_csv_and_xlsx_all_or_nothing(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await.to_string();
    let upload = |bytes: Vec<u8>, name: &'static str| {
        reqwest::multipart::Form::new()
            .text("campaign", cid.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            )
    };
    let bad = "Tên đăng nhập,Họ và tên,Email,Vai trò,Mã đơn vị\nqni.moi1,Trần Văn Một,mot@quangninh.gov.vn,Cán bộ đầu mối,QNI\nqni.canbo,Trùng Tên,x@quangninh.gov.vn,unit_viewer,QNI\nqni.moi3,Ba,not-an-email,unit_viewer,ZZZ\n";
    // Importing without choosing a file comes back to the accounts page, the error beside the field.
    let r = admin
        .post(app.url("/admin/accounts/import"))
        .multipart(upload(Vec::new(), "ds.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"file-error\"")
            && html.contains("href=\"#file\"")
            && html.contains("<tr id=\"account-"),
        "{html}"
    );
    let r = admin
        .post(app.url("/admin/accounts/import"))
        .multipart(upload(bad.as_bytes().to_vec(), "ds.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.unwrap());
    for want in [
        "Có 3 lỗi",
        "Tên đăng nhập đã tồn tại",
        "Địa chỉ email không hợp lệ",
        "Không có đơn vị này",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    assert!(
        users::by_username(&app.db, "qni.moi1")
            .await
            .unwrap()
            .is_none(),
        "nothing half-imported"
    );

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Họ và tên",
        "Tên đăng nhập",
        "Email",
        "Vai trò",
        "Mã đơn vị",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in [
        [
            "Trần Văn Một",
            "qni.moi1",
            "mot@quangninh.gov.vn",
            "Cán bộ đầu mối",
            "qni",
        ],
        [
            "Lê Thị Hai",
            "qni.moi2",
            "hai@quangninh.gov.vn",
            "Lãnh đạo đơn vị",
            "QNI",
        ],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let r = admin
        .post(app.url("/admin/accounts/import"))
        .multipart(upload(bytes, "ds.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_eq!(html.matches("class=\"temp-password\"").count(), 2);
    let u = users::by_username(&app.db, "qni.moi2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (u.role.as_str(), u.unit_id, u.must_change_password),
        ("unit_leader", Some(app.unit_id("QNI").await), true)
    );

    let r = admin
        .post(app.url("/admin/accounts/import"))
        .multipart(upload(b"\x00\x01binary".to_vec(), "x.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.unwrap()).contains("Chỉ nhận tệp .xlsx hoặc .csv"));
}

async fn the_account_template_downloads_as_a_real_spreadsheet(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let r = app.get(&admin, "/admin/accounts/template.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(
        r.headers()["content-security-policy"],
        "sandbox; default-src 'none'",
        "downloads are sandboxed"
    );
    let bytes = r.bytes().await.unwrap();
    let rows =
        parindex_import::table::read(&bytes, parindex_import::table::Limits::default()).unwrap();
    assert_eq!(
        rows[0],
        vec![
            "Tên đăng nhập",
            "Họ và tên",
            "Email",
            "Vai trò",
            "Mã đơn vị"
        ]
    );
}

on_both_engines!(
    accounts_import_from_csv_and_xlsx_all_or_nothing,
    the_account_template_downloads_as_a_real_spreadsheet,
);
