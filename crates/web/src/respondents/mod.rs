//! The survey respondent list: a unit compiles, imports and sends it; MoHA reviews it,
//! decides group exceptions and sets the respondent groups.

pub mod api;
pub mod groups;
pub mod import;
pub mod list;
pub mod moha;

use crate::routes::Access::{MohaAdmin, MohaStaff, UnitOfficer, UnitReader};
use crate::routes::RouteTable;

/// This area's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get(
            "/admin/campaigns/{campaign}/respondents",
            MohaStaff,
            moha::national,
        )
        .get(
            "/admin/campaigns/{campaign}/groups",
            MohaStaff,
            groups::show,
        )
        .get(
            "/admin/campaigns/{campaign}/groups.toml",
            MohaStaff,
            groups::download,
        )
        .post(
            "/admin/campaigns/{campaign}/groups",
            MohaAdmin,
            groups::replace,
        )
        .get(
            "/admin/campaigns/{campaign}/respondents/summary.xlsx",
            MohaStaff,
            moha::summary,
        )
        .post(
            "/admin/units/{unit}/respondents/review",
            MohaStaff,
            moha::review_list,
        )
        .post(
            "/admin/units/{unit}/respondents/exceptions",
            MohaStaff,
            moha::decide_exception,
        )
        .get("/api/v1/units/{unit}/respondents", UnitReader, api::list)
        .put(
            "/api/v1/units/{unit}/respondents",
            UnitOfficer,
            api::replace,
        )
        .get("/unit/{unit}/respondents", UnitReader, list::show)
        .get("/unit/{unit}/respondents.xlsx", UnitReader, import::export)
        .get(
            "/unit/{unit}/respondents/template.xlsx",
            UnitReader,
            import::template,
        )
        .post(
            "/unit/{unit}/respondents/import",
            UnitOfficer,
            import::import,
        )
        .get(
            "/unit/{unit}/respondents/errors/{key}",
            UnitReader,
            import::errors_file,
        )
        .post("/unit/{unit}/respondents/add", UnitOfficer, list::add)
        .post("/unit/{unit}/respondents/{person}", UnitOfficer, list::edit)
        .post(
            "/unit/{unit}/respondents/{person}/remove",
            UnitOfficer,
            list::remove,
        )
        .post("/unit/{unit}/respondents/send", UnitOfficer, list::send)
        .post(
            "/unit/{unit}/respondents/exceptions",
            UnitOfficer,
            list::exception,
        )
}
