//! The survey's sufficient statistics. A respondent's value for a leaf is the mean of the answers they
//! gave that count; what the engine needs of a group is the sum of its respondents' values and how
//! many respondents there are. Equal, weighted and pooled means all follow from those two numbers, so a
//! result's inputs stay small (units × survey leaves × groups) however many answered.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupTally {
    /// The sum of the respondents' values (each between 0 and 1).
    pub sum: Decimal,
    /// How many respondents gave at least one answer that counts.
    pub respondents: u32,
}

impl GroupTally {
    pub fn add(&mut self, value: Decimal) {
        self.sum += value;
        self.respondents += 1;
    }

    pub fn mean(&self) -> Option<Decimal> {
        (self.respondents > 0).then(|| self.sum / Decimal::from(self.respondents))
    }
}

/// One leaf's tallies, by group code.
pub type LeafTally = BTreeMap<String, GroupTally>;

/// One respondent's value for one leaf: the mean of the fractions that count ("don't know" is
/// `None` and left out), or `None` when none counts.
pub fn respondent_value(fractions: impl IntoIterator<Item = Option<Decimal>>) -> Option<Decimal> {
    let (sum, n) = fractions
        .into_iter()
        .flatten()
        .fold((Decimal::ZERO, 0u32), |(s, n), f| (s + f, n + 1));
    (n > 0).then(|| sum / Decimal::from(n))
}
