//! The API's respondent list, for units that keep their list in their own systems: read it, or
//! replace it whole with the same checks and the same all-or-nothing rule as a file import.

use crate::api::error_body::ValidationError;
use crate::auth::{UnitOfficer, UnitReader};
use crate::error::AppResult;
use crate::meta::Meta;
use crate::respondents::list::problem_text;
use crate::service::respondents::{Loaded, check_rows, store_checked};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use parindex_domain::respondents::{Column, RawRow, Respondent};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One person on the list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Person {
    pub full_name: String,
    pub position: String,
    pub organisation: String,
    /// The respondent group's code, e.g. "lanh_dao_vu".
    pub group_code: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// Answers in place of a holder of the position (only where the group allows it).
    #[serde(default)]
    pub stand_in: bool,
}

impl From<Respondent> for Person {
    fn from(r: Respondent) -> Person {
        Person {
            full_name: r.full_name,
            position: r.position,
            organisation: r.organisation,
            group_code: r.group,
            email: r.email,
            phone: r.phone,
            stand_in: r.stand_in,
        }
    }
}

/// A unit's respondent list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RespondentList {
    pub unit_id: i64,
    /// draft (the unit may change it), sent (to MoHA) or accepted.
    pub state: &'static str,
    pub people: Vec<Person>,
}

/// The list that replaces the unit's.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewList {
    pub people: Vec<Person>,
}

fn listed(l: &Loaded) -> RespondentList {
    RespondentList {
        unit_id: l.cx.unit.id.get(),
        state: l.list.state.as_str(),
        people: l.people.iter().map(|p| p.person.clone().into()).collect(),
    }
}

/// The unit's respondent list and its state.
#[utoipa::path(get, path = "/api/v1/units/{unit}/respondents", tag = "respondents",
    summary = "The unit's survey respondent list and its state. MoHA staff or the unit's own accounts.",
    params(("unit" = i64, Path, description = "The unit's id")),
    responses((status = 200, description = "OK", body = RespondentList)),
    security(("session" = [])))]
pub async fn list(State(state): State<AppState>, r: UnitReader) -> AppResult<Json<RespondentList>> {
    Ok(Json(listed(&Loaded::load(&state, r.unit_id).await?)))
}

/// Replaces the list, all or nothing, checked as a file import is.
#[utoipa::path(put, path = "/api/v1/units/{unit}/respondents", tag = "respondents",
    summary = "Replace the unit's respondent list while it is a draft and before its deadline, with the same checks and the same all-or-nothing rule as the file import: any error and nothing is stored. Errors are keyed people[i].field. The unit's officers only.",
    params(("unit" = i64, Path, description = "The unit's id")),
    request_body = NewList,
    responses(
        (status = 200, description = "Stored; the list as it now stands", body = RespondentList),
        (status = 400, description = "The list was sent to MoHA, or changed state meanwhile", body = crate::api::error_body::ErrorBody),
        (status = 409, description = "The list's deadline has passed (code locked)", body = crate::api::error_body::ErrorBody),
        (status = 422, description = "Nothing stored: what is wrong with each person", body = ValidationError)),
    security(("session" = [])))]
pub async fn replace(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Json(body): Json<NewList>,
) -> AppResult<Response> {
    let l = Loaded::load(&state, o.unit_id).await?;
    l.ensure_editable(&state, &o.user)?;
    let raw: Vec<RawRow> = body
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| RawRow {
            line: i,
            full_name: p.full_name.clone(),
            position: p.position.clone(),
            organisation: p.organisation.clone(),
            group: p.group_code.clone(),
            email: p.email.clone(),
            phone: p.phone.clone(),
            stand_in: if p.stand_in {
                "x".into()
            } else {
                String::new()
            },
        })
        .collect();
    let checked = check_rows(&l, &raw);
    if !checked.ok() {
        let problems: Vec<(String, String)> = checked
            .problems
            .iter()
            .filter(|p| !p.warning())
            .map(|p| {
                let field = p.column.map_or("", field_name);
                (
                    format!("people[{}].{field}", p.line),
                    problem_text(&meta, p),
                )
            })
            .collect();
        let body = ValidationError::new(
            meta.lang.t("rl-import-failed"),
            problems.iter().map(|(f, m)| (f.as_str(), m.clone())),
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
    }
    let source = serde_json::to_vec(&body.people).unwrap_or_default();
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    store_checked(&state, &ctx, &l, &checked, &source).await?;
    let now = Loaded::load(&state, o.unit_id).await?;
    Ok(Json(listed(&now)).into_response())
}

fn field_name(c: Column) -> &'static str {
    match c {
        Column::FullName => "full_name",
        Column::Position => "position",
        Column::Organisation => "organisation",
        Column::Group => "group_code",
        Column::Email => "email",
        Column::Phone => "phone",
        Column::StandIn => "stand_in",
    }
}
