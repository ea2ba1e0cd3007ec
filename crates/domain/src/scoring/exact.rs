//! Exact points. Every figure the index is made of is a ratio of integers (an option's hundredths,
//! counts of answers and respondents, two-decimal maxima and weights) until the one rounding step,
//! [`half_up`]. Nothing is divided out to a fixed number of digits before that: 19/30 × 2.25 is
//! exactly 1.425, which rounds to 1.43.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

/// An exact rational number of points, of a fraction, or of a sum.
pub type Exact = BigRational;

/// `d` exactly: its mantissa over a power of ten.
pub fn from_decimal(d: Decimal) -> Exact {
    BigRational::new(
        BigInt::from(d.mantissa()),
        BigInt::from(10u32).pow(d.scale()),
    )
}

// Sums, products and quotients left unreduced. `BigRational`'s own operators reduce every result
// with a greatest common divisor, which is most of the engine's time on a national campaign; a
// fraction whose only use is to be rounded or compared needs no reducing (equality and order of
// `BigRational` hold for unreduced values). Denominators here are always positive.

/// `a + b`, unreduced.
pub fn add_raw(a: &Exact, b: &Exact) -> Exact {
    if a.denom() == b.denom() {
        return Exact::new_raw(a.numer() + b.numer(), a.denom().clone());
    }
    Exact::new_raw(
        a.numer() * b.denom() + b.numer() * a.denom(),
        a.denom() * b.denom(),
    )
}

/// `a × b`, unreduced.
pub fn mul_raw(a: &Exact, b: &Exact) -> Exact {
    Exact::new_raw(a.numer() * b.numer(), a.denom() * b.denom())
}

/// `a ÷ b` for a positive `b`, unreduced.
pub fn div_raw(a: &Exact, b: &Exact) -> Exact {
    Exact::new_raw(a.numer() * b.denom(), a.denom() * b.numer())
}

/// The whole number `n`.
pub fn from_int(n: i64) -> Exact {
    BigRational::from_integer(BigInt::from(n))
}

/// `num ÷ den`, exactly (zero when `den` is zero).
pub fn ratio(num: i64, den: i64) -> Exact {
    if den == 0 {
        return Exact::zero();
    }
    BigRational::new(BigInt::from(num), BigInt::from(den))
}

/// The one rounding rule of the index: to two decimals, half away from zero (half-up for points,
/// which are never negative). Every rounded figure goes through here.
pub fn half_up(x: &Exact) -> Decimal {
    // floor(100 |x| + 1/2) = floor((200 |n| + |d|) / 2 |d|), with no reducing on the way.
    let (n, d) = (x.numer().abs(), x.denom().abs());
    let rounded = (BigInt::from(200) * n + &d) / (BigInt::from(2) * d);
    let signed = if x.is_negative() { -rounded } else { rounded };
    // Beyond a decimal's 96 bits (about 7.9 × 10^26 at two decimals) the result saturates rather
    // than panicking: no score or figure comes near, and every caller bounds it far lower.
    let saturated = if x.is_negative() {
        Decimal::MIN
    } else {
        Decimal::MAX
    };
    signed
        .to_i128()
        .and_then(|v| Decimal::try_from_i128_with_scale(v, 2).ok())
        .unwrap_or(saturated)
}

/// [`half_up`] of a decimal (for callers that hold one, like the demo's generated scores).
pub fn half_up_decimal(d: Decimal) -> Decimal {
    half_up(&from_decimal(d))
}

/// A decimal close to `x` for showing a fraction or an unrounded sum (18 decimals, truncated):
/// never used to compute a rounded figure.
pub fn to_decimal(x: &Exact) -> Decimal {
    const E18: i64 = 1_000_000_000_000_000_000;
    let scaled = x.numer() * BigInt::from(E18) / x.denom();
    match scaled.to_i128() {
        Some(v) if v.unsigned_abs() < 79_228_162_514_264_337_593_543_950_335u128 => {
            Decimal::from_i128_with_scale(v, 18).normalize()
        }
        _ => Decimal::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn rounding_beyond_a_decimals_range_saturates() {
        let huge = Exact::from_integer(BigInt::from(10).pow(29));
        assert_eq!(half_up(&huge), Decimal::MAX);
        assert_eq!(half_up(&-huge), Decimal::MIN);
    }

    #[test]
    fn half_cents_round_up_exactly() {
        // The case found outside the project: 19/30 of a leaf worth 2.25 is exactly 1.425.
        let points = ratio(19, 30) * from_decimal(d("2.25"));
        assert_eq!(points, ratio(57, 40));
        assert_eq!(half_up(&points), d("1.43"));
        assert_eq!(half_up(&ratio(29, 40)), d("0.73")); // 0.725
        assert_eq!(half_up(&ratio(1, 8)), d("0.13")); // 0.125, not to even
        assert_eq!(half_up(&ratio(2, 3)), d("0.67"));
        assert_eq!(half_up(&ratio(-1, 8)), d("-0.13"));
        assert_eq!(half_up_decimal(d("0.005")), d("0.01"));
        assert_eq!(half_up_decimal(d("0.0049999")), d("0.00"));
    }

    #[test]
    fn decimals_go_in_exactly_and_come_out_close() {
        assert_eq!(from_decimal(d("2.25")), ratio(9, 4));
        assert_eq!(to_decimal(&ratio(3, 4)), d("0.75"));
        assert_eq!(to_decimal(&ratio(2, 3)), d("0.666666666666666666"));
    }
}
