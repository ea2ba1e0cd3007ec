//! The support contacts per level (one MoHA officer for ministries, one for provinces), which every
//! unit page of that level shows.

use crate::auth::MohaAdmin;
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use parindex_db::contacts::{self, SupportContact};
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
    Path(campaign_id): Path<i64>,
    Form(f): Form<SupportForm>,
) -> AppResult<Redirect> {
    parindex_db::campaigns::get(&state.db, campaign_id).await?;
    let level = Level::parse(&f.level).ok_or(AppError::BadRequest("level-invalid"))?;
    let name = text::clean(&f.name);
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::BadRequest("support-name-invalid"));
    }
    let phone = phone::normalize(&f.phone).map_err(|_| AppError::BadRequest("phone-invalid"))?;
    let email = Email::parse(&f.email).map_err(|_| AppError::BadRequest("email-invalid"))?;
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    let c = SupportContact {
        level: level.as_str().into(),
        name,
        phone,
        email: email.to_string(),
    };
    contacts::set_support(&state.db, &ctx, campaign_id, &c).await?;
    Ok(Redirect::to(&format!(
        "/admin/campaigns/{campaign_id}?done=saved#support"
    )))
}
