//! Rounding: half-up to two decimals at the leaf, and an index as total ÷ max × 100, two decimals,
//! both from exact figures through the one rule, [`super::exact::half_up`].

use super::exact::{Exact, div_raw, from_decimal, half_up, mul_raw};
use rust_decimal::Decimal;

/// A leaf's points: `fraction` (0–1) of `max`, rounded half-up to two decimals and kept in [0, max].
pub fn leaf_points(fraction: &Exact, max: Decimal) -> Decimal {
    half_up(&mul_raw(fraction, &from_decimal(max))).clamp(Decimal::ZERO, max)
}

/// An index: `total` ÷ `max` × 100, half-up to two decimals (0 when `max` is 0).
pub fn index_exact(total: &Exact, max: Decimal) -> Decimal {
    if max.is_zero() {
        return Decimal::ZERO;
    }
    half_up(&div_raw(
        &mul_raw(total, &from_decimal(Decimal::ONE_HUNDRED)),
        &from_decimal(max),
    ))
}

/// [`index_exact`] of a total held as a decimal (points already rounded at the leaves).
pub fn index(total: Decimal, max: Decimal) -> Decimal {
    index_exact(&from_decimal(total), max)
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
        use crate::scoring::exact::ratio;
        assert_eq!(leaf_points(&ratio(2, 3), d("1.00")), d("0.67"));
        assert_eq!(leaf_points(&ratio(1, 2), d("0.25")), d("0.13"));
        assert_eq!(leaf_points(&ratio(1, 1), d("1.50")), d("1.50"));
        assert_eq!(leaf_points(&ratio(0, 1), d("1.50")), d("0"));
        // The worked example of the issue: 19/30 of 2.25 is 1.425 → 1.43, not 1.42.
        assert_eq!(leaf_points(&ratio(19, 30), d("2.25")), d("1.43"));
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
