//! The API's appraisal of one unit, shown to each side as its pages show it.

use crate::auth::UnitReader;
use crate::error::AppResult;
use crate::service::appraisal::{Appraised, Viewer};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::Value;

/// The unit's appraisal: MoHA sees every decision as it stands; the unit sees round 1 once it was
/// sent and round 2 once final, exactly as its pages do.
pub async fn appraisal(State(state): State<AppState>, r: UnitReader) -> AppResult<Json<Value>> {
    let a = Appraised::load(&state, r.unit_id).await?;
    let moha = parindex_domain::Role::is_moha(r.user.role);
    Ok(Json(a.json(if moha { Viewer::Moha } else { Viewer::Unit })))
}
