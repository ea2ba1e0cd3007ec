//! The parindex binary's parts, kept in a library so the integration and browser tests start the very
//! same server and demo data. The demo, its simulation, the respondent simulator and the load test
//! are built only with the `demo` feature (the README's run command enables it; a production build
//! leaves it out).

pub mod audit_checkpoint;
pub mod audit_key;
pub mod audit_report;
pub mod backup;
pub mod campaign_copy;
pub mod compute_report;
#[cfg(feature = "demo")]
pub mod demo;
#[cfg(feature = "demo")]
pub mod demo_serve;
pub mod framework_report;
pub mod integrity_report;
#[cfg(feature = "demo")]
pub mod loadtest;
pub mod log_redact;
pub mod mail;
pub mod questionnaire_report;
pub mod recheck_report;
#[cfg(feature = "demo")]
pub mod respondent_sim;
pub mod serve;
pub mod settings;
pub mod shipped;
#[cfg(feature = "demo")]
pub mod simulate;
pub mod survey_links;
pub mod telemetry;
