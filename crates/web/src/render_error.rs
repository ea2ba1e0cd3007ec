//! Turns errors into what the user should see, in the user's language: a page, a JSON body for
//! `/api/`, or a redirect (to the login page, or to the first-login password change). Rejections that
//! axum raises itself (a malformed form, a body over the limit) are localised here too.

use crate::error::{AppError, PendingError};
use crate::state::AppState;
use crate::ui::layout::{ErrorPage, Page};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::users::User;

pub async fn render(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = crate::i18n::lang_of(req.headers());
    let session = crate::auth::session::token(req.headers());
    let back = came_from(req.headers());
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let is_get = req.method() == axum::http::Method::GET;
    let sent_body = has_body(&req);
    let mut res = next.run(req).await;
    let allow = res.headers().get(header::ALLOW).cloned();
    let pending = res.extensions_mut().remove::<PendingError>();
    let err = match pending {
        Some(PendingError(e)) => e,
        None => match framework_rejection(&res) {
            Some(e) => std::sync::Arc::new(e),
            None => return res,
        },
    };
    let is_api = path.starts_with("/api/");
    if let Some(to) = (!is_api)
        .then(|| redirect_for(&err, is_get, &path, query))
        .flatten()
    {
        return closing(Redirect::to(&to).into_response(), sent_body);
    }
    let message = err.say(lang);
    let status = err.status();
    let res = if is_api {
        let body = crate::api::error_body::ErrorBody::new(err.code(), message);
        (status, axum::Json(body)).into_response()
    } else {
        let mut page = Page::bare(lang, &path, &lang.t("error-title"));
        if let Some(user) = signed_in(&state, session.as_deref(), &err).await {
            page = page.for_user(&user);
        }
        let page = ErrorPage {
            page,
            status: status.as_u16(),
            message,
            back: back.filter(|b| *b != path),
        };
        (status, page).into_response()
    };
    let mut res = closing(res, sent_body || matches!(*err, AppError::TooLarge));
    if let Some(allow) = allow.filter(|_| matches!(*err, AppError::MethodNotAllowed)) {
        res.headers_mut().insert(header::ALLOW, allow);
    }
    if matches!(*err, AppError::Unavailable(_)) {
        // Ask browsers, scripts and proxies to come back shortly rather than at once.
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
    }
    res
}

/// A page (not the API) sends a signed-out user to sign in, and back to the page they asked for
/// after a GET; and a user who must change their password to that form.
fn redirect_for(err: &AppError, is_get: bool, path: &str, query: Option<String>) -> Option<String> {
    match err {
        AppError::Unauthenticated if is_get => {
            let full = match query {
                Some(q) => format!("{path}?{q}"),
                None => path.to_string(),
            };
            Some(format!("/login?next={}", urlencode(&full)))
        }
        AppError::Unauthenticated => Some("/login".to_string()),
        AppError::PasswordChangeRequired => Some("/password".to_string()),
        _ => None,
    }
}

/// The account behind the session, so that an error page keeps the menu and the user's name: a
/// refused form is not a sign-out. None when there is no session, or when the error is the
/// database's own (then it is not asked again).
async fn signed_in(state: &AppState, token: Option<&str>, err: &AppError) -> Option<User> {
    let token = token?;
    if matches!(
        err,
        AppError::Unavailable(_) | AppError::StorageFull(_) | AppError::Internal { .. }
    ) {
        return None;
    }
    let hash = parindex_domain::token::hash(token);
    let user = parindex_db::sessions::user_for(
        &state.db,
        &hash,
        state.clock.now_ms(),
        state.config.session_idle_minutes * 60_000,
    )
    .await
    .ok()
    .flatten()?;
    (!user.must_change_password).then_some(user)
}

/// The page of this site the request came from (`Referer` on the same host), as a local path.
fn came_from(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("https://")
        .or_else(|| referer.strip_prefix("http://"))?;
    let path = rest.strip_prefix(host)?;
    crate::redirect_target::local_path(path).map(str::to_string)
}

/// axum's own rejections are plain text in English; recognise them by status and content type.
fn framework_rejection(res: &Response) -> Option<AppError> {
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !plain {
        return None;
    }
    match res.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Some(AppError::TooLarge),
        StatusCode::BAD_REQUEST
        | StatusCode::UNPROCESSABLE_ENTITY
        | StatusCode::UNSUPPORTED_MEDIA_TYPE => Some(AppError::BadRequest("error-bad-input")),
        StatusCode::METHOD_NOT_ALLOWED => Some(AppError::MethodNotAllowed),
        StatusCode::NOT_FOUND => Some(AppError::NotFound),
        _ => None,
    }
}

/// A request refused with an error may not have had its body read (a refused role, a cross-site
/// check, a body over the limit), and then its connection cannot carry another request: say so with
/// `Connection: close` rather than close it silently.
fn closing(mut res: Response, body_maybe_unread: bool) -> Response {
    if body_maybe_unread {
        res.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
    }
    res
}

/// Whether the request came with a body (a length above zero, or chunks).
fn has_body(req: &Request) -> bool {
    let h = req.headers();
    h.contains_key(header::TRANSFER_ENCODING)
        || h.get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > 0)
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
