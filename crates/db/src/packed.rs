//! A response's answers packed into one text column: each question code and option key joined by
//! [`UNIT_SEP`], the answers joined by [`RECORD_SEP`]. The one way every reader that wants answers
//! in the same row as something else reads them (the tallies, the recount, interference checks,
//! a link read with its answers, a submission).

use crate::pool::Engine;

/// Separators inside the packed answers: ASCII unit and record separators, which no question code
/// or option key can hold.
pub(crate) const UNIT_SEP: char = '\u{1f}';
pub(crate) const RECORD_SEP: char = '\u{1e}';

/// The aggregate that packs the answers of `survey_answers a`, as a string literal for `concat!`:
/// `packed_answers!(postgres)` or `packed_answers!(sqlite)`. NULL when there are none.
macro_rules! packed_answers {
    (postgres) => {
        "string_agg(a.question_code || chr(31) || a.option_key, chr(30))"
    };
    (sqlite) => {
        "group_concat(a.question_code || char(31) || a.option_key, char(30))"
    };
}
pub(crate) use packed_answers;

/// [`packed_answers!`] for `engine`.
pub(crate) fn aggregate(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => packed_answers!(postgres),
        Engine::Sqlite => packed_answers!(sqlite),
    }
}

/// The (question code, option key) pairs of packed answers, in the order packed.
pub(crate) fn pairs(packed: &str) -> impl Iterator<Item = (&str, &str)> {
    packed
        .split(RECORD_SEP)
        .filter_map(|a| a.split_once(UNIT_SEP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_answers_come_back_as_pairs() {
        let packed = format!("Q1{UNIT_SEP}a{RECORD_SEP}Q2{UNIT_SEP}b");
        assert_eq!(
            pairs(&packed).collect::<Vec<_>>(),
            [("Q1", "a"), ("Q2", "b")]
        );
        assert_eq!(pairs("").count(), 0);
    }

    #[test]
    fn both_engines_use_the_same_separators() {
        for engine in [Engine::Postgres, Engine::Sqlite] {
            let sql = aggregate(engine);
            assert!(sql.contains("(31)") && sql.contains("(30)"), "{sql}");
        }
        assert_eq!((UNIT_SEP as u32, RECORD_SEP as u32), (31, 30));
    }
}
