use super::*;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

async fn the_unit_explains_with_new_evidence_until_the_window_closes(engine: Engine) {
    let app = spawn_app(engine).await;
    let ubdt = app.unit_id("UBDT").await;
    let officer = app.demo_login("ubdt.canbo").await;
    let view = api(&app, &officer, ubdt).await;
    assert_eq!(view["stage"], "explaining");
    let adjusted: Vec<String> = view["leaves"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["round1"]["verdict"] == "adjust")
        .map(|l| l["code"].as_str().unwrap().to_string())
        .collect();
    let accepted = view["leaves"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["round1"]["verdict"] == "accept")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(adjusted.len() >= 2, "{adjusted:?}");
    let code = &adjusted[1];

    // New evidence for an adjusted leaf, marked as added with the explanation.
    let form = || {
        reqwest::multipart::Form::new()
            .text("reference", "trang 3")
            .part(
                "file",
                reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("Quyết định bổ sung.pdf"),
            )
    };
    let r = officer
        .post(app.url(&format!(
            "/unit/{ubdt}/self-assessment/leaf/{code}/evidence"
        )))
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&r),
        format!("/unit/{ubdt}/appraisal/leaf/{code}?done=evidence-added#evidence")
    );
    let page = app
        .get(&officer, &format!("/unit/{ubdt}/appraisal/leaf/{code}"))
        .await
        .text()
        .await
        .unwrap();
    let text = visible_text(&page);
    assert!(
        text.contains("Quyết định bổ sung.pdf") && text.contains("Bổ sung khi giải trình"),
        "{text}"
    );
    // Not for a leaf MoHA accepted: that part of the report stays as submitted.
    let r = officer
        .post(app.url(&format!(
            "/unit/{ubdt}/self-assessment/leaf/{accepted}/evidence"
        )))
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // MoHA sees the new file on its own page for the leaf.
    let appraiser = app.demo_login("moha.thamdinh").await;
    let moha_page = app
        .get(
            &appraiser,
            &format!("/admin/units/{ubdt}/appraisal/leaf/{code}"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(moha_page.contains("Quyết định bổ sung.pdf"));

    // After the window (20/12/2023), the server refuses the explanation and the evidence alike…
    app.clock.advance(time::Duration::days(11));
    let officer = app.demo_login("ubdt.canbo").await;
    let r = app
        .post(
            &officer,
            &format!("/unit/{ubdt}/appraisal/leaf/{code}"),
            &[("explanation", "muộn")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(visible_text(&r.text().await.unwrap()).contains("Đã hết hạn giải trình"));
    let r = officer
        .post(app.url(&format!(
            "/unit/{ubdt}/self-assessment/leaf/{code}/evidence"
        )))
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &officer,
            &format!("/unit/{ubdt}/appraisal/send"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // …and MoHA may now start round 2 without the unit.
    let appraiser = app.demo_login("moha.thamdinh").await;
    let r = app
        .post(
            &appraiser,
            &format!("/admin/units/{ubdt}/appraisal/round2"),
            &[],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/admin/units/{ubdt}/appraisal?done=ap-round2")
    );
}

on_both_engines!(the_unit_explains_with_new_evidence_until_the_window_closes);
