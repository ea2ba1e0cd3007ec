//! The self-assessment API: reads and saves under the same rules as the pages.

use super::*;

async fn the_api_reads_and_saves_under_the_same_rules_as_the_pages(engine: Engine) {
    let app = spawn_app(engine).await;
    let btp = app.unit_id("BTP").await;
    let officer = app.demo_login("btp.canbo").await;
    let report: serde_json::Value = app
        .get(&officer, &format!("/api/v1/units/{btp}/self-assessment"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["state"], "draft");
    assert_eq!(report["leaves"].as_array().unwrap().len(), 99);
    let url = app.url(&format!("/api/v1/units/{btp}/self-assessment/leaves/1.1.1"));
    let ok = officer
        .post(&url)
        .json(&serde_json::json!({ "score": "1,5", "explanation": "Ban hành đúng hạn" }))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let leaf = ok.json::<serde_json::Value>().await.unwrap();
    assert_eq!(
        (
            leaf["leaf"]["score"].as_str(),
            leaf["leaf"]["status"].as_str()
        ),
        (Some("1.50"), Some("complete"))
    );
    let bad = officer
        .post(&url)
        .json(&serde_json::json!({ "score": "9", "explanation": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.json::<serde_json::Value>().await.unwrap();
    assert!(
        body["error"]["fields"]["score"]
            .as_str()
            .unwrap()
            .contains("không được vượt quá"),
        "{body}"
    );
    let survey = officer
        .post(app.url(&format!("/api/v1/units/{btp}/self-assessment/leaves/1.7.1")))
        .json(&serde_json::json!({ "score": "1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(survey.status(), StatusCode::BAD_REQUEST);
    // The leader and the viewer read but cannot save; another unit cannot read.
    let leader = app.demo_login("btp.lanhdao").await;
    assert_eq!(
        leader
            .post(&url)
            .json(&serde_json::json!({ "score": "0" }))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let stranger = app.demo_login("qni.canbo").await;
    assert_eq!(
        app.get(&stranger, &format!("/api/v1/units/{btp}/self-assessment"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // After the deadline the API refuses with the deadline, like the page.
    app.clock
        .set(time::macros::datetime!(2024-01-26 00:00:00 +7));
    let late = app.demo_login("btp.canbo").await;
    let r = late
        .post(&url)
        .json(&serde_json::json!({ "score": "0" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("25/01/2024")
    );
    let saved = parindex_db::self_assessments::leaves(&app.db, btp)
        .await
        .unwrap();
    assert_eq!(
        saved["1.1.1"].score.map(|p| p.to_fixed()),
        Some("1.50".into()),
        "nothing changed by refused calls"
    );
}

on_both_engines!(the_api_reads_and_saves_under_the_same_rules_as_the_pages);
