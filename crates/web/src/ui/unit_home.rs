//! A unit's start page: its campaign and legal basis, the deadlines that apply to it (extensions
//! included), the support contact of its level, and its focal contacts.

use crate::auth::UnitReader;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use crate::ui::unit_context::UnitContext;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};

#[derive(Template, WebTemplate)]
#[template(path = "unit_home.html")]
pub struct UnitHomePage {
    pub page: Page,
    pub cx: UnitContext,
    pub campaign_name: String,
    pub can_edit_focal: bool,
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Query(q): Query<DoneQuery>,
) -> AppResult<UnitHomePage> {
    let cx = UnitContext::load(&state, r.unit_id).await?;
    let page = Page::new(&meta, &r.user, "unit-home-title")
        .with_notice(q.done.as_deref())
        .with_title(cx.unit.name.clone());
    let campaign_name = crate::ui::unit_context::campaign_title(&meta, &cx.campaign);
    let can_edit_focal = r.user.role == parindex_domain::Role::UnitOfficer;
    Ok(UnitHomePage {
        page,
        cx,
        campaign_name,
        can_edit_focal,
    })
}
