//! The unit's self-assessment (báo cáo tự đánh giá): its states, who may move it between them, each
//! leaf's status, and what must hold before it goes to MoHA. Pure rules; storage lives in the db crate.

pub mod filter;
pub mod flow;
pub mod leaf;
pub mod progress;

pub use filter::{Filter, next_unfinished};
pub use flow::{Action, FlowError, State};
pub use leaf::{LeafEntry, LeafStatus, ScoreError, check_score, leaf_status};
pub use progress::Progress;
