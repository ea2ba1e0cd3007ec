//! The language switch: a small form in every page header that sets the `lang` cookie.

use crate::cookies;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::state::AppState;
use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    pub lang: String,
    pub next: String,
}

pub async fn switch(State(state): State<AppState>, Form(f): Form<LangForm>) -> Response {
    let lang = Lang::parse(&f.lang).unwrap_or_default();
    let next = crate::redirect_target::or_home(&f.next);
    let cookie = cookies::set(
        LANG_COOKIE,
        lang.code(),
        365 * 24 * 3600,
        state.config.secure_cookies,
    )
    .replace("; HttpOnly", "");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
}
