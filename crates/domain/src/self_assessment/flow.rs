//! The report's life: the officer drafts → sends it to the unit leader → the leader approves it or
//! returns it with a comment → the officer submits the approved report to MoHA, after which it is
//! read-only. Nothing moves after the deadline (MoHA can extend it for one unit).

use crate::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Being filled in by the unit's officers (also after the leader returned it).
    Draft,
    /// Waiting for the unit leader's approval; read-only meanwhile.
    AwaitingApproval,
    /// Approved by the leader, ready to be submitted.
    Approved,
    /// Sent to MoHA: read-only for the unit from now on.
    Submitted,
}

impl State {
    pub const ALL: [State; 4] = [
        State::Draft,
        State::AwaitingApproval,
        State::Approved,
        State::Submitted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::AwaitingApproval => "awaiting_approval",
            State::Approved => "approved",
            State::Submitted => "submitted",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// May scores, explanations and evidence change in this state?
    pub fn editable(self) -> bool {
        self == State::Draft
    }
}

crate::stored_name::stored_name!(State, "self-assessment state", as_str, State::parse);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    SendForApproval,
    Approve,
    Return,
    Submit,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::SendForApproval,
        Action::Approve,
        Action::Return,
        Action::Submit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::SendForApproval => "send",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Submit => "submit",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The unit role that may take this action.
    pub fn role(self) -> Role {
        match self {
            Action::SendForApproval | Action::Submit => Role::UnitOfficer,
            Action::Approve | Action::Return => Role::UnitLeader,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    #[error("this role may not take this action")]
    WrongRole,
    #[error("not possible in the report's current state")]
    WrongState,
    #[error("the deadline has passed")]
    Locked,
    #[error("a returned report needs a comment")]
    CommentRequired,
    #[error("the report is not complete")]
    Incomplete,
}

impl FlowError {
    pub fn message_key(&self) -> &'static str {
        match self {
            FlowError::WrongRole => "error-forbidden",
            FlowError::WrongState => "sa-wrong-state",
            FlowError::Locked => "sa-locked",
            FlowError::CommentRequired => "sa-comment-required",
            FlowError::Incomplete => "sa-incomplete",
        }
    }
}

/// The state after `action`, if `role` may take it now. `complete` says whether every self-assessed
/// leaf is scored and explained where needed; `open` whether the deadline has not passed.
pub fn next(
    state: State,
    action: Action,
    role: Role,
    open: bool,
    complete: bool,
    comment: &str,
) -> Result<State, FlowError> {
    if role != action.role() {
        return Err(FlowError::WrongRole);
    }
    if !open {
        return Err(FlowError::Locked);
    }
    match (state, action) {
        (State::Draft, Action::SendForApproval) if complete => Ok(State::AwaitingApproval),
        (State::Draft, Action::SendForApproval) => Err(FlowError::Incomplete),
        (State::AwaitingApproval, Action::Approve) => Ok(State::Approved),
        (State::AwaitingApproval | State::Approved, Action::Return)
            if comment.trim().chars().count() >= 5 =>
        {
            Ok(State::Draft)
        }
        (State::AwaitingApproval | State::Approved, Action::Return) => {
            Err(FlowError::CommentRequired)
        }
        (State::Approved, Action::Submit) if complete => Ok(State::Submitted),
        (State::Approved, Action::Submit) => Err(FlowError::Incomplete),
        _ => Err(FlowError::WrongState),
    }
}

/// Whether `role` may change the report's scores, explanations, evidence and difficulties now: a
/// unit officer, before the deadline, while the report is a draft. Every save calls this, and the
/// pages ask it whether to show the forms.
pub fn may_edit(state: State, role: Role, open: bool) -> Result<(), FlowError> {
    if role != Role::UnitOfficer {
        Err(FlowError::WrongRole)
    } else if !open {
        Err(FlowError::Locked)
    } else if !state.editable() {
        Err(FlowError::WrongState)
    } else {
        Ok(())
    }
}

/// The actions the report's page offers `role` now: those [`next`] allows in this state before the
/// deadline, leaving aside what the form itself must still carry (a return's comment) and whether
/// the report is complete (the page says what is missing instead).
pub fn offered(state: State, role: Role, open: bool) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| next(state, *a, role, open, true, "a comment long enough").is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_page_offers_exactly_what_next_allows() {
        use Action::*;
        let o = |s, r, open| offered(s, r, open);
        assert_eq!(
            o(State::Draft, Role::UnitOfficer, true),
            vec![SendForApproval]
        );
        assert_eq!(
            o(State::AwaitingApproval, Role::UnitLeader, true),
            vec![Approve, Return]
        );
        assert_eq!(o(State::Approved, Role::UnitLeader, true), vec![Return]);
        assert_eq!(o(State::Approved, Role::UnitOfficer, true), vec![Submit]);
        assert!(o(State::Approved, Role::UnitOfficer, false).is_empty());
        assert!(o(State::Submitted, Role::UnitOfficer, true).is_empty());
        for r in Role::ALL {
            for s in State::ALL {
                for open in [true, false] {
                    if r.is_moha() || r == Role::UnitViewer {
                        assert!(o(s, r, open).is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn only_an_officer_edits_a_draft_before_the_deadline() {
        assert_eq!(may_edit(State::Draft, Role::UnitOfficer, true), Ok(()));
        assert_eq!(
            may_edit(State::Draft, Role::UnitOfficer, false),
            Err(FlowError::Locked)
        );
        assert_eq!(
            may_edit(State::AwaitingApproval, Role::UnitOfficer, true),
            Err(FlowError::WrongState)
        );
        for r in [Role::UnitLeader, Role::UnitViewer, Role::MohaAdmin] {
            assert_eq!(may_edit(State::Draft, r, true), Err(FlowError::WrongRole));
        }
    }

    #[test]
    fn the_happy_path() {
        let s = next(
            State::Draft,
            Action::SendForApproval,
            Role::UnitOfficer,
            true,
            true,
            "",
        )
        .expect("send");
        let s = next(s, Action::Approve, Role::UnitLeader, true, true, "").expect("approve");
        let s = next(s, Action::Submit, Role::UnitOfficer, true, true, "").expect("submit");
        assert_eq!(s, State::Submitted);
        assert!(!s.editable());
    }

    #[test]
    fn the_leader_returns_with_a_comment_only() {
        assert_eq!(
            next(
                State::AwaitingApproval,
                Action::Return,
                Role::UnitLeader,
                true,
                true,
                " "
            ),
            Err(FlowError::CommentRequired)
        );
        assert_eq!(
            next(
                State::AwaitingApproval,
                Action::Return,
                Role::UnitLeader,
                true,
                true,
                "Bổ sung tài liệu"
            ),
            Ok(State::Draft)
        );
        assert_eq!(
            next(
                State::Approved,
                Action::Return,
                Role::UnitLeader,
                true,
                true,
                "Xem lại mục 2.3"
            ),
            Ok(State::Draft)
        );
    }

    #[test]
    fn roles_states_deadline_and_completeness_are_enforced() {
        assert_eq!(
            next(
                State::Draft,
                Action::SendForApproval,
                Role::UnitLeader,
                true,
                true,
                ""
            ),
            Err(FlowError::WrongRole)
        );
        assert_eq!(
            next(
                State::AwaitingApproval,
                Action::Approve,
                Role::UnitOfficer,
                true,
                true,
                ""
            ),
            Err(FlowError::WrongRole)
        );
        assert_eq!(
            next(
                State::Draft,
                Action::Submit,
                Role::UnitOfficer,
                true,
                true,
                ""
            ),
            Err(FlowError::WrongState)
        );
        assert_eq!(
            next(
                State::Draft,
                Action::SendForApproval,
                Role::UnitOfficer,
                true,
                false,
                ""
            ),
            Err(FlowError::Incomplete)
        );
        assert_eq!(
            next(
                State::Approved,
                Action::Submit,
                Role::UnitOfficer,
                false,
                true,
                ""
            ),
            Err(FlowError::Locked)
        );
        assert_eq!(
            next(
                State::Submitted,
                Action::Return,
                Role::UnitLeader,
                true,
                true,
                "mở lại"
            ),
            Err(FlowError::WrongState)
        );
    }

    fn any_state() -> impl Strategy<Value = State> {
        prop::sample::select(State::ALL.to_vec())
    }
    fn any_action() -> impl Strategy<Value = Action> {
        prop::sample::select(Action::ALL.to_vec())
    }
    fn any_role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        /// No sequence of actions leaves a submitted report, or moves anything after the deadline.
        #[test]
        fn submitted_is_final_and_the_lock_holds(
            start in any_state(),
            steps in proptest::collection::vec((any_action(), any_role(), any::<bool>(), any::<bool>()), 0..30),
        ) {
            let mut s = start;
            for (a, r, open, complete) in steps {
                let before = s;
                match next(s, a, r, open, complete, "một lời nhận xét") {
                    Ok(n) => {
                        prop_assert!(open, "moved while locked");
                        prop_assert!(before != State::Submitted, "left the submitted state");
                        s = n;
                    }
                    Err(_) => prop_assert_eq!(s, before),
                }
            }
        }
    }
}
