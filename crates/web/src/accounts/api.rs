//! The API's view of the signed-in account: `GET /api/v1/me`.

use crate::auth::Authenticated;
use axum::Json;
use parindex_domain::UnitId;
use serde::Serialize;
use utoipa::ToSchema;

/// The signed-in account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    #[schema(schema_with = crate::api::schema::role)]
    pub role: &'static str,
    /// The account's unit; null for MoHA staff.
    pub unit_id: Option<i64>,
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, description = "OK", body = Me)),
    security(("session" = [])))]
pub async fn me(Authenticated(u): Authenticated) -> Json<Me> {
    Json(Me {
        id: u.id.get(),
        username: u.username,
        full_name: u.full_name,
        email: u.email,
        role: u.role.as_str(),
        unit_id: u.unit_id.map(UnitId::get),
    })
}
