//! Criteria sets through the pages: the demo's illustrative sets, loading a set, pinning it.

use super::*;
use parindex_domain::CampaignId;

const MINISTRY: &str = include_str!("../../../../frameworks/2023/ministry.toml");

async fn the_demo_campaign_uses_the_illustrative_sets_shown_as_such(engine: Engine) {
    let app = spawn_app(engine).await;
    let appraiser = app.demo_login("moha.thamdinh").await;
    let cid = app.campaign_id().await;
    let page = visible_text(
        &app.get(&appraiser, &format!("/admin/campaigns/{cid}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("876-2023-ministry-illustrative")
            && page.contains("876-2023-province-illustrative"),
        "{page}"
    );
    let id = parindex_db::criteria_sets::by_code(&app.db, "876-2023-ministry-illustrative")
        .await
        .unwrap()
        .unwrap()
        .id;
    let html = app
        .get(&appraiser, &format!("/admin/criteria-sets/{id}"))
        .await
        .text()
        .await
        .unwrap();
    let text = visible_text(&html);
    assert!(text.contains("Bộ tiêu chí MINH HỌA"), "{text}");
    assert!(text.contains("7 · 38 · 97"), "{text}");
    assert!(
        text.contains("31,50"),
        "survey points with the Vietnamese decimal comma: {text}"
    );
    assert_eq!(html.matches("<tr class=\"depth-").count(), 7 + 38 + 97);
}

async fn a_set_loads_from_toml_or_xlsx_and_a_bad_one_lists_every_problem(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let upload = |bytes: Vec<u8>, extra: &[(&'static str, &'static str)]| {
        let mut f = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("set"),
        );
        for (k, v) in extra {
            f = f.text(*k, *v);
        }
        f
    };
    // A new version of the ministry set, as TOML.
    let v2 = MINISTRY.replace("876-2023-ministry-illustrative", "876-2024-ministry");
    let r = admin
        .post(app.url("/admin/criteria-sets"))
        .multipart(upload(v2.into_bytes(), &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    assert!(
        parindex_db::criteria_sets::by_code(&app.db, "876-2024-ministry")
            .await
            .unwrap()
            .is_some()
    );
    // The same code again is refused: loaded sets are never overwritten.
    let r = admin
        .post(app.url("/admin/criteria-sets"))
        .multipart(upload(MINISTRY.as_bytes().to_vec(), &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&r.text().await.unwrap())
            .contains("Đã có bộ tiêu chí mã 876-2023-ministry-illustrative")
    );
    // A broken file lists its problems and stores nothing.
    let broken = MINISTRY
        .replace("876-2023-ministry-illustrative", "broken")
        .replacen("max = \"14.00\"", "max = \"15.00\"", 1);
    let r = admin
        .post(app.url("/admin/criteria-sets"))
        .multipart(upload(broken.into_bytes(), &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.unwrap());
    assert!(
        text.contains("tổng điểm các mục con là 14.00 nhưng điểm tối đa là 15.00")
            && text.contains("Tổng điểm các lĩnh vực là 101.00"),
        "{text}"
    );
    assert!(
        parindex_db::criteria_sets::by_code(&app.db, "broken")
            .await
            .unwrap()
            .is_none()
    );
    // The same tree as an .xlsx with one row per item.
    let set = parindex_domain::criteria::file::parse(MINISTRY).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Mã",
        "Tên",
        "Tên tiếng Anh",
        "Điểm tối đa",
        "Phương pháp",
        "Hướng dẫn chấm",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (_, n)) in set.walk().into_iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &n.code).unwrap();
        ws.write_string(r, 1, &n.name_vi).unwrap();
        ws.write_string(r, 2, &n.name_en).unwrap();
        ws.write_number(r, 3, n.max.to_fixed().parse::<f64>().unwrap())
            .unwrap();
        ws.write_string(r, 4, n.method.map(|m| m.as_str()).unwrap_or(""))
            .unwrap();
        ws.write_string(r, 5, &n.guidance_vi).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let details = [
        ("code", "876-2023-ministry-xlsx"),
        ("level", "ministry"),
        ("name_vi", "Bộ tiêu chí từ Excel"),
        ("name_en", "From Excel"),
        ("total", "100,00"),
    ];
    let r = admin
        .post(app.url("/admin/criteria-sets"))
        .multipart(upload(bytes, &details))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stored = parindex_db::criteria_sets::by_code(&app.db, "876-2023-ministry-xlsx")
        .await
        .unwrap()
        .unwrap();
    let tree = parindex_db::criteria_sets::tree(&app.db, stored.id)
        .await
        .unwrap();
    assert_eq!(tree.fields.len(), 7);
    assert_eq!(tree.leaves().len(), set.leaves().len());
    // The demo's ministries have scored against the pinned set: it can no longer change, the
    // campaign page says why instead of offering the form, and the refusal changes nothing.
    let cid = app.campaign_id().await;
    let pin = |campaign: CampaignId, set_id: String| {
        let admin = &admin;
        let app = &app;
        async move {
            app.post(
                admin,
                &format!("/admin/campaigns/{campaign}/criteria-sets"),
                &[("set_id", set_id.as_str())],
            )
            .await
        }
    };
    let before = parindex_db::criteria_sets::pinned(&app.db, cid)
        .await
        .unwrap();
    let audit_before = parindex_db::audit::count(&app.db).await.unwrap();
    let r = pin(cid, stored.id.to_string()).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Không thể đổi bộ tiêu chí của cấp này"),
        "{body}"
    );
    assert!(body.contains("id=\"set-ministry-locked\""), "{body}");
    assert_eq!(
        parindex_db::criteria_sets::pinned(&app.db, cid)
            .await
            .unwrap(),
        before
    );
    assert_eq!(
        parindex_db::audit::count(&app.db).await.unwrap(),
        audit_before
    );
    // A campaign where nobody has started takes it, audited.
    let next = parindex_db::campaigns::create(
        &app.db,
        &parindex_db::Ctx::system(0),
        &parindex_db::campaigns::CampaignInput {
            year: 2024,
            name_vi: "Chỉ số CCHC 2024".into(),
            name_en: "PAR Index 2024".into(),
            legal_basis: String::new(),
            organiser: "Bộ Nội vụ".into(),
            min_group_size: 5,
            deadlines: Vec::new(),
        },
    )
    .await
    .unwrap();
    let r = pin(next.id, stored.id.to_string()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let pins = parindex_db::criteria_sets::pinned(&app.db, next.id)
        .await
        .unwrap();
    assert_eq!(pins[0].1.code, "876-2023-ministry-xlsx");
    assert!(parindex_db::audit::count(&app.db).await.unwrap() > audit_before);
    // A choice that is no set comes back on the page, not on a dead end.
    let r = pin(next.id, "abc".into()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Chọn một bộ tiêu chí."));
}

on_both_engines!(
    the_demo_campaign_uses_the_illustrative_sets_shown_as_such,
    a_set_loads_from_toml_or_xlsx_and_a_bad_one_lists_every_problem,
);
