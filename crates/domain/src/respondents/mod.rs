//! Respondent lists (danh sách đối tượng điều tra XHH): the groups of a level with their composition
//! rules (campaign data, not code), the check of each imported row, "one person, one row" with the
//! People's Council priority, and the group quotas. Pure rules; reading files and storage live
//! elsewhere.

pub mod check;
pub mod groups;
pub mod problem;
#[cfg(test)]
mod tests;

pub use check::{Checked, Existing, Merge, RawRow, Respondent, check};
pub use groups::{Group, GroupSet, Rule};
pub use problem::{Column, Problem, ProblemKind};
