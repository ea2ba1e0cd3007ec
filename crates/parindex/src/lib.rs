//! The parindex binary's parts, kept in a library so the integration and browser tests start the very
//! same server and demo data.

pub mod audit_checkpoint;
pub mod audit_key;
pub mod audit_report;
pub mod backup;
pub mod compute_report;
pub mod demo;
pub mod framework_report;
pub mod integrity_report;
pub mod loadtest;
pub mod log_redact;
pub mod mail;
pub mod questionnaire_report;
pub mod recheck_report;
pub mod respondent_sim;
pub mod serve;
pub mod settings;
pub mod simulate;
pub mod survey_links;
pub mod telemetry;
