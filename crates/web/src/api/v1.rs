//! Version 1 of the JSON API. The same extractors as the pages enforce who may read what.

use crate::auth::{Authenticated, MohaStaff, UnitOfficer, UnitReader};
use crate::error::AppResult;
use crate::meta::Meta;
use crate::service::appraisal::{Appraised, Viewer};
use crate::service::self_assessment::{Loaded, SaveOutcome, report_json, save_score};
use crate::state::AppState;
use crate::ui::unit_context::UnitContext;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use parindex_db::{campaigns, deadlines, units};
use serde_json::{Value, json};

pub async fn me(Authenticated(u): Authenticated) -> Json<Value> {
    Json(json!({
        "id": u.id, "username": u.username, "full_name": u.full_name, "email": u.email,
        "role": u.role, "unit_id": u.unit_id,
    }))
}

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

pub async fn self_assessment(
    State(state): State<AppState>,
    r: UnitReader,
) -> AppResult<Json<Value>> {
    Ok(Json(report_json(&state, r.unit_id).await?))
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ScoreBody {
    /// "1.25" or "1,25"; empty clears the score.
    pub score: String,
    pub explanation: String,
}

/// Saves one leaf's score through the same checks as the page: 200 with the leaf, or 422 with the
/// problems by field and nothing saved.
pub async fn save_self_score(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, code)): Path<(i64, String)>,
    Json(body): Json<ScoreBody>,
) -> AppResult<(StatusCode, Json<Value>)> {
    let l = Loaded::load(&state, o.unit_id).await?;
    match save_score(
        &state,
        &meta,
        &o.user,
        &l,
        &code,
        &body.score,
        &body.explanation,
    )
    .await?
    {
        SaveOutcome::Saved(leaf) => Ok((StatusCode::OK, Json(json!({ "leaf": leaf })))),
        SaveOutcome::Invalid(problems) => {
            let fields: serde_json::Map<String, Value> = problems
                .iter()
                .map(|(f, m)| ((*f).to_string(), Value::String(m.clone())))
                .collect();
            let message = meta.lang.t("error-bad-input");
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(
                    json!({ "error": { "code": "invalid", "message": message, "fields": fields } }),
                ),
            ))
        }
    }
}

/// The unit's appraisal: MoHA sees every decision as it stands; the unit sees round 1 once it was
/// sent and round 2 once final, exactly as its pages do.
pub async fn appraisal(State(state): State<AppState>, r: UnitReader) -> AppResult<Json<Value>> {
    let a = Appraised::load(&state, r.unit_id).await?;
    let moha = parindex_domain::Role::is_moha(r.user.role);
    Ok(Json(a.json(if moha { Viewer::Moha } else { Viewer::Unit })))
}

/// The unit's survey progress: counts per group and organisation, never an answer.
pub async fn survey_progress(
    State(state): State<AppState>,
    r: UnitReader,
) -> AppResult<Json<Value>> {
    let unit = units::get(&state.db, r.unit_id).await?;
    let opened_at = parindex_db::survey::opened_at(&state.db, r.unit_id).await?;
    let rows = parindex_db::survey_progress::by_group(&state.db, r.unit_id).await?;
    let completed = parindex_db::survey_progress::completion_times(&state.db, r.unit_id).await?;
    Ok(Json(json!({
        "unit_id": unit.id,
        "opened_at_ms": opened_at,
        "rows": rows,
        "completions_ms": completed,
    })))
}
