//! The survey's sufficient statistics, kept exact. Answers are worth whole hundredths (an option's
//! fraction has at most two decimals), so a respondent's value for a leaf is `cents ÷ (100 × n)` for
//! the `n` answers that count. A group's tally keeps, for each `n`, the sum of its respondents' cents:
//! integers, so tallies add up in any order, in any number of parts, to the same result. Equal,
//! weighted and pooled means all follow from the tallies, so a result's inputs stay small (units ×
//! survey leaves × groups) however many answered.

use super::exact::{Exact, div_raw, half_up_decimal};
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

    /// The sum of the respondents' values (each between 0 and 1), exactly: Σ cents(n) ÷ (100 n),
    /// over the least common multiple of the n's in integers, and one division at the end.
    pub fn sum(&self) -> Exact {
        self.common_sum().unwrap_or_else(|| {
            self.cents.iter().fold(Exact::zero(), |acc, (n, c)| {
                acc + Exact::new(BigInt::from(*c), BigInt::from(u64::from(*n) * 100))
            })
        })
    }

    /// [`Self::sum`] in 128-bit integers, or `None` if they would overflow.
    fn common_sum(&self) -> Option<Exact> {
        let lcm = self.cents.keys().try_fold(1u128, |l, n| {
            let n = u128::from(*n).max(1);
            l.checked_mul(n / gcd(l, n))
        })?;
        let num = self.cents.iter().try_fold(0u128, |acc, (n, c)| {
            let part = u128::from(*c).checked_mul(lcm / u128::from(*n).max(1))?;
            acc.checked_add(part)
        })?;
        let den = lcm.checked_mul(100)?;
        Some(Exact::new_raw(BigInt::from(num), BigInt::from(den)))
    }

    /// The mean of the respondents' values, exactly (unreduced).
    pub fn mean(&self) -> Option<Exact> {
        (self.respondents > 0)
            .then(|| div_raw(&self.sum(), &Exact::from_integer(self.respondents.into())))
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
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

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(t: &GroupTally) -> Exact {
        t.cents.iter().fold(Exact::zero(), |acc, (n, c)| {
            acc + Exact::new(BigInt::from(*c), BigInt::from(u64::from(*n) * 100))
        })
    }

    proptest::proptest! {
        /// The sum over a common denominator equals the sum of the fractions one by one, from a
        /// single respondent up to sums of cents that overflow 128 bits (then the slow way is taken).
        #[test]
        fn the_common_denominator_sum_is_the_exact_sum(
            parts in proptest::collection::btree_map(1u32..200, 0u64..u64::MAX, 0..40),
        ) {
            let t = GroupTally { respondents: 1, cents: parts };
            proptest::prop_assert_eq!(t.sum(), folded(&t));
        }
    }

    #[test]
    fn thirds_and_sevenths_add_up_exactly() {
        let mut t = GroupTally::default();
        t.add(100, 3); // 1/3
        t.add(100, 7); // 1/7
        t.add(50, 1); // 1/2
        assert_eq!(t.sum(), Exact::new(BigInt::from(41), BigInt::from(42)));
        assert_eq!(t.sum(), folded(&t));
    }
}
