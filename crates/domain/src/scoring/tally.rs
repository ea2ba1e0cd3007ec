//! The survey's sufficient statistics, kept exact. Answers are worth whole hundredths (an option's
//! fraction has at most two decimals), so a respondent's value for a leaf is `cents ÷ (100 × n)` for
//! the `n` answers that count. A group's tally keeps, for each `n`, the sum of its respondents' cents:
//! integers, so tallies add up in any order, in any number of parts, to the same result. Equal,
//! weighted and pooled means all follow from the tallies, so a result's inputs stay small (units ×
//! survey leaves × groups) however many answered.

use super::exact::{Exact, half_up_decimal};
use num_bigint::BigInt;
use num_traits::Zero;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupTally {
    /// How many respondents gave at least one answer that counts.
    pub respondents: u32,
    /// Number of counted answers → the sum of those respondents' answers, in hundredths.
    pub cents: BTreeMap<u32, u64>,
}

impl GroupTally {
    /// Adds one respondent who gave `answers` answers that count, worth `cents` hundredths in all.
    pub fn add(&mut self, cents: u64, answers: u32) {
        if answers == 0 {
            return;
        }
        self.respondents += 1;
        *self.cents.entry(answers).or_default() += cents;
    }

    /// Adds another part's tally of the same group and leaf.
    pub fn merge(&mut self, other: &GroupTally) {
        self.respondents += other.respondents;
        for (n, c) in &other.cents {
            *self.cents.entry(*n).or_default() += c;
        }
    }

    /// The sum of the respondents' values (each between 0 and 1), exactly.
    pub fn sum(&self) -> Exact {
        self.cents.iter().fold(Exact::zero(), |acc, (n, c)| {
            acc + Exact::new(BigInt::from(*c), BigInt::from(u64::from(*n) * 100))
        })
    }

    /// The mean of the respondents' values, exactly.
    pub fn mean(&self) -> Option<Exact> {
        (self.respondents > 0).then(|| self.sum() / Exact::from_integer(self.respondents.into()))
    }
}

/// One leaf's tallies, by group code.
pub type LeafTally = BTreeMap<String, GroupTally>;

/// An option's fraction in hundredths (fractions have at most two decimals; anything finer is
/// rounded half-up, the index's one rule).
pub fn cents(fraction: Decimal) -> u64 {
    (half_up_decimal(fraction) * Decimal::ONE_HUNDRED)
        .to_u64()
        .unwrap_or(0)
}

/// One respondent's answers to one leaf as (cents, answers that count): "don't know" is `None` and
/// left out; `None` when none counts.
pub fn respondent_cents(
    fractions: impl IntoIterator<Item = Option<Decimal>>,
) -> Option<(u64, u32)> {
    let (sum, n) = fractions
        .into_iter()
        .flatten()
        .fold((0u64, 0u32), |(s, n), f| (s + cents(f), n + 1));
    (n > 0).then_some((sum, n))
}
