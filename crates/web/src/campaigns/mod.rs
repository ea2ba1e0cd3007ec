//! The year's campaign as MoHA sets it up: the campaign and its deadlines, units and their
//! extensions, support and focal contacts, criteria sets, and rolling a campaign over to next year.

pub mod api;
pub mod campaign;
pub mod contacts;
pub mod criteria_sets;
pub mod extensions;
pub mod focal;
pub mod reminders;
pub mod rollover;
pub mod units;
pub mod units_file;

use crate::routes::Access::{MohaAdmin, MohaStaff, UnitOfficer, UnitReader};
use crate::routes::RouteTable;

/// This area's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get("/api/v1/campaigns", MohaStaff, api::campaigns)
        .get(
            "/api/v1/campaigns/{campaign}/units",
            MohaStaff,
            api::campaign_units,
        )
        .get("/api/v1/units/{unit}", UnitReader, api::unit)
        .get("/admin/campaigns", MohaStaff, campaign::list)
        .get("/admin/campaigns/new", MohaAdmin, campaign::new_form)
        .post("/admin/campaigns", MohaAdmin, campaign::create)
        .get("/admin/campaigns/{campaign}", MohaStaff, campaign::show)
        .get(
            "/admin/campaigns/{campaign}/edit",
            MohaAdmin,
            campaign::edit_form,
        )
        .post("/admin/campaigns/{campaign}", MohaAdmin, campaign::update)
        .get(
            "/admin/campaigns/{campaign}/copy",
            MohaAdmin,
            rollover::form,
        )
        .post(
            "/admin/campaigns/{campaign}/copy",
            MohaAdmin,
            rollover::create,
        )
        .post(
            "/admin/campaigns/{campaign}/support",
            MohaAdmin,
            contacts::set_support,
        )
        .post(
            "/admin/campaigns/{campaign}/reminders",
            MohaAdmin,
            reminders::set,
        )
        .post(
            "/admin/campaigns/{campaign}/criteria-sets",
            MohaAdmin,
            criteria_sets::pin,
        )
        .get("/admin/criteria-sets", MohaStaff, criteria_sets::list)
        .post("/admin/criteria-sets", MohaAdmin, criteria_sets::load)
        .get("/admin/criteria-sets/{set}", MohaStaff, criteria_sets::show)
        .get(
            "/admin/campaigns/{campaign}/units/new",
            MohaAdmin,
            units::new_form,
        )
        .post(
            "/admin/campaigns/{campaign}/units",
            MohaAdmin,
            units::create,
        )
        .get(
            "/admin/campaigns/{campaign}/units.xlsx",
            MohaAdmin,
            units_file::template,
        )
        .post(
            "/admin/campaigns/{campaign}/units/file",
            MohaAdmin,
            units_file::upload,
        )
        .post(
            "/admin/campaigns/{campaign}/units/file/apply",
            MohaAdmin,
            units_file::apply,
        )
        .get("/admin/units/{unit}/edit", MohaAdmin, units::edit_form)
        .post("/admin/units/{unit}", MohaAdmin, units::update)
        .post(
            "/admin/units/{unit}/extensions",
            MohaAdmin,
            extensions::grant,
        )
        .get("/unit/{unit}/focal", UnitReader, focal::form)
        .post("/unit/{unit}/focal", UnitOfficer, focal::submit)
}
