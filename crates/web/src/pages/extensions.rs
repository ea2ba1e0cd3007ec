//! MoHA extends one deadline for one unit, with a recorded reason (audited).

use crate::auth::MohaAdmin;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::pages::units::edit_page;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::{deadlines, units};
use parindex_domain::deadline::{self, DeadlineKind};
use parindex_domain::text;

#[derive(Debug, Clone, serde::Deserialize, Default)]
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
) -> AppResult<Response> {
    let unit = units::get(&state.db, unit_id).await?;
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    let kind = DeadlineKind::parse(&f.kind);
    if kind.is_none() {
        errors.push(("kind", "deadline-kind-invalid"));
    }
    let day = deadline::parse_date(&f.due_date);
    if day.is_none() {
        errors.push(("due_date", "date-invalid"));
    }
    let reason = text::clean(&f.reason);
    if reason.chars().count() < 5 || reason.chars().count() > 1000 {
        errors.push(("reason", "extension-reason-required"));
    }
    if let (Some(kind), Some(day)) = (kind, day) {
        let campaign_day = deadlines::for_campaign(&state.db, unit.campaign_id)
            .await?
            .into_iter()
            .find(|(k, _)| k == kind.as_str())
            .and_then(|(_, d)| deadline::parse_date(&d));
        if campaign_day.is_some_and(|c| day <= c) {
            errors.push(("due_date", "extension-not-later"));
        }
        if errors.is_empty() {
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
            return Ok(
                Redirect::to(&format!("/admin/units/{unit_id}/edit?done=extended")).into_response(),
            );
        }
    }
    // Only a refused form needs the whole page again, with the errors and what was typed.
    let mut body = edit_page(&state, &meta, &user, unit_id, None).await?;
    for (field, key) in errors {
        body.page.error(field, key);
    }
    body.ext = f;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}
