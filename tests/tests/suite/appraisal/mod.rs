//! MoHA's two-round appraisal over HTTP, on SQLite and PostgreSQL: decisions with their reasons, what
//! the unit sees and when, the explanation window, evidence added while explaining, and the final
//! scores with each leaf's history.

#![allow(clippy::unwrap_used)]

use parindex_db::audit;
use parindex_domain::Points;
use parindex_domain::UnitId;
use parindex_tests::app::{location, visible_text};
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn api(app: &TestApp, c: &reqwest::Client, unit: UnitId) -> Value {
    let r = app.get(c, &format!("/api/v1/units/{unit}/appraisal")).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn leaf<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["leaves"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == code)
        .unwrap()
}

mod two_rounds;

mod explaining;

mod who_and_when;

mod storage;
