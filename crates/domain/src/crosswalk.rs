//! Reorganisations as data: a unit of one campaign and the units of the campaign before it that it
//! succeeds, each with a weight (equal unless given). A merged province compares with the weighted
//! index of the provinces it was made from; a unit that kept its code needs no entry.

use crate::scoring::exact::{self, Exact};
use rust_decimal::Decimal;
use std::str::FromStr;

/// One predecessor of a unit: its code in the earlier campaign and its weight (> 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub code: String,
    pub weight: Decimal,
}

/// The most predecessors one unit may have (the 2025 merger has at most three).
pub const MAX_LINKS: usize = 20;

/// Reads a predecessors cell: codes separated by "," or ";", each optionally with ":weight", e.g.
/// "HNI", "HTY, HNI" or "VPC:1,5; HPG:2". Weights are positive decimals ("," or "." as the decimal
/// mark); a code without one weighs 1. An empty cell means no predecessor. The error is a message key.
pub fn parse(cell: &str) -> Result<Vec<Link>, &'static str> {
    let mut out: Vec<Link> = Vec::new();
    for part in cell.split(';').flat_map(split_codes) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (code, weight) = match part.split_once(':') {
            Some((c, w)) => (c.trim(), weight(w)?),
            None => (part, Decimal::ONE),
        };
        let code = crate::unit_code::parse(code).ok_or("crosswalk-code-invalid")?;
        if out.iter().any(|l| l.code == code) {
            return Err("crosswalk-code-twice");
        }
        out.push(Link { code, weight });
    }
    if out.len() > MAX_LINKS {
        return Err("crosswalk-too-many");
    }
    Ok(out)
}

/// Splits on "," except where it is a decimal mark inside a weight ("VPC:1,5").
fn split_codes(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b != b',' {
            continue;
        }
        let in_weight = s[start..i].contains(':')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            && i > 0
            && bytes[i - 1].is_ascii_digit();
        if !in_weight {
            parts.push(&s[start..i]);
            start = i + 1;
        }
    }
    parts.push(&s[start..]);
    parts
}

fn weight(w: &str) -> Result<Decimal, &'static str> {
    Decimal::from_str(&w.trim().replace(',', "."))
        .ok()
        .filter(|d| *d > Decimal::ZERO && *d <= Decimal::from(1_000_000_000) && d.scale() <= 6)
        .ok_or("crosswalk-weight-invalid")
}

/// The weighted index of the predecessors, Σ wᵢ·indexᵢ ÷ Σ wᵢ, exact until the one half-up rounding.
/// `None` without predecessors.
pub fn weighted(parts: &[(Decimal, Decimal)]) -> Option<Decimal> {
    if parts.is_empty() {
        return None;
    }
    let mut sum = exact::from_int(0);
    let mut total = exact::from_int(0);
    for (index, weight) in parts {
        let w = exact::from_decimal(*weight);
        sum = exact::add_raw(&sum, &exact::mul_raw(&exact::from_decimal(*index), &w));
        total = exact::add_raw(&total, &w);
    }
    let zero: Exact = exact::from_int(0);
    (total > zero).then(|| exact::half_up(&exact::div_raw(&sum, &total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("valid")
    }

    #[test]
    fn cells_read_as_codes_with_weights() {
        assert_eq!(parse("").expect("valid"), vec![]);
        assert_eq!(
            parse("hni").expect("valid"),
            vec![Link {
                code: "HNI".into(),
                weight: Decimal::ONE
            }]
        );
        let two = parse("VPC:1,5; HPG:2").expect("valid");
        assert_eq!(two[0].weight, d("1.5"));
        assert_eq!(two[1].code, "HPG");
        assert_eq!(parse("HTY, HNI").expect("valid").len(), 2);
        assert_eq!(parse("A:1.25,B").expect("valid")[0].weight, d("1.25"));
        assert_eq!(parse("A:0"), Err("crosswalk-weight-invalid"));
        assert_eq!(parse("A:x"), Err("crosswalk-weight-invalid"));
        assert_eq!(parse("A, a"), Err("crosswalk-code-twice"));
        assert_eq!(parse("Hà Nội"), Err("crosswalk-code-invalid"));
    }

    #[test]
    fn the_weighted_index_is_exact_until_it_rounds_half_up() {
        assert_eq!(weighted(&[]), None);
        // Equal weights: (80.01 + 80.02) / 2 = 80.015, which rounds up.
        assert_eq!(
            weighted(&[(d("80.01"), d("1")), (d("80.02"), d("1"))]),
            Some(d("80.02"))
        );
        // 2:1 of 90 and 60 is 80 exactly; thirds stay exact until the end.
        assert_eq!(
            weighted(&[(d("90"), d("2")), (d("60"), d("1"))]),
            Some(d("80.00"))
        );
        assert_eq!(
            weighted(&[(d("70"), d("1")), (d("70"), d("1")), (d("70.01"), d("1"))]),
            Some(d("70.00"))
        );
    }
}
