//! MoHA's view of every unit's self-assessment in a campaign: its stage (not started, in progress,
//! awaiting approval, approved, submitted, in appraisal, explaining, final), how many self-assessed
//! leaves are complete, and the self-scored points, with a way into each unit's appraisal.

use crate::auth::MohaStaff;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use parindex_db::{appraisals, campaigns, criteria_sets, evidence, self_assessments, units};
use parindex_domain::appraisal::Stage;
use parindex_domain::criteria::{CriteriaSet, Method};
use parindex_domain::self_assessment::{LeafEntry, LeafStatus, State as SaState, leaf_status};
use parindex_domain::{Level, Points, text};
use std::collections::HashMap;

pub struct Row {
    pub unit_id: i64,
    pub name: String,
    pub level: String,
    pub stage: String,
    pub stage_label: String,
    pub complete: usize,
    pub total: usize,
    pub points: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sa_dashboard.html")]
pub struct DashboardPage {
    pub page: Page,
    pub campaign_id: i64,
    pub rows: Vec<Row>,
    /// (stage, label, count)
    pub totals: Vec<(String, String, usize)>,
}

pub const STAGES: [&str; 8] = [
    "not_started",
    "in_progress",
    "awaiting_approval",
    "approved",
    "submitted",
    "in_appraisal",
    "explaining",
    "final",
];

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(id): Path<i64>,
) -> AppResult<DashboardPage> {
    let campaign = campaigns::get(&state.db, id).await?;
    let mut sets: HashMap<Level, std::sync::Arc<CriteriaSet>> = HashMap::new();
    for (level, stored) in criteria_sets::pinned(&state.db, id).await? {
        sets.insert(level, state.criteria_tree(stored.id).await?);
    }
    let appraised = appraisals::stages(&state.db, id).await?;
    let mut rows = Vec::new();
    for u in units::list(&state.db, id).await? {
        let report = self_assessments::report(&state.db, u.id).await?;
        let leaves = self_assessments::leaves(&state.db, u.id).await?;
        let ev = evidence::counts(&state.db, u.id).await?;
        let self_leaves: Vec<_> = sets
            .get(&u.level)
            .map(|s| {
                s.leaves()
                    .into_iter()
                    .filter(|l| l.method == Some(Method::SelfAssessed))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let entry = |code: &str| LeafEntry {
            score: leaves.get(code).and_then(|l| l.score),
            explanation: leaves
                .get(code)
                .map(|l| l.explanation.clone())
                .unwrap_or_default(),
            evidence_count: ev.get(code).copied().unwrap_or(0),
        };
        let complete = self_leaves
            .iter()
            .filter(|l| leaf_status(&entry(&l.code)) == LeafStatus::Complete)
            .count();
        let points: Points = self_leaves
            .iter()
            .filter_map(|l| entry(&l.code).score)
            .sum();
        let stage = match report.state {
            SaState::Draft if leaves.is_empty() && ev.is_empty() => "not_started",
            SaState::Draft => "in_progress",
            SaState::Submitted => match appraised.get(&u.id) {
                Some(Stage::Round1 | Stage::Round2) => "in_appraisal",
                Some(Stage::Explaining) => "explaining",
                Some(Stage::Final) => "final",
                None => "submitted",
            },
            other => other.as_str(),
        };
        rows.push(Row {
            unit_id: u.id,
            name: u.short_name.clone(),
            level: u.level.to_string(),
            stage: stage.to_string(),
            stage_label: meta.lang.t(&format!("sa-stage-{stage}")),
            complete,
            total: self_leaves.len(),
            points: meta.lang.decimal(&points.to_fixed()),
        });
    }
    rows.sort_by(|a, b| {
        a.level
            .cmp(&b.level)
            .then_with(|| text::compare_titles(&a.name, &b.name))
    });
    let totals = STAGES
        .iter()
        .map(|s| {
            (
                s.to_string(),
                meta.lang.t(&format!("sa-stage-{s}")),
                rows.iter().filter(|r| r.stage == *s).count(),
            )
        })
        .collect();
    let mut page = Page::new(&meta, &user, "sa-dashboard-title");
    page.title = format!("{} · {}", page.t("sa-dashboard-title"), campaign.year);
    Ok(DashboardPage {
        page,
        campaign_id: id,
        rows,
        totals,
    })
}
