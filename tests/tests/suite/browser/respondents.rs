//! A respondent list fixed and sent, and a respondent answering from the e-mail, in the browser.

use super::*;

fn respondents_xlsx(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (j, h) in [
        "Họ và tên",
        "Chức vụ",
        "Cơ quan/đơn vị",
        "Nhóm đối tượng",
        "Email công vụ",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        for (j, c) in r.iter().enumerate() {
            ws.write_string((i + 1) as u32, j as u16, *c).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_fixes_a_respondent_file_and_sends_the_list() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let d = start_driver().await;
    let b = browser(&d, 1280, 900).await;
    log_in(&b, &app, "qni.canbo").await;
    click_to_navigate(&b, By::Id("go-respondents")).await;
    assert!(text_of(&b, "#rl-state").await.contains("Đang lập"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("danh sách.xlsx");
    std::fs::write(
        &bad,
        respondents_xlsx(&[
            [
                "Nguyễn Văn An",
                "Đại biểu",
                "HĐND tỉnh",
                "Đại biểu Hội đồng nhân dân tỉnh",
                "an@quangninh.gov.vn",
            ],
            [
                "Trần Thị Bình",
                "Giám đốc",
                "Sở Y tế",
                "Lãnh đạo sở",
                "binh@quangninh",
            ],
        ]),
    )
    .unwrap();
    type_into(&b, "rl-file", bad.to_str().unwrap()).await;
    click_to_navigate(&b, By::Css("form[action$='/respondents/import'] button")).await;
    let report = text_of(&b, "#problems").await;
    assert!(
        report.contains("Email không hợp lệ")
            && report.contains("Nhóm đối tượng không có trong danh mục"),
        "{report}"
    );
    assert!(!b.find_all(By::Id("errors-file")).await.unwrap().is_empty());

    // The fixed file covers every group, so the list can be sent.
    let good = dir.path().join("danh sách đã sửa.xlsx");
    std::fs::write(
        &good,
        respondents_xlsx(&[
            [
                "Nguyễn Văn An",
                "Đại biểu",
                "HĐND tỉnh",
                "Đại biểu Hội đồng nhân dân tỉnh",
                "an@quangninh.gov.vn",
            ],
            [
                "Trần Thị Bình",
                "Giám đốc",
                "Sở Y tế",
                "Lãnh đạo sở, ban, ngành cấp tỉnh",
                "binh@quangninh.gov.vn",
            ],
            [
                "Lê Văn Cường",
                "Trưởng phòng",
                "Sở Y tế",
                "Lãnh đạo phòng chuyên môn thuộc sở",
                "cuong@quangninh.gov.vn",
            ],
            [
                "Phạm Thị Dung",
                "Chủ tịch",
                "UBND huyện Vân Đồn",
                "Lãnh đạo Ủy ban nhân dân cấp huyện",
                "dung@quangninh.gov.vn",
            ],
        ]),
    )
    .unwrap();
    click_to_navigate(&b, By::Css("main p a")).await;
    type_into(&b, "rl-file", good.to_str().unwrap()).await;
    click_to_navigate(&b, By::Css("form[action$='/respondents/import'] button")).await;
    assert_eq!(text_of(&b, ".notice").await, "Đã nhập danh sách.");
    assert_eq!(text_of(&b, "#rl-total").await, "4");
    click_id(&b, "confirm").await;
    click_to_navigate(&b, By::Css("#send-form button")).await;
    assert!(text_of(&b, "#rl-state").await.contains("Đã gửi Bộ Nội vụ"));
    assert!(
        b.find_all(By::Id("rl-file")).await.unwrap().is_empty(),
        "no import once sent"
    );
    b.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_respondent_answers_from_a_received_email_leaves_resumes_and_submits_once() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let url = parindex_tests::survey::first_link_by_smtp(&app, "browser").await;
    assert!(url.starts_with(&app.base), "{url}");
    let token = url.rsplit('/').next().unwrap().to_string();
    let view = parindex_db::survey::by_token(&app.db, &token)
        .await
        .unwrap()
        .unwrap();
    let set = parindex_db::questionnaires::get(&app.db, app.campaign_id().await, "province")
        .await
        .unwrap()
        .unwrap();
    let codes: Vec<String> = set
        .for_group(&view.group_code)
        .unwrap()
        .questions
        .iter()
        .map(|q| q.code.clone())
        .collect();
    let pages = codes.len().div_ceil(5);
    let d = start_driver().await;

    // On a phone: open the link, start, answer the first page, and stop for now.
    let b = browser(&d, 390, 844).await;
    visit(&b, &url).await;
    assert!(
        text_of(&b, "#sv-unit")
            .await
            .contains("Ủy ban nhân dân tỉnh An Giang")
    );
    click_to_navigate(&b, By::Id("sv-start")).await;
    assert!(
        text_of(&b, "#sv-progress")
            .await
            .contains(&format!("1/{pages}"))
    );
    assert!(
        !b.find_all(By::Css("fieldset legend"))
            .await
            .unwrap()
            .is_empty()
    );
    for c in &codes[..5] {
        click_id(&b, &format!("q_{c}-B")).await;
    }
    let width: Vec<i64> = b
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(
        width[0] <= width[1],
        "the question page fits a phone: {width:?}"
    );
    click_to_navigate(&b, By::Id("sv-stop")).await;
    assert!(text_of(&b, ".notice").await.contains("Đã lưu câu trả lời"));
    b.quit().await.unwrap();

    // Later, another browser: the same link resumes where the respondent left.
    let b = browser(&d, 1280, 900).await;
    visit(&b, &url).await;
    assert_eq!(text_of(&b, "#sv-start").await, "Trả lời tiếp");
    click_to_navigate(&b, By::Id("sv-start")).await;
    assert!(
        text_of(&b, "#sv-progress")
            .await
            .contains(&format!("2/{pages}"))
    );
    for page in 2..=pages {
        for c in codes.iter().skip((page - 1) * 5).take(5) {
            if page == pages && c == codes.last().unwrap() {
                continue;
            }
            click_id(&b, &format!("q_{c}-A")).await;
        }
        let next = if page == pages {
            "sv-to-check"
        } else {
            "sv-next"
        };
        click_to_navigate(&b, By::Id(next)).await;
    }
    // The check page lists every answer; the unanswered one stops the submission with a summary.
    assert!(text_of(&b, "#sv-answers").await.contains("B. "));
    assert!(text_of(&b, "#sv-answers").await.contains("Chưa trả lời"));
    click_to_navigate(&b, By::Id("sv-submit")).await;
    assert!(
        text_of(&b, "#error-summary")
            .await
            .contains("Còn 1 câu chưa trả lời")
    );
    let focused: String = b
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert_eq!(focused, "error-summary", "focus moves to the error summary");
    click_to_navigate(&b, By::Css("tr.missing a")).await;
    click_id(&b, &format!("q_{}-E", codes.last().unwrap())).await;
    click_to_navigate(&b, By::Id("sv-to-check")).await;
    click_to_navigate(&b, By::Id("sv-submit")).await;
    assert!(text_of(&b, "#sv-status").await.contains("Cảm ơn"));
    // Post/redirect/get: the thanks has an address of its own, so a reload posts nothing again.
    let at = b.current_url().await.unwrap();
    assert!(at.path().ends_with("/thanks"), "{at}");
    b.refresh().await.unwrap();
    assert!(text_of(&b, "#sv-status").await.contains("Cảm ơn"));

    // A second submission from the browser is refused, and one response stays.
    let completed = parindex_db::survey::by_token(&app.db, &token)
        .await
        .unwrap()
        .unwrap()
        .completed_at;
    assert!(completed.is_some());
    let old = b.find(By::Css("html")).await.unwrap();
    b.execute(
        &format!(
            "var f = document.createElement('form'); f.method = 'post'; \
             f.action = '/s/{token}/submit'; document.body.appendChild(f); f.submit();"
        ),
        vec![],
    )
    .await
    .unwrap();
    old.wait_until().stale().await.unwrap();
    assert!(
        text_of(&b, "#sv-status")
            .await
            .contains("đã được gửi trước đó")
    );
    let after = parindex_db::survey::by_token(&app.db, &token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.completed_at, completed);
    assert_eq!(
        parindex_db::survey::answers(&app.db, view.invitation_id)
            .await
            .unwrap()
            .len(),
        codes.len()
    );
    b.quit().await.unwrap();
}
