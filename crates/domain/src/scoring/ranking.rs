//! Tiers by index (A ≥ 90, B ≥ 80, C ≥ 70, D below, as campaign settings) and the ranking within a
//! level: by index, highest first; equal indices share a place and the next place is skipped
//! (1, 2, 2, 4); units marked "not ranked" get no place and do not take one from the others.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tier {
    A,
    B,
    C,
    D,
}

/// The lower bounds of tiers A, B and C. Only [`TierBands::new`] makes them, so every value in use
/// (typed in, stored, read back) has A above B above C, each between 0 and 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawBands")]
pub struct TierBands {
    a: Decimal,
    b: Decimal,
    c: Decimal,
}

#[derive(Deserialize)]
struct RawBands {
    a: Decimal,
    b: Decimal,
    c: Decimal,
}

impl TryFrom<RawBands> for TierBands {
    type Error = &'static str;

    fn try_from(r: RawBands) -> Result<Self, Self::Error> {
        TierBands::new(r.a, r.b, r.c).ok_or("tier bands must satisfy 100 ≥ A > B > C ≥ 0")
    }
}

impl TierBands {
    /// The bands, if 100 ≥ `a` > `b` > `c` ≥ 0.
    pub fn new(a: Decimal, b: Decimal, c: Decimal) -> Option<TierBands> {
        (a <= Decimal::ONE_HUNDRED && a > b && b > c && !c.is_sign_negative())
            .then_some(TierBands { a, b, c })
    }

    pub fn a(&self) -> Decimal {
        self.a
    }

    pub fn b(&self) -> Decimal {
        self.b
    }

    pub fn c(&self) -> Decimal {
        self.c
    }
}

impl Default for TierBands {
    fn default() -> Self {
        TierBands {
            a: Decimal::from(90),
            b: Decimal::from(80),
            c: Decimal::from(70),
        }
    }
}

pub fn tier(index: Decimal, bands: &TierBands) -> Tier {
    if index >= bands.a {
        Tier::A
    } else if index >= bands.b {
        Tier::B
    } else if index >= bands.c {
        Tier::C
    } else {
        Tier::D
    }
}

/// The place of each unit, in the order given: `None` for units that are not ranked.
pub fn rank(units: &[(Decimal, bool)]) -> Vec<Option<usize>> {
    units
        .iter()
        .map(|&(index, not_ranked)| {
            (!not_ranked).then(|| {
                1 + units
                    .iter()
                    .filter(|&&(other, other_not_ranked)| !other_not_ranked && other > index)
                    .count()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn ties_share_a_place_and_unranked_units_stand_apart() {
        let places = rank(&[
            (d("91.50"), false),
            (d("88.20"), false),
            (d("95.00"), true),
            (d("88.20"), false),
            (d("70.00"), false),
        ]);
        assert_eq!(places, vec![Some(1), Some(2), None, Some(2), Some(4)]);
    }

    #[test]
    fn tiers_follow_the_bands() {
        let b = TierBands::default();
        assert_eq!(tier(d("90.00"), &b), Tier::A);
        assert_eq!(tier(d("89.99"), &b), Tier::B);
        assert_eq!(tier(d("70"), &b), Tier::C);
        assert_eq!(tier(d("69.99"), &b), Tier::D);
    }

    #[test]
    fn bands_must_descend_within_0_to_100_when_made_and_when_read() {
        assert!(TierBands::new(d("95"), d("85"), d("75")).is_some());
        for (a, b, c) in [
            ("80", "90", "70"),
            ("90", "90", "70"),
            ("90", "80", "80"),
            ("101", "80", "70"),
            ("90", "80", "-1"),
        ] {
            assert!(TierBands::new(d(a), d(b), d(c)).is_none(), "{a} {b} {c}");
        }
        let good: TierBands =
            serde_json::from_str(r#"{"a":"90","b":"80","c":"70"}"#).expect("good bands");
        assert_eq!(good, TierBands::default());
        assert_eq!(
            serde_json::to_string(&good).expect("json"),
            r#"{"a":"90","b":"80","c":"70"}"#
        );
        assert!(serde_json::from_str::<TierBands>(r#"{"a":"70","b":"80","c":"90"}"#).is_err());
    }

    proptest! {
        #[test]
        fn places_do_not_depend_on_input_order(
            cents in proptest::collection::vec((0u32..10_000, any::<bool>()), 1..40),
            seed in any::<u64>(),
        ) {
            let units: Vec<(Decimal, bool)> =
                cents.iter().map(|&(c, nr)| (Decimal::new(i64::from(c), 2), nr)).collect();
            let places = rank(&units);
            let mut order: Vec<usize> = (0..units.len()).collect();
            order.sort_by_key(|&i| (i as u64).wrapping_mul(seed | 1) % 1_000_003);
            let shuffled: Vec<(Decimal, bool)> = order.iter().map(|&i| units[i]).collect();
            let again = rank(&shuffled);
            for (k, &i) in order.iter().enumerate() {
                prop_assert_eq!(again[k], places[i]);
            }
            // A higher index never has a worse place.
            for (i, a) in units.iter().enumerate() {
                for (j, b) in units.iter().enumerate() {
                    if let (Some(pa), Some(pb)) = (places[i], places[j]) && a.0 > b.0 {
                        prop_assert!(pa < pb);
                    }
                }
            }
        }
    }
}
