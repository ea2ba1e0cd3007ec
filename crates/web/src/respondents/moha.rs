//! MoHA and the respondent lists: the national view (every unit's list state and counts per group,
//! and people listed by two units), the summary as .xlsx, the review of a sent list (accept, or
//! return with a comment), and decisions on the units' group exceptions.

use crate::auth::MohaStaff;
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::respondents::list::refused_in_place;
use crate::service::respondents::{Loaded, stale};
use crate::state::AppState;
use crate::ui::group_name::group_name;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::respondents as store;
use parindex_db::{campaigns, units};
use parindex_domain::Level;
use parindex_domain::respondents::{
    Group, ListRefusal, ListState, Review, ReviewError, may_decide_exception, may_review, review,
};
use parindex_domain::text;
use parindex_domain::{CampaignId, UnitId};
use parindex_import::respondents_export::{self, SummaryRow};
use std::collections::HashMap;

pub struct UnitRow {
    pub unit_id: UnitId,
    pub name: String,
    pub state: String,
    pub state_label: String,
    pub total: i64,
    /// Counts in the order of the level's groups.
    pub counts: Vec<i64>,
}

pub struct LevelTable {
    pub level: String,
    pub groups: Vec<Group>,
    pub units: Vec<UnitRow>,
}

pub struct Duplicate {
    pub email: String,
    /// (unit name, person name, group)
    pub listings: Vec<(String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "respondents_national.html")]
pub struct NationalPage {
    pub page: Page,
    pub campaign_id: CampaignId,
    pub levels: Vec<LevelTable>,
    pub duplicates: Vec<Duplicate>,
}

async fn tables(
    state: &AppState,
    meta: &Meta,
    campaign_id: CampaignId,
) -> AppResult<Vec<LevelTable>> {
    let groups = store::groups(&state.db, campaign_id).await?;
    let counts = store::national(&state.db, campaign_id).await?;
    let mut by_unit: HashMap<UnitId, (String, HashMap<String, i64>)> = HashMap::new();
    for (unit, list_state, group, n) in counts {
        let e = by_unit.entry(unit).or_insert((list_state, HashMap::new()));
        if !group.is_empty() {
            e.1.insert(group, n);
        }
    }
    let all = units::list(&state.db, campaign_id).await?;
    let mut out = Vec::new();
    for level in Level::ALL {
        let gs = groups.for_level(level.as_str()).to_vec();
        let mut rows: Vec<UnitRow> = all
            .iter()
            .filter(|u| u.level == level)
            .map(|u| {
                let (st, c) = by_unit
                    .get(&u.id)
                    .cloned()
                    .unwrap_or(("draft".into(), HashMap::new()));
                let counts: Vec<i64> = gs
                    .iter()
                    .map(|g| c.get(&g.code).copied().unwrap_or(0))
                    .collect();
                UnitRow {
                    unit_id: u.id,
                    name: u.short_name.clone(),
                    state_label: meta.lang.t(&format!("rl-state-{st}")),
                    state: st,
                    total: counts.iter().sum(),
                    counts,
                }
            })
            .collect();
        rows.sort_by(|a, b| text::compare_titles(&a.name, &b.name));
        out.push(LevelTable {
            level: level.to_string(),
            groups: gs,
            units: rows,
        });
    }
    Ok(out)
}

pub async fn national(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(campaign_id): Path<CampaignId>,
) -> AppResult<NationalPage> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let levels = tables(&state, &meta, campaign_id).await?;
    let units: HashMap<UnitId, units::Unit> = units::list(&state.db, campaign_id)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let groups = store::groups(&state.db, campaign_id).await?;
    let mut duplicates: Vec<Duplicate> = Vec::new();
    for (email, unit, person, group) in store::cross_unit_duplicates(&state.db, campaign_id).await?
    {
        let (name, group) = match units.get(&unit) {
            Some(u) => (
                u.short_name.clone(),
                group_name(meta.lang, groups.for_level(u.level.as_str()), &group),
            ),
            None => (String::new(), group),
        };
        let listing = (name, person, group);
        match duplicates.last_mut() {
            Some(d) if d.email == email => d.listings.push(listing),
            _ => duplicates.push(Duplicate {
                email,
                listings: vec![listing],
            }),
        }
    }
    let mut page = Page::new(&meta, &user, "rl-national-title");
    page.title = format!("{} · {}", page.t("rl-national-title"), campaign.year);
    Ok(NationalPage {
        page,
        campaign_id,
        levels,
        duplicates,
    })
}

