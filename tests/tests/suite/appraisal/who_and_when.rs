use super::*;

async fn nothing_is_appraised_before_submission_and_only_appraisers_decide(engine: Engine) {
    let app = spawn_app(engine).await;
    let agg = app.unit_id("AGG").await;
    let appraiser = app.demo_login("moha.thamdinh").await;
    let page = app
        .get(&appraiser, &format!("/admin/units/{agg}/appraisal"))
        .await
        .text()
        .await
        .unwrap();
    assert!(visible_text(&page).contains("chưa gửi báo cáo tự đánh giá"));
    let r = app
        .post(
            &appraiser,
            &format!("/admin/units/{agg}/appraisal/leaf/1.1.1"),
            &[("verdict", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        parindex_db::appraisals::leaves(&app.db, agg)
            .await
            .unwrap()
            .len(),
        0
    );
    // The administrator follows along but does not decide.
    let hpg = app.unit_id("HPG").await;
    let admin = app.demo_login("moha.admin").await;
    let page = app
        .get(&admin, &format!("/admin/units/{hpg}/appraisal/leaf/1.1.1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("id=\"decision\""));
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{hpg}/appraisal/leaf/1.1.1"),
            &[("verdict", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Survey leaves are not appraised here.
    let r = app
        .get(
            &appraiser,
            &format!("/admin/units/{hpg}/appraisal/leaf/1.6.1"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The demo's final unit shows its history to its own officer.
    let ttcp = app.unit_id("TTCP").await;
    let officer = app.demo_login("ttcp.canbo").await;
    let v = api(&app, &officer, ttcp).await;
    assert_eq!(v["stage"], "final");
    assert!(
        v["leaves"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["round2"]["verdict"] == "keep")
    );
}

on_both_engines!(nothing_is_appraised_before_submission_and_only_appraisers_decide);
