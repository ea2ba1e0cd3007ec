//! The parindex web edge: server-rendered pages (askama, no JavaScript needed), `/api/v1` JSON with
//! its OpenAPI document, authentication, CSRF protection and the one error type.

pub mod accounts;
pub mod api;
pub mod appraisal;
pub mod auth;
pub mod campaigns;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod headers;
pub mod health;
pub mod i18n;
pub mod integrity;
pub mod meta;
pub mod metrics_layer;
pub mod notice_mail;
pub mod oversize;
pub mod redirect_target;
pub mod render_error;
pub mod respondents;
pub mod results;
pub mod routes;
pub mod self_assessment;
pub mod service;
pub mod state;
pub mod survey;
pub mod ui;

pub use routes::{Access, RouteSpec, RouteTable};
pub use state::{AppState, WebConfig};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use routes::Access::Public;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Every route of the application with its declared access rule: each area declares its own.
pub fn route_table() -> RouteTable {
    RouteTable::default()
        .get("/healthz", Public, health::healthz)
        .get("/readyz", Public, health::readyz)
        .merge(ui::routes())
        .merge(api::routes())
        .merge(accounts::routes())
        .merge(campaigns::routes())
        .merge(self_assessment::routes())
        .merge(appraisal::routes())
        .merge(respondents::routes())
        .merge(survey::routes())
        .merge(integrity::routes())
        .merge(results::routes())
}

/// The whole application with its middleware.
pub fn app(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    route_table()
        .into_router()
        .fallback(ui::home::not_found)
        .layer(from_fn_with_state(state.clone(), csrf::guard))
        .layer(from_fn_with_state(state.clone(), oversize::refuse))
        .layer(from_fn_with_state(state.clone(), render_error::render))
        .layer(from_fn(headers::security))
        .layer(DefaultBodyLimit::max(max_body))
        // gzip or Brotli, as the browser accepts: a respondent's page on a slow phone link.
        .layer(CompressionLayer::new())
        .layer(from_fn(metrics_layer::track))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
