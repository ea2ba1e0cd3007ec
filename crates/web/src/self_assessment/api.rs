//! The API's self-assessment: the unit's report as it stands, and saving one leaf's score through
//! the same checks as the page.

use crate::auth::{UnitOfficer, UnitReader};
use crate::error::AppResult;
use crate::meta::Meta;
use crate::service::self_assessment::{Loaded, SaveOutcome, report_json, save_score};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

pub async fn self_assessment(
    State(state): State<AppState>,
    r: UnitReader,
) -> AppResult<Json<Value>> {
    Ok(Json(report_json(&state, r.unit_id).await?))
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ScoreBody {
    /// "1.25" or "1,25"; empty clears the score.
    pub score: String,
    pub explanation: String,
}

/// Saves one leaf's score through the same checks as the page: 200 with the leaf, or 422 with the
/// problems by field and nothing saved.
pub async fn save_self_score(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, code)): Path<(i64, String)>,
    Json(body): Json<ScoreBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let l = Loaded::load(&state, o.unit_id).await?;
    match save_score(
        &state,
        &meta,
        &o.user,
        &l,
        &code,
        &body.score,
        &body.explanation,
    )
    .await?
    {
        SaveOutcome::Saved(leaf) => Ok((StatusCode::OK, Json(json!({ "leaf": leaf })))),
        SaveOutcome::Invalid(problems) => {
            let fields: serde_json::Map<String, Value> = problems
                .iter()
                .map(|(f, m)| ((*f).to_string(), Value::String(m.clone())))
                .collect();
            let message = meta.lang.t("error-bad-input");
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(
                    json!({ "error": { "code": "invalid", "message": message, "fields": fields } }),
                ),
            ))
        }
    }
}
