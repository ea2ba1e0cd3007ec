//! The API's survey progress of one unit: counts, never an answer.

use crate::auth::UnitReader;
use crate::error::AppResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use parindex_db::survey_progress::ProgressRow;
use parindex_db::units;
use serde::Serialize;
use utoipa::ToSchema;

/// The counts of one respondent group and organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupProgress {
    pub group_code: String,
    pub organisation: String,
    pub listed: i64,
    pub invited: i64,
    /// Invitations the mail server accepted.
    pub delivered: i64,
    pub failed: i64,
    pub opened: i64,
    pub completed: i64,
}

impl From<ProgressRow> for GroupProgress {
    fn from(r: ProgressRow) -> GroupProgress {
        let c = r.counts;
        GroupProgress {
            group_code: r.group_code,
            organisation: r.organisation,
            listed: c.listed,
            invited: c.invited,
            delivered: c.delivered,
            failed: c.failed,
            opened: c.opened,
            completed: c.completed,
        }
    }
}

/// A unit's survey progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyProgress {
    pub unit_id: i64,
    /// When MoHA opened the unit's survey (ms since the epoch); null while it is not open.
    pub opened_at_ms: Option<i64>,
    pub rows: Vec<GroupProgress>,
    /// When each response was completed, oldest first.
    pub completions_ms: Vec<i64>,
}

/// The unit's survey progress: counts per group and organisation, never an answer.
#[utoipa::path(get, path = "/api/v1/units/{unit}/survey", tag = "survey",
    summary = "The unit's survey progress: when it opened, counts per group and organisation (listed, invited, e-mail sent or failed, opened, completed) and when each response was completed. Never an answer. MoHA staff or the unit's own accounts.",
    params(("unit" = i64, Path, description = "The unit's id")),
    responses((status = 200, description = "OK", body = SurveyProgress)),
    security(("session" = [])))]
pub async fn survey_progress(
    State(state): State<AppState>,
    r: UnitReader,
) -> AppResult<Json<SurveyProgress>> {
    let unit = units::get(&state.db, r.unit_id).await?;
    let opened_at = parindex_db::survey::opened_at(&state.db, r.unit_id).await?;
    let rows = parindex_db::survey_progress::by_group(&state.db, r.unit_id).await?;
    let completed = parindex_db::survey_progress::completion_times(&state.db, r.unit_id).await?;
    Ok(Json(SurveyProgress {
        unit_id: unit.id.get(),
        opened_at_ms: opened_at,
        rows: rows.into_iter().map(GroupProgress::from).collect(),
        completions_ms: completed,
    }))
}
