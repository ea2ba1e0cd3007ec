//! MoHA's view of every unit's self-assessment in a campaign: its stage (not started, in progress,
//! awaiting approval, approved, submitted, in appraisal, explaining, final), how many self-assessed
//! leaves are complete, and the self-scored points, with a way into each unit's appraisal.

use crate::auth::MohaStaff;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::service::self_assessment_progress::{self, UnitProgress};
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use parindex_domain::self_assessment::Progress;
use parindex_domain::{CampaignId, UnitId};

pub struct Row {
    pub unit_id: UnitId,
    pub name: String,
    pub level: String,
    pub stage: &'static str,
    pub stage_label: String,
    pub complete: usize,
    pub total: usize,
    pub points: String,
    /// The way into MoHA's appraisal, once the report is submitted: "open" or "view".
    pub appraisal: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "sa_dashboard.html")]
pub struct DashboardPage {
    pub page: Page,
    pub campaign_id: CampaignId,
    pub rows: Vec<Row>,
    /// (stage, label, count)
    pub totals: Vec<(&'static str, String, usize)>,
}

impl Row {
    fn of(meta: &Meta, u: UnitProgress) -> Row {
        let appraisal = match u.progress {
            Progress::Submitted | Progress::InAppraisal => Some(meta.lang.t("ap-open")),
            Progress::Explaining | Progress::Final => Some(meta.lang.t("ap-view")),
            _ => None,
        };
        Row {
            unit_id: u.unit_id,
            name: u.short_name,
            level: u.level.to_string(),
            stage: u.progress.as_str(),
            stage_label: meta.lang.t(&format!("sa-stage-{}", u.progress.as_str())),
            complete: u.complete,
            total: u.total,
            points: meta.lang.decimal(&u.points.to_fixed()),
            appraisal,
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(id): Path<CampaignId>,
) -> AppResult<DashboardPage> {
    let progress = self_assessment_progress::load(&state, id).await?;
    let totals = progress
        .totals()
        .into_iter()
        .map(|(p, n)| {
            (
                p.as_str(),
                meta.lang.t(&format!("sa-stage-{}", p.as_str())),
                n,
            )
        })
        .collect();
    let mut page = Page::new(&meta, &user, "sa-dashboard-title");
    page.title = format!("{} · {}", page.t("sa-dashboard-title"), progress.year);
    Ok(DashboardPage {
        page,
        campaign_id: id,
        rows: progress
            .units
            .into_iter()
            .map(|u| Row::of(&meta, u))
            .collect(),
        totals,
    })
}
