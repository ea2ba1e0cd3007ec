//! Changing one's password. A first login lands here and can go nowhere else until it is done.

use crate::auth::access::SignedIn;
use crate::auth::{password, reauth, session};
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::outbox::OutMail;
use parindex_db::users::User;
use parindex_domain::{clock, deadline, password_policy};

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub page: Page,
    pub forced: bool,
    pub min_len: usize,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

pub async fn form(meta: Meta, SignedIn(user): SignedIn) -> PasswordPage {
    PasswordPage {
        page: Page::new(&meta, &user, "password-title"),
        forced: user.must_change_password,
        min_len: password_policy::MIN_LEN,
    }
}

pub async fn submit(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut page = Page::new(&meta, &user, "password-title");
    if let Some(m) =
        reauth::refusal(&state, &meta, &user, &f.current, "password-current-wrong").await?
    {
        page.error_msg("current", m);
    } else if let Err(p) = password_policy::check(&f.new, &user.username, &f.current) {
        page.error("new", p.message_key());
    } else if f.new != f.confirm {
        page.error("confirm", "password-mismatch");
    }
    if page.has_errors() {
        let body = PasswordPage {
            page,
            forced: user.must_change_password,
            min_len: password_policy::MIN_LEN,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    let hash = password::hash(f.new).await?;
    let keep = session::token(&headers).map(|t| parindex_domain::token::hash(&t));
    let now_ms = state.clock.now_ms();
    let ctx = meta.ctx(Some(user.id), &user.username, now_ms);
    let notice = (!user.email.is_empty()).then(|| notice(&user, &meta, now_ms));
    parindex_db::users::set_password(
        &state.db,
        &ctx,
        user.id,
        &hash,
        keep.as_deref(),
        notice.as_ref(),
    )
    .await?;
    Ok(Redirect::to("/home").into_response())
}

/// The e-mail telling the account's owner that its password changed, when and from where, so a
/// change they did not make is noticed (ASVS 2.2.3). It never holds the password.
fn notice(user: &User, meta: &Meta, now_ms: i64) -> OutMail {
    let time = deadline::display_instant(clock::from_ms(now_ms));
    crate::notice_mail::bilingual(
        &user.email,
        "password-mail-subject",
        "password-mail-changed",
        &[
            ("username", user.username.clone()),
            ("time", time),
            ("address", meta.ip.clone()),
        ],
    )
}
