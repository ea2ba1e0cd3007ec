//! MoHA's survey page for a campaign: opening the survey for every accepted respondent list (one
//! invitation e-mail per respondent, through the outbox), and the national progress table, sortable,
//! with an .xlsx export. A unit's row links to that unit's progress page.

use crate::auth::{MohaAdmin, MohaStaff};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::meta::Meta;
use crate::state::AppState;
use crate::survey::mail::unit_mail;
use crate::ui::download::xlsx_table;
use crate::ui::layout::Page;
use crate::ui::unit_context::UnitContext;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::survey_progress::{self, Counts, UnitTotals};
use parindex_db::users::User;
use parindex_db::{DbError, campaigns, survey};
use parindex_domain::{CampaignId, UnitId};
use parindex_import::sheet::Cell;

/// Completed as a share of invited, e.g. "86,9%" (Vietnamese) or "86.9%".
pub fn percent(lang: Lang, done: i64, of: i64) -> String {
    if of == 0 {
        return "—".into();
    }
    lang.decimal(&format!("{:.1}", done as f64 * 100.0 / of as f64)) + "%"
}

pub struct NationalRow {
    pub t: UnitTotals,
    pub percent: String,
    pub ready: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "survey_national.html")]
pub struct NationalPage {
    pub page: Page,
    pub campaign_id: CampaignId,
    pub rows: Vec<NationalRow>,
    pub is_admin: bool,
    pub ready: usize,
    pub open_note: String,
    pub sort: String,
    pub totals: Counts,
    pub total_percent: String,
    /// Why sending is delayed, with the relay's last error, while e-mails wait after failing.
    pub mail_delay: Option<String>,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct SortQuery {
    pub sort: Option<String>,
    pub done: Option<String>,
}

fn sorted(mut rows: Vec<UnitTotals>, sort: &str) -> Vec<UnitTotals> {
    let share = |t: &UnitTotals| {
        if t.counts.invited == 0 {
            -1.0
        } else {
            t.counts.completed as f64 / t.counts.invited as f64
        }
    };
    match sort {
        "completion" => rows.sort_by(|a, b| share(a).total_cmp(&share(b))),
        "failed" => rows.sort_by_key(|t| std::cmp::Reverse(t.counts.failed)),
        "name" => {
            rows.sort_by(|a, b| parindex_domain::text::compare_titles(&a.short_name, &b.short_name))
        }
        _ => {}
    }
    rows
}

fn is_ready(t: &UnitTotals) -> bool {
    t.opened_at.is_none()
        && t.list_state() == Some(parindex_domain::respondents::ListState::Accepted)
}

async fn national_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    campaign_id: CampaignId,
    sort: &str,
) -> AppResult<NationalPage> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let rows = sorted(
        survey_progress::national(&state.db, campaign_id).await?,
        sort,
    );
    let totals = Counts::total(rows.iter().map(|t| &t.counts));
    let rows: Vec<NationalRow> = rows
        .into_iter()
        .map(|t| NationalRow {
            percent: percent(meta.lang, t.counts.completed, t.counts.invited),
            ready: is_ready(&t),
            t,
        })
        .collect();
    let mut page = Page::new(meta, user, "svn-title");
    page.title = format!("{} · {}", page.t("svn-title"), campaign.year);
    let ready = rows.iter().filter(|r| r.ready).count();
    Ok(NationalPage {
        open_note: meta
            .lang
            .t_args("svn-open-note", &[("n", ready.to_string())]),
        page,
        campaign_id,
        ready,
        rows,
        is_admin: user.role == parindex_domain::Role::MohaAdmin,
        sort: sort.to_string(),
        total_percent: percent(meta.lang, totals.completed, totals.invited),
        totals,
        mail_delay: crate::survey::mail_delay::notice(state, meta.lang, None).await?,
    })
}

pub async fn national(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(campaign_id): Path<CampaignId>,
    Query(q): Query<SortQuery>,
) -> AppResult<NationalPage> {
    let sort = q.sort.unwrap_or_default();
    let mut p = national_page(&state, &meta, &user, campaign_id, &sort).await?;
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct OpenForm {
    pub confirm: Option<String>,
}

/// Opens the survey of every unit whose list is accepted and whose survey is not open yet.
pub async fn open(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
    Form(f): Form<OpenForm>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    if f.confirm.as_deref() != Some("yes") {
        let mut p = national_page(&state, &meta, &admin, campaign_id, "").await?;
        p.page.error("confirm", "svn-confirm-required");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    }
    let ready: Vec<UnitId> = survey_progress::national(&state.db, campaign_id)
        .await?
        .into_iter()
        .filter(is_ready)
        .map(|t| t.unit_id)
        .collect();
    // Refused before anything opens when links would have nowhere to point.
    crate::survey::mail::link_base(&state)?;
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    let mut missing_questionnaire = false;
    for unit_id in ready {
        let uc = UnitContext::load(&state, unit_id).await?;
        if parindex_db::questionnaires::sha(&state.db, campaign_id, uc.unit.level.as_str())
            .await?
            .is_none()
        {
            missing_questionnaire = true;
            continue;
        }
        let mail = unit_mail(&state, &uc)?;
        match survey::open_unit(&state.db, &ctx, campaign_id, unit_id, &|m| mail.compose(m)).await {
            Ok(_) | Err(DbError::Stale) | Err(DbError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let done = if missing_questionnaire {
        "survey-opened-partly"
    } else {
        "survey-opened"
    };
    Ok(Redirect::to(&format!(
        "/admin/campaigns/{campaign_id}/survey?done={done}"
    ))
    .into_response())
}

pub async fn export(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(_user): MohaStaff,
    Path(campaign_id): Path<CampaignId>,
) -> AppResult<Response> {
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let rows = survey_progress::national(&state.db, campaign_id).await?;
    let lang = meta.lang;
    let headers: Vec<String> = lang.t_each(&[
        "sv-col-unit",
        "sv-col-level",
        "sv-col-listed",
        "sv-col-invited",
        "sv-col-delivered",
        "sv-col-failed",
        "sv-col-opened",
        "sv-col-completed",
        "sv-col-percent",
    ]);
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|t| {
            vec![
                t.short_name.as_str().into(),
                lang.t(&format!("level-{}", t.level)).into(),
                t.counts.listed.into(),
                t.counts.invited.into(),
                t.counts.delivered.into(),
                t.counts.failed.into(),
                t.counts.opened.into(),
                t.counts.completed.into(),
                percent(lang, t.counts.completed, t.counts.invited).into(),
            ]
        })
        .collect();
    let name = format!("tien-do-khao-sat-{}.xlsx", campaign.year);
    xlsx_table(&name, &lang.t("svn-sheet"), &headers, &cells)
}
