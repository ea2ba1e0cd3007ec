//! Logging in and out. Failed attempts are throttled per account and per address in the database; an
//! unknown username takes as long to refuse as a wrong password. Accounts that need a second factor
//! go on to `second_factor` after the right password.

use crate::accounts::second_factor as second_step;
use crate::auth::access::SignedIn;
use crate::auth::{password, session, throttle};
use crate::cookies;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::redirect_target;
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::{sessions, users};
use parindex_domain::second_factor;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub page: Page,
    pub username: String,
    pub next: String,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    pub next: String,
    pub done: Option<String>,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub next: String,
}

pub async fn form(meta: Meta, Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        page: Page::bare(meta.lang, &meta.path, &meta.lang.t("login-title"))
            .with_notice(q.done.as_deref()),
        username: String::new(),
        next: redirect_target::or_home(&q.next),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    meta: Meta,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let username = parindex_domain::text::clean(&f.username).to_lowercase();
    let now = state.clock.now_ms();
    let mut page = Page::bare(meta.lang, &meta.path, &meta.lang.t("login-title"));
    let again = |page: Page, status: StatusCode| {
        (
            status,
            LoginPage {
                page,
                username: username.clone(),
                next: redirect_target::or_home(&f.next),
            },
        )
            .into_response()
    };
    if username.is_empty() || f.password.is_empty() {
        if username.is_empty() {
            page.error("username", "login-username-required");
        }
        if f.password.is_empty() {
            page.error("password", "login-password-required");
        }
        return Ok(again(page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    if let Some(until) = throttle::locked_until(&state.db, &username, &meta.ip, now).await? {
        let when =
            parindex_domain::deadline::display_instant(parindex_domain::clock::from_ms(until));
        page.error_msg(
            "username",
            meta.lang.t_args("login-locked", &[("until", when)]),
        );
        let mut res = again(page, StatusCode::TOO_MANY_REQUESTS);
        res.headers_mut()
            .insert(header::RETRY_AFTER, throttle::retry_after(until, now));
        return Ok(res);
    }
    let user = users::by_username(&state.db, &username).await?;
    let stored = user.as_ref().map_or_else(
        || password::dummy_hash().to_string(),
        |u| u.password_hash.clone(),
    );
    let ok = password::verify(stored, f.password.clone()).await;
    let user = match user {
        Some(u) if ok && u.active => u,
        _ => {
            parindex_db::throttle::record(&state.db, &username, &meta.ip, now).await?;
            page.error("username", "login-failed");
            return Ok(again(page, StatusCode::UNAUTHORIZED));
        }
    };
    if second_factor::required(user.role) {
        return second_step::begin(&state, &meta, &user, &f.next).await;
    }
    let token = parindex_domain::token::generate()
        .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
    let hours = state.config.session_hours;
    let ctx = meta.ctx(Some(user.id), &user.username, now);
    sessions::create(
        &state.db,
        &ctx,
        &parindex_domain::token::hash(&token),
        user.id,
        now + hours * 3_600_000,
    )
    .await?;
    let cookie = cookies::set(
        session::SESSION_COOKIE,
        &token,
        hours * 3600,
        state.config.secure_cookies,
    );
    let target = if user.must_change_password {
        "/password".to_string()
    } else {
        redirect_target::or_home(&f.next)
    };
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&target)).into_response())
}

async fn end(
    state: AppState,
    meta: Meta,
    headers: HeaderMap,
    user: users::User,
    everywhere: bool,
) -> AppResult<Response> {
    let hash = session::token(&headers)
        .map(|t| parindex_domain::token::hash(&t))
        .unwrap_or_default();
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    sessions::end(&state.db, &ctx, &hash, user.id, everywhere).await?;
    let cookie = cookies::clear(session::SESSION_COOKIE, state.config.secure_cookies);
    let done = if everywhere {
        "logged-out-everywhere"
    } else {
        "logged-out"
    };
    Ok((
        [(header::SET_COOKIE, cookie)],
        Redirect::to(&format!("/login?done={done}")),
    )
        .into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    end(state, meta, headers, user, false).await
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
) -> AppResult<Response> {
    end(state, meta, headers, user, true).await
}
