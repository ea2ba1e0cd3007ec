//! Accounts and sign-in: login with its second factor, password changes, MoHA's account
//! administration and the audit log.

pub mod api;
pub mod audit;
pub mod campaign_issue;
pub mod login;
pub mod manage;
pub mod password;
pub mod second_factor;

use crate::routes::Access::{Authenticated, MohaAdmin, MohaStaff, Public, SecondStep, SignedIn};
use crate::routes::RouteTable;

/// This area's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get("/api/v1/me", Authenticated, api::me)
        .get("/login", Public, login::form)
        .post("/login", Public, login::submit)
        .get("/login/code", SecondStep, second_factor::code_form)
        .post("/login/code", SecondStep, second_factor::code_submit)
        .get("/login/enrol", SecondStep, second_factor::enrol_form)
        .post("/login/enrol", SecondStep, second_factor::enrol_submit)
        .post("/logout", SignedIn, login::logout)
        .post("/logout/everywhere", SignedIn, login::logout_everywhere)
        .get("/password", SignedIn, password::form)
        .post("/password", SignedIn, password::submit)
        .get("/admin/accounts", MohaAdmin, manage::list)
        .get("/admin/accounts/new", MohaAdmin, manage::new_form)
        .post("/admin/accounts", MohaAdmin, manage::create)
        .get("/admin/accounts/template.xlsx", MohaAdmin, manage::template)
        .post("/admin/accounts/import", MohaAdmin, manage::import)
        .post(
            "/admin/accounts/{user}/active",
            MohaAdmin,
            manage::set_active,
        )
        .post(
            "/admin/accounts/{user}/second-factor/reset",
            MohaAdmin,
            manage::reset_second_factor,
        )
        .get(
            "/admin/campaigns/{campaign}/accounts",
            MohaAdmin,
            campaign_issue::form,
        )
        .post(
            "/admin/campaigns/{campaign}/accounts",
            MohaAdmin,
            campaign_issue::issue,
        )
        .get("/admin/audit", MohaStaff, audit::browse)
}
