//! A unit's self-assessment: the task list, scores with evidence, the flow from officer to
//! leader to MoHA, the printed report, and MoHA's dashboard of all units.

pub mod api;
pub mod dashboard;
pub mod evidence;
pub mod leaf;
pub mod report;
pub mod tasks;

use crate::routes::Access::{MohaStaff, UnitLeader, UnitOfficer, UnitReader};
use crate::routes::RouteTable;

/// This area's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get(
            "/api/v1/units/{unit}/self-assessment",
            UnitReader,
            api::self_assessment,
        )
        .post(
            "/api/v1/units/{unit}/self-assessment/leaves/{code}",
            UnitOfficer,
            api::save_self_score,
        )
        .get(
            "/admin/campaigns/{campaign}/self-assessments",
            MohaStaff,
            dashboard::show,
        )
        .get("/unit/{unit}/self-assessment", UnitReader, tasks::show)
        .get(
            "/unit/{unit}/self-assessment/report.xlsx",
            UnitReader,
            report::download,
        )
        .get(
            "/unit/{unit}/self-assessment/print",
            UnitReader,
            report::print,
        )
        .get(
            "/unit/{unit}/self-assessment/leaf/{code}",
            UnitReader,
            leaf::leaf,
        )
        .post(
            "/unit/{unit}/self-assessment/leaf/{code}",
            UnitOfficer,
            leaf::save_leaf,
        )
        .post(
            "/unit/{unit}/self-assessment/leaf/{code}/evidence",
            UnitOfficer,
            evidence::attach,
        )
        .post(
            "/unit/{unit}/self-assessment/leaf/{code}/evidence/remove",
            UnitOfficer,
            evidence::detach,
        )
        .get(
            "/unit/{unit}/evidence/{file}",
            UnitReader,
            evidence::download,
        )
        .post(
            "/unit/{unit}/self-assessment/difficulties",
            UnitOfficer,
            tasks::save_difficulties,
        )
        .post(
            "/unit/{unit}/self-assessment/send",
            UnitOfficer,
            tasks::send,
        )
        .post(
            "/unit/{unit}/self-assessment/submit",
            UnitOfficer,
            tasks::submit,
        )
        .post(
            "/unit/{unit}/self-assessment/approve",
            UnitLeader,
            tasks::approve,
        )
        .post(
            "/unit/{unit}/self-assessment/return",
            UnitLeader,
            tasks::send_back,
        )
}
