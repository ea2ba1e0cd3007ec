//! MoHA's appraisal of a unit's self-assessment, and the unit's side of it: explanations in
//! the second round.

pub mod api;
pub mod moha;
pub mod unit;

use crate::routes::Access::{MohaAppraiser, MohaStaff, UnitOfficer, UnitReader};
use crate::routes::RouteTable;

/// This area's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get("/api/v1/units/{unit}/appraisal", UnitReader, api::appraisal)
        .get("/admin/units/{unit}/appraisal", MohaStaff, moha::overview)
        .get(
            "/admin/units/{unit}/appraisal/leaf/{code}",
            MohaStaff,
            moha::leaf,
        )
        .post(
            "/admin/units/{unit}/appraisal/leaf/{code}",
            MohaAppraiser,
            moha::decide,
        )
        .post(
            "/admin/units/{unit}/appraisal/send",
            MohaAppraiser,
            moha::send,
        )
        .post(
            "/admin/units/{unit}/appraisal/round2",
            MohaAppraiser,
            moha::round2,
        )
        .post(
            "/admin/units/{unit}/appraisal/finalize",
            MohaAppraiser,
            moha::finalize,
        )
        .get("/unit/{unit}/appraisal", UnitReader, unit::show)
        .get("/unit/{unit}/appraisal/leaf/{code}", UnitReader, unit::leaf)
        .post(
            "/unit/{unit}/appraisal/leaf/{code}",
            UnitOfficer,
            unit::explain,
        )
        .post("/unit/{unit}/appraisal/send", UnitOfficer, unit::send)
}
