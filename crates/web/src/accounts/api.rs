//! The API's view of the signed-in account: `GET /api/v1/me`.

use crate::auth::Authenticated;
use axum::Json;
use serde_json::{Value, json};

pub async fn me(Authenticated(u): Authenticated) -> Json<Value> {
    Json(json!({
        "id": u.id, "username": u.username, "full_name": u.full_name, "email": u.email,
        "role": u.role, "unit_id": u.unit_id,
    }))
}
