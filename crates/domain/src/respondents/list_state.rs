//! A unit's respondent list: compiled and edited as a draft, sent to MoHA (locked), then accepted, or
//! returned with a comment (a draft again). The list deadline locks every unsent list.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListState {
    Draft,
    Sent,
    Accepted,
}

impl ListState {
    pub const ALL: [ListState; 3] = [ListState::Draft, ListState::Sent, ListState::Accepted];

    pub fn as_str(self) -> &'static str {
        match self {
            ListState::Draft => "draft",
            ListState::Sent => "sent",
            ListState::Accepted => "accepted",
        }
    }

    pub fn parse(s: &str) -> Option<ListState> {
        ListState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// May the unit change the list?
    pub fn editable(self) -> bool {
        self == ListState::Draft
    }
}

/// MoHA's review of a sent list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Accept,
    Return,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("the list is not waiting for review")]
    WrongState,
    #[error("a returned list needs a comment")]
    CommentRequired,
}

/// The state after MoHA's review.
pub fn review(state: ListState, r: Review, comment: &str) -> Result<ListState, ReviewError> {
    match (state, r) {
        (ListState::Sent, Review::Accept) => Ok(ListState::Accepted),
        (ListState::Sent, Review::Return) if comment.trim().chars().count() >= 5 => {
            Ok(ListState::Draft)
        }
        (ListState::Sent, Review::Return) => Err(ReviewError::CommentRequired),
        _ => Err(ReviewError::WrongState),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moha_accepts_or_returns_with_a_comment() {
        assert_eq!(
            review(ListState::Sent, Review::Accept, ""),
            Ok(ListState::Accepted)
        );
        assert_eq!(
            review(ListState::Sent, Review::Return, " "),
            Err(ReviewError::CommentRequired)
        );
        assert_eq!(
            review(ListState::Sent, Review::Return, "Thiếu đại biểu HĐND"),
            Ok(ListState::Draft)
        );
        assert_eq!(
            review(ListState::Draft, Review::Accept, ""),
            Err(ReviewError::WrongState)
        );
        assert_eq!(
            review(ListState::Accepted, Review::Return, "mở lại danh sách"),
            Err(ReviewError::WrongState)
        );
        assert!(ListState::Draft.editable() && !ListState::Sent.editable());
    }
}
