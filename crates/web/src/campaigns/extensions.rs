//! MoHA extends one deadline for one unit, with a recorded reason (audited).

use crate::auth::MohaAdmin;
use crate::campaigns::units::{ExtensionForm, edit_page};
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::{deadlines, units};
use parindex_domain::UnitId;

pub async fn grant(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(unit_id): Path<UnitId>,
    Form(f): Form<ExtensionForm>,
) -> AppResult<Response> {
    let unit = units::get(&state.db, unit_id).await?;
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    let granted = deadlines::grant_extension(
        &state.db,
        &ctx,
        unit.campaign_id,
        unit_id,
        &f.kind,
        &f.due_date,
        &f.reason,
    )
    .await?;
    let Err(problems) = granted else {
        return Ok(
            Redirect::to(&format!("/admin/units/{unit_id}/edit?done=extended")).into_response(),
        );
    };
    // Only a refused form needs the whole page again, with the errors and what was typed.
    let mut body = edit_page(&state, &meta, &user, unit_id, None).await?;
    for p in problems {
        body.page.error(p.field(), p.key());
    }
    body.ext = f;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}
