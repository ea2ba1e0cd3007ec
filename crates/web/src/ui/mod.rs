//! Pieces every area shares: the page layout, the unit's context, downloads, uploads, the language
//! switch, static files and the home pages.

pub mod download;
pub mod group_name;
pub mod home;
pub mod lang;
pub mod layout;
pub mod pager;
pub mod static_files;
pub mod unit_context;
pub mod unit_home;
pub mod upload;

use crate::routes::Access::{Authenticated, Public, UnitReader};
use crate::routes::RouteTable;

/// This area's routes, each with the access rule it promises.
pub fn routes() -> RouteTable {
    RouteTable::default()
        .get("/static/app.css", Public, static_files::css)
        .get("/static/autosave.js", Public, static_files::autosave_js)
        .get("/static/favicon.svg", Public, static_files::icon)
        .get("/favicon.ico", Public, static_files::icon)
        .get("/", Public, home::root)
        .post("/lang", Public, lang::switch)
        .get("/home", Authenticated, home::home)
        .get("/unit/{unit}", UnitReader, unit_home::show)
}
