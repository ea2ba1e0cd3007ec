//! Which self-assessed items the officer looks at: all of them, those not finished, those that need
//! an explanation, or those without evidence; and which unfinished item comes next.

use super::leaf::{LeafEntry, LeafStatus, leaf_status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    /// Not complete yet: not started, without a score, or needing an explanation.
    Unfinished,
    NeedsExplanation,
    WithoutEvidence,
}

impl Filter {
    pub const ALL: [Filter; 4] = [
        Filter::All,
        Filter::Unfinished,
        Filter::NeedsExplanation,
        Filter::WithoutEvidence,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Unfinished => "unfinished",
            Filter::NeedsExplanation => "needs-explanation",
            Filter::WithoutEvidence => "without-evidence",
        }
    }

    /// The filter a query names; anything else shows everything.
    pub fn parse(s: &str) -> Filter {
        Filter::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or_default()
    }

    /// Whether a self-assessed item shows under this filter.
    pub fn keeps(self, e: &LeafEntry) -> bool {
        match self {
            Filter::All => true,
            Filter::Unfinished => leaf_status(e) != LeafStatus::Complete,
            Filter::NeedsExplanation => leaf_status(e) == LeafStatus::NeedsExplanation,
            Filter::WithoutEvidence => e.evidence_count == 0,
        }
    }
}

/// The first unfinished item after `current` among `items` (the self-assessed items in the set's
/// order, with their state), going round to the start; `None` when every other item is complete.
pub fn next_unfinished<'a>(items: &'a [(String, LeafEntry)], current: &str) -> Option<&'a str> {
    let at = items.iter().position(|(code, _)| code == current)?;
    items[at + 1..]
        .iter()
        .chain(&items[..at])
        .find(|(_, e)| Filter::Unfinished.keeps(e))
        .map(|(code, _)| code.as_str())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Points;

    fn entry(score: Option<&str>, explanation: &str, evidence: usize) -> LeafEntry {
        LeafEntry {
            score: score.map(|s| Points::parse(s).unwrap()),
            explanation: explanation.into(),
            evidence_count: evidence,
        }
    }

    #[test]
    fn each_filter_keeps_its_items() {
        let done = entry(Some("1"), "Đã làm", 0);
        let evidenced = entry(Some("1"), "", 2);
        let unexplained = entry(Some("1"), "", 0);
        let blank = entry(None, "", 0);
        let keeps = |f: Filter| {
            [&done, &evidenced, &unexplained, &blank]
                .map(|e| f.keeps(e))
                .to_vec()
        };
        assert_eq!(keeps(Filter::All), [true, true, true, true]);
        assert_eq!(keeps(Filter::Unfinished), [false, false, true, true]);
        assert_eq!(keeps(Filter::NeedsExplanation), [false, false, true, false]);
        assert_eq!(keeps(Filter::WithoutEvidence), [true, false, true, true]);
    }

    #[test]
    fn filters_read_back_from_their_names_and_anything_else_is_all() {
        for f in Filter::ALL {
            assert_eq!(Filter::parse(f.as_str()), f);
        }
        assert_eq!(Filter::parse("<script>"), Filter::All);
    }

    #[test]
    fn the_next_unfinished_item_goes_round_and_skips_the_complete_ones() {
        let done = entry(Some("1"), "Đã làm", 0);
        let open = entry(None, "", 0);
        let items: Vec<(String, LeafEntry)> = [
            ("1.1", open.clone()),
            ("1.2", done.clone()),
            ("1.3", done.clone()),
            ("2.1", open.clone()),
        ]
        .into_iter()
        .map(|(c, e)| (c.to_string(), e))
        .collect();
        assert_eq!(next_unfinished(&items, "1.1"), Some("2.1"));
        assert_eq!(next_unfinished(&items, "1.2"), Some("2.1"));
        assert_eq!(
            next_unfinished(&items, "2.1"),
            Some("1.1"),
            "round to the start"
        );
        assert_eq!(next_unfinished(&items, "9.9"), None, "not an item");
        let all_done: Vec<(String, LeafEntry)> =
            vec![("1.1".into(), done.clone()), ("1.2".into(), open)];
        assert_eq!(
            next_unfinished(&all_done, "1.2"),
            None,
            "only itself is left"
        );
    }
}
