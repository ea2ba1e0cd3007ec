//! Services between the areas and the database: what more than one area loads or does, in one
//! call.

pub mod accounts;
pub mod appraisal;
pub mod credentials;
pub mod evidence;
pub mod reminders;
pub mod respondents;
pub mod self_assessment;
pub mod self_assessment_progress;
pub mod sign_in;
pub mod unit_tasks;
