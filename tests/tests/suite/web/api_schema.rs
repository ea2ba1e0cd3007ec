//! Every API route's real responses, from the demo campaign, against the OpenAPI document the server
//! publishes at `/api/openapi.json`: success bodies, the validation error of a refused save, and
//! the error bodies of a refused or missing resource.

use super::*;
use crate::openapi::assert_conforms;
use serde_json::{Value, json};

async fn body(r: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status, "{}", r.url());
    r.json().await.unwrap()
}

async fn every_api_response_matches_the_published_document(engine: Engine) {
    let app = spawn_app(engine).await;
    let anonymous = app.client();
    let doc = body(
        app.get(&anonymous, "/api/openapi.json").await,
        StatusCode::OK,
    )
    .await;
    let c = app.campaign_id().await;
    let btp = app.unit_id("BTP").await;
    let hpg = app.unit_id("HPG").await;
    let moha = app.demo_login("moha.admin").await;
    let officer = app.demo_login("btp.canbo").await;
    let get = async |client: &reqwest::Client, path: &str| {
        body(app.get(client, path).await, StatusCode::OK).await
    };

    let me = get(&officer, "/api/v1/me").await;
    assert_conforms(&doc, "/api/v1/me", "get", 200, &me);
    let campaigns = get(&moha, "/api/v1/campaigns").await;
    assert!(!campaigns["campaigns"].as_array().unwrap().is_empty());
    assert_conforms(&doc, "/api/v1/campaigns", "get", 200, &campaigns);
    let units = get(&moha, &format!("/api/v1/campaigns/{c}/units")).await;
    assert!(units["units"].as_array().unwrap().len() > 2);
    assert_conforms(
        &doc,
        "/api/v1/campaigns/{campaign}/units",
        "get",
        200,
        &units,
    );
    for unit in [btp, hpg] {
        let one = get(&moha, &format!("/api/v1/units/{unit}")).await;
        assert_conforms(&doc, "/api/v1/units/{unit}", "get", 200, &one);
        let report = get(&moha, &format!("/api/v1/units/{unit}/self-assessment")).await;
        assert_conforms(
            &doc,
            "/api/v1/units/{unit}/self-assessment",
            "get",
            200,
            &report,
        );
        let survey = get(&moha, &format!("/api/v1/units/{unit}/survey")).await;
        assert_conforms(&doc, "/api/v1/units/{unit}/survey", "get", 200, &survey);
        let appraisal = get(&moha, &format!("/api/v1/units/{unit}/appraisal")).await;
        assert_conforms(
            &doc,
            "/api/v1/units/{unit}/appraisal",
            "get",
            200,
            &appraisal,
        );
    }
    // The submitted unit's appraisal as its own officer sees it.
    let hpg_officer = app.demo_login("hpg.canbo").await;
    let theirs = get(&hpg_officer, &format!("/api/v1/units/{hpg}/appraisal")).await;
    assert_conforms(&doc, "/api/v1/units/{unit}/appraisal", "get", 200, &theirs);

    let save = "/api/v1/units/{unit}/self-assessment/leaves/{code}";
    let url = app.url(&format!("/api/v1/units/{btp}/self-assessment/leaves/1.1.1"));
    let post = async |score: &str| {
        officer
            .post(&url)
            .json(&json!({ "score": score, "explanation": "Ban hành đúng hạn" }))
            .send()
            .await
            .unwrap()
    };
    let saved = body(post("1,5").await, StatusCode::OK).await;
    assert_conforms(&doc, save, "post", 200, &saved);
    let refused = body(post("9").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_conforms(&doc, save, "post", 422, &refused);

    // Errors: another unit's data, a unit that does not exist, and no session at all.
    let stranger = app.demo_login("qni.canbo").await;
    let forbidden = app.get(&stranger, &format!("/api/v1/units/{btp}")).await;
    let forbidden = body(forbidden, StatusCode::FORBIDDEN).await;
    assert_conforms(&doc, "/api/v1/units/{unit}", "get", 403, &forbidden);
    let missing = app.get(&moha, "/api/v1/campaigns/999999/units").await;
    let missing = body(missing, StatusCode::NOT_FOUND).await;
    assert_conforms(
        &doc,
        "/api/v1/campaigns/{campaign}/units",
        "get",
        404,
        &missing,
    );
    let nobody = body(
        app.get(&anonymous, "/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_conforms(&doc, "/api/v1/me", "get", 401, &nobody);
}

on_both_engines!(every_api_response_matches_the_published_document);
