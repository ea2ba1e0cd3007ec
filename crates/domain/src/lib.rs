//! Pure domain types and rules of parindex. Nothing in this crate performs IO:
//! it is tested, benchmarked and fuzzed alone.

pub mod accounts;
pub mod appraisal;
pub mod audit;
pub mod clock;
pub mod criteria;
pub mod crosswalk;
pub mod deadline;
pub mod email;
pub mod evidence;
pub mod extension;
pub mod ids;
pub mod integrity;
pub mod legal_basis;
pub mod level;
pub mod message;
pub mod password_policy;
pub mod phone;
pub mod points;
pub mod reminder;
pub mod respondents;
pub mod rng;
pub mod role;
pub mod rollover;
pub mod scoring;
pub mod second_factor;
pub mod self_assessment;
pub mod setup;
pub mod storage_quota;
pub mod stored_name;
pub mod survey;
pub mod text;
pub mod token;
pub mod unit_code;

pub use clock::{Clock, FixedClock, ShiftedClock, SteerableClock, SystemClock};
pub use deadline::DeadlineKind;
pub use email::Email;
pub use ids::{CampaignId, UnitId, UserId};
pub use level::Level;
pub use points::Points;
pub use role::Role;
