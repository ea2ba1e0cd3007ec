//! Interference detection: the signals read from each response's paradata, their combination into a
//! risk score per unit compared across units with robust statistics, and the explanation each flag
//! carries. Detection only flags: nothing here changes or drops a response. MoHA reads the evidence
//! and records a decision (clear, or cancel the unit's survey results) elsewhere.
//!
//! The behaviour model in [`model`] generates honest and interfering respondents for simulations,
//! and [`evaluate`] measures how well the flags find the interfering units.

pub mod decision;
pub mod evaluate;
pub mod model;
pub mod risk;
pub mod schedule;
pub mod settings;
pub mod signals;
pub mod trace;

pub use risk::{Detection, Finding, UnitAssessment, detect};
pub use settings::IntegritySettings;
pub use signals::Signal;
pub use trace::{Event, Interner, NO_ANSWER, ResponseTrace};

#[cfg(test)]
mod tests;
