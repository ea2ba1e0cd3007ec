//! A campaign's legal basis: the decisions and dispatches it implements, as a list. MoHA types one
//! document per line; the list is stored one per line. Older campaigns wrote them on one line
//! separated by ";", which reads as the same list.

use crate::text;

/// The most documents a campaign's legal basis lists.
pub const MAX_ITEMS: usize = 20;

/// The longest one document's citation may be, in characters.
pub const MAX_ITEM_CHARS: usize = 300;

/// The documents of a stored (or typed) legal basis, cleaned, in order, without empty ones.
pub fn items(stored: &str) -> Vec<String> {
    stored
        .split(['\n', ';'])
        .map(text::clean)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The typed list checked and as it is stored (one document per line), or the message key of why
/// not.
pub fn parse(typed: &str) -> Result<String, &'static str> {
    let items = items(typed);
    if items.len() > MAX_ITEMS {
        return Err("legal-basis-too-many");
    }
    if items.iter().any(|i| i.chars().count() > MAX_ITEM_CHARS) {
        return Err("field-too-long");
    }
    Ok(items.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_document_per_line_or_per_semicolon() {
        let typed = "Decision 876/QD-BNV of 10/11/2022\r\n\n  Dispatch 7156/BNV-CCHC  \n";
        assert_eq!(
            parse(typed),
            Ok("Decision 876/QD-BNV of 10/11/2022\nDispatch 7156/BNV-CCHC".to_string())
        );
        assert_eq!(
            items("Decision 876/QD-BNV; Decision 757/QD-BNV"),
            ["Decision 876/QD-BNV", "Decision 757/QD-BNV"]
        );
        assert_eq!(parse(""), Ok(String::new()));
    }

    #[test]
    fn too_many_or_too_long_is_refused() {
        let many = vec!["QD"; MAX_ITEMS + 1].join("\n");
        assert_eq!(parse(&many), Err("legal-basis-too-many"));
        assert!(parse(&vec!["QD"; MAX_ITEMS].join("\n")).is_ok());
        assert_eq!(
            parse(&"x".repeat(MAX_ITEM_CHARS + 1)),
            Err("field-too-long")
        );
    }
}
