//! A unit's respondent list: compiled and edited as a draft, sent to MoHA (locked), then accepted, or
//! returned with a comment (a draft again). The list deadline locks every unsent list.

use crate::Role;
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

crate::stored_name::stored_name!(ListState, "list state", as_str, ListState::parse);

/// A unit's request to have a group accepted as it is: pending until MoHA decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionState {
    Pending,
    Accepted,
    Rejected,
}

impl ExceptionState {
    pub const ALL: [ExceptionState; 3] = [
        ExceptionState::Pending,
        ExceptionState::Accepted,
        ExceptionState::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionState::Pending => "pending",
            ExceptionState::Accepted => "accepted",
            ExceptionState::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<ExceptionState> {
        ExceptionState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// MoHA's decision: accepted or rejected.
    pub fn decided(accept: bool) -> ExceptionState {
        if accept {
            ExceptionState::Accepted
        } else {
            ExceptionState::Rejected
        }
    }
}

crate::stored_name::stored_name!(
    ExceptionState,
    "exception state",
    as_str,
    ExceptionState::parse
);

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

/// Why an action on a list is refused before its own checks (coverage, comment) are looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ListRefusal {
    #[error("this role may not take this action")]
    WrongRole,
    #[error("the list deadline has passed")]
    Locked,
    #[error("not possible in the list's current state")]
    WrongState,
    #[error("the group already meets its rule")]
    GroupMet,
    #[error("the group already has an exception request")]
    AlreadyAsked,
}

impl ListRefusal {
    /// The message key for the refusals that are about the request rather than the list.
    pub fn message_key(self) -> &'static str {
        match self {
            ListRefusal::WrongRole => "error-forbidden",
            ListRefusal::Locked | ListRefusal::WrongState => "rl-wrong-state",
            ListRefusal::GroupMet => "rl-exception-not-needed",
            ListRefusal::AlreadyAsked => "rl-exception-already",
        }
    }
}

/// Whether `role` may change the unit's list now (add, edit, remove, import, ask for a group
/// exception, send it): a unit officer, before the list deadline, while the list is a draft. Every
/// change calls this, and the page asks it which forms to show.
pub fn may_edit(state: ListState, role: Role, open: bool) -> Result<(), ListRefusal> {
    if role != Role::UnitOfficer {
        Err(ListRefusal::WrongRole)
    } else if !open {
        Err(ListRefusal::Locked)
    } else if !state.editable() {
        Err(ListRefusal::WrongState)
    } else {
        Ok(())
    }
}

/// Whether `role` may ask MoHA to accept a group as it is: as for any change of the list, and only
/// for a group that does not meet its rule and has no request yet (pending, accepted or rejected:
/// a decision is not reopened from the unit's side).
pub fn may_ask_exception(
    state: ListState,
    role: Role,
    open: bool,
    group_met: bool,
    existing: Option<ExceptionState>,
) -> Result<(), ListRefusal> {
    may_edit(state, role, open)?;
    if group_met {
        Err(ListRefusal::GroupMet)
    } else if existing.is_some() {
        Err(ListRefusal::AlreadyAsked)
    } else {
        Ok(())
    }
}

/// Whether `role` may review the list now: MoHA staff, once the unit has sent it.
pub fn may_review(state: ListState, role: Role) -> Result<(), ListRefusal> {
    if !role.is_moha() {
        Err(ListRefusal::WrongRole)
    } else if state != ListState::Sent {
        Err(ListRefusal::WrongState)
    } else {
        Ok(())
    }
}

/// Whether `role` may decide a unit's request for a group exception: MoHA staff, while the
/// request is pending.
pub fn may_decide_exception(
    exception_state: ExceptionState,
    role: Role,
) -> Result<(), ListRefusal> {
    if !role.is_moha() {
        Err(ListRefusal::WrongRole)
    } else if exception_state != ExceptionState::Pending {
        Err(ListRefusal::WrongState)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_officer_edits_a_draft_before_the_deadline() {
        assert_eq!(may_edit(ListState::Draft, Role::UnitOfficer, true), Ok(()));
        assert_eq!(
            may_edit(ListState::Draft, Role::UnitOfficer, false),
            Err(ListRefusal::Locked)
        );
        for s in [ListState::Sent, ListState::Accepted] {
            assert_eq!(
                may_edit(s, Role::UnitOfficer, true),
                Err(ListRefusal::WrongState)
            );
        }
        for r in [Role::UnitLeader, Role::UnitViewer, Role::MohaAdmin] {
            assert_eq!(
                may_edit(ListState::Draft, r, true),
                Err(ListRefusal::WrongRole)
            );
        }
    }

    #[test]
    fn exception_states_round_trip_through_their_stored_names() {
        for e in ExceptionState::ALL {
            assert_eq!(ExceptionState::try_from(e.to_string()), Ok(e));
        }
        assert_eq!(
            ExceptionState::try_from("maybe".to_string()),
            Err(crate::stored_name::UnknownName {
                what: "exception state",
                name: "maybe".into()
            })
        );
        assert_eq!(ExceptionState::decided(true), ExceptionState::Accepted);
        assert_eq!(ExceptionState::decided(false), ExceptionState::Rejected);
    }

    #[test]
    fn an_exception_is_asked_once_for_a_group_short_of_its_rule() {
        let ask = |met, existing| {
            may_ask_exception(ListState::Draft, Role::UnitOfficer, true, met, existing)
        };
        assert_eq!(ask(false, None), Ok(()));
        assert_eq!(ask(true, None), Err(ListRefusal::GroupMet));
        for e in ExceptionState::ALL {
            assert_eq!(ask(false, Some(e)), Err(ListRefusal::AlreadyAsked));
        }
        assert_eq!(
            may_ask_exception(ListState::Sent, Role::UnitOfficer, true, false, None),
            Err(ListRefusal::WrongState)
        );
    }

    #[test]
    fn moha_reviews_sent_lists_and_pending_exceptions_only() {
        assert_eq!(may_review(ListState::Sent, Role::MohaAppraiser), Ok(()));
        assert_eq!(
            may_review(ListState::Draft, Role::MohaAdmin),
            Err(ListRefusal::WrongState)
        );
        assert_eq!(
            may_review(ListState::Sent, Role::UnitLeader),
            Err(ListRefusal::WrongRole)
        );
        assert_eq!(
            may_decide_exception(ExceptionState::Pending, Role::MohaAdmin),
            Ok(())
        );
        assert_eq!(
            may_decide_exception(ExceptionState::Accepted, Role::MohaAdmin),
            Err(ListRefusal::WrongState)
        );
        assert_eq!(
            may_decide_exception(ExceptionState::Pending, Role::UnitOfficer),
            Err(ListRefusal::WrongRole)
        );
    }

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
