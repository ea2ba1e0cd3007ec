//! Logging in and out. Failed attempts are throttled per account and per address in the database; an
//! unknown username takes as long to refuse as a wrong password. Accounts that need a second factor
//! go on to `second_factor` after the right password.

use crate::accounts::second_factor as second_step;
use crate::auth::access::SignedIn;
use crate::auth::{session, throttle};
use crate::cookies;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::redirect_target;
use crate::service::sign_in::{self, PasswordCheck};
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::{sessions, users};
use parindex_domain::deadline::display_instant;
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
    let mut page = Page::bare(meta.lang, &meta.path, &meta.lang.t("login-title"));
    let again = |page: Page, status: StatusCode| {
        let next = redirect_target::or_home(&f.next);
        let username = username.clone();
        (
            status,
            LoginPage {
                page,
                username,
                next,
            },
        )
            .into_response()
    };
    let user = match sign_in::check_password(&state, &meta, &username, &f.password).await? {
        PasswordCheck::Accepted(user) => user,
        PasswordCheck::Missing { username, password } => {
            if username {
                page.error("username", "login-username-required");
            }
            if password {
                page.error("password", "login-password-required");
            }
            return Ok(again(page, StatusCode::UNPROCESSABLE_ENTITY));
        }
        PasswordCheck::Locked { until } => {
            let when = display_instant(parindex_domain::clock::from_ms(until));
            let message = meta.lang.t_args("login-locked", &[("until", when)]);
            page.error_msg("username", message);
            let mut res = again(page, StatusCode::TOO_MANY_REQUESTS);
            let wait = throttle::retry_after(until, state.clock.now_ms());
            res.headers_mut().insert(header::RETRY_AFTER, wait);
            return Ok(res);
        }
        PasswordCheck::Refused => {
            page.error("username", "login-failed");
            return Ok(again(page, StatusCode::UNAUTHORIZED));
        }
    };
    if second_factor::required(user.role) {
        return second_step::begin(&state, &meta, &user, &f.next).await;
    }
    let cookie = sign_in::open_session(&state, &meta, &user).await?;
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
