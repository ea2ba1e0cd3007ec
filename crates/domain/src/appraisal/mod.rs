//! MoHA's appraisal (thẩm định) of a submitted self-assessment: round 1 accepts or adjusts each
//! self-assessed leaf, the unit explains the adjusted ones within a window, round 2 gives the final
//! score. Pure rules; storage lives in the db crate.

pub mod decision;
pub mod flow;

pub use decision::{Decision, DecisionError, Round, Verdict, decide, final_score};
pub use flow::{ExplainRefusal, Stage, Step, StepError, StepInput, may_explain, next};
