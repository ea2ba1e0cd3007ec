//! Interference detection: MoHA's queue of flagged units, the evidence per unit and the
//! decision.

pub mod api;
pub mod moha;

use crate::routes::Access::{MohaAdmin, MohaStaff};
use crate::routes::RouteTable;

/// This area's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get(
            "/api/v1/campaigns/{campaign}/integrity",
            MohaStaff,
            api::findings,
        )
        .get(
            "/admin/campaigns/{campaign}/integrity",
            MohaStaff,
            moha::queue,
        )
        .post(
            "/admin/campaigns/{campaign}/integrity/run",
            MohaStaff,
            moha::run_now,
        )
        .post(
            "/admin/campaigns/{campaign}/integrity/settings",
            MohaAdmin,
            moha::save_settings,
        )
        .get(
            "/admin/campaigns/{campaign}/integrity/unit/{unit}",
            MohaStaff,
            moha::unit,
        )
        .post(
            "/admin/campaigns/{campaign}/integrity/unit/{unit}/decide",
            MohaStaff,
            moha::decide,
        )
}
