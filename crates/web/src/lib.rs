//! The parindex web edge: server-rendered pages (askama, no JavaScript needed), `/api/v1` JSON with
//! its OpenAPI document, authentication, CSRF protection and the one error type.

pub mod api;
pub mod auth;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod headers;
pub mod health;
pub mod i18n;
pub mod meta;
pub mod metrics_layer;
pub mod notice_mail;
pub mod oversize;
pub mod pages;
pub mod redirect_target;
pub mod render_error;
pub mod routes;
pub mod state;

pub use routes::{Access, RouteSpec, RouteTable};
pub use state::{AppState, WebConfig};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use routes::Access::*;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Every route of the application with its declared access rule.
pub fn route_table() -> RouteTable {
    use pages::*;
    RouteTable::default()
        .get("/healthz", Public, health::healthz)
        .get("/readyz", Public, health::readyz)
        .get("/static/app.css", Public, static_files::css)
        .get("/static/autosave.js", Public, static_files::autosave_js)
        .get("/api/openapi.json", Public, api::openapi::document)
        .get("/", Public, home::root)
        .get("/s/{token}", Public, survey_respondent::landing)
        .post("/s/{token}/start", Public, survey_respondent::start)
        .get(
            "/s/{token}/page/{page}",
            Public,
            survey_respondent::show_page,
        )
        .post(
            "/s/{token}/page/{page}",
            Public,
            survey_respondent::save_page,
        )
        .get("/s/{token}/check", Public, survey_respondent::check)
        .post("/s/{token}/submit", Public, survey_respondent::submit)
        .get("/results", Public, results_public::index)
        .get("/results/{year}", Public, results_public::ranking)
        .get(
            "/results/{year}/unit/{code}",
            Public,
            results_public::public_card,
        )
        .get(
            "/results/{year}/ranking.csv",
            Public,
            results_public::export_csv,
        )
        .get(
            "/results/{year}/ranking.xlsx",
            Public,
            results_public::export_xlsx,
        )
        .get(
            "/results/{year}/ranking.json",
            Public,
            results_public::export_json,
        )
        .get("/api/v1/results/{year}", Public, results_public::api)
        .get("/login", Public, login::form)
        .post("/login", Public, login::submit)
        .get("/login/code", SecondStep, login_second_factor::code_form)
        .post("/login/code", SecondStep, login_second_factor::code_submit)
        .get("/login/enrol", SecondStep, login_second_factor::enrol_form)
        .post(
            "/login/enrol",
            SecondStep,
            login_second_factor::enrol_submit,
        )
        .post("/lang", Public, lang::switch)
        .post("/logout", SignedIn, login::logout)
        .post("/logout/everywhere", SignedIn, login::logout_everywhere)
        .get("/password", SignedIn, password::form)
        .post("/password", SignedIn, password::submit)
        .get("/home", Authenticated, home::home)
        .get("/admin/campaigns", MohaStaff, campaigns::list)
        .get("/admin/campaigns/new", MohaAdmin, campaigns::new_form)
        .post("/admin/campaigns", MohaAdmin, campaigns::create)
        .get("/admin/campaigns/{campaign}", MohaStaff, campaigns::show)
        .get(
            "/admin/campaigns/{campaign}/edit",
            MohaAdmin,
            campaigns::edit_form,
        )
        .post("/admin/campaigns/{campaign}", MohaAdmin, campaigns::update)
        .post(
            "/admin/campaigns/{campaign}/support",
            MohaAdmin,
            contacts::set_support,
        )
        .post(
            "/admin/campaigns/{campaign}/criteria-sets",
            MohaAdmin,
            criteria_sets::pin,
        )
        .get(
            "/admin/campaigns/{campaign}/self-assessments",
            MohaStaff,
            sa_dashboard::show,
        )
        .get(
            "/admin/units/{unit}/appraisal",
            MohaStaff,
            appraisal::overview,
        )
        .get(
            "/admin/units/{unit}/appraisal/leaf/{code}",
            MohaStaff,
            appraisal::leaf,
        )
        .post(
            "/admin/units/{unit}/appraisal/leaf/{code}",
            MohaAppraiser,
            appraisal::decide,
        )
        .post(
            "/admin/units/{unit}/appraisal/send",
            MohaAppraiser,
            appraisal::send,
        )
        .post(
            "/admin/units/{unit}/appraisal/round2",
            MohaAppraiser,
            appraisal::round2,
        )
        .post(
            "/admin/units/{unit}/appraisal/finalize",
            MohaAppraiser,
            appraisal::finalize,
        )
        .get(
            "/admin/campaigns/{campaign}/respondents",
            MohaStaff,
            respondents_moha::national,
        )
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
            survey_moha::national,
        )
        .post(
            "/admin/campaigns/{campaign}/survey/open",
            MohaAdmin,
            survey_moha::open,
        )
        .get(
            "/admin/campaigns/{campaign}/survey/progress.xlsx",
            MohaStaff,
            survey_moha::export,
        )
        .post(
            "/admin/units/{unit}/survey/resend/{invitation}",
            MohaStaff,
            survey_unit::resend_moha,
        )
        .get(
            "/admin/campaigns/{campaign}/integrity",
            MohaStaff,
            integrity_moha::queue,
        )
        .post(
            "/admin/campaigns/{campaign}/integrity/run",
            MohaStaff,
            integrity_moha::run_now,
        )
        .post(
            "/admin/campaigns/{campaign}/integrity/settings",
            MohaAdmin,
            integrity_moha::save_settings,
        )
        .get(
            "/admin/campaigns/{campaign}/integrity/unit/{unit}",
            MohaStaff,
            integrity_moha::unit,
        )
        .post(
            "/admin/campaigns/{campaign}/integrity/unit/{unit}/decide",
            MohaStaff,
            integrity_moha::decide,
        )
        .get(
            "/admin/campaigns/{campaign}/results",
            MohaStaff,
            results_moha::show,
        )
        .post(
            "/admin/campaigns/{campaign}/results/compute",
            MohaAdmin,
            results_moha::compute,
        )
        .post(
            "/admin/campaigns/{campaign}/results/publish",
            MohaAdmin,
            results_moha::publish,
        )
        .post(
            "/admin/campaigns/{campaign}/results/settings",
            MohaAdmin,
            results_moha::save_settings,
        )
        .post(
            "/admin/campaigns/{campaign}/results/figures",
            MohaAdmin,
            results_moha::import_figures,
        )
        .get(
            "/admin/campaigns/{campaign}/results/figures-template.xlsx",
            MohaStaff,
            results_moha::figures_template,
        )
        .get(
            "/admin/campaigns/{campaign}/results/export.csv",
            MohaStaff,
            results_moha::export_csv,
        )
        .get(
            "/admin/campaigns/{campaign}/results/export.xlsx",
            MohaStaff,
            results_moha::export_xlsx,
        )
        .get(
            "/admin/campaigns/{campaign}/results/export.json",
            MohaStaff,
            results_moha::export_json,
        )
        .get(
            "/admin/campaigns/{campaign}/groups",
            MohaStaff,
            respondent_groups::show,
        )
        .get(
            "/admin/campaigns/{campaign}/groups.toml",
            MohaStaff,
            respondent_groups::download,
        )
        .post(
            "/admin/campaigns/{campaign}/groups",
            MohaAdmin,
            respondent_groups::replace,
        )
        .get(
            "/admin/campaigns/{campaign}/respondents/summary.xlsx",
            MohaStaff,
            respondents_moha::summary,
        )
        .post(
            "/admin/units/{unit}/respondents/review",
            MohaStaff,
            respondents_moha::review_list,
        )
        .post(
            "/admin/units/{unit}/respondents/exceptions",
            MohaStaff,
            respondents_moha::decide_exception,
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
        .get("/admin/units/{unit}/edit", MohaAdmin, units::edit_form)
        .post("/admin/units/{unit}", MohaAdmin, units::update)
        .post(
            "/admin/units/{unit}/extensions",
            MohaAdmin,
            extensions::grant,
        )
        .get("/admin/accounts", MohaAdmin, accounts::list)
        .get("/admin/accounts/new", MohaAdmin, accounts::new_form)
        .post("/admin/accounts", MohaAdmin, accounts::create)
        .get(
            "/admin/accounts/template.xlsx",
            MohaAdmin,
            accounts::template,
        )
        .post("/admin/accounts/import", MohaAdmin, accounts::import)
        .post(
            "/admin/accounts/{user}/active",
            MohaAdmin,
            accounts::set_active,
        )
        .post(
            "/admin/accounts/{user}/second-factor/reset",
            MohaAdmin,
            accounts::reset_second_factor,
        )
        .get("/admin/audit", MohaStaff, audit::browse)
        .get("/unit/{unit}", UnitReader, unit_home::show)
        .get(
            "/unit/{unit}/self-assessment",
            UnitReader,
            self_assessment::show,
        )
        .get(
            "/unit/{unit}/self-assessment/report.xlsx",
            UnitReader,
            sa_report::download,
        )
        .get(
            "/unit/{unit}/self-assessment/print",
            UnitReader,
            sa_report::print,
        )
        .get(
            "/unit/{unit}/self-assessment/leaf/{code}",
            UnitReader,
            self_assessment::leaf,
        )
        .post(
            "/unit/{unit}/self-assessment/leaf/{code}",
            UnitOfficer,
            self_assessment::save_leaf,
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
            self_assessment::save_difficulties,
        )
        .post(
            "/unit/{unit}/self-assessment/send",
            UnitOfficer,
            self_assessment::send,
        )
        .post(
            "/unit/{unit}/self-assessment/submit",
            UnitOfficer,
            self_assessment::submit,
        )
        .post(
            "/unit/{unit}/self-assessment/approve",
            UnitLeader,
            self_assessment::approve,
        )
        .post(
            "/unit/{unit}/self-assessment/return",
            UnitLeader,
            self_assessment::send_back,
        )
        .get("/unit/{unit}/appraisal", UnitReader, appraisal_unit::show)
        .get(
            "/unit/{unit}/appraisal/leaf/{code}",
            UnitReader,
            appraisal_unit::leaf,
        )
        .post(
            "/unit/{unit}/appraisal/leaf/{code}",
            UnitOfficer,
            appraisal_unit::explain,
        )
        .post(
            "/unit/{unit}/appraisal/send",
            UnitOfficer,
            appraisal_unit::send,
        )
        .get("/unit/{unit}/respondents", UnitReader, respondents::show)
        .get(
            "/unit/{unit}/respondents.xlsx",
            UnitReader,
            respondents_import::export,
        )
        .get(
            "/unit/{unit}/respondents/template.xlsx",
            UnitReader,
            respondents_import::template,
        )
        .post(
            "/unit/{unit}/respondents/import",
            UnitOfficer,
            respondents_import::import,
        )
        .get(
            "/unit/{unit}/respondents/errors/{key}",
            UnitReader,
            respondents_import::errors_file,
        )
        .post(
            "/unit/{unit}/respondents/add",
            UnitOfficer,
            respondents::add,
        )
        .post(
            "/unit/{unit}/respondents/{person}",
            UnitOfficer,
            respondents::edit,
        )
        .post(
            "/unit/{unit}/respondents/{person}/remove",
            UnitOfficer,
            respondents::remove,
        )
        .post(
            "/unit/{unit}/respondents/send",
            UnitOfficer,
            respondents::send,
        )
        .post(
            "/unit/{unit}/respondents/exceptions",
            UnitOfficer,
            respondents::exception,
        )
        .get("/unit/{unit}/survey", UnitReader, survey_unit::show)
        .get(
            "/unit/{unit}/survey/pending.xlsx",
            UnitReader,
            survey_unit::pending_export,
        )
        .post(
            "/unit/{unit}/survey/remind",
            UnitOfficer,
            survey_unit::remind,
        )
        .post(
            "/unit/{unit}/survey/resend/{invitation}",
            UnitOfficer,
            survey_unit::resend,
        )
        .get(
            "/unit/{unit}/results",
            UnitReader,
            results_public::unit_card,
        )
        .get("/unit/{unit}/focal", UnitReader, focal::form)
        .post("/unit/{unit}/focal", UnitOfficer, focal::submit)
        .get("/api/v1/me", Authenticated, api::v1::me)
        .get("/api/v1/campaigns", MohaStaff, api::v1::campaigns)
        .get(
            "/api/v1/campaigns/{campaign}/units",
            MohaStaff,
            api::v1::campaign_units,
        )
        .get("/api/v1/units/{unit}", UnitReader, api::v1::unit)
        .get(
            "/api/v1/units/{unit}/self-assessment",
            UnitReader,
            api::v1::self_assessment,
        )
        .get(
            "/api/v1/units/{unit}/survey",
            UnitReader,
            api::v1::survey_progress,
        )
        .get(
            "/api/v1/units/{unit}/appraisal",
            UnitReader,
            api::v1::appraisal,
        )
        .post(
            "/api/v1/units/{unit}/self-assessment/leaves/{code}",
            UnitOfficer,
            api::v1::save_self_score,
        )
}

/// The whole application with its middleware.
pub fn app(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    route_table()
        .into_router()
        .fallback(pages::home::not_found)
        .layer(from_fn_with_state(state.clone(), csrf::guard))
        .layer(from_fn_with_state(state.clone(), oversize::refuse))
        .layer(from_fn(render_error::render))
        .layer(from_fn(headers::security))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(from_fn(metrics_layer::track))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
