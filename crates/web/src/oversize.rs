//! A request that declares a body over `max_body_bytes` is refused (413, in the user's language,
//! with `Connection: close`), but only after its body has been read and dropped, up to a cap: a
//! server that answers and closes while the browser is still sending makes the browser see a
//! broken connection instead of the message. Nothing is kept in memory; beyond the cap (or the
//! request timeout) the connection is closed anyway.

use crate::error::AppError;
use crate::state::AppState;
use axum::body::HttpBody;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::pin::Pin;

/// How much of a refused body is read and dropped before the connection is closed.
const DRAIN_CAP: u64 = 64 * 1024 * 1024;

pub async fn refuse(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let max = u64::try_from(state.config.max_body_bytes).unwrap_or(u64::MAX);
    if declared.is_none_or(|n| n <= max) {
        return next.run(req).await;
    }
    let mut body = req.into_body();
    let mut read = 0u64;
    while read <= DRAIN_CAP {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            Some(Ok(f)) => {
                read += f.data_ref().map_or(0, |d| d.len() as u64);
            }
            _ => break,
        }
    }
    AppError::TooLarge.into_response()
}
