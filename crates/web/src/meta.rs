//! Where a request comes from (address, browser) and which language it wants: what audit entries and
//! pages need from every request.

use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use parindex_db::Ctx;
use parindex_domain::UserId;
use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct Meta {
    pub ip: String,
    pub user_agent: String,
    pub lang: Lang,
    pub path: String,
    /// The `Host` the request was sent to (links in e-mails use it when no public origin is set).
    pub host: String,
}

impl Meta {
    pub fn from_parts(parts: &Parts, trust_proxy: bool) -> Meta {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let forwarded = trust_proxy
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        Meta {
            ip: forwarded.or(peer).unwrap_or_default(),
            user_agent: parts
                .headers
                .get(axum::http::header::USER_AGENT)
                .map(|v| {
                    String::from_utf8_lossy(v.as_bytes())
                        .chars()
                        .take(300)
                        .collect()
                })
                .unwrap_or_default(),
            lang: crate::i18n::lang_of(&parts.headers),
            path: parts.uri.path().to_string(),
            host: parts
                .headers
                .get(axum::http::header::HOST)
                .and_then(|v| v.to_str().ok())
                .filter(|h| h.len() < 256)
                .unwrap_or("localhost")
                .to_string(),
        }
    }

    /// The audit context for a change made by `actor` now.
    pub fn ctx(&self, actor_id: Option<UserId>, actor: &str, now_ms: i64) -> Ctx {
        Ctx {
            actor_id,
            actor: actor.to_string(),
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
            now_ms,
        }
    }
}

impl FromRequestParts<AppState> for Meta {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Meta::from_parts(parts, state.config.trust_proxy))
    }
}
