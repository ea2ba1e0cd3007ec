//! Server-rendered pages, one module per screen.

pub mod accounts;
pub mod appraisal;
pub mod appraisal_data;
pub mod appraisal_unit;
pub mod audit;
pub mod campaigns;
pub mod contacts;
pub mod criteria_sets;
pub mod evidence;
pub mod extensions;
pub mod focal;
pub mod home;
pub mod lang;
pub mod layout;
pub mod login;
pub mod password;
pub mod respondents;
pub mod respondents_import;
pub mod respondents_moha;
pub mod sa_dashboard;
pub mod sa_report;
pub mod self_assessment;
pub mod static_files;
pub mod unit_context;
pub mod unit_home;
pub mod units;
