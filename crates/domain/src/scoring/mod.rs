//! The scoring engine, pure and exact (issue "The index"): how a survey sub-criterion's answers become
//! a fraction of its points, rounding at the leaf, component indices, tiers and the ranking with
//! shared places, and [`engine::compute`] over a whole level. Points are exact rationals
//! ([`exact`]) until the one half-up rounding step; nothing here touches IO.

pub mod answer_key;
pub mod campaign;
pub mod engine;
pub mod exact;
pub mod input;
pub mod publish;
pub mod ranking;
pub mod recheck;
pub mod result;
pub mod rounding;
pub mod settings;
pub mod survey_leaf;
pub mod tally;
pub mod uncertainty;
pub mod what_if;

pub use answer_key::{AnswerKey, Response, Tallies};
pub use campaign::{CampaignInput, CampaignResult, UnitChange, changes, compute_campaign};
pub use engine::compute;
pub use exact::{Exact, half_up, half_up_decimal};
pub use input::{LevelInput, UnitInput};
pub use ranking::{Tier, TierBands, rank, tier};
pub use recheck::{Figure, FigureChange, Recheck, Why, recheck};
pub use result::{LeafStatus, LevelResult, MethodTotal, NodeResult, UnitResult};
pub use rounding::{index, index_exact, leaf_points};
pub use settings::{CancelledSurvey, LeafRounding, ScoringSettings, parse_percentage};
pub use survey_leaf::{GroupAveraging, SurveyAnswer, fraction, leaf_fraction, tally};
pub use tally::{GroupTally, LeafTally, cents, respondent_cents};

#[cfg(test)]
mod reference_tests;
#[cfg(test)]
mod tests;
