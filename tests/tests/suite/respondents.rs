//! Respondent lists over HTTP, on SQLite and PostgreSQL: the template, an import with errors (the
//! report on screen and the unit's own file back with an "Errors" column, nothing stored), the fixed
//! import with the People's Council merge, searching, the rules, exceptions, sending, MoHA's review,
//! the list deadline, and the national view.

#![allow(clippy::unwrap_used)]

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use parindex_tests::app::{location, visible_text};
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use reqwest::StatusCode;

const HEADERS: [&str; 7] = [
    "STT",
    "Họ và tên",
    "Chức vụ",
    "Cơ quan/đơn vị",
    "Nhóm đối tượng",
    "Email công vụ",
    "Số điện thoại",
];

/// An .xlsx like the one a unit fills in: the phone typed as a number, as Excel stores it.
fn xlsx(rows: &[[&str; 6]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (j, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        ws.write_number(row, 0, f64::from(row)).unwrap();
        for (j, cell) in r.iter().enumerate() {
            let col = (j + 1) as u16;
            match cell.parse::<f64>() {
                Ok(n) if j == 5 => ws.write_number(row, col, n).unwrap(),
                _ => ws.write_string(row, col, *cell).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    unit: i64,
    bytes: Vec<u8>,
    name: &'static str,
) -> reqwest::Response {
    c.post(app.url(&format!("/unit/{unit}/respondents/import")))
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        ))
        .send()
        .await
        .unwrap()
}

fn sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

mod import_and_send {
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
        let r = app.post(&officer, &format!("{list}/send"), &[]).await;
        assert_eq!(
            r.status(),
            StatusCode::BAD_REQUEST,
            "a confirmation is required"
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
        let r = app.post(&moha, &review, &[("decision", "return")]).await;
        assert_eq!(
            r.status(),
            StatusCode::BAD_REQUEST,
            "a return needs a comment"
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
                    .any(|e| e.action == action && e.unit_id == Some(qni)),
                "{action}"
            );
        }
    }

    on_both_engines!(a_list_is_imported_checked_fixed_sent_and_reviewed);
}

mod deadline_and_national {
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
        let mut csv: Vec<u8> =
            b"Ho\xF2 v\xE0 t\xEAn;Ch\xFD\xECc vu\xF2;C\xF5 quan/\xF0\xF5n vi\xF2;\
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
            let mut wb: Xlsx<_> =
                open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
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
}
