//! Extractors that decide who reaches a handler. A handler's arguments say its rule: taking
//! `MohaAdmin` means only a MoHA administrator gets in. The route table declares the same rule
//! separately, and the authorization matrix test checks that the two agree for every role and unit.

use crate::auth::session::current_user;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use parindex_db::users::User;
use parindex_domain::Role;
use parindex_domain::UnitId;

/// Any signed-in account that has set its own password.
#[derive(Debug, Clone)]
pub struct Authenticated(pub User);

/// Signed in, even with a first-login password still to change (only the password page takes this).
#[derive(Debug, Clone)]
pub struct SignedIn(pub User);

#[derive(Debug, Clone)]
pub struct MohaAdmin(pub User);

/// A MoHA administrator or appraiser.
#[derive(Debug, Clone)]
pub struct MohaStaff(pub User);

/// A MoHA appraiser: the only role that records appraisal decisions.
#[derive(Debug, Clone)]
pub struct MohaAppraiser(pub User);

/// May read the unit named by the `{unit}` path segment: MoHA staff, or any account of that unit.
#[derive(Debug, Clone)]
pub struct UnitReader {
    pub user: User,
    pub unit_id: UnitId,
}

/// May change the unit named by `{unit}`: only that unit's officers.
#[derive(Debug, Clone)]
pub struct UnitOfficer {
    pub user: User,
    pub unit_id: UnitId,
}

/// May approve or return the unit's report: only that unit's leaders.
#[derive(Debug, Clone)]
pub struct UnitLeaderOf {
    pub user: User,
    pub unit_id: UnitId,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(u) = parts.extensions.get::<SignedIn>() {
            return Ok(u.clone());
        }
        let user = current_user(state, &parts.headers)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let s = SignedIn(user);
        parts.extensions.insert(s.clone());
        Ok(s)
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        if user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(Authenticated(user))
    }
}

/// The signed-in account, if `allowed` accepts its role; otherwise a refusal.
async fn with_role(
    parts: &mut Parts,
    state: &AppState,
    allowed: fn(Role) -> bool,
) -> Result<User, AppError> {
    let Authenticated(user) = Authenticated::from_request_parts(parts, state).await?;
    if allowed(user.role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

impl FromRequestParts<AppState> for MohaAdmin {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        with_role(parts, state, |r| r == Role::MohaAdmin)
            .await
            .map(MohaAdmin)
    }
}

impl FromRequestParts<AppState> for MohaStaff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        with_role(parts, state, Role::is_moha).await.map(MohaStaff)
    }
}

impl FromRequestParts<AppState> for MohaAppraiser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        with_role(parts, state, |r| r == Role::MohaAppraiser)
            .await
            .map(MohaAppraiser)
    }
}

/// The `{unit}` path segment. A malformed id is a 404, never a 500.
fn unit_param(parts: &Parts) -> Result<UnitId, AppError> {
    let segments: Vec<&str> = parts.uri.path().split('/').collect();
    segments
        .windows(2)
        .find(|w| w[0] == "unit" || w[0] == "units")
        .and_then(|w| w[1].parse::<UnitId>().ok())
        .ok_or(AppError::NotFound)
}

impl FromRequestParts<AppState> for UnitReader {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Authenticated(user) = Authenticated::from_request_parts(parts, state).await?;
        let unit_id = unit_param(parts)?;
        if !user.role.is_moha() && user.unit_id != Some(unit_id) {
            return Err(AppError::Forbidden);
        }
        Ok(UnitReader { user, unit_id })
    }
}

/// The signed-in account, if it holds `role` in the unit named by the path.
async fn unit_role(
    parts: &mut Parts,
    state: &AppState,
    role: Role,
) -> Result<(User, UnitId), AppError> {
    let Authenticated(user) = Authenticated::from_request_parts(parts, state).await?;
    let unit_id = unit_param(parts)?;
    if user.role == role && user.unit_id == Some(unit_id) {
        Ok((user, unit_id))
    } else {
        Err(AppError::Forbidden)
    }
}

impl FromRequestParts<AppState> for UnitOfficer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (user, unit_id) = unit_role(parts, state, Role::UnitOfficer).await?;
        Ok(UnitOfficer { user, unit_id })
    }
}

impl FromRequestParts<AppState> for UnitLeaderOf {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (user, unit_id) = unit_role(parts, state, Role::UnitLeader).await?;
        Ok(UnitLeaderOf { user, unit_id })
    }
}
