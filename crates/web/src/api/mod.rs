//! `/api/v1`: JSON for what exists, described by `/api/openapi.json`. Errors are JSON too:
//! `{"error": {"code": "...", "message": "..."}}`, localised like the pages.

pub mod openapi;
pub mod v1;

use crate::routes::Access::{Authenticated, MohaStaff, Public, UnitOfficer, UnitReader};
use crate::routes::RouteTable;

/// The API's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get("/api/openapi.json", Public, openapi::document)
        .get("/api/v1/me", Authenticated, v1::me)
        .get("/api/v1/campaigns", MohaStaff, v1::campaigns)
        .get(
            "/api/v1/campaigns/{campaign}/units",
            MohaStaff,
            v1::campaign_units,
        )
        .get("/api/v1/units/{unit}", UnitReader, v1::unit)
        .get(
            "/api/v1/units/{unit}/self-assessment",
            UnitReader,
            v1::self_assessment,
        )
        .get(
            "/api/v1/units/{unit}/survey",
            UnitReader,
            v1::survey_progress,
        )
        .get("/api/v1/units/{unit}/appraisal", UnitReader, v1::appraisal)
        .post(
            "/api/v1/units/{unit}/self-assessment/leaves/{code}",
            UnitOfficer,
            v1::save_self_score,
        )
}
