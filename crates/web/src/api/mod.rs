//! `/api/v1`: JSON for what exists, described by `/api/openapi.json`. Errors are JSON too:
//! `{"error": {"code": "...", "message": "..."}}`, localised like the pages.

pub mod openapi;
pub mod v1;