pub async fn summary(
    State(state): State<AppState>,
    meta: Meta,
    _staff: MohaStaff,
    Path(campaign_id): Path<CampaignId>,
) -> AppResult<Response> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let levels = tables(&state, &meta, campaign_id).await?;
    let mut groups: Vec<(String, String)> = Vec::new();
    let mut rows = Vec::new();
    for t in &levels {
        for g in &t.groups {
            groups.push((format!("{}:{}", t.level, g.code), g.name_vi.clone()));
        }
        for u in &t.units {
            rows.push(SummaryRow {
                unit: u.name.clone(),
                level: meta.lang.t(&format!("level-{}", t.level)),
                state: u.state_label.clone(),
                counts: t
                    .groups
                    .iter()
                    .zip(u.counts.iter())
                    .map(|(g, n)| (format!("{}:{}", t.level, g.code), *n))
                    .collect(),
            });
        }
    }
    let bytes = respondents_export::summary(&groups, &rows)
        .map_err(|e| AppError::internal("summary", e))?;
    Ok(crate::ui::download::xlsx(
        &format!("tong-hop-danh-sach-{}.xlsx", campaign.year),
        bytes,
    ))
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    pub decision: String,
    pub comment: String,
    pub group: String,
}

pub async fn review_list(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(unit_id): Path<UnitId>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    // Only the unit's campaign and its list's state matter here.
    let unit = units::get(&state.db, unit_id).await?;
    let list = store::list(&state.db, unit_id).await?;
    let decision = match f.decision.as_str() {
        "accept" => Review::Accept,
        "return" => Review::Return,
        _ => return Err(AppError::BadRequest("rl-decision-required")),
    };
    let role = user.role;
    may_review(list.state, role).map_err(|e| match e {
        ListRefusal::WrongRole => AppError::Forbidden,
        other => AppError::BadRequest(other.message_key()),
    })?;
    let comment = text::clean(&f.comment);
    let to = match review(list.state, decision, &comment) {
        Ok(to) => to,
        Err(ReviewError::WrongState) => return Err(AppError::BadRequest("rl-wrong-state")),
        Err(ReviewError::CommentRequired) => {
            let l = Loaded::load(&state, unit_id).await?;
            return Ok(refused_in_place(
                &meta,
                &user,
                &l,
                "review-comment",
                "sa-comment-required",
                vec![("review-comment".into(), f.comment)],
            ));
        }
    };
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    store::transition(
        &state.db,
        &ctx,
        unit.campaign_id,
        unit_id,
        ListState::Sent,
        to,
        &comment,
    )
    .await
    .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "/unit/{unit_id}/respondents?done=rl-{}",
        to.as_str()
    ))
    .into_response())
}

pub async fn decide_exception(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(unit_id): Path<UnitId>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    let unit = units::get(&state.db, unit_id).await?;
    let accept = match f.decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("rl-decision-required")),
    };
    let role = user.role;
    let pending = store::exceptions(&state.db, unit_id)
        .await?
        .into_iter()
        .find(|e| e.group == f.group)
        .ok_or(AppError::BadRequest("rl-unknown-group"))?;
    may_decide_exception(pending.state, role).map_err(|e| match e {
        ListRefusal::WrongRole => AppError::Forbidden,
        other => AppError::BadRequest(other.message_key()),
    })?;
    let comment = text::clean(&f.comment);
    if !accept && comment.chars().count() < 5 {
        let l = Loaded::load(&state, unit_id).await?;
        let field = format!("decide-comment-{}", f.group);
        return Ok(refused_in_place(
            &meta,
            &user,
            &l,
            &field,
            "sa-comment-required",
            vec![(field.clone(), f.comment)],
        ));
    }
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    store::decide_exception(
        &state.db,
        &ctx,
        unit.campaign_id,
        unit_id,
        &f.group,
        accept,
        &comment,
    )
    .await
    .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "/unit/{unit_id}/respondents?done=rl-exception-decided#groups"
    ))
    .into_response())
}
