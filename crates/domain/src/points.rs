//! Points: exact decimals with at most two places, never negative. Never floating point.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Points(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointsError {
    #[error("not a number")]
    NotANumber,
    #[error("more than two decimal places")]
    TooPrecise,
    #[error("negative")]
    Negative,
}

impl Points {
    pub const ZERO: Points = Points(Decimal::ZERO);

    /// Parses "8.5", "8.50", "8,50" (Vietnamese decimal comma). At most two decimals, not negative.
    pub fn parse(input: &str) -> Result<Points, PointsError> {
        let s = input.trim().replace(',', ".");
        let d = Decimal::from_str(&s).map_err(|_| PointsError::NotANumber)?;
        Points::from_decimal(d)
    }

    pub fn from_decimal(d: Decimal) -> Result<Points, PointsError> {
        if d.is_sign_negative() && !d.is_zero() {
            return Err(PointsError::Negative);
        }
        if d.normalize().scale() > 2 {
            return Err(PointsError::TooPrecise);
        }
        Ok(Points(crate::scoring::half_up_decimal(d)))
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn checked_add(self, other: Points) -> Option<Points> {
        self.0.checked_add(other.0).map(Points)
    }

    /// Always two decimals: "8.50".
    pub fn to_fixed(self) -> String {
        format!("{:.2}", self.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl std::fmt::Display for Points {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_fixed())
    }
}

impl TryFrom<String> for Points {
    type Error = PointsError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Points::parse(&s)
    }
}

impl From<Points> for String {
    fn from(p: Points) -> String {
        p.to_fixed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_number_too_large_for_two_decimals_is_refused_by_its_bound_not_a_panic() {
        // Found by fuzzing the figures file: 9.9 × 10^26 overflowed the rounding step.
        let huge = "988888888888888888888888881.4";
        let p = Points::parse(huge).expect("parses");
        assert_eq!(p.decimal(), Decimal::MAX);
        assert_eq!(crate::scoring::parse_percentage(huge), None);
        assert!(crate::self_assessment::check_score(huge, Points::parse("2").expect("2")).is_err());
    }

    #[test]
    fn parsing_accepts_both_decimal_marks_and_refuses_the_rest() {
        assert_eq!(
            Points::parse("8.5").map(Points::to_fixed),
            Ok("8.50".into())
        );
        assert_eq!(
            Points::parse("31,50").map(Points::to_fixed),
            Ok("31.50".into())
        );
        assert_eq!(
            Points::parse(" 0 ").map(Points::to_fixed),
            Ok("0.00".into())
        );
        assert_eq!(Points::parse("1.005"), Err(PointsError::TooPrecise));
        assert_eq!(
            Points::parse("1.500"),
            Ok(Points::parse("1.5").unwrap_or_default())
        );
        assert_eq!(Points::parse("-1"), Err(PointsError::Negative));
        assert_eq!(Points::parse("abc"), Err(PointsError::NotANumber));
        assert_eq!(Points::parse("NaN"), Err(PointsError::NotANumber));
    }

    #[test]
    fn sums_are_exact() {
        // 0.1 + 0.2 is 0.3 here, unlike floating point.
        let s: Points = ["0.1", "0.2"]
            .iter()
            .filter_map(|x| Points::parse(x).ok())
            .sum();
        assert_eq!(s.to_fixed(), "0.30");
        let many: Points =
            std::iter::repeat_n(Points::parse("0.01").unwrap_or_default(), 10_000).sum();
        assert_eq!(many.to_fixed(), "100.00");
    }

    proptest! {
        #[test]
        fn two_decimal_values_round_trip(cents in 0u64..100_000_000) {
            let s = format!("{}.{:02}", cents / 100, cents % 100);
            let p = Points::parse(&s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(p.to_fixed(), s);
        }
    }
}
