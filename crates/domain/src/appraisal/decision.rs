//! One leaf's appraisal decision. Round 1 accepts the unit's score or adjusts it; round 2 (only for
//! leaves adjusted in round 1, after the unit's explanation) accepts the unit's score after all, keeps
//! the round-1 score, or sets another. Any score that differs from the unit's own needs a comment.

use crate::Points;
use crate::self_assessment::{ScoreError, check_score};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Round {
    First,
    Second,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The unit's self score stands.
    Accept,
    /// Round 2 only: the round-1 score stands despite the explanation.
    Keep,
    /// Another score, with a comment.
    Adjust,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Accept, Verdict::Keep, Verdict::Adjust];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Keep => "keep",
            Verdict::Adjust => "adjust",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// The verdicts an appraiser can choose from in a round.
    pub fn allowed(round: Round) -> &'static [Verdict] {
        match round {
            Round::First => &[Verdict::Accept, Verdict::Adjust],
            Round::Second => &[Verdict::Accept, Verdict::Keep, Verdict::Adjust],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub verdict: Verdict,
    pub score: Points,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("choose a decision")]
    NoVerdict,
    #[error("the unit did not score this leaf")]
    NoSelfScore,
    #[error("round 2 decides only leaves adjusted in round 1")]
    NotAdjusted,
    #[error("the score is invalid: {0}")]
    Score(ScoreError),
    #[error("an adjusted score needs a different value")]
    SameAsSelf,
    #[error("a score other than the unit's needs a comment")]
    CommentRequired,
    #[error("the comment is too long")]
    CommentTooLong,
}

impl DecisionError {
    pub fn message_key(&self) -> &'static str {
        match self {
            DecisionError::NoVerdict => "ap-verdict-required",
            DecisionError::NoSelfScore => "ap-no-self-score",
            DecisionError::NotAdjusted => "ap-not-adjusted",
            DecisionError::Score(e) => e.message_key(),
            DecisionError::SameAsSelf => "ap-same-as-self",
            DecisionError::CommentRequired => "ap-comment-required",
            DecisionError::CommentTooLong => "field-too-long",
        }
    }

    /// The form field the problem belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            DecisionError::Score(_) | DecisionError::SameAsSelf => "score",
            DecisionError::CommentRequired | DecisionError::CommentTooLong => "comment",
            _ => "verdict",
        }
    }
}

/// The shortest comment that counts as a reason.
pub const MIN_COMMENT_CHARS: usize = 5;
pub const MAX_COMMENT_CHARS: usize = 5000;

/// Checks one decision as the appraiser typed it. `self_score` is the unit's score, `round1` the
/// round-1 score (round 2 only).
pub fn decide(
    round: Round,
    max: Points,
    self_score: Option<Points>,
    round1: Option<Points>,
    verdict: &str,
    raw_score: &str,
    comment: &str,
) -> Result<Decision, DecisionError> {
    let verdict = Verdict::parse(verdict)
        .filter(|v| Verdict::allowed(round).contains(v))
        .ok_or(DecisionError::NoVerdict)?;
    let own = self_score.ok_or(DecisionError::NoSelfScore)?;
    let comment = comment.trim().to_string();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(DecisionError::CommentTooLong);
    }
    if round == Round::Second && round1.is_none_or(|r| r == own) {
        return Err(DecisionError::NotAdjusted);
    }
    let score = match verdict {
        Verdict::Accept => own,
        Verdict::Keep => round1.ok_or(DecisionError::NotAdjusted)?,
        Verdict::Adjust => {
            let s = check_score(raw_score, max)
                .map_err(DecisionError::Score)?
                .ok_or(DecisionError::Score(ScoreError::Invalid))?;
            if s == own {
                return Err(DecisionError::SameAsSelf);
            }
            s
        }
    };
    if score != own && comment.chars().count() < MIN_COMMENT_CHARS {
        return Err(DecisionError::CommentRequired);
    }
    Ok(Decision {
        verdict,
        score,
        comment,
    })
}

