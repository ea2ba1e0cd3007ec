//! The API's campaigns and units: every campaign with its deadlines and a campaign's units (MoHA),
//! and one unit with its campaign, deadlines and contacts (the unit's accounts and MoHA).

use crate::auth::{MohaStaff, UnitReader};
use crate::error::AppResult;
use crate::state::AppState;
use crate::ui::unit_context::UnitContext;
use axum::Json;
use axum::extract::{Path, State};
use parindex_db::{campaigns, deadlines, units};
use serde_json::{Value, json};

pub async fn campaigns(State(state): State<AppState>, _staff: MohaStaff) -> AppResult<Json<Value>> {
    let mut out = Vec::new();
    for c in campaigns::list(&state.db).await? {
        let dls: serde_json::Map<String, Value> = deadlines::for_campaign(&state.db, c.id)
            .await?
            .into_iter()
            .map(|(k, d)| (k, Value::String(d)))
            .collect();
        out.push(json!({
            "id": c.id, "year": c.year, "name_vi": c.name_vi, "name_en": c.name_en,
            "legal_basis": c.legal_basis, "deadlines": dls,
        }));
    }
    Ok(Json(json!({ "campaigns": out })))
}

pub async fn campaign_units(
    State(state): State<AppState>,
    _staff: MohaStaff,
    Path(id): Path<i64>,
) -> AppResult<Json<Value>> {
    campaigns::get(&state.db, id).await?;
    let list: Vec<Value> = units::list(&state.db, id)
        .await?
        .into_iter()
        .map(|u| unit_json(&u))
        .collect();
    Ok(Json(json!({ "units": list })))
}

fn unit_json(u: &units::Unit) -> Value {
    json!({
        "id": u.id, "campaign_id": u.campaign_id, "code": u.code, "level": u.level, "name": u.name,
        "short_name": u.short_name, "not_ranked": u.not_ranked,
        "email_domains": u.email_domains.split(',').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>(),
    })
}

pub async fn unit(State(state): State<AppState>, r: UnitReader) -> AppResult<Json<Value>> {
    let cx = UnitContext::load(&state, r.unit_id).await?;
    Ok(Json(json!({
        "unit": unit_json(&cx.unit),
        "campaign": { "id": cx.campaign.id, "year": cx.campaign.year, "name_vi": cx.campaign.name_vi,
                      "name_en": cx.campaign.name_en, "legal_basis": cx.campaign.legal_basis },
        "deadlines": cx.deadlines,
        "support_contact": cx.support,
        "focal_contacts": cx.focal.map(|f| f.contacts),
    })))
}
