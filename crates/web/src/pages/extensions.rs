//! MoHA extends one deadline for one unit, with a recorded reason (audited).

use crate::auth::MohaAdmin;
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use parindex_db::{deadlines, units};
use parindex_domain::deadline::{self, DeadlineKind};
use parindex_domain::text;

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ExtensionForm {
    pub kind: String,
    pub due_date: String,
    pub reason: String,
}

pub async fn grant(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(unit_id): Path<i64>,
    Form(f): Form<ExtensionForm>,
) -> AppResult<Redirect> {
    let unit = units::get(&state.db, unit_id).await?;
    let kind = DeadlineKind::parse(&f.kind).ok_or(AppError::BadRequest("deadline-kind-invalid"))?;
    let day = deadline::parse_date(&f.due_date).ok_or(AppError::BadRequest("date-invalid"))?;
    let reason = text::clean(&f.reason);
    if reason.chars().count() < 5 || reason.chars().count() > 1000 {
        return Err(AppError::BadRequest("extension-reason-required"));
    }
    let campaign_day = deadlines::for_campaign(&state.db, unit.campaign_id)
        .await?
        .into_iter()
        .find(|(k, _)| k == kind.as_str())
        .and_then(|(_, d)| deadline::parse_date(&d));
    if campaign_day.is_some_and(|c| day <= c) {
        return Err(AppError::BadRequest("extension-not-later"));
    }
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    deadlines::grant_extension(
        &state.db,
        &ctx,
        unit.campaign_id,
        unit_id,
        kind.as_str(),
        &deadline::iso(day),
        &reason,
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/admin/units/{unit_id}/edit?done=extended"
    )))
}