/// A self-assessed leaf's final score: the last appraised score, else the unit's own.
pub fn final_score(
    self_score: Option<Points>,
    round1: Option<Points>,
    round2: Option<Points>,
) -> Option<Points> {
    round2.or(round1).or(self_score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Points {
        Points::parse(s).unwrap_or_default()
    }

    #[test]
    fn round_one_accepts_or_adjusts_with_a_reason() {
        let max = p("2.00");
        let d = decide(Round::First, max, Some(p("1.50")), None, "accept", "", "").expect("accept");
        assert_eq!((d.verdict, d.score), (Verdict::Accept, p("1.50")));
        assert_eq!(
            decide(
                Round::First,
                max,
                Some(p("1.50")),
                None,
                "adjust",
                "1",
                "  "
            ),
            Err(DecisionError::CommentRequired)
        );
        let d = decide(
            Round::First,
            max,
            Some(p("1.50")),
            None,
            "adjust",
            "1,00",
            "Thiếu văn bản kiểm chứng",
        )
        .expect("adjust");
        assert_eq!((d.verdict, d.score), (Verdict::Adjust, p("1.00")));
        assert_eq!(
            decide(
                Round::First,
                max,
                Some(p("1.50")),
                None,
                "adjust",
                "1.5",
                "lý do đủ dài"
            ),
            Err(DecisionError::SameAsSelf)
        );
        assert_eq!(
            decide(
                Round::First,
                max,
                Some(p("1.50")),
                None,
                "adjust",
                "2.01",
                "lý do đủ dài"
            ),
            Err(DecisionError::Score(ScoreError::AboveMax))
        );
        assert_eq!(
            decide(
                Round::First,
                max,
                Some(p("1.50")),
                None,
                "adjust",
                "",
                "lý do đủ dài"
            ),
            Err(DecisionError::Score(ScoreError::Invalid))
        );
        assert_eq!(
            decide(Round::First, max, Some(p("1.50")), None, "keep", "", ""),
            Err(DecisionError::NoVerdict)
        );
        assert_eq!(
            decide(Round::First, max, None, None, "accept", "", ""),
            Err(DecisionError::NoSelfScore)
        );
    }

    #[test]
    fn round_two_answers_the_explanation() {
        let max = p("2.00");
        let own = Some(p("2.00"));
        let r1 = Some(p("1.00"));
        let d = decide(Round::Second, max, own, r1, "accept", "", "").expect("accept");
        assert_eq!(d.score, p("2.00"));
        assert_eq!(
            decide(Round::Second, max, own, r1, "keep", "", ""),
            Err(DecisionError::CommentRequired)
        );
        let d = decide(
            Round::Second,
            max,
            own,
            r1,
            "keep",
            "",
            "Giải trình chưa có văn bản",
        )
        .expect("keep");
        assert_eq!(d.score, p("1.00"));
        let d = decide(
            Round::Second,
            max,
            own,
            r1,
            "adjust",
            "1.5",
            "Chấp nhận một phần",
        )
        .expect("adjust");
        assert_eq!(d.score, p("1.50"));
        assert_eq!(
            decide(Round::Second, max, own, own, "accept", "", ""),
            Err(DecisionError::NotAdjusted)
        );
    }

    #[test]
    fn the_final_score_is_the_last_word() {
        assert_eq!(final_score(Some(p("2")), None, None), Some(p("2")));
        assert_eq!(final_score(Some(p("2")), Some(p("1")), None), Some(p("1")));
        assert_eq!(
            final_score(Some(p("2")), Some(p("1")), Some(p("1.5"))),
            Some(p("1.5"))
        );
        assert_eq!(final_score(None, None, None), None);
    }

    proptest! {
        /// Whatever is typed, an accepted decision's score lies in [0, max], and differs from the
        /// unit's score only with a comment.
        #[test]
        fn decisions_stay_in_range_and_explain_themselves(
            round2 in any::<bool>(),
            verdict in prop::sample::select(vec!["accept", "keep", "adjust", "x"]),
            typed in "\\PC{0,8}",
            comment in "\\PC{0,12}",
            max_cents in 0u32..1000,
            own_cents in 0u32..1000,
            r1_cents in 0u32..1000,
        ) {
            let cents = |c: u32| p(&format!("{}.{:02}", c / 100, c % 100));
            let max = cents(max_cents);
            let own = cents(own_cents.min(max_cents));
            let r1 = cents(r1_cents.min(max_cents));
            let round = if round2 { Round::Second } else { Round::First };
            if let Ok(d) = decide(round, max, Some(own), Some(r1), verdict, &typed, &comment) {
                prop_assert!(d.score >= Points::ZERO && d.score <= max);
                if d.score != own {
                    prop_assert!(d.comment.chars().count() >= MIN_COMMENT_CHARS);
                }
            }
        }
    }
}
