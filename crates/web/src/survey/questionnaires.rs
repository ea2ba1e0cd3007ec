//! The campaign's survey questionnaires for MoHA: each level's questionnaires with their question
//! counts, a preview of each exactly as a respondent will see it (nothing can be submitted from it),
//! and, for administrators, loading a level's questionnaire file, checked against the pinned criteria
//! set and the campaign's groups with every problem listed.

use crate::auth::{MohaAdmin, MohaStaff};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::users::User;
use parindex_db::{DbError, campaigns, criteria_sets, questionnaires, respondents, setup};
use parindex_domain::CampaignId;
use parindex_domain::setup::Change;
use parindex_domain::survey;

pub struct QuestionnaireRow {
    pub group: String,
    pub name: String,
    pub questions: usize,
}

pub struct LevelRow {
    pub level: String,
    pub loaded: bool,
    pub illustrative: bool,
    pub criteria_set: String,
    pub rows: Vec<QuestionnaireRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "questionnaires.html")]
pub struct OverviewPage {
    pub page: Page,
    pub campaign_id: CampaignId,
    pub levels: Vec<LevelRow>,
    pub is_admin: bool,
    pub problems: Vec<String>,
    /// What a person would notice in the loaded questionnaires (questions that read the same).
    pub warnings: Vec<String>,
}

async fn overview_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    campaign_id: CampaignId,
    problems: Vec<String>,
) -> AppResult<OverviewPage> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let groups = respondents::groups(&state.db, campaign_id).await?;
    let mut levels = Vec::new();
    let mut warnings = Vec::new();
    for level in ["ministry", "province"] {
        let q = questionnaires::get(&state.db, campaign_id, level).await?;
        if let Some(q) = &q {
            warnings.extend(
                survey::same_texts(q)
                    .iter()
                    .map(|w| meta.lang.say(&w.message())),
            );
        }
        let rows = groups
            .for_level(level)
            .iter()
            .map(|g| QuestionnaireRow {
                group: g.code.clone(),
                name: g.name_vi.clone(),
                questions: q
                    .as_ref()
                    .and_then(|q| q.for_group(&g.code))
                    .map_or(0, |qn| qn.questions.len()),
            })
            .collect();
        levels.push(LevelRow {
            level: level.to_string(),
            loaded: q.is_some(),
            illustrative: q.as_ref().is_some_and(|q| q.set.illustrative),
            criteria_set: q.map(|q| q.set.criteria_set).unwrap_or_default(),
            rows,
        });
    }
    let mut page = Page::new(meta, user, "qn-title");
    page.title = format!("{} · {}", page.t("qn-title"), campaign.year);
    Ok(OverviewPage {
        page,
        campaign_id,
        levels,
        is_admin: user.role == parindex_domain::Role::MohaAdmin,
        problems,
        warnings,
    })
}

pub async fn overview(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(campaign_id): Path<CampaignId>,
    Query(q): Query<DoneQuery>,
) -> AppResult<OverviewPage> {
    let mut p = overview_page(&state, &meta, &user, campaign_id, Vec::new()).await?;
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

pub struct PreviewOption {
    pub key: String,
    pub label: String,
}

pub struct PreviewQuestion {
    pub code: String,
    pub text: String,
    pub options: Vec<PreviewOption>,
}

#[derive(Template, WebTemplate)]
#[template(path = "questionnaire_preview.html")]
pub struct PreviewPage {
    pub page: Page,
    pub campaign_id: CampaignId,
    pub illustrative: bool,
    pub title: String,
    pub intro: String,
    pub questions: Vec<PreviewQuestion>,
    /// This questionnaire's questions that read the same as an earlier one.
    pub warnings: Vec<String>,
}

pub async fn preview(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path((campaign_id, level, group)): Path<(CampaignId, String, String)>,
) -> AppResult<PreviewPage> {
    campaigns::get(&state.db, campaign_id).await?;
    let set = questionnaires::get(&state.db, campaign_id, &level)
        .await?
        .ok_or(AppError::NotFound)?;
    let qn = set.for_group(&group).ok_or(AppError::NotFound)?;
    let pick = |vi: &str, en_text: &str| meta.lang.pick(vi, en_text);
    let questions = qn
        .questions
        .iter()
        .map(|q| PreviewQuestion {
            code: q.code.clone(),
            text: pick(&q.text_vi, &q.text_en),
            options: set
                .options(q)
                .iter()
                .map(|o| PreviewOption {
                    key: o.key.clone(),
                    label: pick(&o.label_vi, &o.label_en),
                })
                .collect(),
        })
        .collect();
    let warnings = survey::same_texts(&set)
        .iter()
        .filter(|w| w.group == group)
        .map(|w| meta.lang.say(&w.message()))
        .collect();
    let title = pick(&qn.title_vi, &qn.title_en);
    let mut page = Page::new(&meta, &user, "qn-preview");
    page.title = title.clone();
    Ok(PreviewPage {
        page,
        campaign_id,
        illustrative: set.set.illustrative,
        intro: pick(&qn.intro_vi, &qn.intro_en),
        title,
        questions,
        warnings,
    })
}

/// The overview again, saying why the questionnaires cannot be loaded now.
async fn locked(
    state: &AppState,
    meta: &Meta,
    admin: &User,
    campaign_id: CampaignId,
    key: &str,
) -> AppResult<Response> {
    let body = overview_page(state, meta, admin, campaign_id, vec![meta.lang.t(key)]).await?;
    Ok((StatusCode::CONFLICT, body).into_response())
}

pub async fn load(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
    mp: Multipart,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let text = crate::ui::upload::text_field(mp, "file").await?;
    let say = |p: &survey::QuestionnaireProblem| meta.lang.say(&p.message());
    let set = match survey::parse(&text) {
        Ok(s) => s,
        Err(p) => {
            let body = overview_page(&state, &meta, &admin, campaign_id, vec![say(&p)]).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
        }
    };
    // Said before the file's own problems, which are moot while loading is refused; the database
    // applies the same rule again when it stores the set.
    let scope = setup::Scope::Level(campaign_id, &set.set.level);
    let started = setup::started(&state.db, scope).await?;
    if let Err(refusal) = parindex_domain::setup::may(Change::Questionnaires, &started) {
        return locked(&state, &meta, &admin, campaign_id, refusal.key()).await;
    }
    let pinned = criteria_sets::pinned(&state.db, campaign_id)
        .await?
        .into_iter()
        .find(|(l, _)| l.as_str() == set.set.level)
        .map(|(_, s)| s)
        .ok_or(AppError::BadRequest("sa-no-criteria-set"))?;
    let criteria = state.criteria_tree(pinned.id).await?;
    let groups = respondents::groups(&state.db, campaign_id).await?;
    let problems = survey::check(&set, &criteria, groups.for_level(&set.set.level));
    if !problems.is_empty() {
        let body = overview_page(
            &state,
            &meta,
            &admin,
            campaign_id,
            problems.iter().map(say).collect(),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    match questionnaires::set(&state.db, &ctx, campaign_id, &set).await {
        Err(DbError::Refused(key)) => return locked(&state, &meta, &admin, campaign_id, key).await,
        other => other?,
    }
    Ok(Redirect::to(&format!(
        "/admin/campaigns/{campaign_id}/questionnaires?done=saved"
    ))
    .into_response())
}
