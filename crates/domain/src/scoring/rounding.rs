//! Rounding: half-up to two decimals at the leaf, and an index as total ÷ max × 100, two decimals.

use rust_decimal::{Decimal, RoundingStrategy};

fn half_up(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A leaf's points: `fraction` (0–1) of `max`, rounded half-up to two decimals and kept in [0, max].
pub fn leaf_points(fraction: Decimal, max: Decimal) -> Decimal {
    half_up(fraction * max).clamp(Decimal::ZERO, max)
}

/// An index: `total` ÷ `max` × 100, half-up to two decimals (0 when `max` is 0).
pub fn index(total: Decimal, max: Decimal) -> Decimal {
    if max.is_zero() {
        return Decimal::ZERO;
    }
    half_up(total * Decimal::ONE_HUNDRED / max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn leaf_points_round_half_up_and_stay_within_the_maximum() {
        // 2/3 of 1.00 = 0.6666… → 0.67; 0.5 × 0.25 = 0.125 → 0.13 (half-up, not to even).
        assert_eq!(leaf_points(d("2") / d("3"), d("1.00")), d("0.67"));
        assert_eq!(leaf_points(d("0.5"), d("0.25")), d("0.13"));
        assert_eq!(leaf_points(d("1"), d("1.50")), d("1.50"));
        assert_eq!(leaf_points(d("0"), d("1.50")), d("0"));
    }

    #[test]
    fn an_index_is_total_over_max_times_100_to_two_decimals() {
        // 92.18 of 100 → 92.18; 57.375 of 62.5 → 91.8; 2 of 3 → 66.666… → 66.67.
        assert_eq!(index(d("92.18"), d("100")), d("92.18"));
        assert_eq!(index(d("57.375"), d("62.5")), d("91.80"));
        assert_eq!(index(d("2"), d("3")), d("66.67"));
        assert_eq!(index(d("1"), d("0")), d("0"));
    }
}
