//! The campaign's deadline reminders: on or off, and how many days before each deadline.

use crate::auth::MohaAdmin;
use crate::campaigns::campaign::show_page;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::campaigns;
use parindex_domain::CampaignId;
use parindex_domain::reminder;

#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct RemindersForm {
    pub on: String,
    #[serde(rename = "reminder-days")]
    pub days: String,
}

pub async fn set(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(id): Path<CampaignId>,
    Form(f): Form<RemindersForm>,
) -> AppResult<Response> {
    campaigns::get(&state.db, id).await?;
    if let Some(days) = reminder::parse_days(&f.days) {
        let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
        let text = reminder::days_text(&days);
        campaigns::set_reminders(&state.db, &ctx, id, f.on == "yes", &text).await?;
        return Ok(
            Redirect::to(&format!("/admin/campaigns/{id}?done=saved#reminders")).into_response(),
        );
    }
    let mut body = show_page(&state, &meta, &user, id, None).await?;
    body.page.error("reminder-days", "reminders-days-invalid");
    body.campaign.reminder_days = f.days;
    body.campaign.reminders_on = f.on == "yes";
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}
