//! The second step of a MoHA login: after the right password the browser holds a pending session that
//! opens nothing but these pages. `/login/code` asks for the authenticator's code (or a recovery
//! code); `/login/enrol` sets the authenticator up the first time and then shows the recovery codes
//! once. A wrong code counts as a failed login, like a wrong password.

use crate::auth::{session, throttle};
use crate::cookies;
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::redirect_target;
use crate::render_error::urlencode;
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::DbError;
use parindex_db::second_factors;
use parindex_db::sessions::{self, Pending};
use parindex_db::users::User;
use parindex_domain::second_factor::{self, TotpSecret};

/// How long the step between the password and the code may take.
const PENDING_SECS: i64 = 600;

#[derive(Template, WebTemplate)]
#[template(path = "login_code.html")]
pub struct CodePage {
    pub page: Page,
    pub next: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "login_enrol.html")]
pub struct EnrolPage {
    pub page: Page,
    pub next: String,
    pub account: String,
    pub uri: String,
    pub key: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "login_recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub page: Page,
    pub codes: Vec<String>,
    pub target: String,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    pub next: String,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    pub code: String,
    pub next: String,
}

fn new_token() -> AppResult<String> {
    parindex_domain::token::generate().map_err(|e| AppError::internal("drawing a session token", e))
}

/// After the right password for an account that needs a second factor: a pending session, and the
/// page that asks for the code, or the one that sets the authenticator up.
pub async fn begin(state: &AppState, meta: &Meta, user: &User, next: &str) -> AppResult<Response> {
    let token = new_token()?;
    let fresh = TotpSecret::generate()
        .map_err(|e| AppError::internal("drawing a second-factor secret", e))?;
    let now = state.clock.now_ms();
    let ctx = meta.ctx(Some(user.id), &user.username, now);
    let pending = second_factors::start(
        &state.db,
        &ctx,
        &parindex_domain::token::hash(&token),
        user.id,
        now + PENDING_SECS * 1000,
        &fresh,
    )
    .await?;
    let cookie = cookies::set(
        session::SESSION_COOKIE,
        &token,
        PENDING_SECS,
        state.config.secure_cookies,
    );
    let to = format!(
        "/login/{}?next={}",
        pending.as_str(),
        urlencode(&redirect_target::or_home(next))
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response())
}

/// The pending session behind the request, if any.
async fn pending(state: &AppState, headers: &HeaderMap) -> AppResult<Option<(User, Pending)>> {
    let Some(t) = session::token(headers) else {
        return Ok(None);
    };
    Ok(sessions::pending_for(
        &state.db,
        &parindex_domain::token::hash(&t),
        state.clock.now_ms(),
    )
    .await?)
}

/// Where a browser without the right pending session goes instead.
fn elsewhere(p: Option<Pending>, next: &str) -> Response {
    let next = urlencode(&redirect_target::or_home(next));
    match p {
        Some(p) => Redirect::to(&format!("/login/{}?next={next}", p.as_str())).into_response(),
        None => Redirect::to(&format!("/login?next={next}")).into_response(),
    }
}

pub async fn code_form(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    match pending(&state, &headers).await? {
        Some((_, Pending::Code)) => Ok(CodePage {
            page: Page::bare(meta.lang, &meta.path, &meta.lang.t("second-factor-title")),
            next: redirect_target::or_home(&q.next),
        }
        .into_response()),
        other => Ok(elsewhere(other.map(|(_, p)| p), &q.next)),
    }
}

pub async fn enrol_form(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    let page = Page::bare(
        meta.lang,
        &meta.path,
        &meta.lang.t("second-factor-enrol-title"),
    );
    enrol_page(&state, &headers, page, &q.next, StatusCode::OK).await
}

async fn enrol_page(
    state: &AppState,
    headers: &HeaderMap,
    page: Page,
    next: &str,
    status: StatusCode,
) -> AppResult<Response> {
    let (user, secret) = match pending(state, headers).await? {
        Some((user, Pending::Enrol)) => {
            match second_factors::enrolment_secret(&state.db, user.id).await? {
                Some(s) => (user, s),
                None => return Ok(elsewhere(None, next)),
            }
        }
        other => return Ok(elsewhere(other.map(|(_, p)| p), next)),
    };
    Ok((
        status,
        EnrolPage {
            page,
            next: redirect_target::or_home(next),
            uri: secret.otpauth_uri(&user.username),
            key: secret.grouped(),
            account: user.username,
        },
    )
        .into_response())
}

