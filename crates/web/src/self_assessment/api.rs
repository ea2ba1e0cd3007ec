//! The API's self-assessment: the unit's report as it stands, and saving one leaf's score through
//! the same checks as the page.

use crate::api::error_body::ValidationError;
use crate::auth::{UnitOfficer, UnitReader};
use crate::error::AppResult;
use crate::meta::Meta;
use crate::service::self_assessment::{Loaded, SaveOutcome, find_leaf, save_score};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use parindex_domain::Points;
use parindex_domain::UnitId;
use parindex_domain::criteria::{Method, Node};
use parindex_domain::self_assessment::{self as sa, LeafEntry};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One criterion leaf of the report, with the unit's score and explanation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Leaf {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    #[schema(value_type = String, example = "2.00")]
    pub max: Points,
    #[schema(schema_with = crate::api::schema::method_or_null)]
    pub method: Option<&'static str>,
    #[schema(value_type = Option<String>)]
    pub score: Option<Points>,
    pub explanation: String,
    pub evidence_count: usize,
    #[schema(schema_with = crate::api::schema::leaf_status_or_null)]
    pub status: Option<&'static str>,
}

impl Leaf {
    fn of(n: &Node, e: LeafEntry) -> Leaf {
        let is_self = n.method == Some(Method::SelfAssessed);
        Leaf {
            code: n.code.clone(),
            name_vi: n.name_vi.clone(),
            name_en: n.name_en.clone(),
            max: n.max,
            method: n.method.map(Method::as_str),
            status: is_self.then(|| sa::leaf_status(&e).as_str()),
            score: e.score,
            explanation: e.explanation,
            evidence_count: e.evidence_count,
        }
    }
}

/// The unit's report as it stands.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SelfAssessment)]
pub struct Report {
    pub unit_id: i64,
    #[schema(schema_with = crate::api::schema::report_state)]
    pub state: &'static str,
    /// Whether the self-assessment deadline is still open for the unit.
    pub open: bool,
    /// Whether the unit's officers may change scores now.
    pub editable: bool,
    /// Whether every self-assessed leaf is ready to send.
    pub complete: bool,
    pub leader_comment: String,
    pub difficulties: String,
    pub leaves: Vec<Leaf>,
}

/// The unit's self-assessment: state, and every leaf with its score, explanation and status.
#[utoipa::path(get, path = "/api/v1/units/{unit}/self-assessment", tag = "self-assessment",
    summary = "The unit's self-assessment: state, and every leaf with its score, explanation and status (MoHA staff or the unit's own accounts)",
    params(("unit" = i64, Path, description = "The unit's id")),
    responses((status = 200, description = "OK", body = Report)),
    security(("session" = [])))]
pub async fn self_assessment(
    State(state): State<AppState>,
    r: UnitReader,
) -> AppResult<Json<Report>> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let leaves = l
        .set
        .leaves()
        .into_iter()
        .map(|n| Leaf::of(n, l.entry(&n.code)))
        .collect();
    Ok(Json(Report {
        unit_id: l.cx.unit.id.get(),
        state: l.report.state.as_str(),
        open: l.open,
        editable: l.editable(),
        complete: l.complete(),
        leader_comment: l.report.leader_comment.clone(),
        difficulties: l.report.difficulties.clone(),
        leaves,
    }))
}

#[derive(Debug, Deserialize, Default, ToSchema)]
#[serde(default)]
pub struct ScoreBody {
    /// Points with up to 2 decimals, e.g. "1.25" or "1,25"; empty clears the score.
    pub score: String,
    pub explanation: String,
}

/// The leaf as it is after a save.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    pub leaf: Leaf,
}

/// Saves one leaf's score through the same checks as the page: 200 with the leaf, or 422 with the
/// problems by field and nothing saved.
#[utoipa::path(post, path = "/api/v1/units/{unit}/self-assessment/leaves/{code}", tag = "self-assessment",
    summary = "Save one self-assessed leaf's score and explanation (the unit's officers, while the report is a draft and the deadline open). Send an Origin header matching the server, as browsers do.",
    params(
        ("unit" = i64, Path, description = "The unit's id"),
        ("code" = String, Path, description = "The leaf's code", example = "1.1.1"),
    ),
    request_body = ScoreBody,
    responses(
        (status = 200, description = "Saved; the leaf as it is now", body = Saved),
        (status = 409, description = "The self-assessment deadline has passed", body = crate::api::error_body::ErrorBody),
        (status = 413, description = "The body is over the size limit; nothing saved", body = crate::api::error_body::ErrorBody),
        (status = 422, description = "Invalid input, by field; nothing saved", body = ValidationError),
        (status = 507, description = "The server's storage is full; nothing saved", body = crate::api::error_body::ErrorBody),
    ),
    security(("session" = [])))]
pub async fn save_self_score(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, code)): Path<(UnitId, String)>,
    Json(body): Json<ScoreBody>,
) -> AppResult<Response> {
    let l = Loaded::load(&state, o.unit_id).await?;
    let outcome = save_score(
        &state,
        &meta,
        &o.user,
        &l,
        &code,
        &body.score,
        &body.explanation,
    )
    .await?;
    Ok(match outcome {
        SaveOutcome::Saved(entry) => {
            let leaf = Leaf::of(find_leaf(&l.set, &code)?, entry);
            Json(Saved { leaf }).into_response()
        }
        SaveOutcome::Invalid(problems) => {
            let body = ValidationError::new(meta.lang.t("error-bad-input"), problems);
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
    })
}
