//! The survey: the respondent's pages from an e-mail link, the unit's progress (never an
//! answer), MoHA's national view, questionnaires and the invitation mail.

pub mod api;
pub mod mail;
pub mod mail_delay;
pub mod moha;
pub mod questionnaires;
pub mod respondent;
pub mod unit;

use crate::routes::Access::{MohaAdmin, MohaStaff, Public, UnitOfficer, UnitReader};
use crate::routes::RouteTable;

/// This area's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get(
            "/api/v1/units/{unit}/survey",
            UnitReader,
            api::survey_progress,
        )
        .get("/s/{token}", Public, respondent::landing)
        .post("/s/{token}/start", Public, respondent::start)
        .get("/s/{token}/page/{page}", Public, respondent::show_page)
        .post("/s/{token}/page/{page}", Public, respondent::save_page)
        .get("/s/{token}/check", Public, respondent::check)
        .post("/s/{token}/submit", Public, respondent::submit)
        .get("/s/{token}/thanks", Public, respondent::thanks)
        .get(
            "/admin/campaigns/{campaign}/questionnaires",
            MohaStaff,
            questionnaires::overview,
        )
        .post(
            "/admin/campaigns/{campaign}/questionnaires",
            MohaAdmin,
            questionnaires::load,
        )
        .get(
            "/admin/campaigns/{campaign}/questionnaires/{level}/{group}",
            MohaStaff,
            questionnaires::preview,
        )
        .get(
            "/admin/campaigns/{campaign}/survey",
            MohaStaff,
            moha::national,
        )
        .post(
            "/admin/campaigns/{campaign}/survey/open",
            MohaAdmin,
            moha::open,
        )
        .get(
            "/admin/campaigns/{campaign}/survey/progress.xlsx",
            MohaStaff,
            moha::export,
        )
        .post(
            "/admin/units/{unit}/survey/resend/{invitation}",
            MohaStaff,
            unit::resend_moha,
        )
        .get("/unit/{unit}/survey", UnitReader, unit::show)
        .get(
            "/unit/{unit}/survey/pending.xlsx",
            UnitReader,
            unit::pending_export,
        )
        .post("/unit/{unit}/survey/remind", UnitOfficer, unit::remind)
        .post(
            "/unit/{unit}/survey/resend/{invitation}",
            UnitOfficer,
            unit::resend,
        )
}
