//! The index: MoHA computes and publishes it; the public ranking, report cards and exports.

pub mod export;
pub mod json;
pub mod moha;
pub mod previous;
pub mod public;
pub mod report_card;
pub mod view;

use crate::routes::Access::{MohaAdmin, MohaStaff, Public, UnitReader};
use crate::routes::RouteTable;

/// This area's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get("/results", Public, public::index)
        .get("/results/{year}", Public, public::ranking)
        .get("/results/{year}/unit/{code}", Public, public::public_card)
        .get("/results/{year}/ranking.csv", Public, public::export_csv)
        .get("/results/{year}/ranking.xlsx", Public, public::export_xlsx)
        .get("/results/{year}/ranking.json", Public, public::export_json)
        .get("/api/v1/results/{year}", Public, public::api)
        .get("/admin/campaigns/{campaign}/results", MohaStaff, moha::show)
        .post(
            "/admin/campaigns/{campaign}/results/compute",
            MohaAdmin,
            moha::compute,
        )
        .post(
            "/admin/campaigns/{campaign}/results/publish",
            MohaAdmin,
            moha::publish,
        )
        .post(
            "/admin/campaigns/{campaign}/results/settings",
            MohaAdmin,
            moha::save_settings,
        )
        .post(
            "/admin/campaigns/{campaign}/results/figures",
            MohaAdmin,
            moha::import_figures,
        )
        .get(
            "/admin/campaigns/{campaign}/results/figures-template.xlsx",
            MohaStaff,
            moha::figures_template,
        )
        .get(
            "/admin/campaigns/{campaign}/results/export.csv",
            MohaStaff,
            moha::export_csv,
        )
        .get(
            "/admin/campaigns/{campaign}/results/export.xlsx",
            MohaStaff,
            moha::export_xlsx,
        )
        .get(
            "/admin/campaigns/{campaign}/results/export.json",
            MohaStaff,
            moha::export_json,
        )
        .get("/unit/{unit}/results", UnitReader, public::unit_card)
        .get(
            "/unit/{unit}/results/plan.xlsx",
            UnitReader,
            public::unit_plan_xlsx,
        )
}
