//! The API's interference findings of a campaign, for MoHA's own systems: each unit's risk, whether
//! it is flagged, its signals, and the decision in force. MoHA only.

use crate::auth::MohaStaff;
use crate::error::AppResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use parindex_db::{campaigns, integrity, units};
use parindex_domain::CampaignId;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// One signal seen in a unit's responses.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignalFinding {
    /// e.g. speeding, shared_browser, twins.
    pub signal: &'static str,
    /// Responses showing it, and their share of the unit's.
    pub count: u32,
    pub share: f64,
}

/// A unit's findings from the newest detection run.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitFindings {
    pub unit_id: i64,
    pub code: String,
    pub responses: u32,
    /// Enough responses to be compared with the others.
    pub scored: bool,
    pub risk: f64,
    pub flagged: bool,
    pub signals: Vec<SignalFinding>,
    /// MoHA's decision in force, if any: clear, warn or cancel.
    pub decision: Option<String>,
}

/// The campaign's findings, highest risk first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Findings {
    pub campaign_id: i64,
    pub units: Vec<UnitFindings>,
}

/// The newest interference findings of every unit with responses, and MoHA's decisions.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/integrity", tag = "integrity",
    summary = "The campaign's interference findings from the newest detection run: per unit its responses, risk, whether it is flagged, the signals seen and MoHA's decision in force. Never an answer or a respondent. MoHA staff only.",
    params(("campaign" = i64, Path, description = "The campaign's id")),
    responses((status = 200, description = "OK", body = Findings)),
    security(("session" = [])))]
pub async fn findings(
    State(state): State<AppState>,
    MohaStaff(_user): MohaStaff,
    Path(id): Path<CampaignId>,
) -> AppResult<Json<Findings>> {
    campaigns::get(&state.db, id).await?;
    let codes: HashMap<i64, String> = units::list(&state.db, id)
        .await?
        .into_iter()
        .map(|u| (u.id.get(), u.code))
        .collect();
    let decisions = integrity::in_force_all(&state.db, id).await?;
    let units = integrity::findings(&state.db, id)
        .await?
        .into_iter()
        .map(|a| UnitFindings {
            code: codes.get(&a.unit_id).cloned().unwrap_or_default(),
            decision: decisions
                .get(&parindex_domain::UnitId(a.unit_id))
                .map(|d| d.outcome.clone()),
            unit_id: a.unit_id,
            responses: a.responses,
            scored: a.scored,
            risk: a.risk,
            flagged: a.flagged,
            signals: a
                .findings
                .iter()
                .map(|f| SignalFinding {
                    signal: f.signal.code(),
                    count: f.count,
                    share: f.share,
                })
                .collect(),
        })
        .collect();
    Ok(Json(Findings {
        campaign_id: id.get(),
        units,
    }))
}
