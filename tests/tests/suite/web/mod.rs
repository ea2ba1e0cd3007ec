//! The HTTP suite: the real router on a free port, over SQLite and over PostgreSQL, one module per
//! area.

#![allow(clippy::unwrap_used)]

use parindex_db::{audit, outbox, users};
use parindex_tests::app::{location, visible_text};
use parindex_tests::{Engine, on_both_engines, spawn_app};
use reqwest::StatusCode;

mod account_issue;
mod accounts;
mod api_schema;
mod audit_log;
mod campaigns;
mod contracts;
mod criteria_sets_pages;
mod deadline_reminders;
mod evidence_files;
mod http;
mod long_lists;
mod page_weight;
mod refusals_in_place;
mod rollover_pages;
mod sa_dashboard;
mod sa_report;
mod self_assessment_api;
mod self_assessment_flow;
mod sessions;
mod unit_home;
