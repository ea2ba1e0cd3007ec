//! The respondent list over the API: read as JSON, replaced whole with the import's checks and its
//! all-or-nothing rule, refused to other units, other roles and a sent list; and MoHA's interference
//! findings, to MoHA only.

use super::*;
use serde_json::{Value, json};

fn person(name: &str, email: &str) -> Value {
    json!({
        "full_name": name,
        "position": "Giám đốc",
        "organisation": "Sở Nội vụ",
        "group_code": "lanh_dao_so",
        "email": email,
    })
}

async fn the_list_is_read_and_replaced_over_the_api(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let officer = app.demo_login("qni.canbo").await;
    let path = app.url(&format!("/api/v1/units/{qni}/respondents"));
    let before: Value = officer
        .get(&path)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(before["state"], "draft");
    let count = before["people"].as_array().unwrap().len();

    // One bad address: nothing stored, the field named.
    let bad = json!({ "people": [person("Vũ Thị Hạnh", "hanh@quangninh.gov.vn"), person("Lê Văn Bình", "binh@")] });
    let r = officer.put(&path).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "invalid");
    assert!(
        err["error"]["fields"]["people[1].email"].is_string(),
        "{err}"
    );
    let same: Value = officer
        .get(&path)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(same["people"].as_array().unwrap().len(), count);

    // A good list replaces the old one.
    let good = json!({ "people": [person("Vũ Thị Hạnh", "hanh@quangninh.gov.vn"), person("Lê Văn Bình", "binh@quangninh.gov.vn")] });
    let r = officer.put(&path).json(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let now: Value = r.json().await.unwrap();
    let emails: Vec<&str> = now["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2, "{now}");
    assert!(emails.contains(&"binh@quangninh.gov.vn"));

    // A viewer of the unit reads but may not replace; another unit's officer may do neither.
    let viewer = app.demo_login("qni.xem").await;
    assert_eq!(
        viewer.get(&path).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        viewer.put(&path).json(&good).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let other = app.demo_login("btp.canbo").await;
    assert_eq!(
        other.get(&path).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other.put(&path).json(&good).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    // MoHA's findings: MoHA only.
    let cid = app.campaign_id().await;
    let findings = app.url(&format!("/api/v1/campaigns/{cid}/integrity"));
    let moha = app.demo_login("moha.thamdinh").await;
    let r = moha.get(&findings).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["campaign_id"], cid.get());
    assert!(body["units"].is_array());
    assert_eq!(
        officer.get(&findings).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

on_both_engines!(the_list_is_read_and_replaced_over_the_api);
