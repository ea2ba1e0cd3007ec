//! Year two end to end: the demo's 2023 campaign, published, is rolled over to 2024 through the
//! pages; a units file (a real .xlsx) merges Hải Phòng into Quảng Ninh with weights 2:1 and renames a
//! ministry; the accounts are issued; and once 2024 is published, Quảng Ninh's report card compares it
//! with its predecessors' weighted 2023 index, naming them. The expected figure is worked out here,
//! apart from the project's rounding code.

use super::*;
use parindex_db::users;
use parindex_import::sheet::Cell;
use rust_decimal::RoundingStrategy;

/// The hidden value of the review page's `rows` field.
fn carried_rows(html: &str) -> String {
    let at = html
        .find("name=\"rows\"")
        .expect("the review carries the rows");
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    parindex_tests::forms::attribute(&html[start..end], "value").unwrap()
}

async fn a_merged_unit_compares_with_its_predecessors_weighted_index(engine: Engine) {
    let app = spawn_app(engine).await;
    let c2023 = app.campaign_id().await;
    let admin = app.demo_login("moha.admin").await;
    let (loaded, r2023) = scoring_inputs::compute_draft(&app.db, &Ctx::system(0), c2023)
        .await
        .unwrap();
    publish_as_admin(&app, c2023, &r2023.input_hash).await;

    // Roll over through the page.
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{c2023}/copy"),
            &[
                ("year", "2024"),
                ("name_vi", "Chỉ số CCHC năm 2024"),
                ("name_en", "PAR Index 2024"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let c2024 = parindex_db::campaigns::by_year(&app.db, 2024)
        .await
        .unwrap()
        .id;

    // The units as a file: download, edit, upload as .xlsx.
    let bytes = app
        .get(&admin, &format!("/admin/campaigns/{c2024}/units.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let mut rows = parindex_import::table::read(&bytes, Default::default()).unwrap();
    let header = rows.remove(0);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (code, name, short, preds) = (
        col("Mã đơn vị"),
        col("Tên đầy đủ"),
        col("Tên ngắn"),
        col("Đơn vị tiền nhiệm"),
    );
    rows.retain(|r| r[code] != "HPG");
    for r in &mut rows {
        if r[code] == "QNI" {
            r[preds] = "QNI:2; HPG:1".into();
        }
        if r[code] == "UBDT" {
            r[name] = "Bộ Dân tộc và Tôn giáo".into();
            r[short] = "Bộ Dân tộc và Tôn giáo".into();
        }
    }
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| r.iter().map(|c| Cell::Text(c.clone())).collect())
        .collect();
    let file = parindex_import::sheet::table("Đơn vị", &header, &cells).unwrap();
    let r = admin
        .post(app.url(&format!("/admin/campaigns/{c2024}/units/file")))
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(file).file_name("don-vi-2024.xlsx"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let review = r.text().await.unwrap();
    let text = visible_text(&review);
    assert!(text.contains("QNI ← QNI ×2, HPG ×1"), "{text}");
    assert!(
        text.contains("HPG · ") && text.contains("Bỏ 1 đơn vị"),
        "{text}"
    );
    assert!(text.contains("Bộ Dân tộc và Tôn giáo"), "{text}");
    let rows_json = carried_rows(&review);
    let path = format!("/admin/campaigns/{c2024}/units/file/apply");
    // Weighing by last year's responses needs responses: none were completed in the demo's 2023,
    // so the review says why and keeps the file's weights.
    let r = app
        .post(
            &admin,
            &path,
            &[
                ("rows", &rows_json),
                ("weights", "respondents"),
                ("action", "review"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = visible_text(&r.text().await.unwrap());
    assert!(
        text.contains("không có phiếu khảo sát hoàn thành"),
        "{text}"
    );
    assert!(text.contains("QNI ← QNI ×2, HPG ×1"), "{text}");
    // Not confirmed: nothing changes.
    let r = app.post(&admin, &path, &[("rows", &rows_json)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        parindex_db::units::by_code(&app.db, c2024, "HPG")
            .await
            .is_ok()
    );
    let r = app
        .post(&admin, &path, &[("rows", &rows_json), ("confirm", "yes")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert!(
        parindex_db::units::by_code(&app.db, c2024, "HPG")
            .await
            .is_err()
    );
    assert!(
        users::by_username(&app.db, "hpg.canbo.2024")
            .await
            .unwrap()
            .is_none()
    );
    let qni = parindex_db::units::by_code(&app.db, c2024, "QNI")
        .await
        .unwrap();
    let links = parindex_db::unit_import::predecessors(&app.db, qni.id)
        .await
        .unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(
        parindex_db::units::by_code(&app.db, c2024, "UBDT")
            .await
            .unwrap()
            .short_name,
        "Bộ Dân tộc và Tôn giáo"
    );

    // The accounts, issued as a sheet.
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{c2024}/accounts"),
            &[("delivery", "xlsx"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        !users::by_username(&app.db, "qni.canbo.2024")
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .is_empty()
    );

    // 2024 published (the same inputs without Hải Phòng).
    let mut input = loaded.input.clone();
    input.year = 2024;
    for l in &mut input.levels {
        l.units.retain(|u| u.code != "HPG");
    }
    let r2024 = compute_campaign(&input);
    results::save_draft(&app.db, &Ctx::system(0), c2024, &input, &r2024, &[])
        .await
        .unwrap();
    publish_as_admin(&app, c2024, &r2024.input_hash).await;

    // Quảng Ninh's card: 2023's weighted index of Quảng Ninh (×2) and Hải Phòng (×1).
    let province = |r: &parindex_domain::scoring::CampaignResult, code: &str| {
        r.level(parindex_domain::Level::Province)
            .unwrap()
            .unit(code)
            .unwrap()
            .index
    };
    let (q, h) = (province(&r2023, "QNI"), province(&r2023, "HPG"));
    let expected = ((q * d("2") + h) / d("3"))
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let now = province(&r2024, "QNI");
    let delta = now - expected;
    let card = visible_text(&app.page_text(&admin, "/results/2024/unit/QNI").await);
    let shown = format!("{:.2}", expected).replace('.', ",");
    assert!(card.contains(&shown), "{shown} in {card}");
    assert!(
        card.contains("Tỉnh Quảng Ninh (×2)") && card.contains("(×1)"),
        "{card}"
    );
    let sign = if delta.is_sign_negative() && !delta.is_zero() {
        "−"
    } else {
        "+"
    };
    let delta_text = format!("{sign}{:.2}", delta.abs()).replace('.', ",");
    assert!(card.contains(&delta_text), "{delta_text} in {card}");
    // The public ranking carries the same change, naming the predecessors.
    let ranking = app
        .get(&app.client(), "/results/2024")
        .await
        .text()
        .await
        .unwrap();
    let at = ranking
        .find("data-change=\"QNI\"")
        .expect("a change column");
    let cell = &ranking[at..at + ranking[at..].find("</td>").unwrap()];
    assert!(
        cell.contains(&delta_text) && cell.contains("(×2)"),
        "{cell}"
    );
    // The exports carry both figures: the JSON of the API, and the .csv.
    let json: serde_json::Value = app
        .client()
        .get(app.url("/api/v1/results/2024"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let units = json["levels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["units"].as_array().unwrap().clone())
        .collect::<Vec<_>>();
    let q = units.iter().find(|u| u["code"] == "QNI").unwrap();
    assert_eq!(q["previous_index"], format!("{expected:.2}"));
    assert_eq!(q["change"], format!("{delta:.2}"));
    assert_eq!(q["predecessors"], serde_json::json!(["HPG", "QNI"]));
    let csv = app
        .get(&app.client(), "/results/2024/ranking.csv")
        .await
        .text()
        .await
        .unwrap();
    let line = csv.lines().find(|l| l.contains(",QNI,")).unwrap();
    assert!(
        line.contains(&format!(",{expected:.2},{delta:.2},")) && line.contains("QNI:2"),
        "{line}"
    );
    // A unit that kept its code still compares with itself.
    let agg = visible_text(&app.page_text(&admin, "/results/2024/unit/AGG").await);
    assert!(
        agg.contains(&format!("{:.2}", province(&r2023, "AGG")).replace('.', ",")),
        "{agg}"
    );
    assert!(
        parindex_db::audit::verify(&app.db)
            .await
            .unwrap()
            .first_break
            .is_none()
    );
}

on_both_engines!(a_merged_unit_compares_with_its_predecessors_weighted_index);
