//! The scoring engine's rules, pure and exact (issue "The index"): how a survey sub-criterion's
//! answers become a fraction of its points, rounding at the leaf, component indices, tiers and the
//! ranking with shared places. Everything is `rust_decimal`; nothing here touches IO.

pub mod ranking;
pub mod rounding;
pub mod survey_leaf;

pub use ranking::{Tier, TierBands, rank, tier};
pub use rounding::{index, leaf_points};
pub use survey_leaf::{GroupAveraging, SurveyAnswer, leaf_fraction};
