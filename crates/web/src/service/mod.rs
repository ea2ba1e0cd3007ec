//! Services between the areas and the database: what more than one area loads or does, in one
//! call.

pub mod appraisal;
pub mod respondents;
pub mod self_assessment;
