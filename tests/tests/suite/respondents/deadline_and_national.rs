use super::*;

async fn the_list_deadline_locks_and_moha_sees_every_unit(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let hni = app.unit_id("HNI").await;
    let cid = app.campaign_id().await;
    // Hà Nội gets a week more for its list.
    parindex_db::deadlines::grant_extension(
        &app.db,
        &parindex_db::Ctx::system(0),
        cid,
        hni,
        "respondent_list",
        "2023-12-22",
        "Bổ sung đại biểu HĐND",
    )
    .await
    .unwrap()
    .unwrap();
    // The same official listed by two provinces.
    for (unit, user) in [(qni, "qni.canbo"), (hni, "hni.canbo")] {
        let c = app.demo_login(user).await;
        let file = xlsx(&[[
            "Vũ Thị Hạnh",
            "Giám đốc",
            "Sở Nội vụ",
            "2",
            "hanh@quangninh.gov.vn",
            "",
        ]]);
        let r = upload(&app, &c, unit, file, "ds.xlsx").await;
        assert!(
            r.status() == StatusCode::SEE_OTHER || r.status() == StatusCode::OK,
            "{}",
            r.status()
        );
    }
    let moha = app.demo_login("moha.admin").await;
    let page = app
        .get(&moha, &format!("/admin/campaigns/{cid}/respondents"))
        .await
        .text()
        .await
        .unwrap();
    let dupes = page.split("id=\"duplicates\"").nth(1).unwrap();
    assert!(
        visible_text(dupes).contains("hanh@quangninh.gov.vn")
            && visible_text(dupes).contains("Thành phố Hà Nội"),
        "{dupes}"
    );
    // Each listing names the group as people do, not by its code.
    assert!(
        visible_text(dupes).contains("Lãnh đạo sở, ban, ngành cấp tỉnh")
            && !dupes.contains("lanh_dao_so"),
        "{dupes}"
    );
    let r = app
        .get(
            &moha,
            &format!("/admin/campaigns/{cid}/respondents/summary.xlsx"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let summary = sheet(&r.bytes().await.unwrap());
    assert!(
        summary
            .iter()
            .any(|row| row[0] == "Tỉnh Quảng Ninh" && row[3] == "1"),
        "{summary:?}"
    );

    // After 15/12/2023 the list locks on the server; Hà Nội has an extension to 22/12.
    app.clock.advance(time::Duration::days(6));
    for (unit, user, locked) in [(qni, "qni.canbo", true), (hni, "hni.canbo", false)] {
        let c = app.demo_login(user).await;
        let file = xlsx(&[[
            "Đỗ Minh Quân",
            "Phó Giám đốc",
            "Sở Tư pháp",
            "2",
            &format!("quan{unit}@quangninh.gov.vn"),
            "",
        ]]);
        let r = upload(&app, &c, unit, file, "ds.xlsx").await;
        if locked {
            assert_eq!(r.status(), StatusCode::CONFLICT);
            assert!(visible_text(&r.text().await.unwrap()).contains("15/12/2023"));
        } else {
            assert!(
                r.status().is_redirection() || r.status().is_success(),
                "extended for Hà Nội: {}",
                r.status()
            );
        }
    }
}

async fn a_windows_1258_csv_imports(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let officer = app.demo_login("qni.canbo").await;
    // "Họ và tên;Chức vụ;Cơ quan/đơn vị;Nhóm đối tượng;Email công vụ" and one person, as
    // Vietnamese Excel saves CSV: Windows-1258 with combining tone marks.
    let mut csv: Vec<u8> = b"Ho\xF2 v\xE0 t\xEAn;Ch\xFD\xECc vu\xF2;C\xF5 quan/\xF0\xF5n vi\xF2;\
Nh\xF3m \xF0\xF4\xECi t\xFD\xF5\xF2ng;Email c\xF4ng vu\xF2\n"
        .to_vec();
    csv.extend_from_slice(
        b"Nguy\xEA\xDEn \xD0\xFD\xECc;Gi\xE1m \xF0\xF4\xECc;S\xF5\xD2 N\xF4\xF2i vu\xF2;hdnd;\
duc@quangninh.gov.vn\n",
    );
    let r = upload(&app, &officer, qni, csv, "ds.csv").await;
    let status = r.status();
    let body = visible_text(&r.text().await.unwrap_or_default());
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let people = parindex_db::respondents::people(&app.db, qni)
        .await
        .unwrap();
    assert_eq!(people[0].person.full_name, "Nguyễn Đức");
}

async fn a_later_campaign_changes_its_groups_without_code(engine: Engine) {
    let app = spawn_app(engine).await;
    let cid = app.campaign_id().await;
    let admin = app.demo_login("moha.admin").await;
    let r = app
        .get(&admin, &format!("/admin/campaigns/{cid}/groups.toml"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let current = r.text().await.unwrap();
    // The 2025 two-tier local government: commune leaders instead of district leaders.
    let edited = current.replace("lanh_dao_huyen", "lanh_dao_xa").replace(
        "Lãnh đạo Ủy ban nhân dân cấp huyện",
        "Lãnh đạo Ủy ban nhân dân cấp xã",
    );
    let post = |body: String| {
        admin
            .post(app.url(&format!("/admin/campaigns/{cid}/groups")))
            .multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(body.into_bytes()).file_name("groups.toml"),
            ))
            .send()
    };
    // The demo has lists already sent: the groups are locked, and the page says so.
    let r = post(edited.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Đã có đơn vị gửi danh sách nên không thể thay đổi nhóm")
    );
    app.db
        .execute_raw("UPDATE respondent_lists SET state = 'draft'")
        .await;
    // A broken file changes nothing and says why.
    let r = post("[[province]]\ncode = \"x\"\nname_vi = \"\"\n".into())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(edited).await.unwrap();
    assert_eq!(
        location(&r),
        format!("/admin/campaigns/{cid}/groups?done=saved")
    );
    let groups = parindex_db::respondents::groups(&app.db, cid)
        .await
        .unwrap();
    assert!(groups.province.iter().any(|g| g.code == "lanh_dao_xa"));
    assert!(!groups.province.iter().any(|g| g.code == "lanh_dao_huyen"));
    // The unit's template follows.
    let qni = app.unit_id("QNI").await;
    let officer = app.demo_login("qni.canbo").await;
    let r = app
        .get(&officer, &format!("/unit/{qni}/respondents/template.xlsx"))
        .await;
    let names: Vec<String> = {
        let bytes = r.bytes().await.unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let range = wb.worksheet_range_at(1).unwrap().unwrap();
        range.rows().map(|r| r[0].to_string()).collect()
    };
    assert!(
        names.iter().any(|n| n == "Lãnh đạo Ủy ban nhân dân cấp xã"),
        "{names:?}"
    );
}

on_both_engines!(
    the_list_deadline_locks_and_moha_sees_every_unit,
    a_windows_1258_csv_imports,
    a_later_campaign_changes_its_groups_without_code
);
