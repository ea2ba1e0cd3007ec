//! Respondent lists (danh sách đối tượng điều tra XHH): the groups of a level with their composition
//! rules (campaign data, not code), the check of each imported row, "one person, one row" with the
//! People's Council priority, and the group quotas. Pure rules; reading files and storage live
//! elsewhere.

pub mod check;
pub mod coverage;
pub mod groups;
pub mod list_state;
pub mod problem;
#[cfg(test)]
mod tests;

pub use check::{Checked, Existing, Merge, RawRow, Respondent, check};
pub use coverage::{Coverage, Status, coverage};
pub use groups::{EmailRule, Group, GroupSet, Rule};
pub use list_state::{
    ExceptionState, ListRefusal, ListState, Review, ReviewError, may_ask_exception,
    may_decide_exception, may_edit, may_review, review,
};
pub use problem::{Column, Problem, ProblemKind};
