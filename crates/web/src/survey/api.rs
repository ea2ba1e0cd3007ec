//! The API's survey progress of one unit: counts, never an answer.

use crate::auth::UnitReader;
use crate::error::AppResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use parindex_db::units;
use serde_json::{Value, json};

/// The unit's survey progress: counts per group and organisation, never an answer.
pub async fn survey_progress(
    State(state): State<AppState>,
    r: UnitReader,
) -> AppResult<Json<Value>> {
    let unit = units::get(&state.db, r.unit_id).await?;
    let opened_at = parindex_db::survey::opened_at(&state.db, r.unit_id).await?;
    let rows = parindex_db::survey_progress::by_group(&state.db, r.unit_id).await?;
    let completed = parindex_db::survey_progress::completion_times(&state.db, r.unit_id).await?;
    Ok(Json(json!({
        "unit_id": unit.id,
        "opened_at_ms": opened_at,
        "rows": rows,
        "completions_ms": completed,
    })))
}
