//! The parindex database: one [`Db`] value over SQLite (the embedded default) or PostgreSQL.
//!
//! Every query body is written once in portable SQL (`$1` placeholders, `RETURNING`, `ON CONFLICT`) and
//! expanded for each engine by the `on_pool!`/`on_tx!` macros; engine arms appear only where the dialects
//! differ. Every change is written together with its audit entry in one transaction. The respondent
//! path's hottest reads and writes also run on SQLite on the calling thread ([`inline`]), the writes
//! built once as data ([`steps`]) for either engine.

#[macro_use]
mod dispatch;

pub mod appraisals;
pub mod audit;
pub mod audit_checkpoint;
pub mod backup;
pub mod bulk;
pub mod campaigns;
pub mod contacts;
pub mod copy;
pub mod credentials;
pub mod criteria_sets;
pub mod ctx;
pub mod deadlines;
pub mod durability;
pub mod error;
pub mod evidence;
pub mod exclusive;
pub mod inline;
pub mod integrity;
pub mod kept;
pub mod outbox;
pub(crate) mod packed;
pub mod pool;
pub(crate) mod portable;
pub mod publication;
pub mod questionnaires;
pub mod reminders;
pub mod respondents;
pub mod results;
pub mod rollover;
pub mod scoring_inputs;
pub mod second_factors;
pub mod self_assessments;
pub mod sessions;
pub mod setup;
pub mod steps;
pub mod survey;
pub mod survey_events;
pub mod survey_mailing;
pub mod survey_progress;
pub mod survey_tallies;
pub mod throttle;
pub mod unit_import;
pub mod units;
pub mod users;
pub mod write_queue;

pub use ctx::Ctx;
pub use error::DbError;
pub use pool::{Db, Engine, SqliteSide, Tx};
