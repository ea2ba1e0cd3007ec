//! One self-assessed leaf: its score (within [0, max]), explanation and evidence, and the status the
//! task list shows.

use crate::Points;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LeafEntry {
    pub score: Option<Points>,
    pub explanation: String,
    pub evidence_count: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeafStatus {
    NotStarted,
    InProgress,
    Complete,
    /// Scored without evidence and without an explanation: it cannot be sent like this.
    NeedsExplanation,
}

impl LeafStatus {
    pub const ALL: [LeafStatus; 4] = [
        LeafStatus::NotStarted,
        LeafStatus::InProgress,
        LeafStatus::Complete,
        LeafStatus::NeedsExplanation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LeafStatus::NotStarted => "not_started",
            LeafStatus::InProgress => "in_progress",
            LeafStatus::Complete => "complete",
            LeafStatus::NeedsExplanation => "needs_explanation",
        }
    }
}

pub fn leaf_status(e: &LeafEntry) -> LeafStatus {
    let explained = !e.explanation.trim().is_empty();
    match (e.score, e.evidence_count > 0, explained) {
        (None, false, false) => LeafStatus::NotStarted,
        (None, _, _) => LeafStatus::InProgress,
        (Some(_), false, false) => LeafStatus::NeedsExplanation,
        (Some(_), _, _) => LeafStatus::Complete,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("not a score")]
    Invalid,
    #[error("above the maximum")]
    AboveMax,
}

impl ScoreError {
    pub fn message_key(&self) -> &'static str {
        match self {
            ScoreError::Invalid => "sa-score-invalid",
            ScoreError::AboveMax => "sa-score-above-max",
        }
    }
}

/// Parses a typed score ("1,25" or "1.25"); empty means "not scored yet".
pub fn check_score(input: &str, max: Points) -> Result<Option<Points>, ScoreError> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    let p = Points::parse(input).map_err(|_| ScoreError::Invalid)?;
    if p > max {
        return Err(ScoreError::AboveMax);
    }
    Ok(Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pts(s: &str) -> Points {
        Points::parse(s).unwrap_or_default()
    }

    #[test]
    fn statuses() {
        let e = |score: Option<&str>, ex: &str, ev: usize| LeafEntry {
            score: score.map(pts),
            explanation: ex.into(),
            evidence_count: ev,
        };
        assert_eq!(leaf_status(&e(None, "", 0)), LeafStatus::NotStarted);
        assert_eq!(leaf_status(&e(None, "", 1)), LeafStatus::InProgress);
        assert_eq!(
            leaf_status(&e(Some("1"), "", 0)),
            LeafStatus::NeedsExplanation
        );
        assert_eq!(
            leaf_status(&e(Some("1"), "Đã ban hành đúng hạn", 0)),
            LeafStatus::Complete
        );
        assert_eq!(leaf_status(&e(Some("0"), "", 2)), LeafStatus::Complete);
    }

    #[test]
    fn scores_stay_within_zero_and_max() {
        assert_eq!(check_score("1,25", pts("1.75")), Ok(Some(pts("1.25"))));
        assert_eq!(check_score("", pts("1.75")), Ok(None));
        assert_eq!(check_score("1.76", pts("1.75")), Err(ScoreError::AboveMax));
        assert_eq!(check_score("-0.5", pts("1.75")), Err(ScoreError::Invalid));
        assert_eq!(check_score("1.255", pts("1.75")), Err(ScoreError::Invalid));
        assert_eq!(check_score("một", pts("1.75")), Err(ScoreError::Invalid));
    }

    proptest! {
        #[test]
        fn an_accepted_score_is_never_outside_the_range(input in "\\PC{0,12}", max_cents in 0u32..10_000) {
            let max = pts(&format!("{}.{:02}", max_cents / 100, max_cents % 100));
            if let Ok(Some(p)) = check_score(&input, max) {
                prop_assert!(p >= Points::ZERO && p <= max);
            }
        }
    }
}
