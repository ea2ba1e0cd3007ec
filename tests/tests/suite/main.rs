//! The parindex integration suite, one test binary: linking the whole application once instead of
//! once per area keeps the build's disk and time small. Each module is one area of the product; the
//! database, survey and web modules are folders with one file per stage.
//!
//! Run one area with a filter, for example `cargo test -p parindex-tests --test suite -- authz::`.

#![allow(clippy::unwrap_used)]

mod actions;
mod appraisal;
mod authz;
mod browser;
mod crafted;
mod db;
mod integrity;
mod openapi;
mod questionnaires;
mod respondents;
mod results;
mod second_factor;
mod survey;
mod survey_tallies;
mod web;
