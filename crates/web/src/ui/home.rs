//! `/` sends people where they belong; `/home` is each role's start page.

use crate::auth::access::Authenticated;
use crate::auth::session::current_user;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_domain::Role;

pub async fn root(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Redirect> {
    Ok(match current_user(&state, &headers).await? {
        Some(_) => Redirect::to("/home"),
        None => Redirect::to("/login"),
    })
}

/// MoHA staff start from the campaigns; unit accounts from their unit's page.
pub async fn home(Authenticated(user): Authenticated) -> AppResult<Response> {
    match (user.role, user.unit_id) {
        (r, _) if r.is_moha() => Ok(Redirect::to("/admin/campaigns").into_response()),
        (Role::UnitOfficer | Role::UnitLeader | Role::UnitViewer, Some(unit)) => {
            Ok(Redirect::to(&format!("/unit/{unit}")).into_response())
        }
        _ => Err(AppError::Forbidden),
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}
