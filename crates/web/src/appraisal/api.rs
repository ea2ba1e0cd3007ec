//! The API's appraisal of one unit, shown to each side as its pages show it.

use crate::auth::UnitReader;
use crate::error::AppResult;
use crate::service::appraisal::{Appraised, Viewer};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use parindex_db::appraisals::Decided;
use parindex_domain::Points;
use serde::Serialize;
use utoipa::ToSchema;

/// One round's decision on a leaf.
#[derive(Debug, Serialize, ToSchema)]
pub struct Decision {
    #[schema(schema_with = crate::api::schema::verdict)]
    pub verdict: &'static str,
    #[schema(value_type = String)]
    pub score: Points,
    pub comment: String,
}

impl From<&Decided> for Decision {
    fn from(d: &Decided) -> Decision {
        Decision {
            verdict: d.verdict.as_str(),
            score: d.score,
            comment: d.comment.clone(),
        }
    }
}

/// One self-assessed leaf's history through the appraisal.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppraisedLeaf {
    pub code: String,
    #[schema(value_type = String)]
    pub max: Points,
    #[schema(value_type = Option<String>)]
    pub self_score: Option<Points>,
    pub round1: Option<Decision>,
    /// The unit's explanation; null for MoHA until the unit sent it.
    pub explanation: Option<String>,
    pub round2: Option<Decision>,
    /// The score as it stands for the caller: the last visible decision, else the self score.
    #[schema(value_type = Option<String>)]
    pub score: Option<Points>,
}

/// MoHA's appraisal of a unit's submitted self-assessment, as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Appraisal)]
pub struct AppraisalView {
    pub unit_id: i64,
    pub submitted: bool,
    #[schema(schema_with = crate::api::schema::stage_or_null)]
    pub stage: Option<&'static str>,
    /// ISO day the unit's explanations are due.
    #[schema(format = Date)]
    pub explain_due: Option<String>,
    #[schema(value_type = String)]
    pub self_points: Points,
    #[schema(value_type = String)]
    pub points: Points,
    pub leaves: Vec<AppraisedLeaf>,
}

impl AppraisalView {
    /// The appraisal as `viewer` may see it, exactly as the pages show it.
    fn of(a: &Appraised, viewer: Viewer) -> AppraisalView {
        let leaves =
            a.sa.self_leaves()
                .into_iter()
                .map(|n| {
                    let l = a.leaf(&n.code);
                    let (r1, r2) = a.visible(l, viewer);
                    AppraisedLeaf {
                        code: n.code.clone(),
                        max: n.max,
                        self_score: a.self_score(&n.code),
                        round1: r1.map(Decision::from),
                        explanation: a.explanation_visible(viewer).then(|| l.explanation.clone()),
                        round2: r2.map(Decision::from),
                        score: a.current(&n.code, viewer),
                    }
                })
                .collect();
        let (own, now) = a.totals(viewer);
        AppraisalView {
            unit_id: a.sa.cx.unit.id.get(),
            submitted: a.submitted(),
            stage: a.submitted().then_some(a.ap.stage.as_str()),
            explain_due: a.ap.explain_due.clone(),
            self_points: own,
            points: now,
            leaves,
        }
    }
}

/// The unit's appraisal: MoHA sees every decision as it stands; the unit sees round 1 once it was
/// sent and round 2 once final, exactly as its pages do.
#[utoipa::path(get, path = "/api/v1/units/{unit}/appraisal", tag = "appraisal",
    summary = "MoHA's appraisal of the unit's submitted self-assessment: the stage and every self-assessed leaf's history. MoHA staff see every decision as it stands; the unit's accounts see round 1 once it was sent to them and round 2 once final.",
    params(("unit" = i64, Path, description = "The unit's id")),
    responses((status = 200, description = "OK", body = AppraisalView)),
    security(("session" = [])))]
pub async fn appraisal(
    State(state): State<AppState>,
    r: UnitReader,
) -> AppResult<Json<AppraisalView>> {
    let a = Appraised::load(&state, r.unit_id).await?;
    let moha = parindex_domain::Role::is_moha(r.user.role);
    Ok(Json(AppraisalView::of(
        &a,
        if moha { Viewer::Moha } else { Viewer::Unit },
    )))
}
