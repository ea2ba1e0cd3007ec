//! The support contacts per level (one MoHA officer for ministries, one for provinces), which every
//! unit page of that level shows.

use crate::auth::MohaAdmin;
use crate::campaigns::campaign::show_page;
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::contacts::{self, SupportContact};
use parindex_domain::CampaignId;
use parindex_domain::{Email, Level, phone, text};

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct SupportForm {
    pub level: String,
    pub name: String,
    pub phone: String,
    pub email: String,
}

pub async fn set_support(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
    Form(f): Form<SupportForm>,
) -> AppResult<Response> {
    parindex_db::campaigns::get(&state.db, campaign_id).await?;
    let level = Level::parse(&f.level).ok_or(AppError::BadRequest("level-invalid"))?;
    let l = level.as_str();
    let mut errors: Vec<(String, &'static str)> = Vec::new();
    let name = text::clean(&f.name);
    if name.is_empty() || name.chars().count() > 200 {
        errors.push((format!("support-name-{l}"), "support-name-invalid"));
    }
    let phone = phone::normalize(&f.phone);
    if phone.is_err() {
        errors.push((format!("support-phone-{l}"), "phone-invalid"));
    }
    let email = Email::parse(&f.email);
    if email.is_err() {
        errors.push((format!("support-email-{l}"), "email-invalid"));
    }
    if let (true, Ok(phone), Ok(email)) = (errors.is_empty(), phone, email) {
        let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
        let c = SupportContact {
            level,
            name,
            phone,
            email: email.to_string(),
        };
        contacts::set_support(&state.db, &ctx, campaign_id, &c).await?;
        return Ok(Redirect::to(&format!(
            "/admin/campaigns/{campaign_id}?done=saved#support"
        ))
        .into_response());
    }
    // Only a refused form needs the whole page again, with the errors and what was typed.
    let mut body = show_page(&state, &meta, &user, campaign_id, None).await?;
    for (field, key) in errors {
        body.page.error(&field, key);
    }
    for row in body.support.iter_mut().filter(|r| r.contact.level == level) {
        let typed = SupportContact {
            level,
            name: f.name.clone(),
            phone: f.phone.clone(),
            email: f.email.clone(),
        };
        *row = crate::campaigns::campaign::SupportRow::new(&meta, typed);
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}
