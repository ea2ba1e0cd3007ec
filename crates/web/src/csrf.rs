//! Cross-site request forgery protection for every state-changing request, without tokens: the browser's
//! `Sec-Fetch-Site` header, or else `Origin`, must say the request came from our own pages. Session
//! cookies are also `SameSite=Strict`. A request with neither header and no session cookie (a script,
//! not a browser) carries no ambient credentials and passes.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_safe(req.method()) || allowed(&req, state.config.public_origin.as_deref()) {
        next.run(req).await
    } else {
        tracing::warn!(path = %loggable(req.uri().path()), "cross-site request refused");
        AppError::CrossSite.into_response()
    }
}

/// A path fit for the log: a survey link's token is left out (`/s/...`), so logs never hold one.
fn loggable(path: &str) -> String {
    match path.strip_prefix("/s/") {
        Some(rest) => {
            let after = rest.find('/').map_or("", |i| &rest[i..]);
            format!("/s/...{after}")
        }
        None => path.to_string(),
    }
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn allowed(req: &Request, public_origin: Option<&str>) -> bool {
    let h = req.headers();
    if let Some(site) = header(h, "sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    if let Some(origin) = header(h, "origin") {
        return match public_origin {
            Some(expected) => origin.trim_end_matches('/') == expected.trim_end_matches('/'),
            None => {
                let authority = origin.split_once("://").map(|(_, a)| a);
                authority.is_some() && authority == header(h, "host")
            }
        };
    }
    crate::auth::session::token(h).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    #[test]
    fn survey_tokens_never_reach_the_log() {
        let t = "a".repeat(64);
        assert_eq!(loggable(&format!("/s/{t}/page/2")), "/s/.../page/2");
        assert_eq!(loggable(&format!("/s/{t}")), "/s/...");
        assert_eq!(loggable("/unit/3/focal"), "/unit/3/focal");
    }

    fn req(headers: &[(&str, &str)]) -> Request {
        let mut b = axum::http::Request::builder().method("POST").uri("/x");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).expect("request")
    }

    const COOKIE: &str =
        "parindex_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn fetch_metadata_decides_first() {
        assert!(allowed(&req(&[("sec-fetch-site", "same-origin")]), None));
        assert!(!allowed(
            &req(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "http://h"),
                ("host", "h")
            ]),
            None
        ));
        assert!(!allowed(&req(&[("sec-fetch-site", "same-site")]), None));
    }

    #[test]
    fn origin_must_match_host_or_the_configured_origin() {
        assert!(allowed(
            &req(&[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080")
            ]),
            None
        ));
        assert!(!allowed(
            &req(&[
                ("origin", "http://evil.example"),
                ("host", "127.0.0.1:8080")
            ]),
            None
        ));
        assert!(!allowed(&req(&[("origin", "null"), ("host", "h")]), None));
        assert!(allowed(
            &req(&[("origin", "https://cchc.gov.vn")]),
            Some("https://cchc.gov.vn/")
        ));
        assert!(!allowed(
            &req(&[("origin", "https://evil.vn")]),
            Some("https://cchc.gov.vn")
        ));
    }

    #[test]
    fn headerless_requests_pass_only_without_a_session() {
        assert!(allowed(&req(&[]), None));
        assert!(!allowed(&req(&[("cookie", COOKIE)]), None));
    }
}
