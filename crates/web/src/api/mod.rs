//! `/api/v1`: JSON for what exists, described by `/api/openapi.json`. Each area serves its own API
//! routes beside its pages; this module holds the document that describes them all. Errors are JSON
//! too: `{"error": {"code": "...", "message": "..."}}`, localised like the pages.

pub mod error_body;
pub mod openapi;
pub(crate) mod schema;

use crate::routes::Access::Public;
use crate::routes::RouteTable;

/// The API document's route.
pub fn routes() -> RouteTable {
    RouteTable::default().get("/api/openapi.json", Public, openapi::document)
}
