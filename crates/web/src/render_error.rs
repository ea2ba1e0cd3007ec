//! Turns errors into what the user should see, in the user's language: a page, a JSON body for
//! `/api/`, or a redirect (to the login page, or to the first-login password change). Rejections that
//! axum raises itself (a malformed form, a body over the limit) are localised here too.

use crate::error::{AppError, PendingError};
use crate::i18n::Lang;
use crate::pages::layout::{ErrorPage, Page};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

pub async fn render(req: Request, next: Next) -> Response {
    let lang = Lang::from_headers(req.headers());
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let is_get = req.method() == axum::http::Method::GET;
    let mut res = next.run(req).await;
    let pending = res.extensions_mut().remove::<PendingError>();
    let err = match pending {
        Some(PendingError(e)) => e,
        None => match framework_rejection(&res) {
            Some(e) => std::sync::Arc::new(e),
            None => return res,
        },
    };
    let is_api = path.starts_with("/api/");
    if !is_api {
        match *err {
            AppError::Unauthenticated => {
                let next = if is_get {
                    let full = match query {
                        Some(q) => format!("{path}?{q}"),
                        None => path.clone(),
                    };
                    format!("/login?next={}", urlencode(&full))
                } else {
                    "/login".to_string()
                };
                return Redirect::to(&next).into_response();
            }
            AppError::PasswordChangeRequired => return Redirect::to("/password").into_response(),
            _ => {}
        }
    }
    let (key, args) = err.message();
    let mut args = args;
    for (_, v) in args.iter_mut() {
        if v.starts_with("action-") {
            *v = lang.t(v);
        }
    }
    let message = lang.t_args(key, &args);
    let status = err.status();
    let mut res = if is_api {
        let body = serde_json::json!({ "error": { "code": err.code(), "message": message } });
        (status, axum::Json(body)).into_response()
    } else {
        let page = ErrorPage {
            page: Page::bare(lang, &path, &lang.t("error-title")),
            status: status.as_u16(),
            message,
        };
        (status, page).into_response()
    };
    if matches!(*err, AppError::TooLarge) {
        // The rest of the body was not read, so this connection cannot carry another request.
        res.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
    }
    if matches!(*err, AppError::Unavailable(_)) {
        // Ask browsers, scripts and proxies to come back shortly rather than at once.
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
    }
    res
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
        StatusCode::METHOD_NOT_ALLOWED => Some(AppError::BadRequest("error-method")),
        StatusCode::NOT_FOUND => Some(AppError::NotFound),
        _ => None,
    }
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