/// A typed code for either step: on success the full session replaces the pending one.
async fn prove(
    state: &AppState,
    meta: &Meta,
    headers: &HeaderMap,
    user: &User,
    typed: &str,
    recovery_hashes: &[String],
) -> AppResult<Result<String, &'static str>> {
    let now = state.clock.now_ms();
    let pending_hash = session::token(headers)
        .map(|t| parindex_domain::token::hash(&t))
        .unwrap_or_default();
    let token = new_token()?;
    let hours = state.config.session_hours;
    let ctx = meta.ctx(Some(user.id), &user.username, now);
    match second_factors::complete(
        &state.db,
        &ctx,
        &pending_hash,
        &parindex_domain::token::hash(&token),
        now + hours * 3_600_000,
        &second_factors::Attempt {
            typed,
            world_ms: state.clock.world_ms(),
            recovery_hashes,
        },
    )
    .await
    {
        Ok(_) => Ok(Ok(cookies::set(
            session::SESSION_COOKIE,
            &token,
            hours * 3600,
            state.config.secure_cookies,
        ))),
        Err(DbError::Refused(key)) => {
            if key != "second-factor-session-over" {
                parindex_db::throttle::record(&state.db, &user.username, &meta.ip, now).await?;
            }
            Ok(Err(key))
        }
        Err(e) => Err(e.into()),
    }
}

/// Where a full session goes first: the password page on a first login, else `next`.
fn target(user: &User, next: &str) -> String {
    if user.must_change_password {
        "/password".to_string()
    } else {
        redirect_target::or_home(next)
    }
}

/// The lock after too many failed tries, as the answer to give, if the account is locked here.
async fn locked(
    state: &AppState,
    meta: &Meta,
    user: &User,
    page: &mut Page,
) -> AppResult<Option<axum::http::HeaderValue>> {
    let now = state.clock.now_ms();
    let Some(until) = throttle::locked_until(&state.db, &user.username, &meta.ip, now).await?
    else {
        return Ok(None);
    };
    let when = parindex_domain::deadline::display_instant(parindex_domain::clock::from_ms(until));
    page.error_msg("code", meta.lang.t_args("login-locked", &[("until", when)]));
    Ok(Some(throttle::retry_after(until, now)))
}

fn refused_status(key: &str) -> StatusCode {
    if key == second_factor::CodeRefusal::Malformed.key() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::UNAUTHORIZED
    }
}

pub async fn code_submit(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let user = match pending(&state, &headers).await? {
        Some((user, Pending::Code)) => user,
        other => return Ok(elsewhere(other.map(|(_, p)| p), &f.next)),
    };
    let mut page = Page::bare(meta.lang, &meta.path, &meta.lang.t("second-factor-title"));
    let again = |page: Page, status: StatusCode| {
        (
            status,
            CodePage {
                page,
                next: redirect_target::or_home(&f.next),
            },
        )
            .into_response()
    };
    if let Some(retry) = locked(&state, &meta, &user, &mut page).await? {
        let mut res = again(page, StatusCode::TOO_MANY_REQUESTS);
        res.headers_mut().insert(header::RETRY_AFTER, retry);
        return Ok(res);
    }
    match prove(&state, &meta, &headers, &user, &f.code, &[]).await? {
        Ok(cookie) => Ok((
            [(header::SET_COOKIE, cookie)],
            Redirect::to(&target(&user, &f.next)),
        )
            .into_response()),
        Err("second-factor-session-over") => Ok(elsewhere(None, &f.next)),
        Err(key) => {
            page.error("code", key);
            Ok(again(page, refused_status(key)))
        }
    }
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let user = match pending(&state, &headers).await? {
        Some((user, Pending::Enrol)) => user,
        other => return Ok(elsewhere(other.map(|(_, p)| p), &f.next)),
    };
    let title = meta.lang.t("second-factor-enrol-title");
    let mut page = Page::bare(meta.lang, &meta.path, &title);
    if let Some(retry) = locked(&state, &meta, &user, &mut page).await? {
        let mut res = enrol_page(
            &state,
            &headers,
            page,
            &f.next,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await?;
        res.headers_mut().insert(header::RETRY_AFTER, retry);
        return Ok(res);
    }
    let codes = second_factor::new_recovery_codes()
        .map_err(|e| AppError::internal("drawing recovery codes", e))?;
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| second_factor::recovery_hash(c))
        .collect();
    match prove(&state, &meta, &headers, &user, &f.code, &hashes).await? {
        Ok(cookie) => {
            let page = Page::bare(
                meta.lang,
                &meta.path,
                &meta.lang.t("second-factor-recovery-title"),
            );
            Ok((
                [
                    (header::SET_COOKIE, cookie),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                RecoveryCodesPage {
                    page,
                    codes,
                    target: target(&user, &f.next),
                },
            )
                .into_response())
        }
        Err("second-factor-session-over") => Ok(elsewhere(None, &f.next)),
        Err(key) => {
            page.error("code", key);
            enrol_page(&state, &headers, page, &f.next, refused_status(key)).await
        }
    }
}
