//! The campaign's respondent groups: MoHA sees each level's groups and rules, downloads them in the
//! groups file format, and (administrators, before any list of the campaign has been sent) replaces
//! them with an edited file, so a later campaign changes its groups without code.

use crate::auth::{MohaAdmin, MohaStaff};
use crate::error::AppResult;
use crate::meta::Meta;
use crate::respondents::list::rule_text;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::users::User;
use parindex_db::{DbError, campaigns, respondents as store, setup};
use parindex_domain::CampaignId;
use parindex_domain::respondents::{GroupSet, groups};
use parindex_domain::setup::Change;

pub struct GroupLine {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub rule: String,
    pub priority: bool,
    pub stand_ins: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "respondent_groups.html")]
pub struct GroupsPage {
    pub page: Page,
    pub campaign_id: CampaignId,
    /// (level, groups)
    pub levels: Vec<(String, Vec<GroupLine>)>,
    pub is_admin: bool,
    /// A list of the campaign has been sent: the groups can no longer change.
    pub locked: bool,
    pub problems: Vec<String>,
}

/// Why the groups cannot be replaced now, as the setup rule says (a message key), if they cannot.
async fn groups_refusal(
    state: &AppState,
    campaign_id: CampaignId,
) -> AppResult<Option<&'static str>> {
    let started = setup::started(&state.db, setup::Scope::Campaign(campaign_id)).await?;
    Ok(parindex_domain::setup::may(Change::Groups, &started)
        .err()
        .map(|r| r.key()))
}

async fn page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    campaign_id: CampaignId,
    problems: Vec<String>,
) -> AppResult<GroupsPage> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let set = store::groups(&state.db, campaign_id).await?;
    let mut page = Page::new(meta, user, "rl-groups-title");
    page.title = format!("{} · {}", page.t("rl-groups-title"), campaign.year);
    let levels = ["ministry", "province"]
        .into_iter()
        .map(|level| {
            let lines = set
                .for_level(level)
                .iter()
                .map(|g| GroupLine {
                    code: g.code.clone(),
                    name_vi: g.name_vi.clone(),
                    name_en: g.name_en.clone(),
                    rule: rule_text(&page, g.rule),
                    priority: g.priority,
                    stand_ins: g.stand_ins,
                })
                .collect();
            (level.to_string(), lines)
        })
        .collect();
    Ok(GroupsPage {
        campaign_id,
        levels,
        is_admin: user.role == parindex_domain::Role::MohaAdmin,
        locked: groups_refusal(state, campaign_id).await?.is_some(),
        problems,
        page,
    })
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(campaign_id): Path<CampaignId>,
    Query(q): Query<DoneQuery>,
) -> AppResult<GroupsPage> {
    let mut p = page(&state, &meta, &user, campaign_id, Vec::new()).await?;
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

pub async fn download(
    State(state): State<AppState>,
    _staff: MohaStaff,
    Path(campaign_id): Path<CampaignId>,
) -> AppResult<Response> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let set = store::groups(&state.db, campaign_id).await?;
    Ok(crate::ui::download::attachment(
        "application/toml; charset=utf-8",
        &format!("groups-{}.toml", campaign.year),
        set.to_toml(),
    ))
}

pub async fn replace(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
    mp: Multipart,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    if let Some(key) = groups_refusal(&state, campaign_id).await? {
        let p = page(&state, &meta, &admin, campaign_id, vec![meta.lang.t(key)]).await?;
        return Ok((StatusCode::CONFLICT, p).into_response());
    }
    let text = crate::ui::upload::text_field(mp, "file").await?;
    let set: GroupSet = match groups::parse(&text) {
        Ok(s) if !s.ministry.is_empty() && !s.province.is_empty() => s,
        Ok(_) => {
            let p = page(
                &state,
                &meta,
                &admin,
                campaign_id,
                vec![meta.lang.t("rl-groups-both-levels")],
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
        }
        Err(problems) => {
            let p = page(&state, &meta, &admin, campaign_id, problems).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
        }
    };
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    if let Err(e) = store::set_groups(&state.db, &ctx, campaign_id, &set).await {
        let DbError::Refused(key) = e else {
            return Err(e.into());
        };
        let p = page(&state, &meta, &admin, campaign_id, vec![meta.lang.t(key)]).await?;
        return Ok((StatusCode::CONFLICT, p).into_response());
    }
    Ok(Redirect::to(&format!("/admin/campaigns/{campaign_id}/groups?done=saved")).into_response())
}
