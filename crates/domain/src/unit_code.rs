//! A unit's code, e.g. "BTP" or "QNI": what MoHA types on the unit form, in a units file and in a
//! crosswalk, and what the ranking and the report card's URL carry.

/// The code cleaned and upper-cased, or `None` when it is not one: 1–20 unaccented letters, digits,
/// "-" or "_".
pub fn parse(raw: &str) -> Option<String> {
    let code = raw.trim().to_uppercase();
    let fine = !code.is_empty()
        && code.len() <= 20
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    fine.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_unaccented_and_upper_case() {
        assert_eq!(parse(" qni ").as_deref(), Some("QNI"));
        assert_eq!(parse("HN-01_b").as_deref(), Some("HN-01_B"));
        assert_eq!(parse(""), None);
        assert_eq!(parse("Hà Nội"), None);
        assert_eq!(parse(&"A".repeat(21)), None);
    }
}
